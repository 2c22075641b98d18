package seq2seq

import (
	"math"
	"math/rand/v2"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// Param is one learnable tensor: its values W, its gradient G (same length)
// and its shape (row-major).
type Param struct {
	Name  string
	Shape []int
	W, G  []float64

	packed []float64 // W packed by kernel.Pack while greedy decoding runs, else nil
	pbuf   []float64 // packed's storage
}

func newParam(name string, shape ...int) *Param {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return &Param{Name: name, Shape: shape, W: make([]float64, n), G: make([]float64, n)}
}

// uniform fills p with U(−a, a), PyTorch's initialisation of recurrent and
// linear layers with a = 1/√fanIn.
func (p *Param) uniform(r *rand.Rand, a float64) {
	for i := range p.W {
		p.W[i] = (2*r.Float64() - 1) * a
	}
}

// normal fills p with N(0, 1), PyTorch's initialisation of embeddings.
func (p *Param) normal(r *rand.Rand) {
	for i := range p.W {
		p.W[i] = r.NormFloat64()
	}
}

// mulWeights sets C = A·Wᵀ + b (kernel.Linear) for A (m×k), the weight
// matrix w (n×k) and the bias b (n; nil for none), on w's packed copy when
// it has one.
func mulWeights(m int, a []float64, w, b *Param, c []float64) {
	var bias []float64
	if b != nil {
		bias = b.W
	}
	kernel.Linear(m, w.Shape[0], w.Shape[1], a, w.W, w.packed, bias, c)
}

// pack makes w's packed copy (kernel.Pack) if it is a matrix the packed
// kernels can use; unpack drops it.
func (w *Param) pack() {
	if len(w.Shape) != 2 {
		return
	}
	w.packed = kernel.Pack(w.pbuf, w.W, w.Shape[0], w.Shape[1])
	if w.packed != nil {
		w.pbuf = w.packed
	}
}

func (w *Param) unpack() { w.packed = nil }

// invSqrt returns 1/√n.
func invSqrt(n int) float64 { return 1 / math.Sqrt(float64(n)) }
