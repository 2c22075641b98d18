package breakdown

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/internal/scantest"
	"github.com/scan-equitune/equitune/scan"
)

// pred returns the prediction of command c with output out (the target if
// out is "=") and an EOS.
func pred(c, out string) outcomes.Prediction {
	a, err := scan.Interpret(strings.Fields(c))
	if err != nil {
		panic(err)
	}
	t := strings.Join(a, " ")
	if out == "=" {
		out = t
	}
	return outcomes.Prediction{In: c, Target: t, Pred: out, EOS: true}
}

// classes lists every class of each partition key.
var classes = map[string][]string{
	"Form":       {"S", "S and S", "S after S"},
	"Relation":   {"plain", "opposite", "around", "opposite+around"},
	"Repetition": {"once", "twice", "thrice", "twice+thrice"},
}

var keys = map[string]Key{"Form": Form, "Relation": Relation, "Repetition": Repetition}

func TestClassesByHand(t *testing.T) {
	for _, tc := range []struct{ c, form, rel, rep, tmpl string }{
		{"jump", "S", "plain", "once", "x"},
		{"turn left twice", "S", "plain", "twice", "x D twice"},
		{"walk opposite right thrice", "S", "opposite", "thrice", "x opposite D thrice"},
		{"look around left", "S", "around", "once", "x around D"},
		{"run and jump left", "S and S", "plain", "once", "x and x D"},
		{"jump twice and walk opposite left", "S and S", "opposite", "twice", "x twice and x opposite D"},
		{"jump around right thrice after turn opposite left twice", "S after S", "opposite+around", "twice+thrice", "x around D thrice after x opposite D twice"},
		{"run around left after look around right", "S after S", "around", "once", "x around D after x around D"},
		{"walk thrice after run thrice", "S after S", "plain", "thrice", "x thrice after x thrice"},
		{"turn opposite right and look opposite left twice", "S and S", "opposite", "twice", "x opposite D and x opposite D twice"},
	} {
		p := pred(tc.c, "=")
		for _, k := range []struct {
			name string
			key  Key
			want string
		}{
			{"Form", Form, tc.form}, {"Relation", Relation, tc.rel}, {"Repetition", Repetition, tc.rep},
			{"Class", Class, tc.form + " | " + tc.rel + " | " + tc.rep}, {"Template", Template, tc.tmpl},
		} {
			if got, err := k.key(p); err != nil || got != k.want {
				t.Errorf("%s(%q) = %q, %v; want %q", k.name, tc.c, got, err, k.want)
			}
		}
	}
	if _, err := Form(outcomes.Prediction{In: "jump jump"}); !errors.Is(err, scan.ErrMalformed) {
		t.Errorf("Form of a non-command: %v", err)
	}
}

// TestPartitions checks that every SCAN command gets exactly one class of
// each key, one of those listed, and that every listed class occurs; and
// the numbers of classes of Class (41) and Template (300).
func TestPartitions(t *testing.T) {
	seen := map[string]map[string]int{}
	for _, c := range scan.Commands() {
		p := pred(strings.Join(c, " "), "=")
		for name, key := range map[string]Key{"Form": Form, "Relation": Relation, "Repetition": Repetition, "Class": Class, "Template": Template} {
			k, err := key(p)
			if err != nil {
				t.Fatal(err)
			}
			if seen[name] == nil {
				seen[name] = map[string]int{}
			}
			seen[name][k]++
		}
	}
	for name, want := range classes {
		if len(seen[name]) != len(want) {
			t.Errorf("%s has classes %v, want %v", name, seen[name], want)
		}
		for _, k := range want {
			if seen[name][k] == 0 {
				t.Errorf("%s: no command in class %q", name, k)
			}
		}
	}
	if len(seen["Class"]) != 41 || len(seen["Template"]) != 300 {
		t.Errorf("%d classes, %d templates; want 41, 300", len(seen["Class"]), len(seen["Template"]))
	}
}

// checkSplit checks that every test command of a split gets one listed
// class under each key.
func checkSplit(t *testing.T, name string, test []scan.Pair) {
	t.Helper()
	ps := make([]outcomes.Prediction, len(test))
	for i, p := range test {
		ps[i] = pred(strings.Join(p.Command, " "), "=")
	}
	for kn, key := range keys {
		gs, err := Accuracy(ps, key)
		if err != nil {
			t.Fatalf("%s: %s: %v", name, kn, err)
		}
		n := 0
		for _, g := range gs {
			n += g.Commands
			if !contains(classes[kn], g.Key) {
				t.Errorf("%s: %s class %q is not listed", name, kn, g.Key)
			}
		}
		if n != len(test) {
			t.Errorf("%s: %s classes hold %d commands, want %d", name, kn, n, len(test))
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func TestSplitsClassified(t *testing.T) {
	for _, name := range scan.SplitNames() {
		_, test, err := scan.Generate(name, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkSplit(t, name, test)
	}
}

// TestOfficialSplitsClassified runs checkSplit on the official test files.
func TestOfficialSplitsClassified(t *testing.T) {
	dir := scantest.Dir(t)
	for _, name := range scan.SplitNames() {
		if _, _, err := scan.OfficialPaths(name); err != nil {
			continue
		}
		_, test, err := scan.LoadOfficial(dir, name)
		if err != nil {
			t.Fatal(err)
		}
		checkSplit(t, "official "+name, test)
	}
}

func TestTargetLengthAndPhrase(t *testing.T) {
	key := TargetLength(8)
	for _, tc := range []struct {
		c, want string
	}{
		{"jump", "01-08"},                                                // 1 action
		{"jump around left twice", "09-16"},                              // 16
		{"walk left thrice", "01-08"},                                    // 6
		{"look around right thrice and run around left thrice", "41-48"}, // 48
	} {
		if got, _ := key(pred(tc.c, "=")); got != tc.want {
			t.Errorf("TargetLength(8)(%q) = %q, want %q", tc.c, got, tc.want)
		}
	}
	jump, tl := Phrase("jump"), Phrase("turn left")
	for _, tc := range []struct{ c, jump, tl string }{
		{"jump twice", "with jump", "without turn left"},
		{"walk and turn left", "without jump", "with turn left"},
		{"turn opposite left after jump", "with jump", "without turn left"},
	} {
		p := pred(tc.c, "=")
		if g, _ := jump(p); g != tc.jump {
			t.Errorf("Phrase(jump)(%q) = %q", tc.c, g)
		}
		if g, _ := tl(p); g != tc.tl {
			t.Errorf("Phrase(turn left)(%q) = %q", tc.c, g)
		}
	}
}

func TestErrors(t *testing.T) {
	noEOS := pred("jump", "I_JUMP")
	noEOS.EOS = false
	ps := []outcomes.Prediction{
		pred("jump twice", "="),
		pred("jump twice", "I_WALK I_WALK"),                    // replaced
		pred("jump left", "I_TURN_LEFT I_WALK"),                // replaced
		pred("jump left and walk", "I_TURN_LEFT I_LOOK I_RUN"), // same length, other
		pred("jump thrice", "I_WALK I_WALK"),                   // too short
		pred("jump", "I_WALK I_WALK"),                          // too long
		pred("run twice after jump", "I_WALK I_WALK"),          // too short, the most frequent output
		noEOS,
	}
	wantKinds := []string{"", HeldOutReplaced, HeldOutReplaced, SameLength, TooShort, TooLong, TooShort, NoEOS}
	for i, p := range ps {
		if got := ErrorKind(p, "I_JUMP"); got != wantKinds[i] {
			t.Errorf("ErrorKind(%+v) = %q, want %q", p, got, wantKinds[i])
		}
	}
	if got := ErrorKind(ps[1], ""); got != SameLength {
		t.Errorf("no held-out action: %q", got)
	}
	got := Errors(ps, "I_JUMP")
	want := []Group{{Key: HeldOutReplaced, Commands: 2}, {Key: NoEOS, Commands: 1}, {Key: SameLength, Commands: 1},
		{Key: TooLong, Commands: 1}, {Key: TooShort, Commands: 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Errors = %+v, want %+v", got, want)
	}
	top := TopWrong(ps, 2, "I_JUMP")
	wantTop := []WrongOutput{
		{Pred: "I_WALK I_WALK", EOS: true, Count: 4, Example: "jump twice", Kind: HeldOutReplaced},
		{Pred: "I_JUMP", EOS: false, Count: 1, Example: "jump", Kind: NoEOS},
	}
	if !reflect.DeepEqual(top, wantTop) {
		t.Errorf("TopWrong = %+v, want %+v", top, wantTop)
	}
	if n := len(TopWrong(ps, 0, "")); n != 4 {
		t.Errorf("TopWrong(ps, 0) has %d outputs, want 4", n)
	}
	acc, err := Accuracy(ps, Form)
	if err != nil {
		t.Fatal(err)
	}
	wantAcc := []Group{{Key: "S", Commands: 6, Correct: 1}, {Key: "S and S", Commands: 1}, {Key: "S after S", Commands: 1}}
	if !reflect.DeepEqual(acc, wantAcc) || acc[0].Acc() != 1.0/6 {
		t.Errorf("Accuracy by Form = %+v, want %+v", acc, wantAcc)
	}
	if HeldOutAction("jump") != "I_JUMP" || HeldOutAction("turn left") != "I_TURN_LEFT" || HeldOutAction("jump around right") != "" {
		t.Error("HeldOutAction")
	}
}
