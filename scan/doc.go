// Package scan generates the SCAN benchmark (Lake & Baroni, 2018) from its
// grammar, builds its standard splits, reads and writes the official
// "IN: <command> OUT: <actions>" files, and maps words and actions to ids.
//
// The grammar (C is a command, S a sentence, V a verb phrase, D a directed
// primitive, U a primitive):
//
//	C → S and S | S after S | S
//	S → V twice | V thrice | V
//	V → D[1] opposite D[2] | D[1] around D[2] | D | U
//	D → U left | U right | turn left | turn right
//	U → walk | look | run | jump
//
// Its interpretation ⟦·⟧ maps a command to actions:
//
//	⟦walk⟧ = I_WALK, ⟦look⟧ = I_LOOK, ⟦run⟧ = I_RUN, ⟦jump⟧ = I_JUMP, ⟦turn⟧ = ε
//	⟦x left⟧ = I_TURN_LEFT ⟦x⟧          ⟦x right⟧ = I_TURN_RIGHT ⟦x⟧
//	⟦x opposite d⟧ = ⟦turn d⟧ ⟦turn d⟧ ⟦x⟧
//	⟦x around d⟧ = (⟦turn d⟧ ⟦x⟧)⁴
//	⟦s twice⟧ = ⟦s⟧², ⟦s thrice⟧ = ⟦s⟧³
//	⟦s1 and s2⟧ = ⟦s1⟧ ⟦s2⟧, ⟦s1 after s2⟧ = ⟦s2⟧ ⟦s1⟧
//
// Generating every command gives exactly 20,910 (command, actions) pairs.
//
// Generate builds each standard split by name (SplitNames lists them) with a
// rule checked against the official files; LoadOfficial, ReadFile and
// WriteFile read and write the official files; HoldOut sets a validation
// part aside, and the vocabularies (InputVocab, OutputVocab) give every
// token an id, with SOS = 0 and EOS = 1. Package seq2seq encodes pairs with
// them (seq2seq.Encode) for its models. The command scan/cmd/scangen
// exports a split to files.
package scan
