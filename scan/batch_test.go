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

func TestMakeBatches(t *testing.T) {
	in, out := InputVocab(), OutputVocab()
	ps, _, _ := Generate(Length, 0)
	exs, err := EncodePairs(ps, in, out)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		size   int
		bucket bool
		seed   uint64
		random bool
	}{
		{64, false, 0, false}, {64, true, 1, true}, {100, false, 2, true}, {1, true, 3, true}, {len(exs) + 5, true, 0, false},
	} {
		var r *rand.Rand
		if tc.random {
			r = rand.New(rand.NewPCG(tc.seed, 0))
		}
		bs := MakeBatches(exs, tc.size, tc.bucket, r)
		seen := make([]bool, len(exs))
		pads := 0
		for _, bt := range bs {
			if bt.B > tc.size || bt.B < 1 || len(bt.In) != bt.B*bt.InLen || len(bt.Out) != bt.B*bt.OutLen ||
				len(bt.InMask) != len(bt.In) || len(bt.OutMask) != len(bt.Out) || len(bt.Index) != bt.B {
				t.Fatalf("size %d: malformed batch shapes B=%d InLen=%d OutLen=%d", tc.size, bt.B, bt.InLen, bt.OutLen)
			}
			for b, i := range bt.Index {
				if seen[i] {
					t.Fatalf("example %d is in two batches", i)
				}
				seen[i] = true
				checkRow(t, bt.InRow(b), bt.InMask[b*bt.InLen:(b+1)*bt.InLen], bt.InLens[b], exs[i].In)
				checkRow(t, bt.OutRow(b), bt.OutMask[b*bt.OutLen:(b+1)*bt.OutLen], bt.OutLens[b], exs[i].Out)
				pads += bt.InLen - bt.InLens[b]
				if got := in.Decode(bt.InRow(b)); !slices.Equal(got, ps[i].Command) {
					t.Fatalf("Decode(row) = %v, want %v", got, ps[i].Command)
				}
			}
		}
		if slices.Contains(seen, false) {
			t.Fatalf("size %d: some example is in no batch", tc.size)
		}
		t.Logf("size %d bucket %v: %d batches, %d input pads", tc.size, tc.bucket, len(bs), pads)
	}
}

func checkRow(t *testing.T, row []int, mask []bool, n int, want []int) {
	t.Helper()
	if n != len(want) || !slices.Equal(row[:n], want) {
		t.Fatalf("row %v (len %d), want %v", row, n, want)
	}
	for i := range row {
		if mask[i] != (i < n) || (i >= n && row[i] != EOS) {
			t.Fatalf("row %v mask %v: padding at %d is wrong", row, mask, i)
		}
	}
}

// TestBucketingPads checks that bucketing reduces padding.
func TestBucketingPads(t *testing.T) {
	exs, _ := EncodePairs(All(), InputVocab(), OutputVocab())
	pads := func(bucket bool) (n int) {
		for _, bt := range MakeBatches(exs, 32, bucket, rand.New(rand.NewPCG(5, 5))) {
			for _, l := range bt.InLens {
				n += bt.InLen - l
			}
		}
		return n
	}
	if with, without := pads(true), pads(false); with*2 > without {
		t.Errorf("bucketing pads %d, not bucketing %d; want at most half", with, without)
	}
}

func TestEncodePairsUnknown(t *testing.T) {
	_, err := EncodePairs([]Pair{{Command: []string{"hop"}, Actions: []string{"I_JUMP"}}}, InputVocab(), OutputVocab())
	if err == nil {
		t.Error("EncodePairs accepted an unknown word")
	}
}
