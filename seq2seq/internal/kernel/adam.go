package kernel

import "math"

// AdamConsts are the scalars of one Adam update, in the order the assembly
// reads them (TestAsmLayout pins their offsets).
type AdamConsts struct {
	C        float64 // the gradient's scale (clipping)
	WD       float64 // λ, the weight decay
	B1, OmB1 float64 // β₁ and 1 − β₁
	B2, OmB2 float64 // β₂ and 1 − β₂
	Step     float64 // lr/(1 − β₁ᵗ)
	S2       float64 // 1/√(1 − β₂ᵗ)
	Eps      float64 // ε
}

// Adam applies one Adam update to the weights w with moments m, v and
// gradient g (read, not written), element by element:
//
//	g ← g·c + λw,  m ← β₁m + (1−β₁)g,  v ← β₂v + ((1−β₂)g)g,
//	w ← w − step·m / (√v·s₂ + ε)
func Adam(w, g, m, v []float64, k *AdamConsts) {
	n := len(w)
	g, m, v = g[:n], m[:n], v[:n]
	j := 0
	if useAVX2 && hasAVX512 && n >= 8 {
		j = n &^ 7
		adamAVX512(&w[0], &g[0], &m[0], &v[0], j, k)
	}
	if useAVX2 && n-j >= 4 {
		adamAVX2(&w[j], &g[j], &m[j], &v[j], (n-j)&^3, k)
		j += (n - j) &^ 3
	}
	for ; j < n; j++ {
		gj := float64(g[j]*k.C) + float64(k.WD*w[j])
		mj := float64(k.B1*m[j]) + float64(k.OmB1*gj)
		vj := float64(k.B2*v[j]) + float64(float64(k.OmB2*gj)*gj)
		m[j], v[j] = mj, vj
		w[j] -= float64(k.Step*mj) / (float64(math.Sqrt(vj)*k.S2) + k.Eps)
	}
}
