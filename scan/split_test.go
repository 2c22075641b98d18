package scan

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/internal/scantest"
)

// multiset counts the lines of ps.
func multiset(ps []Pair) map[string]int {
	m := map[string]int{}
	for _, p := range ps {
		m[p.String()]++
	}
	return m
}

// diffMultisets describes up to a few differences between got and want.
func diffMultisets(got, want []Pair) string {
	g, w := multiset(got), multiset(want)
	var d []string
	for k, n := range w {
		if g[k] != n {
			d = append(d, k+": got "+itoa(g[k])+", want "+itoa(n))
		}
	}
	for k, n := range g {
		if _, ok := w[k]; !ok {
			d = append(d, k+": got "+itoa(n)+", want 0")
		}
	}
	slices.Sort(d)
	if len(d) > 5 {
		d = append(d[:5], "... and "+itoa(len(d)-5)+" more")
	}
	return strings.Join(d, "\n")
}

func itoa(n int) string { return strconv.Itoa(n) }

var splitCounts = []struct {
	name        string
	train, test int
}{
	{"simple", 16728, 4182},
	{"length", 16990, 3920},
	{"addprim_jump", 14670, 7706},
	{"addprim_turn_left", 21890, 1208},
	{"template_right", 15225, 4476},
	{"template_opposite_right", 15225, 4476},
	{"template_around_right", 15225, 4476},
	{"template_jump_around_right", 18528, 1173},
	{"add_jump", 14670, 7706},
	{"around_right", 15225, 4476},
	{"opposite_right", 15225, 4476},
	{"length_generalization", 16990, 3920},
	{"filler_num0", 15225, 1173},
	{"filler_num1", 16290, 1173},
	{"filler_num2", 17391, 1173},
	{"filler_num3", 18528, 1173},
}

func TestGenerateCounts(t *testing.T) {
	for _, tc := range splitCounts {
		train, test, err := Generate(tc.name, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(train) != tc.train || len(test) != tc.test {
			t.Errorf("%s: got %d train, %d test; want %d, %d", tc.name, len(train), len(test), tc.train, tc.test)
		}
	}
}

func TestGenerateMatchesOfficial(t *testing.T) {
	dir := scantest.Dir(t)
	for _, name := range SplitNames() {
		if name == Simple || strings.HasPrefix(name, "filler_num") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			want, wantTest, err := LoadOfficial(dir, name)
			if err != nil {
				t.Fatalf("SCAN_DIR is set but its %s files are unusable: %v", name, err)
			}
			got, gotTest, err := Generate(name, 0)
			if err != nil {
				t.Fatal(err)
			}
			if d := diffMultisets(got, want); d != "" {
				t.Errorf("train differs from official:\n%s", d)
			}
			if d := diffMultisets(gotTest, wantTest); d != "" {
				t.Errorf("test differs from official:\n%s", d)
			}
		})
	}
}

func TestSplitNames(t *testing.T) {
	ns := SplitNames()
	want := []string{"add_jump", "addprim_jump", "addprim_turn_left", "around_right",
		"filler_num0", "filler_num1", "filler_num2", "filler_num3", "length", "length_generalization",
		"opposite_right", "simple", "template_around_right", "template_jump_around_right",
		"template_opposite_right", "template_right"}
	if !slices.Equal(ns, want) {
		t.Errorf("SplitNames() = %v, want %v", ns, want)
	}
	for _, a := range []struct{ alias, canon string }{
		{"add_jump", "addprim_jump"}, {"around_right", "template_around_right"},
		{"opposite_right", "template_opposite_right"}, {"length_generalization", "length"},
		{"length", "length"},
	} {
		c, err := Canonical(a.alias)
		if err != nil || c != a.canon {
			t.Errorf("Canonical(%q) = %q, %v; want %q", a.alias, c, err, a.canon)
		}
	}
}

func TestGenerateUnknown(t *testing.T) {
	for _, name := range []string{"", "jump", "Simple", "filler_num4", "template_left"} {
		_, _, err := Generate(name, 0)
		if !errors.Is(err, ErrUnknownSplit) {
			t.Errorf("Generate(%q): err = %v, want ErrUnknownSplit", name, err)
			continue
		}
		if !strings.Contains(err.Error(), "addprim_jump") || !strings.Contains(err.Error(), "filler_num3") {
			t.Errorf("Generate(%q): error %q does not list the valid names", name, err)
		}
	}
}

// TestGenerateDeterministic checks that every split is a function of its name
// and seed, and that aliases give their canonical split.
func TestGenerateDeterministic(t *testing.T) {
	for _, name := range SplitNames() {
		c, _ := Canonical(name)
		tr1, te1, _ := Generate(name, 7)
		tr2, te2, _ := Generate(c, 7)
		if !slices.EqualFunc(tr1, tr2, pairEqual) || !slices.EqualFunc(te1, te2, pairEqual) {
			t.Errorf("%s: two calls with seed 7 differ", name)
		}
	}
}

func pairEqual(a, b Pair) bool {
	return slices.Equal(a.Command, b.Command) && slices.Equal(a.Actions, b.Actions)
}

func TestSimpleSplit(t *testing.T) {
	train, test, err := Generate(Simple, 42)
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 16728 || len(test) != 4182 {
		t.Fatalf("got %d/%d, want 16728/4182", len(train), len(test))
	}
	seen := multiset(train)
	for k, n := range multiset(test) {
		if seen[k] > 0 {
			t.Fatalf("%q is in train and test", k)
		}
		seen[k] += n
	}
	all := multiset(All())
	if len(seen) != len(all) {
		t.Fatalf("union has %d distinct pairs, want %d", len(seen), len(all))
	}
	for k, n := range seen {
		if n != 1 || all[k] != 1 {
			t.Fatalf("%q: %d times in union, %d in All", k, n, all[k])
		}
	}
	_, other, _ := Generate(Simple, 43)
	if slices.EqualFunc(test, other, pairEqual) {
		t.Error("seeds 42 and 43 give the same test set")
	}
}

// TestFillerSplits checks that the filler training sets grow with K, from
// template_around_right's to template_jump_around_right's, and never meet the
// test set.
func TestFillerSplits(t *testing.T) {
	jarTrain, jarTest, _ := Generate(TemplateJumpAroundRight, 0)
	arTrain, _, _ := Generate(TemplateAroundRight, 0)
	prev := multiset(arTrain)
	for k, name := range []string{"filler_num0", "filler_num1", "filler_num2", "filler_num3"} {
		train, test, _ := Generate(name, 0)
		if !slices.EqualFunc(test, jarTest, pairEqual) {
			t.Errorf("%s: test differs from template_jump_around_right's", name)
		}
		cur := multiset(train)
		for p := range prev {
			if cur[p] == 0 {
				t.Errorf("%s: train lacks %q of the previous filler split", name, p)
				break
			}
		}
		for _, p := range train {
			if contains(p.Command, "jump", "around", "right") || contains(p.Command, "turn", "around", "right") {
				t.Fatalf("%s: train has %q", name, p)
			}
			for _, x := range fillers[k:] {
				if contains(p.Command, x, "around", "right") {
					t.Fatalf("%s: train has %q with filler %s", name, p, x)
				}
			}
		}
		prev = cur
	}
	if d := diffMultisets(jarTrain, mustTrain(t, "filler_num3")); d != "" {
		t.Errorf("filler_num3 train differs from template_jump_around_right:\n%s", d)
	}
	if d := diffMultisets(arTrain, mustTrain(t, "filler_num0")); d != "" {
		t.Errorf("filler_num0 train differs from template_around_right:\n%s", d)
	}
}

func mustTrain(t *testing.T, name string) []Pair {
	t.Helper()
	train, _, err := Generate(name, 0)
	if err != nil {
		t.Fatal(err)
	}
	return train
}

// TestSizes: Sizes gives the sizes of Generate's sets, under any seed.
func TestSizes(t *testing.T) {
	for _, name := range SplitNames() {
		for _, seed := range []uint64{0, 7} {
			train, test, _ := Generate(name, seed)
			n, m, err := Sizes(name)
			if err != nil || n != len(train) || m != len(test) {
				t.Errorf("Sizes(%q) = %d, %d, %v; Generate with seed %d gives %d, %d", name, n, m, err, seed, len(train), len(test))
			}
		}
	}
	if _, _, err := Sizes("jump"); !errors.Is(err, ErrUnknownSplit) {
		t.Errorf("Sizes(\"jump\"): err = %v, want ErrUnknownSplit", err)
	}
}
