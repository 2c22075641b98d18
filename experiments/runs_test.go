package main

import (
	"reflect"
	"testing"
)

func TestExpand(t *testing.T) {
	c := Default()
	c.Cells, c.Seeds, c.Methods = []string{"gru", "lstm"}, []uint64{3, 5}, []string{"pretrained", "equitune"}
	runs := Expand(&c)
	want := []string{
		"pretrain-addprim_jump-gru-s3", "pretrain-addprim_jump-gru-s5",
		"pretrain-addprim_jump-lstm-s3", "pretrain-addprim_jump-lstm-s5",
		"addprim_jump-gru-s3-pretrained", "addprim_jump-gru-s3-equitune",
		"addprim_jump-gru-s5-pretrained", "addprim_jump-gru-s5-equitune",
		"addprim_jump-lstm-s3-pretrained", "addprim_jump-lstm-s3-equitune",
		"addprim_jump-lstm-s5-pretrained", "addprim_jump-lstm-s5-equitune",
	}
	var got []string
	for i, r := range runs {
		if r.Index != i {
			t.Errorf("run %d has index %d", i, r.Index)
		}
		got = append(got, r.ID())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Expand =\n%v\nwant\n%v", got, want)
	}
	if again := Expand(&c); !reflect.DeepEqual(again, runs) {
		t.Error("Expand is not a pure function of the config")
	}
}

func TestCheckpointKey(t *testing.T) {
	a, b := Default(), Default()
	l := Layout{Out: "o", Experiment: "e"}
	r := Run{Method: Pretrain, Split: "addprim_jump", Cell: "lstm", Seed: 1}
	b.Tune.LR, b.Methods, b.Name = 1, []string{"equizero"}, "other"
	if l.Checkpoint(&a, r) != l.Checkpoint(&b, r) {
		t.Error("tuning settings change the pretraining checkpoint")
	}
	b.Pretrain.LR = 1
	if l.Checkpoint(&a, r) == l.Checkpoint(&b, r) {
		t.Error("pretraining settings do not change the checkpoint")
	}
}
