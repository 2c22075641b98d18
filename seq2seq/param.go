package seq2seq

import (
	"math"
	"math/rand/v2"
)

// Param is one learnable tensor: its values W, its gradient G (same length)
// and its shape (row-major).
type Param struct {
	Name  string
	Shape []int
	W, G  []float64

	packed []float64 // W packed by packPairs while greedy decoding runs, else nil
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

// invSqrt returns 1/√n.
func invSqrt(n int) float64 { return 1 / math.Sqrt(float64(n)) }
