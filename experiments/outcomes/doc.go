// Package outcomes stores what a method run got right and wrong on its test
// commands compactly enough to commit beside its result.json: the file
// outcomes.json (Record) holds which commands were right as a bitset and
// each distinct wrong output once, with the commands that produced it. With
// the run's test commands (scan.Generate's test set, in its order) it gives
// back every prediction (Record.Predictions), so error analyses and paired
// statistics can be recomputed without the large, uncommitted
// predictions.jsonl.gz.
//
// The file, for n test commands (an example with n = 10):
//
//	{
//	  "format": "scan-outcomes/1",
//	  "commands": 10,
//	  "commands_sha256": "<hex SHA-256 of the commands, each followed by \n>",
//	  "correct": 7,
//	  "correct_bits": "ewM=",
//	  "actions": "I_WALK=W I_LOOK=L I_RUN=R I_JUMP=J I_TURN_LEFT=l I_TURN_RIGHT=r",
//	  "wrong": [
//	["lJlJ",[2,9]],
//	["W-",[7]]
//	]
//	}
//
// correct_bits is the standard base64 of ⌈n/8⌉ bytes, command i being bit
// i mod 8 (least significant first) of byte ⌊i/8⌋. Each line of "wrong"
// is one distinct wrong output and the increasing indices of the commands
// that produced it; the output is written as its actions up to the first
// EOS, one letter each as "actions" says, followed by "-" if it had no EOS
// at all. A model can also output the decoder's start token, SOS; a record
// with such an output has " SOS=S" at the end of "actions", and no other
// record has it, so files without one are unchanged. The lines are sorted
// by decreasing number of commands, then by output.
package outcomes
