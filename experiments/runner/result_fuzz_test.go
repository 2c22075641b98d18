package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzReadResult: decoding any bytes as a result.json either fails with an
// error wrapping errBadResult that names the file, or gives a Result whose
// JSON decodes to the same JSON again (nothing of it is lost on a
// round trip). The seeds are small, so that each execution is cheap.
func FuzzReadResult(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"experiment": "tiny", "run_id": "addprim_jump-gru-s0-finetune", "index": 2, "seed": 0, "curve": [{"step": 2, "val_acc": 0.5}], "test_acc": 0.25, "config": {"Name": "tiny", "Seeds": [0]}, "model": {"Hidden": 8}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := decodeResult(data, "fuzz/result.json")
		if err != nil {
			if !errors.Is(err, errBadResult) || !bytes.Contains([]byte(err.Error()), []byte("fuzz/result.json")) {
				t.Fatalf("error %v does not wrap errBadResult naming the file", err)
			}
			return
		}
		once, err := json.Marshal(res)
		if err != nil {
			return // a value JSON cannot hold (a NaN the decoder let through would be one)
		}
		again, err := decodeResult(once, "fuzz/result.json")
		if err != nil {
			t.Fatalf("the result's own JSON does not decode: %v\n%s", err, once)
		}
		twice, err := json.Marshal(again)
		if err != nil || !bytes.Equal(once, twice) {
			t.Fatalf("round trip changed the result:\n%s\n%s", once, twice)
		}
	})
}
