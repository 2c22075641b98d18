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

	c.Cells, c.Seeds, c.Methods = []string{"lstm"}, []uint64{0}, []string{"pretrained", "gequivariant"}
	got = nil
	for _, r := range Expand(&c) {
		got = append(got, r.ID())
	}
	want = []string{"pretrain-addprim_jump-lstm-s0", "addprim_jump-lstm-s0-pretrained", "addprim_jump-lstm-s0-gequivariant"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Expand =\n%v\nwant\n%v", got, want)
	}
	c.Methods = []string{"gequivariant"}
	got = nil
	for _, r := range Expand(&c) {
		got = append(got, r.ID())
	}
	if want := []string{"addprim_jump-lstm-s0-gequivariant"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Expand without pretraining methods = %v, want %v", got, want)
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
	if l.GEquivariantCheckpoint(&a, r) != l.GEquivariantCheckpoint(&b, r) {
		t.Error("tuning settings change the gequivariant checkpoint")
	}
	if l.GEquivariantCheckpoint(&a, r) == l.Checkpoint(&a, r) {
		t.Error("gequivariant and pretraining share a checkpoint")
	}
	c := a
	c.GEquivariantGroup.Name = "verb×direction"
	if l.GEquivariantCheckpoint(&a, r) == l.GEquivariantCheckpoint(&c, r) || l.Checkpoint(&a, r) != l.Checkpoint(&c, r) {
		t.Error("the gequivariant group must key the gequivariant checkpoint only")
	}
	b.Pretrain.LR = 1
	if l.Checkpoint(&a, r) == l.Checkpoint(&b, r) || l.GEquivariantCheckpoint(&a, r) == l.GEquivariantCheckpoint(&b, r) {
		t.Error("pretraining settings do not change the checkpoints")
	}
}
