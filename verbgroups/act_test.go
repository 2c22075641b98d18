package verbgroups

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/scan"
)

func TestActIn(t *testing.T) {
	must := mustFor(t)
	in := scan.InputVocab()
	for _, tc := range []struct {
		group string
		i     int
		cmd   string
		want  string
	}{
		{"identity", 0, "jump twice and run left", "jump twice and run left"},
		{"verb", 1, "jump twice and run left", "run twice and jump left"},
		{"direction", 1, "jump around left after turn right", "jump around right after turn left"},
		{"verb4", 1, "walk and look after run thrice and jump", "look and run after jump thrice and walk"},
		{"verb4", 3, "walk and look after run thrice and jump", "jump and walk after look thrice and run"},
		{"verb×direction", 3, "jump left and walk right", "run right and walk left"},
	} {
		g := must(ByName(tc.group))
		src, err := in.Encode(strings.Fields(tc.cmd))
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]int, len(src))
		g.Element(tc.i).ActIn(dst, src)
		if got := strings.Join(in.Decode(dst), " "); got != tc.want {
			t.Errorf("%s element %d · %q = %q, want %q", tc.group, tc.i, tc.cmd, got, tc.want)
		}
		if dst[len(dst)-1] != scan.EOS {
			t.Errorf("%s element %d moved EOS", tc.group, tc.i)
		}
		if got := strings.Join(g.ActWords(tc.i, strings.Fields(tc.cmd)), " "); got != tc.want {
			t.Errorf("%s ActWords(%d, %q) = %q, want %q", tc.group, tc.i, tc.cmd, got, tc.want)
		}
		g.Element(tc.i).ActIn(src, src) // in place
		if !slices.Equal(src, dst) {
			t.Errorf("%s element %d: in-place ActIn %v, want %v", tc.group, tc.i, src, dst)
		}
		g.Inverse(tc.i).ActIn(src, src)
		if got := strings.Join(in.Decode(src), " "); got != tc.cmd {
			t.Errorf("%s element %d: g⁻¹·g·x = %q, want %q", tc.group, tc.i, got, tc.cmd)
		}
	}
}

func TestActOut(t *testing.T) {
	must := mustFor(t)
	out := scan.OutputVocab()
	for _, tc := range []struct {
		group string
		i     int
		acts  string
		want  string
	}{
		{"verb", 1, "I_TURN_LEFT I_JUMP I_RUN I_WALK", "I_TURN_LEFT I_RUN I_JUMP I_WALK"},
		{"direction", 1, "I_TURN_LEFT I_JUMP I_TURN_RIGHT", "I_TURN_RIGHT I_JUMP I_TURN_LEFT"},
		{"verb4", 1, "I_WALK I_LOOK I_RUN I_JUMP", "I_LOOK I_RUN I_JUMP I_WALK"},
		{"verb4", 2, "I_WALK I_LOOK I_TURN_LEFT", "I_RUN I_JUMP I_TURN_LEFT"},
	} {
		g := must(ByName(tc.group))
		src, err := out.Encode(strings.Fields(tc.acts))
		if err != nil {
			t.Fatal(err)
		}
		src = append([]int{scan.SOS}, src...)
		dst := make([]int, len(src))
		g.Element(tc.i).ActOut(dst, src)
		if dst[0] != scan.SOS || dst[len(dst)-1] != scan.EOS {
			t.Errorf("%s element %d moved SOS or EOS: %v", tc.group, tc.i, dst)
		}
		if got := strings.Join(out.Decode(dst[1:]), " "); got != tc.want {
			t.Errorf("%s element %d · %q = %q, want %q", tc.group, tc.i, tc.acts, got, tc.want)
		}
		if got := strings.Join(g.ActActions(tc.i, strings.Fields(tc.acts)), " "); got != tc.want {
			t.Errorf("%s ActActions(%d, %q) = %q, want %q", tc.group, tc.i, tc.acts, got, tc.want)
		}
	}
}

func TestPermuteScores(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, g := range lawGroups(t) {
		_, out := g.Vocabs()
		V := out.Size()
		const rows = 5
		src := make([]float64, rows*V)
		for k := range src {
			src[k] = rnd.NormFloat64()
		}
		for i, e := range g.Elements() {
			dst := make([]float64, len(src))
			e.PermuteScores(dst, src, V)
			// (g·p)[g·v] = p[v].
			for r := range rows {
				for v := range V {
					if dst[r*V+e.Out[v]] != src[r*V+v] {
						t.Fatalf("%s element %d: (g·p)[%d][g·%d] ≠ p[%d][%d]", g.Name(), i, r, v, r, v)
					}
				}
			}
			// In place agrees with out of place.
			inPlace := slices.Clone(src)
			e.PermuteScores(inPlace, inPlace, V)
			if !slices.Equal(inPlace, dst) {
				t.Errorf("%s element %d: in-place PermuteScores differs", g.Name(), i)
			}
			// g⁻¹·(g·p) = p, out of place and in place.
			back := make([]float64, len(src))
			g.Inverse(i).PermuteScores(back, dst, V)
			g.Inverse(i).PermuteScores(inPlace, inPlace, V)
			if !slices.Equal(back, src) || !slices.Equal(inPlace, src) {
				t.Errorf("%s element %d: g⁻¹·(g·p) ≠ p", g.Name(), i)
			}
			// Permuting scores and taking the argmax commutes: the most
			// likely token of g·p is g applied to that of p.
			if want, got := e.Out[argmax(src[:V])], argmax(dst[:V]); got != want {
				t.Errorf("%s element %d: argmax(g·p) = %d, want g·argmax(p) = %d", g.Name(), i, got, want)
			}
		}
	}
}

func argmax(s []float64) int {
	best := 0
	for k, x := range s {
		if x > s[best] {
			best = k
		}
	}
	return best
}

func TestActPanics(t *testing.T) {
	e := mustFor(t)(ByName("verb")).Element(1)
	V := len(e.Out)
	for name, f := range map[string]func(){
		"ActIn length":         func() { e.ActIn(make([]int, 2), make([]int, 3)) },
		"ActOut length":        func() { e.ActOut(make([]int, 3), make([]int, 2)) },
		"PermuteScores V":      func() { e.PermuteScores(make([]float64, 2*V), make([]float64, 2*V), V+1) },
		"PermuteScores ragged": func() { e.PermuteScores(make([]float64, V+1), make([]float64, V+1), V) },
		"PermuteScores dst":    func() { e.PermuteScores(make([]float64, V), make([]float64, 2*V), V) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func BenchmarkActIn(b *testing.B) {
	e := mustFor(b)(ByName("verb4")).Element(1)
	src, err := scan.InputVocab().Encode(strings.Fields("jump around left twice and walk opposite right thrice"))
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]int, len(src))
	b.ReportAllocs()
	for b.Loop() {
		e.ActIn(dst, src)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/token")
}

func BenchmarkPermuteScores(b *testing.B) {
	g := mustFor(b)(ByName("verb×direction"))
	e := g.Inverse(3)
	V := len(e.Out)
	const rows = 64 // a batch of next-action distributions
	src, dst := make([]float64, rows*V), make([]float64, rows*V)
	for _, inPlace := range []bool{false, true} {
		name := "dst"
		if inPlace {
			name, dst = "inplace", src
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.PermuteScores(dst, src, V)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}
