package kernel

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
)

// TestSplitCoversEachIndexOnce runs Split from several goroutines at once,
// nested and not, and checks that every index is visited exactly once, with
// the cut on the alignment.
func TestSplitCoversEachIndexOnce(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for range 2000 {
				n, align := r.IntN(300), []int{1, 4}[r.IntN(2)]
				seen := make([]atomic.Int32, n)
				Split(n, align, splitWork*r.IntN(3), func(lo, hi int) {
					if lo != 0 && lo%align != 0 {
						t.Errorf("n=%d align=%d: cut at %d", n, align, lo)
					}
					for i := lo; i < hi; i++ {
						Split(1, 1, splitWork, func(a, b int) { seen[i].Add(int32(b - a)) })
					}
				})
				for i := range seen {
					if c := seen[i].Load(); c != 1 {
						t.Errorf("n=%d: index %d visited %d times", n, i, c)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
