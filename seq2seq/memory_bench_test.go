package seq2seq

import (
	"bufio"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/scan"
)

// BenchmarkTrainMemory trains the reference LSTM at batch 1 for b.N steps
// (run it with -benchtime 20000x) and reports the live heap after the first
// 1,000 steps and at the end, and the process's peak RSS.
func BenchmarkTrainMemory(b *testing.B) {
	train, _ := addJump(b)
	r := rand.New(rand.NewPCG(1, 1))
	m, err := New(Default(LSTM, scan.InputVocab().Size(), scan.OutputVocab().Size()), r)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := NewTrainer(m, NewAdam(1e-4, 0, 5), Copies{}, 0.5, 1, r)
	if err != nil {
		b.Fatal(err)
	}
	heap := func() float64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc) / (1 << 20)
	}
	var early float64
	b.ResetTimer()
	for i := range b.N {
		j := r.IntN(train.Len())
		if _, err := tr.Step([][]int{train.In[j]}, [][]int{train.Out[j]}); err != nil {
			b.Fatal(err)
		}
		if i == min(999, b.N-1) {
			early = heap()
		}
	}
	b.StopTimer()
	b.ReportMetric(early, "heap-MB@1000")
	b.ReportMetric(heap(), "heap-MB@end")
	b.ReportMetric(peakRSS(), "peak-RSS-MB")
}

// peakRSS returns VmHWM from /proc/self/status in MB (0 where unavailable).
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
