package seq2seq

import (
	"fmt"
	"math/rand/v2"

	"github.com/scan-equitune/equitune/verbgroups"
)

// NewEquivariant returns the G-equivariant encoder–decoder of Gordon et al.
// (ICLR 2020, "Permutation equivariant models for compositional
// generalization in language"), trained from scratch, for the group g
// acting on the vocabularies by permuting words.
//
// Every G-equivariant layer is the plain model's layer with tied weights
// (tied.go), so the model is the plain model of cfg whose tensors are
// gathered from small ones. Hidden vectors are functions on G with K
// channels, stored g-major ((g, k) at g·K + k), and G acts on them by
// (a·f)(g) = f(a⁻¹g):
//
//	G-embedding:       E[w][(g,k)] = ψ[g⁻¹·w][k]                 (width |G|·K_e)
//	group convolution: W[(g,k'),(h,k)] = ψ[g⁻¹h][k'][k],  b[(g,k)] = β[k]
//	                   for W_x and W_h of every cell (each gate block its own
//	                   convolution) and for the decoder's combine W_c
//	attention:         unchanged (dot products of functions on G are invariant)
//	group classifier:  logits[y] = Σ_g ⟨h(g), ψ[g⁻¹·y]⟩ + β[orbit(y)]
//
// The decoder's state [→h; ←h] and the combine's input [e; ctx] are
// concatenations of such functions (segments), each transformed alike. The
// model then satisfies M(g·x) = g·M(x) exactly (up to floating-point
// summation order). Gordon et al.'s combine nonlinearity is tanh; this
// model keeps the package's ReLU, which is pointwise and so equally
// equivariant.
//
// Sizes: cfg.Embed = |G|·K_e, the decoder's embedding width E_d and
// cfg.Hidden = |G|·K must be multiples of |G|. Gordon et al.'s hidden size
// 64 is read here as |G|·K = 64, that is K = 64/|G| channels per group
// element (16 for verb4, 32 for direction), so Default's sizes give the
// plain model's compute; a larger K is chosen by setting Hidden (and Embed)
// to |G|·K. The small tensors are initialised like PyTorch's defaults for
// the big layer (U(±1/√fan-in of the big layer), N(0, 1) embeddings), so
// the gathered weights have the plain model's scales.
//
// cfg.Group is set to g.Spec(), so New and LoadTraining rebuild the same model;
// they bind the group to SCAN's vocabularies.
func NewEquivariant(cfg Config, g *verbgroups.Group, r *rand.Rand) (*Model, error) {
	n := g.Order()
	spec := g.Spec()
	cfg.Group = &spec
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Embed%n != 0 || cfg.Hidden%n != 0 || cfg.decoderEmbed()%n != 0 {
		return nil, fmt.Errorf("%w: Embed = %d, DecoderEmbed = %d and Hidden = %d must be multiples of |G| = %d",
			ErrConfig, cfg.Embed, cfg.decoderEmbed(), cfg.Hidden, n)
	}
	els := g.Elements()
	if len(els[0].In) != cfg.InVocab || len(els[0].Out) != cfg.OutVocab {
		return nil, fmt.Errorf("%w: group %s acts on %d input and %d output ids, model has %d and %d",
			ErrConfig, g.Name(), len(els[0].In), len(els[0].Out), cfg.InVocab, cfg.OutVocab)
	}
	m, err := newPlain(cfg)
	if err != nil {
		return nil, err
	}
	ts := equivariantTies(m, cfg, newGroupTable(g), n, r)
	kp := m.kernelParams()
	if len(ts) != len(kp) {
		panic(fmt.Sprintf("seq2seq: %d ties for %d tensors", len(ts), len(kp)))
	}
	m.ties = make(map[*Param]*tie, len(ts))
	m.params = make([]*Param, 0, len(ts))
	for i, t := range ts {
		if t.t.big != kp[i] {
			panic("seq2seq: ties out of order at " + kp[i].Name)
		}
		t.init(t.t.small)
		m.ties[t.t.big] = t.t
		m.params = append(m.params, t.t.small)
	}
	m.gather(kp)
	return m, nil
}

// tied is a tie of a big tensor to its small one and the small one's
// initialisation.
type tied struct {
	t    *tie
	init func(*Param)
}

// equivariantTies returns the ties of every kernel tensor of the plain model
// m (in the order of m.kernelParams) to its small tensor under the group of
// gt (|G| = n), with their initialisations drawn from r.
func equivariantTies(m *Model, cfg Config, gt *groupTable, n int, r *rand.Rand) []tied {
	ke, kd, k := glayout{cfg.Embed / n}, glayout{cfg.decoderEmbed() / n}, glayout{cfg.Hidden / n}
	hd := k.repeat(cfg.directions())

	var ts []tied
	add := func(big *Param, l tieLayout, init func(*Param)) {
		if len(l.idx) != len(big.W) {
			panic(fmt.Sprintf("seq2seq: tie of %s has %d indices for %d values", big.Name, len(l.idx), len(big.W)))
		}
		t := &tie{big: big, small: newParam(big.Name+"~G", l.shape...), idx: l.idx}
		t.compile()
		ts = append(ts, tied{t, init})
	}
	normal := func(p *Param) { p.normal(r) }
	uniform := func(fanIn int) func(*Param) {
		return func(p *Param) { p.uniform(r, invSqrt(fanIn)) }
	}
	addCell := func(c *cell, in, hid glayout) {
		gates := hid.repeat(c.typ.gates)
		init := uniform(c.hid)
		add(c.wx, gt.conv(gates, in), init)
		add(c.wh, gt.conv(gates, hid), init)
		add(c.bx, gt.bias(gates), init)
		add(c.bh, gt.bias(gates), init)
	}

	add(m.enc.emb, gt.embed(m.enc.emb, gt.in, ke), normal)
	for _, d := range m.enc.dirs {
		addCell(d.cell, ke, k)
	}
	d := m.dec
	add(d.emb, gt.embed(d.emb, gt.out, kd), normal)
	cat := kd
	if d.attention {
		cat = append(append(glayout{}, kd...), hd...)
	}
	add(d.wc, gt.conv(hd, cat), uniform(d.wc.Shape[1]))
	add(d.bc, gt.bias(hd), uniform(d.wc.Shape[1]))
	addCell(d.cell, hd, hd)
	add(d.wo, gt.embed(d.wo, gt.out, hd), uniform(d.Hd))
	add(d.bo, gt.orbitBias(), uniform(d.Hd))

	return ts
}

// glayout describes a vector of functions on G as segments: segment s has
// K_s channels per group element, stored g-major (entry (g, k) at offset
// o_s + g·K_s + k), so it is |G|·K_s wide. Channels are numbered across
// segments (channel c of segment s is Σ_{s'<s} K_s' + c).
type glayout []int

func (l glayout) channels() int {
	c := 0
	for _, k := range l {
		c += k
	}
	return c
}

func (l glayout) repeat(times int) glayout {
	var out glayout
	for range times {
		out = append(out, l...)
	}
	return out
}

// entries returns, for every position of the |G|-wide vector in order, its
// group element and channel.
func (l glayout) entries(n int) (gs, cs []int) {
	c0 := 0
	for _, k := range l {
		for g := range n {
			for c := range k {
				gs, cs = append(gs, g), append(cs, c0+c)
			}
		}
		c0 += k
	}
	return gs, cs
}

// tieLayout is the shape of a small tensor and the gather indices of its
// big one.
type tieLayout struct {
	shape []int
	idx   []int32
}

// groupTable holds what the ties of a group need.
type groupTable struct {
	n       int
	invMul  [][]int // invMul[g][h] = index of g⁻¹h
	inv     []int   // inv[g] = index of g⁻¹
	in, out [][]int // in[g][w] = g·w on input ids, out likewise
	orbit   []int   // output id → its orbit's index
	orbits  int
}

func newGroupTable(g *verbgroups.Group) *groupTable {
	n := g.Order()
	t := &groupTable{n: n, invMul: make([][]int, n), inv: make([]int, n)}
	for a := range n {
		t.inv[a] = g.InverseIndex(a)
		t.invMul[a] = make([]int, n)
		for b := range n {
			t.invMul[a][b] = g.Mul(g.InverseIndex(a), b)
		}
	}
	for _, e := range g.Elements() {
		t.in, t.out = append(t.in, e.In), append(t.out, e.Out)
	}
	V := len(t.out[0])
	t.orbit = make([]int, V)
	for y := range t.orbit {
		t.orbit[y] = -1
	}
	for y := range V {
		if t.orbit[y] >= 0 {
			continue
		}
		for _, p := range t.out {
			t.orbit[p[y]] = t.orbits
		}
		t.orbits++
	}
	return t
}

// conv ties an out×in matrix to a group convolution:
// W[(g,k'),(h,k)] = ψ[g⁻¹h][k'][k], ψ of shape |G|×C_out×C_in.
func (t *groupTable) conv(out, in glayout) tieLayout {
	og, oc := out.entries(t.n)
	ig, ic := in.entries(t.n)
	Co, Ci := out.channels(), in.channels()
	idx := make([]int32, 0, len(og)*len(ig))
	for i := range og {
		for j := range ig {
			idx = append(idx, int32((t.invMul[og[i]][ig[j]]*Co+oc[i])*Ci+ic[j]))
		}
	}
	return tieLayout{[]int{t.n, Co, Ci}, idx}
}

// bias ties a bias to be constant over G: b[(g,k)] = β[k].
func (t *groupTable) bias(out glayout) tieLayout {
	_, oc := out.entries(t.n)
	idx := make([]int32, len(oc))
	for i, c := range oc {
		idx[i] = int32(c)
	}
	return tieLayout{[]int{out.channels()}, idx}
}

// embed ties a V×width matrix over ids acted on by perms (perms[g][w] =
// g·w) to rows of functions on G: W[w][(g,k)] = ψ[g⁻¹·w][k]. It gives the
// G-embeddings and the group classifier.
func (t *groupTable) embed(p *Param, perms [][]int, lay glayout) tieLayout {
	gs, cs := lay.entries(t.n)
	V, C := p.Shape[0], lay.channels()
	idx := make([]int32, 0, V*len(gs))
	for w := range V {
		for i := range gs {
			idx = append(idx, int32(perms[t.inv[gs[i]]][w]*C+cs[i]))
		}
	}
	return tieLayout{[]int{V, C}, idx}
}

// orbitBias ties the output bias over the orbits of output ids.
func (t *groupTable) orbitBias() tieLayout {
	idx := make([]int32, len(t.orbit))
	for y, o := range t.orbit {
		idx[y] = int32(o)
	}
	return tieLayout{[]int{t.orbits}, idx}
}
