// Package breakdown analyses a method run's test errors: its accuracy by
// class of command (Accuracy with a Key), and its most frequent wrong
// outputs and kinds of error (TopWrong, Errors), from its predictions
// (outcomes.Prediction, as read from predictions.jsonl.gz or rebuilt from
// outcomes.json).
//
// The classes come from SCAN's grammar (package scan; scan.Parse):
//
//	C → S | S and S | S after S
//	S → V | V twice | V thrice
//	V → x opposite D | x around D | x D | U     (x ∈ U ∪ {turn}, D ∈ {left, right})
//
// and each key below partitions the commands (every command has exactly
// one class under it):
//
//   - Form, the top-level structure: "S" (a single sentence), "S and S",
//     "S after S" (⟦s1 after s2⟧ = ⟦s2⟧⟦s1⟧ reverses the order).
//   - Relation, the relations used by the sentences: "plain" (neither
//     opposite nor around), "opposite", "around", "opposite+around" (one
//     sentence of each; two-sentence commands only).
//   - Repetition, the repetitions used: "once" (neither twice nor thrice),
//     "twice", "thrice", "twice+thrice".
//   - Class, the three together, "Form | Relation | Repetition", for
//     example "S and S | around | twice+thrice": 44 classes.
//   - Template, the finest: the sentences with their primitive written x
//     and their direction D (scan.Structure.Template), 300 classes.
//   - TargetLength(w): the number of target actions in buckets of w,
//     "01-08", "09-16", … (SCAN's targets have 1 to 48 actions).
//   - Phrase(p): whether the command contains the words p in a row, for
//     example the held-out primitive "jump": "with jump", "without jump".
package breakdown
