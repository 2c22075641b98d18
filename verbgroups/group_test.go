package verbgroups

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/scan-equitune/equitune/scan"
)

// mustFor returns a function that fails t on a non-nil error.
func mustFor(t testing.TB) func(*Group, error) *Group {
	return func(g *Group, err error) *Group {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
}

// lawGroups returns the groups whose laws are tested: every built-in group,
// products, and a group bound to a larger vocabulary.
func lawGroups(t *testing.T) []*Group {
	must := mustFor(t)
	var gs []*Group
	for _, name := range Names() {
		gs = append(gs, must(ByName(name)))
	}
	verb4 := must(ByName("verb4"))
	dir := must(ByName("direction"))
	tri := must(Cyclic("tri", []string{"walk", "look", "run"}, []string{"I_WALK", "I_LOOK", "I_RUN"}))
	gs = append(gs,
		must(Product(verb4, dir)),
		must(Product(dir, verb4)),
		must(Product(tri, dir)),
		must(Product(must(Product(tri, dir)), must(ByName("identity")))),
	)
	in := scan.NewVocab(append([]string{"PAD"}, scan.Words...))
	out := scan.NewVocab(append(slices.Clone(scan.Actions), "PAD"))
	gs = append(gs, must(gs[len(gs)-2].Bind(in, out)))
	return gs
}

func isIdentity(p []int) bool {
	for i, v := range p {
		if i != v {
			return false
		}
	}
	return true
}

func equal(a, b Element) bool { return slices.Equal(a.In, b.In) && slices.Equal(a.Out, b.Out) }

func TestGroupLaws(t *testing.T) {
	for _, g := range lawGroups(t) {
		es := g.Elements()
		if g.Order() != len(es) || g.Order() < 1 {
			t.Fatalf("%s: Order() = %d, %d elements", g.Name(), g.Order(), len(es))
		}
		if e := g.Identity(); !isIdentity(e.In) || !isIdentity(e.Out) || !equal(e, es[0]) {
			t.Errorf("%s: identity is not element 0 or not the identity: %v", g.Name(), e)
		}
		in, out := g.Vocabs()
		moved, movedActs := moved(g.cycles)
		for i, e := range es {
			if len(e.In) != in.Size() || len(e.Out) != out.Size() {
				t.Fatalf("%s: element %d has sizes %d, %d", g.Name(), i, len(e.In), len(e.Out))
			}
			for _, p := range [][]int{e.In, e.Out} {
				if s := slices.Sorted(slices.Values(p)); !isIdentity(s) {
					t.Errorf("%s: element %d: %v is not a permutation", g.Name(), i, p)
				}
			}
			for id, gid := range e.In {
				if !moved[in.Token(id)] && gid != id {
					t.Errorf("%s: element %d moves fixed input token %s", g.Name(), i, in.Token(id))
				}
			}
			for id, gid := range e.Out {
				if !movedActs[out.Token(id)] && gid != id {
					t.Errorf("%s: element %d moves fixed output token %s", g.Name(), i, out.Token(id))
				}
			}
			if k, ok := g.Index(e); !ok || k != i {
				t.Errorf("%s: Index(element %d) = %d, %t", g.Name(), i, k, ok)
			}
			// Identity.
			if !equal(Compose(es[0], e), e) || !equal(Compose(e, es[0]), e) {
				t.Errorf("%s: identity law fails for element %d", g.Name(), i)
			}
			// Inverses.
			inv := g.Inverse(i)
			if !equal(Compose(e, inv), es[0]) || !equal(Compose(inv, e), es[0]) {
				t.Errorf("%s: Inverse(%d) = %s is not the inverse", g.Name(), i, g.ElementString(g.InverseIndex(i)))
			}
			if g.InverseIndex(g.InverseIndex(i)) != i {
				t.Errorf("%s: (g⁻¹)⁻¹ ≠ g for element %d", g.Name(), i)
			}
			for j, f := range es {
				// Closure, and Mul agrees with Compose.
				k, ok := g.Index(Compose(e, f))
				if !ok {
					t.Fatalf("%s: element %d ∘ element %d is not in the group", g.Name(), i, j)
				}
				if m := g.Mul(i, j); m != k {
					t.Errorf("%s: Mul(%d, %d) = %d, want %d", g.Name(), i, j, m, k)
				}
				if i != j && equal(e, f) {
					t.Errorf("%s: elements %d and %d are equal", g.Name(), i, j)
				}
				// Associativity.
				for l, h := range es {
					if !equal(Compose(Compose(e, f), h), Compose(e, Compose(f, h))) ||
						g.Mul(g.Mul(i, j), l) != g.Mul(i, g.Mul(j, l)) {
						t.Errorf("%s: associativity fails for %d, %d, %d", g.Name(), i, j, l)
					}
				}
			}
		}
	}
}

func TestOrders(t *testing.T) {
	for _, tc := range []struct {
		name  string
		order int
	}{
		{"identity", 1}, {"verb", 2}, {"direction", 2}, {"verb4", 4},
		{"verb×direction", 4}, {"verb*direction", 4}, {"verbxdirection", 4},
	} {
		g, err := ByName(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if g.Order() != tc.order {
			t.Errorf("%s: order %d, want %d", tc.name, g.Order(), tc.order)
		}
	}
	if g := mustFor(t)(ByName("verb*direction")); g.Name() != "verb×direction" {
		t.Errorf("alias gives name %q", g.Name())
	}
	if _, err := ByName("verbs"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ByName(verbs): %v, want ErrInvalid", err)
	}
}

func TestVerb4Inverse(t *testing.T) {
	must := mustFor(t)
	g := must(ByName("verb4"))
	in, out := g.Vocabs()
	id := func(v *scan.Vocab, tok string) int { i, _ := v.ID(tok); return i }
	for _, tc := range []struct {
		i, inv int
		str    string
	}{
		{0, 0, "e"},
		{1, 3, "(walk look run jump)(I_WALK I_LOOK I_RUN I_JUMP)"},
		{2, 2, "(walk run)(look jump)(I_WALK I_RUN)(I_LOOK I_JUMP)"},
		{3, 1, "(walk jump run look)(I_WALK I_JUMP I_RUN I_LOOK)"},
	} {
		if got := g.InverseIndex(tc.i); got != tc.inv {
			t.Errorf("InverseIndex(%d) = %d, want %d", tc.i, got, tc.inv)
		}
		if got := g.ElementString(tc.i); got != tc.str {
			t.Errorf("ElementString(%d) = %q, want %q", tc.i, got, tc.str)
		}
	}
	gen, inv := g.Element(1), g.Inverse(1)
	if equal(gen, inv) {
		t.Fatal("generator of verb4 equals its inverse")
	}
	if gen.In[id(in, "walk")] != id(in, "look") || inv.In[id(in, "look")] != id(in, "walk") ||
		gen.Out[id(out, "I_JUMP")] != id(out, "I_WALK") || inv.Out[id(out, "I_WALK")] != id(out, "I_JUMP") {
		t.Errorf("generator %v, inverse %v", gen, inv)
	}
	// The generator has order 4.
	p, n := gen, 1
	for !equal(p, g.Identity()) {
		p, n = Compose(gen, p), n+1
	}
	if n != 4 {
		t.Errorf("generator has order %d, want 4", n)
	}
}

func TestProductErrors(t *testing.T) {
	must := mustFor(t)
	verb := must(ByName("verb"))
	for _, tc := range []struct {
		h    *Group
		want string
	}{
		{must(ByName("verb4")), `word "run" is moved by both verb and verb4`},
		{must(Cyclic("x", []string{"walk", "look"}, []string{"I_JUMP", "I_WALK"})), `action "I_JUMP" is moved by both verb and x`},
	} {
		_, err := Product(verb, tc.h)
		if !errors.Is(err, ErrInvalid) || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
			t.Errorf("Product(verb, %s): %v, want %q", tc.h.Name(), err, tc.want)
		}
	}
}

func TestBind(t *testing.T) {
	must := mustFor(t)
	g := must(ByName("verb"))
	if _, err := g.Bind(scan.NewVocab([]string{"walk", "run"}), scan.OutputVocab()); !errors.Is(err, ErrInvalid) {
		t.Errorf("Bind to a vocabulary without jump: %v, want ErrInvalid", err)
	}
	in := scan.NewVocab([]string{"run", "x", "jump"})
	out := scan.NewVocab([]string{"I_RUN", "I_JUMP"})
	b := must(g.Bind(in, out))
	if want := (Element{In: []int{0, 1, 4, 3, 2}, Out: []int{0, 1, 3, 2}}); !equal(b.Element(1), want) {
		t.Errorf("bound element %v, want %v", b.Element(1), want)
	}
}

func TestSpecRoundTrip(t *testing.T) {
	for _, g := range lawGroups(t)[:9] {
		var buf bytes.Buffer
		if err := toml.NewEncoder(&buf).Encode(g.Spec()); err != nil {
			t.Fatal(err)
		}
		h, err := Parse(buf.Bytes(), g.Name()+".toml")
		if err != nil {
			t.Fatalf("%s: %v\n%s", g.Name(), err, buf.Bytes())
		}
		if h.Name() != g.Name() || h.Order() != g.Order() {
			t.Fatalf("%s: round trip gives %s of order %d", g.Name(), h.Name(), h.Order())
		}
		for i := range g.Order() {
			if !equal(g.Element(i), h.Element(i)) {
				t.Errorf("%s: element %d differs after round trip", g.Name(), i)
			}
		}
	}
}
