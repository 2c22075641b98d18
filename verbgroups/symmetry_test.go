package verbgroups

import (
	"errors"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/scan"
)

func TestCheckSCAN(t *testing.T) {
	must := mustFor(t)
	for _, name := range Names() {
		if err := must(ByName(name)).CheckSCAN(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	verb4 := must(ByName("verb4"))
	for _, g := range []*Group{
		must(Product(verb4, must(ByName("direction")))),
		must(Cyclic("walk-look", []string{"walk", "look"}, []string{"I_WALK", "I_LOOK"})),
	} {
		if err := g.CheckSCAN(); err != nil {
			t.Errorf("%s: %v", g.Name(), err)
		}
	}
}

func TestCheckSCANFails(t *testing.T) {
	must := mustFor(t)
	for _, tc := range []struct {
		g    *Group
		want []string // substrings of the error
	}{
		{
			must(Cyclic("jump-walk", []string{"jump", "walk"}, []string{"I_JUMP", "I_RUN"})),
			[]string{`group "jump-walk" is not a symmetry`, `g = (jump walk)(I_JUMP I_RUN)`,
				`c = "walk left"`, `g·c = "jump left"`, `⟦g·c⟧ = "I_TURN_LEFT I_JUMP"`, `g·⟦c⟧ = "I_TURN_LEFT I_WALK"`},
		},
		{
			must(Cyclic("turn-walk", []string{"turn", "walk"}, []string{"I_WALK", "I_LOOK"})),
			[]string{`g = (turn walk)(I_WALK I_LOOK)`, `c = "walk left"`, `g·c = "turn left"`,
				`⟦g·c⟧ = "I_TURN_LEFT"`, `g·⟦c⟧ = "I_TURN_LEFT I_LOOK"`},
		},
		{
			must(Cyclic("turn-left", []string{"turn", "walk"}, []string{"I_TURN_LEFT", "I_WALK"})),
			[]string{`c = "walk left"`, `⟦g·c⟧ = "I_TURN_LEFT"`, `g·⟦c⟧ = "I_WALK I_TURN_LEFT"`},
		},
		{
			must(Cyclic("left-jump", []string{"left", "right"}, []string{"I_JUMP", "I_RUN"})),
			[]string{`c = "walk left"`, `g·c = "walk right"`, `⟦g·c⟧ = "I_TURN_RIGHT I_WALK"`, `g·⟦c⟧ = "I_TURN_LEFT I_WALK"`},
		},
		{
			must(Cyclic("twice-thrice", []string{"twice", "thrice"}, []string{"I_WALK", "I_LOOK"})),
			[]string{`c = "walk left"`, `g·c = "walk left"`, `g·⟦c⟧ = "I_TURN_LEFT I_LOOK"`},
		},
		{
			must(Cyclic("and-twice", []string{"and", "twice"}, []string{"I_WALK", "I_LOOK"})),
			[]string{`c = "walk left"`, `g·⟦c⟧ = "I_TURN_LEFT I_LOOK"`},
		},
		{
			must(Product(must(ByName("direction")),
				must(Cyclic("bad", []string{"walk", "look", "run"}, []string{"I_WALK", "I_RUN", "I_LOOK"})))),
			[]string{`group "direction×bad"`, `g = (walk look run)(I_WALK I_RUN I_LOOK)`, `c = "walk left"`,
				`g·c = "look left"`, `⟦g·c⟧ = "I_TURN_LEFT I_LOOK"`, `g·⟦c⟧ = "I_TURN_LEFT I_RUN"`},
		},
	} {
		err := tc.g.CheckSCAN()
		if !errors.Is(err, ErrNotSymmetry) {
			t.Errorf("%s: CheckSCAN() = %v, want ErrNotSymmetry", tc.g.Name(), err)
			continue
		}
		for _, s := range tc.want {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q does not contain %q", tc.g.Name(), err, s)
			}
		}
	}
}

func TestCheckSymmetryUndefined(t *testing.T) {
	g := mustFor(t)(Cyclic("and-twice", []string{"and", "twice"}, []string{"I_LOOK", "I_RUN"}))
	err := g.CheckSymmetry([][]string{{"walk", "and", "walk"}}, scan.Interpret)
	want := `verbgroups: group "and-twice" is not a symmetry: g = (and twice)(I_LOOK I_RUN), ` +
		`c = "walk and walk", g·c = "walk twice walk", ⟦g·c⟧ = undefined (scan: "walk twice walk" is not a verb phrase of the SCAN grammar), ` +
		`g·⟦c⟧ = "I_WALK I_WALK"`
	if !errors.Is(err, ErrNotSymmetry) || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestCheckSymmetryBadCommand(t *testing.T) {
	g := mustFor(t)(ByName("verb"))
	err := g.CheckSymmetry([][]string{{"jump"}, {"jump", "jump"}}, scan.Interpret)
	if err == nil || errors.Is(err, ErrNotSymmetry) || !strings.Contains(err.Error(), `command 1 "jump jump"`) {
		t.Errorf("CheckSymmetry on an ungrammatical command: %v", err)
	}
}

func BenchmarkCheckSCAN(b *testing.B) {
	g := mustFor(b)(ByName("verb×direction"))
	cmds := scan.Commands()
	b.ReportAllocs()
	for b.Loop() {
		if err := g.CheckSymmetry(cmds, scan.Interpret); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cmds)*g.Order()), "ns/check")
}
