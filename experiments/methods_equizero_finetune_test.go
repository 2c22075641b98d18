package main

import (
	"path/filepath"
	"testing"

	"github.com/scan-equitune/equitune/experiments/runner"
)

// TestEquizeroFinetune runs equizero_finetune end to end on
// testdata/tiny.toml under each proxy: it tunes with the [tune] schedule,
// is validated and tested in its equizero mode, and has a run identity of
// its own (the proxy enters it).
func TestEquizeroFinetune(t *testing.T) {
	ids := map[string]string{}
	for proxy, mode := range map[string]string{"entropy": "equizero", "top1": "equizero_top1"} {
		runs := runTiny(t, `methods = ["equitune", "equizero_finetune"]`+"\nequizero_proxy = \""+proxy+"\"")
		var a, b runner.Result
		readJSON(t, filepath.Join(runs, "addprim_jump-gru-s0-equitune", "result.json"), &a)
		readJSON(t, filepath.Join(runs, "addprim_jump-gru-s0-equizero_finetune", "result.json"), &b)
		if b.Method != "equizero_finetune" || b.TuneIterations != 4 || len(b.Curve) != 2 || b.Decode != mode {
			t.Errorf("proxy %s: equizero_finetune result: method %q, %d tuning iterations, curve %v, decoding %q, want %q",
				proxy, b.Method, b.TuneIterations, b.Curve, b.Decode, mode)
		}
		if a.Identity == b.Identity {
			t.Errorf("proxy %s: equitune and equizero_finetune share the run identity %s", proxy, a.Identity)
		}
		ids[proxy] = b.Identity
	}
	if ids["entropy"] == ids["top1"] {
		t.Errorf("equizero_finetune has the run identity %s under both proxies", ids["top1"])
	}
}
