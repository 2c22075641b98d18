package verbgroups

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/internal/scantest"
	"github.com/scan-equitune/equitune/scan"
)

// commands returns the commands of ps.
func commands(ps []scan.Pair) [][]string {
	cs := make([][]string, len(ps))
	for i, p := range ps {
		cs[i] = p.Command
	}
	return cs
}

// canonicalSplits returns every canonical split name.
func canonicalSplits() []string {
	var ns []string
	for _, n := range scan.SplitNames() {
		if c, _ := scan.Canonical(n); c == n {
			ns = append(ns, n)
		}
	}
	return ns
}

// splitCommands returns the training and test commands of a split (seed 0).
func splitCommands(t *testing.T, split string) (train, test [][]string) {
	t.Helper()
	tr, te, err := scan.Generate(split, 0)
	if err != nil {
		t.Fatal(err)
	}
	return commands(tr), commands(te)
}

// TestCoverageTrivial checks that the trivial group covers exactly the
// held-out commands found in train, counted here with a set of joined
// strings, and that no split's test commands are among its training ones.
func TestCoverageTrivial(t *testing.T) {
	e := mustFor(t)(ByName("identity"))
	for _, split := range canonicalSplits() {
		train, test := splitCommands(t, split)
		seen := map[string]bool{}
		for _, c := range train {
			seen[strings.Join(c, " ")] = true
		}
		// A held-out set that overlaps train: the test set and every tenth
		// training command.
		held := slices.Clone(test)
		for i := 0; i < len(train); i += 10 {
			held = append(held, train[i])
		}
		want := 0
		for _, c := range held {
			if seen[strings.Join(c, " ")] {
				want++
			}
		}
		if got := e.Coverage(train, held); got != (Coverage{Covered: want, Total: len(held)}) {
			t.Errorf("%s: identity coverage of test + every tenth train command = %+v, want %d of %d", split, got, want, len(held))
		}
		if got := e.Coverage(train, test); got.Covered != 0 || got.Total != len(test) {
			t.Errorf("%s: identity coverage of test = %+v, want 0 of %d", split, got, len(test))
		}
	}
}

// TestCoverageMonotone checks on every split that a subgroup covers no more
// test commands than a group containing it, for every pair of built-in
// groups, verb4×direction and walk↔look where one contains the other.
func TestCoverageMonotone(t *testing.T) {
	must := mustFor(t)
	var gs []*Group
	for _, n := range Names() {
		gs = append(gs, must(ByName(n)))
	}
	gs = append(gs, must(Product(must(ByName("verb4")), must(ByName("direction")))),
		must(Cyclic("walk-look", []string{"walk", "look"}, []string{"I_WALK", "I_LOOK"})))
	var pairs [][2]*Group // (subgroup, group)
	for _, h := range gs {
		for _, g := range gs {
			if h != g && subgroup(h, g) {
				pairs = append(pairs, [2]*Group{h, g})
			}
		}
	}
	if len(pairs) < 10 {
		t.Fatalf("only %d subgroup pairs", len(pairs))
	}
	for _, split := range canonicalSplits() {
		train, test := splitCommands(t, split)
		cov := map[*Group]Coverage{}
		for _, g := range gs {
			cov[g] = g.Coverage(train, test)
		}
		for _, p := range pairs {
			if h, g := cov[p[0]], cov[p[1]]; h.Covered > g.Covered {
				t.Errorf("%s: %s ≤ %s but covers %d > %d", split, p[0].Name(), p[1].Name(), h.Covered, g.Covered)
			}
		}
	}
}

// subgroup reports whether every element of h is an element of g.
func subgroup(h, g *Group) bool {
	for _, e := range h.Elements() {
		if _, ok := g.Index(e); !ok {
			return false
		}
	}
	return true
}

// TestCoverageKnown checks coverages whose answer follows from the split's
// rule. length: a group permutes words and actions one for one, so g·c has
// as many actions as c and stays in test; nothing is covered.
// addprim_jump: train holds every command without "jump", so verb4 (which
// maps jump to another verb while at most one other primitive is present)
// covers every test command, verb covers those without "run", and
// direction none. template_around_right: direction covers a test command
// exactly when it has no "around left" (else g·c has "x around right").
func TestCoverageKnown(t *testing.T) {
	must := mustFor(t)
	without := func(words ...string) func([]string) bool {
		return func(c []string) bool {
			return !slices.ContainsFunc(words, func(w string) bool { return slices.Contains(c, w) })
		}
	}
	aroundLeft := func(c []string) bool {
		for i := 0; i+1 < len(c); i++ {
			if c[i] == "around" && c[i+1] == "left" {
				return false
			}
		}
		return true
	}
	all := func([]string) bool { return true }
	none := func([]string) bool { return false }
	type known struct {
		split, group string
		covered      func([]string) bool
	}
	cases := []known{
		{"addprim_jump", "verb4", all},
		{"addprim_jump", "verb", without("run")},
		{"addprim_jump", "verb×direction", without("run")},
		{"addprim_jump", "direction", none},
		{"addprim_jump", "identity", none},
		{"template_around_right", "direction", aroundLeft},
		{"template_around_right", "verb4", none},
	}
	for _, n := range Names() {
		cases = append(cases, known{"length", n, none})
	}
	for _, tc := range cases {
		train, test := splitCommands(t, tc.split)
		want := 0
		for _, c := range test {
			if tc.covered(c) {
				want++
			}
		}
		got := must(ByName(tc.group)).Coverage(train, test)
		if got.Covered != want || got.Total != len(test) {
			t.Errorf("%s under %s: coverage %+v, want %d of %d", tc.split, tc.group, got, want, len(test))
		}
	}
}

// TestCoverageOfficial counts the coverage of add_jump under verb and of
// around_right under direction from the official files in $SCAN_DIR, by
// swapping words in the text of each test line, and compares it with
// Coverage on the generated splits.
func TestCoverageOfficial(t *testing.T) {
	dir := scantest.Dir(t)
	for _, tc := range []struct {
		split, group, dir, file string
		swap                    [2]string
		want                    int // the count of this test when written
	}{
		{"addprim_jump", "verb", "add_prim_split", "addprim_jump", [2]string{"jump", "run"}, 5942},
		{"template_around_right", "direction", "template_split", "template_around_right", [2]string{"left", "right"}, 3756},
	} {
		train := officialCommands(t, filepath.Join(dir, tc.dir, "tasks_train_"+tc.file+".txt"))
		test := officialCommands(t, filepath.Join(dir, tc.dir, "tasks_test_"+tc.file+".txt"))
		inTrain := map[string]bool{}
		for _, c := range train {
			inTrain[c] = true
		}
		covered := 0
		for _, c := range test {
			w := strings.Fields(c)
			for i := range w {
				switch w[i] {
				case tc.swap[0]:
					w[i] = tc.swap[1]
				case tc.swap[1]:
					w[i] = tc.swap[0]
				}
			}
			if inTrain[c] || inTrain[strings.Join(w, " ")] {
				covered++
			}
		}
		gtrain, gtest := splitCommands(t, tc.split)
		got := mustFor(t)(ByName(tc.group)).Coverage(gtrain, gtest)
		if got.Covered != covered || got.Total != len(test) || covered != tc.want {
			t.Errorf("%s under %s: Coverage %+v; official files: %d of %d; recorded: %d",
				tc.split, tc.group, got, covered, len(test), tc.want)
		}
	}
}

// officialCommands returns the command of each line "IN: c OUT: a" of an
// official SCAN file, failing t if the file is unreadable or a line is not
// of that form.
func officialCommands(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("SCAN_DIR is set but unusable: %v", err)
	}
	defer f.Close()
	var cs []string
	s := bufio.NewScanner(f)
	for n := 1; s.Scan(); n++ {
		rest, ok := strings.CutPrefix(s.Text(), "IN: ")
		c, _, ok2 := strings.Cut(rest, " OUT: ")
		if !ok || !ok2 {
			t.Fatalf("%s:%d: not an IN: … OUT: … line", path, n)
		}
		cs = append(cs, c)
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return cs
}
