package runner

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
)

func TestExpand(t *testing.T) {
	c := config.Default()
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
	a, b := config.Default(), config.Default()
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

// Load a built-in config by its bare name and list its indexed runs, as
// -list does: a pretraining per (cell, seed) first, then a run per (cell,
// seed, method). A run's Index is what -run-index and Slurm array tasks
// take.
func ExampleExpand() {
	c, err := config.Load("add_jump_quick.toml")
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: split %s, cells %v, seeds %v, %d pretraining and %d tuning iterations\n",
		c.Name, c.Split, c.Cells, c.Seeds, c.Pretrain.Iterations, c.Tune.Iterations)
	for _, r := range Expand(c) {
		fmt.Println(r.Index, r.ID())
	}
	// Output:
	// add_jump_quick: split add_jump, cells [lstm], seeds [0 1], 1500 pretraining and 200 tuning iterations
	// 0 pretrain-addprim_jump-lstm-s0
	// 1 pretrain-addprim_jump-lstm-s1
	// 2 addprim_jump-lstm-s0-pretrained
	// 3 addprim_jump-lstm-s0-finetune
	// 4 addprim_jump-lstm-s0-equitune
	// 5 addprim_jump-lstm-s0-equitune_zeroshot
	// 6 addprim_jump-lstm-s0-equizero
	// 7 addprim_jump-lstm-s1-pretrained
	// 8 addprim_jump-lstm-s1-finetune
	// 9 addprim_jump-lstm-s1-equitune
	// 10 addprim_jump-lstm-s1-equitune_zeroshot
	// 11 addprim_jump-lstm-s1-equizero
}
