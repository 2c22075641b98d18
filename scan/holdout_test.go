package scan

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestHoldOut(t *testing.T) {
	train, _, _ := Generate(AddPrimJump, 0)
	for _, frac := range []float64{0, 0.2, 0.5, 1} {
		tr, val := HoldOut(train, frac, rand.New(rand.NewPCG(1, 2)))
		want := int(frac*float64(len(train)) + 0.5)
		if len(val) != want || len(tr)+len(val) != len(train) {
			t.Errorf("frac %v: %d train, %d val; want %d val of %d", frac, len(tr), len(val), want, len(train))
		}
		got := multiset(tr)
		for k, n := range multiset(val) {
			got[k] += n
		}
		if d := diffMultisets(append(tr, val...), train); d != "" {
			t.Errorf("frac %v: train ∪ val differs from the input:\n%s", frac, d)
		}
	}
	_, v1 := HoldOut(train, 0.2, rand.New(rand.NewPCG(3, 4)))
	_, v2 := HoldOut(train, 0.2, rand.New(rand.NewPCG(3, 4)))
	if !slices.EqualFunc(v1, v2, pairEqual) {
		t.Error("HoldOut with one seed gives two answers")
	}
}

func TestHoldOutPanics(t *testing.T) {
	for _, frac := range []float64{-0.1, 1.5} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("HoldOut with frac %v did not panic", frac)
				}
			}()
			HoldOut(All(), frac, rand.New(rand.NewPCG(1, 1)))
		}()
	}
}
