package seq2seq

import (
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nlpodyssey/safetensors"

	"github.com/scan-equitune/equitune/internal/scantest"
	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/verbgroups"
)

// readReferenceModel reads the reference model of a cell from dir.
func readReferenceModel(t *testing.T, dir, cell string) (path string, m *Model) {
	t.Helper()
	path = filepath.Join(dir, cell+".safetensors")
	m, err := ReadSafetensors(path, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	return path, m
}

// fileMetadata returns the metadata of a safetensors file.
func fileMetadata(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, md, err := safetensors.ReadMetadata(data)
	if err != nil {
		t.Fatal(err)
	}
	return md.Metadata()
}

// readAsReference reads an output as the reference test_accuracy does: ids
// up to and including the first EOS, or, without one, the first
// MaxOutput−1 ids.
func readAsReference(ids []int, maxOutput int) string {
	end := slices.Index(ids, scan.EOS) + 1
	if end == 0 {
		end = min(len(ids), maxOutput-1)
	}
	var ws []string
	for _, id := range ids[:end] {
		ws = append(ws, scan.OutputVocab().Token(id))
	}
	return strings.Join(ws, " ")
}

// TestReferenceOutputs checks the engine against the paper's PyTorch code
// on the same weights: greedy outputs of the plain model and of the
// zero-shot equi-tuned model decoded as equitune_scan.py decodes
// (Independent), and the plain model's log-probabilities.
func TestReferenceOutputs(t *testing.T) {
	dir := scantest.ReferenceDir(t)
	verb, err := verbgroups.ByName("verb")
	if err != nil {
		t.Fatal(err)
	}
	for _, cell := range []string{"gru", "lstm"} {
		t.Run(cell, func(t *testing.T) {
			path, m := readReferenceModel(t, dir, cell)
			for _, file := range []string{cell + ".jsonl", cell + ".train.jsonl"} {
				lines := scantest.ReadReference(t, filepath.Join(dir, file))
				ins := make([][]int, len(lines))
				for i, l := range lines {
					if ins[i], err = scan.InputVocab().Encode(strings.Fields(l.In)); err != nil {
						t.Fatal(err)
					}
				}
				for _, c := range []struct {
					name string
					cp   Copies
					mode Mode
					want func(scantest.ReferenceLine) string
				}{
					{"pred", Copies{}, Shared, func(l scantest.ReferenceLine) string { return l.Pred }},
					{"pred_G", CopiesOf(verb), Independent, func(l scantest.ReferenceLine) string { return l.PredG }},
				} {
					preds, err := m.Greedy(ins, c.cp, c.mode)
					if err != nil {
						t.Fatal(err)
					}
					differ := 0
					for i, p := range preds {
						if got := readAsReference(p, m.Config.MaxOutput); got != c.want(lines[i]) {
							differ++
							step, q := margin(t, m, ins[i], p, ids(t, c.want(lines[i])), c.cp)
							t.Logf("%s line %d %s: %q differs at step %d, where the engine's score margin is %.2g\n  engine    %s\n  reference %s",
								file, i+1, c.name, lines[i].In, step, q, got, c.want(lines[i]))
						}
					}
					t.Logf("%s %s: %d of %d outputs differ", file, c.name, differ, len(lines))
					if differ*1000 > len(lines) {
						t.Errorf("%s %s: %d of %d outputs differ (more than 0.1%%)", file, c.name, differ, len(lines))
					}
				}
			}
			words, err := vocabOrder(fileMetadata(t, path), "out_vocab", scan.OutputVocab(), actionPrefix)
			if err != nil {
				t.Fatal(err)
			}
			checkReferenceLogP(t, m, scantest.ReadReference(t, filepath.Join(dir, cell+".jsonl")), words)
		})
	}
}

// teacherLogP returns the model's log-probabilities (one row per step) of
// the command in along the output y, fed as the model's own inputs.
func teacherLogP(t *testing.T, m *Model, in, y []int) [][]float64 {
	t.Helper()
	if _, err := m.lossForward([][]int{in}, [][]int{y}, []bool{true}, Copies{}, nil); err != nil {
		t.Fatal(err)
	}
	V := m.Config.OutVocab
	rows := make([][]float64, len(y))
	for s := range rows {
		rows[s] = append([]float64(nil), m.dec.logp[s*V:(s+1)*V]...)
	}
	return rows
}

// margin returns, at the first step where the outputs got and want differ,
// q(got) − q(want) for the decoding's combined score q of cp in mode
// (Shared with K = 1: the plain model; Independent: the authors' average of
// copies that each decode on their own, 0 once a copy has stopped): how
// close the step is to a tie.
func margin(t *testing.T, m *Model, in []int, got, want []int, cp Copies) (step int, q float64) {
	t.Helper()
	for step < len(got) && step < len(want) && got[step] == want[step] {
		step++
	}
	if step == len(got) || step == len(want) {
		return step, math.NaN()
	}
	var sum [2]float64
	for k := range cp.K() {
		ink := in
		if cp.In != nil {
			ink = make([]int, len(in))
			for i, w := range in {
				ink[i] = cp.In[k][w]
			}
		}
		own, err := m.Greedy([][]int{ink}, Copies{}, Shared)
		if err != nil {
			t.Fatal(err)
		}
		rows := teacherLogP(t, m, ink, own[0])
		if step >= len(rows) {
			continue // stopped: contributes 0
		}
		for i, v := range []int{got[step], want[step]} {
			if cp.Out != nil {
				v = cp.Out[k][v]
			}
			sum[i] += rows[step][v]
		}
	}
	return step, (sum[0] - sum[1]) / float64(cp.K())
}

// ids encodes a line of the reference output (actions with "I_", EOS).
func ids(t *testing.T, s string) []int {
	t.Helper()
	var out []int
	for _, w := range strings.Fields(s) {
		id, ok := scan.OutputVocab().ID(w)
		if !ok {
			t.Fatalf("unknown output word %q", w)
		}
		out = append(out, id)
	}
	return out
}

// checkReferenceLogP compares the plain model's log-probabilities along the
// reference output with the file's logp rows, whose columns are in the
// file's out_vocab order.
func checkReferenceLogP(t *testing.T, m *Model, lines []scantest.ReferenceLine, outOrder []string) {
	t.Helper()
	worst, checked := 0.0, 0
	for i, l := range lines {
		if l.LogP == nil {
			continue
		}
		in, err := scan.InputVocab().Encode(strings.Fields(l.In))
		if err != nil {
			t.Fatal(err)
		}
		y := ids(t, l.Pred)
		rows := teacherLogP(t, m, in, y)
		if len(l.LogP) != len(y) {
			t.Fatalf("line %d: %d logp rows for %d emitted ids", i+1, len(l.LogP), len(y))
		}
		for s, row := range l.LogP {
			for j, want := range row {
				id, _ := scan.OutputVocab().ID(outOrder[j])
				worst = math.Max(worst, math.Abs(rows[s][id]-want))
				checked++
			}
		}
	}
	t.Logf("log-probabilities: %d values, largest difference %.2g", checked, worst)
	if checked == 0 || worst > 1e-4 {
		t.Errorf("log-probabilities differ by up to %.2g over %d values (want ≤ 1e-4)", worst, checked)
	}
}

// TestSafetensorsRoundTrip checks that export → import is the identity on
// a model read from the reference files (float32 weights): the written file
// has the reference file's tensor names, shapes, dtype and bytes (the two
// tensors the reference never reads are zeros), and the model read back
// has bit-identical parameters and outputs.
func TestSafetensorsRoundTrip(t *testing.T) {
	dir := scantest.ReferenceDir(t)
	for _, cell := range []string{"gru", "lstm"} {
		t.Run(cell, func(t *testing.T) {
			path, m := readReferenceModel(t, dir, cell)
			md := fileMetadata(t, path)
			in, err := vocabOrder(md, "in_vocab", scan.InputVocab(), "")
			if err != nil {
				t.Fatal(err)
			}
			out, err := vocabOrder(md, "out_vocab", scan.OutputVocab(), actionPrefix)
			if err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(t.TempDir(), "export.safetensors")
			if err := m.WriteSafetensors(dst, in, out); err != nil {
				t.Fatal(err)
			}
			ref, got := readTensors(t, path), readTensors(t, dst)
			if len(got) != len(ref) {
				t.Errorf("exported %d tensors, the reference file has %d", len(got), len(ref))
			}
			unread := unreadTensors(m.Config)
			for name, r := range ref {
				g, ok := got[name]
				switch {
				case !ok:
					t.Errorf("tensor %s not exported", name)
				case g.DType() != r.DType() || !slices.Equal(g.Shape(), r.Shape()):
					t.Errorf("tensor %s: exported %s %v, reference %s %v", name, g.DType(), g.Shape(), r.DType(), r.Shape())
				case unread[name] == nil && string(g.Data()) != string(r.Data()):
					t.Errorf("tensor %s: exported values differ from the reference file's", name)
				}
			}
			back, err := ReadSafetensors(dst, 0.1)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range back.Params() {
				if !slices.Equal(p.W, m.Params()[i].W) {
					t.Fatalf("parameter %s changed in the round trip", p.Name)
				}
			}
			train, _ := addJump(t)
			cmds := train.In[:200]
			a, _ := m.Greedy(cmds, Copies{}, Shared)
			b, _ := back.Greedy(cmds, Copies{}, Shared)
			for i := range a {
				if !slices.Equal(a[i], b[i]) {
					t.Fatalf("command %d: output changed in the round trip", i)
				}
			}
		})
	}
}

// readTensors returns the tensors of a safetensors file by name.
func readTensors(t *testing.T, path string) map[string]safetensors.TensorView {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := safetensors.Deserialize(data)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]safetensors.TensorView{}
	for _, nt := range st.Tensors() {
		out[nt.Name] = nt.TensorView
	}
	return out
}

// TestSafetensorsFloat64Model checks export → import of a model trained in
// float64 (here, freshly initialised): weights come back rounded to float32,
// every model kind (plain, unidirectional, no attention, G-equivariant as
// its gathered plain model) keeps its sizes, and a second round trip is
// exact.
func TestSafetensorsFloat64Model(t *testing.T) {
	verb4, err := verbgroups.ByName("verb4")
	if err != nil {
		t.Fatal(err)
	}
	V, W := scan.InputVocab().Size(), scan.OutputVocab().Size()
	for _, c := range []struct {
		name   string
		mutate func(*Config)
		group  *verbgroups.Group
	}{
		{"lstm", func(*Config) {}, nil},
		{"gru/unidirectional", func(c *Config) { c.Unidirectional = true }, nil},
		{"rnn/no-attention/dec64", func(c *Config) { c.NoAttention, c.DecoderEmbed = true, 64 }, nil},
		{"gru/verb4", func(*Config) {}, verb4},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := Default(CellKind(strings.Split(c.name, "/")[0]), V, W)
			c.mutate(&cfg)
			r := rand.New(rand.NewPCG(5, 5))
			var m *Model
			var err error
			if c.group != nil {
				m, err = NewEquivariant(cfg, c.group, r)
			} else {
				m, err = New(cfg, r)
			}
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			first, second := filepath.Join(dir, "a.safetensors"), filepath.Join(dir, "b.safetensors")
			if err := m.WriteSafetensors(first, nil, nil); err != nil {
				t.Fatal(err)
			}
			back, err := ReadSafetensors(first, 0.1)
			if err != nil {
				t.Fatal(err)
			}
			want := cfg
			want.Group, want.DecoderEmbed = nil, cfg.decoderEmbed()
			if back.Config != want {
				t.Fatalf("config read back %+v, want %+v", back.Config, want)
			}
			kp := m.kernelParams()
			for i, p := range back.kernelParams() {
				for j, v := range p.W {
					if v != float64(float32(kp[i].W[j])) {
						t.Fatalf("%s[%d] = %v, want float32 rounding of %v", p.Name, j, v, kp[i].W[j])
					}
				}
			}
			if err := back.WriteSafetensors(second, nil, nil); err != nil {
				t.Fatal(err)
			}
			a, _ := os.ReadFile(first)
			b, _ := os.ReadFile(second)
			if string(a) != string(b) {
				t.Fatal("second round trip changed the file")
			}
		})
	}
}

// TestSafetensorsBadFiles checks that a file that does not fit is refused
// with an error naming the tensor, word or metadata key.
func TestSafetensorsBadFiles(t *testing.T) {
	m, err := New(Default(GRU, scan.InputVocab().Size(), scan.OutputVocab().Size()), rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.safetensors")
	if err := m.WriteSafetensors(good, nil, nil); err != nil {
		t.Fatal(err)
	}
	tensors := readTensors(t, good)
	md := fileMetadata(t, good)
	write := func(edit func(map[string]safetensors.TensorView, map[string]string)) string {
		ts := maps.Clone(tensors)
		meta := maps.Clone(md)
		edit(ts, meta)
		buf, err := safetensors.Serialize(ts, meta)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "bad.safetensors")
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	f32 := func(shape ...uint64) safetensors.TensorView {
		n := uint64(4)
		for _, d := range shape {
			n *= d
		}
		tv, err := safetensors.NewTensorView(safetensors.F32, shape, make([]byte, n))
		if err != nil {
			t.Fatal(err)
		}
		return tv
	}
	for _, c := range []struct {
		name string
		edit func(map[string]safetensors.TensorView, map[string]string)
		want string
	}{
		{"missing tensor", func(ts map[string]safetensors.TensorView, _ map[string]string) {
			delete(ts, "decoder.out.bias")
		}, "decoder.out.bias"},
		{"wrong shape", func(ts map[string]safetensors.TensorView, _ map[string]string) {
			ts["decoder.attn_combine.bias"] = f32(127)
		}, "decoder.attn_combine.bias"},
		{"extra tensor", func(ts map[string]safetensors.TensorView, _ map[string]string) {
			ts["decoder.extra.weight"] = f32(2)
		}, "decoder.extra.weight"},
		{"wrong cell", func(_ map[string]safetensors.TensorView, md map[string]string) {
			md["cell"] = "lstm"
		}, "encoder.rnn.weight_ih_l0"},
		{"unknown cell", func(_ map[string]safetensors.TensorView, md map[string]string) {
			md["cell"] = "transformer"
		}, "transformer"},
		{"unknown word", func(_ map[string]safetensors.TensorView, md map[string]string) {
			md["in_vocab"] = strings.Replace(md["in_vocab"], `"jump"`, `"leap"`, 1)
		}, `"leap"`},
		{"short vocabulary", func(_ map[string]safetensors.TensorView, md map[string]string) {
			md["out_vocab"] = `["SOS", "EOS", "WALK"]`
		}, "out_vocab"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadSafetensors(write(c.edit), 0.1)
			if !errors.Is(err, ErrSafetensors) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want ErrSafetensors naming %s", err, c.want)
			}
		})
	}
	if _, err := ReadSafetensors(filepath.Join(dir, "good.safetensors"), 0.1); err != nil {
		t.Fatalf("unedited file: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "junk"), []byte("\xff\xff\xff\xff\xff\xff\xff\x7fjunk"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSafetensors(filepath.Join(dir, "junk"), 0.1); !errors.Is(err, ErrSafetensors) {
		t.Fatalf("junk file: error %v, want ErrSafetensors", err)
	}
}
