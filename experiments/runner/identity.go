package runner

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/seq2seq"
	"github.com/scan-equitune/equitune/verbgroups"
)

// ErrMismatch is wrapped by every error about a result or checkpoint that
// was computed under settings other than the ones asked for.
var ErrMismatch = errors.New("computed under other settings")

// legacyArithmetic is the engine arithmetic of result.json files written
// before runs stored their identity: all of them were computed under
// seq2seq.ArithmeticVersion 1.
const legacyArithmetic = 1

// notRead are the top-level config keys that change no run's numbers: which
// runs exist, where they go and how they are scheduled on a cluster, and
// where the pretrained_model file is (its SHA-256 is what counts). Every
// other key is part of the identity, so that a key added later is too.
var notRead = []string{"Name", "Cells", "Seeds", "Methods", "slurm", "PretrainedModel"}

// optionalReads are the config keys that only some methods read: each
// method's Reads, none for a pretraining, all for an unknown method.
var optionalReads = []string{"Tune", "Group", "Decode", "GEquivariantGroup", "EquizeroProxy"}

// methodReads returns the keys of optionalReads that the method named m
// reads, and whether it knows them.
func methodReads(m string) (reads []string, known bool) {
	if m == Pretrain {
		return nil, true
	}
	meth, ok := config.Lookup(m)
	return meth.Reads, ok
}

// RunIdentity returns the identity of run r of c: a hash of everything that
// determines its numbers (see identityDoc). Two runs with one identity
// compute the same bits.
func RunIdentity(c *config.Config, r Run) (string, error) {
	doc, err := identityDoc(c, r, nil, seq2seq.ArithmeticVersion)
	if err != nil {
		return "", err
	}
	return hashDoc(doc), nil
}

// identityDoc describes what run r of c computes: the engine's arithmetic
// version; the run's split (canonical), cell, seed and method; every config
// key the method reads, groups resolved to their generators; and network,
// the resolved model (nil: the one c gives r). Keys whose value is zero are
// left out, so a key added with a zero default that keeps the old behaviour
// keeps every identity; a key added with any other default changes them all.
func identityDoc(c *config.Config, r Run, network *seq2seq.Config, arithmetic int) (map[string]any, error) {
	if network == nil {
		mc, err := runNetwork(c, r)
		if err != nil {
			return nil, err
		}
		network = &mc
	}
	doc, err := jsonMap(c)
	if err != nil {
		return nil, err
	}
	for _, k := range notRead {
		delete(doc, k)
	}
	reads, known := methodReads(r.Method)
	for _, k := range optionalReads {
		if known && !slices.Contains(reads, k) {
			delete(doc, k)
		}
	}
	if doc["Split"], err = scan.Canonical(c.Split); err != nil {
		return nil, err
	}
	for key, spec := range map[string]verbgroups.Spec{"Group": c.Group, "GEquivariantGroup": c.GEquivariantGroup} {
		if _, ok := doc[key]; ok {
			g, err := spec.Group()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			doc[key] = g.Spec()
		}
	}
	if doc["Network"], err = jsonMap(network); err != nil {
		return nil, err
	}
	doc["Arithmetic"], doc["Cell"], doc["Seed"], doc["Method"] = arithmetic, r.Cell, r.Seed, r.Method
	// Through JSON once more, so that every value is in one form.
	if doc, err = jsonMap(doc); err != nil {
		return nil, err
	}
	pruned, _ := pruneZero(doc).(map[string]any) // nil if every value is zero
	return pruned, nil
}

// runNetwork returns the resolved model of run r of c: c's model of r's
// cell, made G-equivariant under the gequivariant group for a method that
// starts FromScratchEquivariant.
func runNetwork(c *config.Config, r Run) (seq2seq.Config, error) {
	mc, err := c.ModelConfig(seq2seq.CellKind(r.Cell))
	if m, _ := config.Lookup(r.Method); err != nil || m.Start != config.FromScratchEquivariant {
		return mc, err
	}
	g, err := c.GEquivariantGroup.Group()
	if err != nil {
		return mc, err
	}
	spec := g.Spec()
	mc.Group = &spec
	return mc, nil
}

// jsonMap returns v as a JSON object, numbers kept as they are written.
func jsonMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	return m, d.Decode(&m)
}

// pruneZero drops the zero values (0, false, "", null, empty lists and
// objects) from a JSON value, recursively; it returns nil for a zero value.
func pruneZero(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e = pruneZero(e); e == nil {
				delete(x, k)
			} else {
				x[k] = e
			}
		}
		if len(x) == 0 {
			return nil
		}
	case []any:
		if len(x) == 0 {
			return nil
		}
		for i, e := range x {
			x[i] = pruneZero(e) // a list keeps its length: positions matter
		}
	case json.Number:
		if f, err := x.Float64(); err == nil && f == 0 {
			return nil
		}
	case bool:
		if !x {
			return nil
		}
	case string:
		if x == "" {
			return nil
		}
	}
	return v
}

// hashDoc returns the hex SHA-256 of doc's JSON (keys in order).
func hashDoc(doc map[string]any) string {
	b, _ := json.Marshal(doc) // cannot fail: doc holds only JSON values
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// docDiff lists the keys of two identity documents whose values differ, as
// "key: a → b", dotted paths in order ("-" for an absent or zero value).
func docDiff(a, b map[string]any) []string {
	fa, fb := map[string]string{}, map[string]string{}
	flatten("", a, fa)
	flatten("", b, fb)
	keys := slices.Sorted(maps.Keys(fa))
	for k := range fb {
		if _, ok := fa[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var diff []string
	for _, k := range keys {
		va, vb := fa[k], fb[k]
		if va != vb {
			diff = append(diff, fmt.Sprintf("%s: %s → %s", k, orDash(va), orDash(vb)))
		}
	}
	return diff
}

// flatten writes the leaves of a JSON value into out under dotted keys.
func flatten(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			flatten(strings.TrimPrefix(prefix+"."+k, "."), e, out)
		}
	default:
		b, _ := json.Marshal(x)
		out[prefix] = string(b)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// checkResult reports whether res, read from path, is the result of run r
// of c: its run id and experiment are r's and c's, its accuracies are
// fractions, and its identity is r's. A result without a stored identity
// (written before identities were) is judged by the identity of the
// settings it records, under legacyArithmetic. The error wraps ErrMismatch
// and says what differs.
func checkResult(c *config.Config, r Run, res *Result, path string) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s: %w: %s", path, ErrMismatch, fmt.Sprintf(format, a...))
	}
	if res.RunID != r.ID() || res.Experiment != c.Name {
		return bad("it is run %q of experiment %q, not %q of %q", res.RunID, res.Experiment, r.ID(), c.Name)
	}
	for _, x := range []float64{res.TestAcc, res.BestValAcc} {
		if !(x >= 0 && x <= 1) {
			return bad("accuracy %g is not a fraction", x)
		}
	}
	want, err := identityDoc(c, r, nil, seq2seq.ArithmeticVersion)
	if err != nil {
		return err
	}
	if res.Config == nil {
		return bad("it records no config")
	}
	arithmetic := seq2seq.ArithmeticVersion
	if res.Identity == "" {
		arithmetic = legacyArithmetic
	}
	rr := Run{Method: res.Method, Split: res.Split, Cell: res.Cell, Seed: res.Seed}
	got, err := identityDoc(res.Config, rr, &res.Model, arithmetic)
	if err != nil {
		return bad("its recorded settings: %v", err)
	}
	id := res.Identity
	if id == "" {
		id = hashDoc(got)
	}
	if id == hashDoc(want) {
		return nil
	}
	if d := docDiff(got, want); len(d) > 0 {
		return bad("%s", strings.Join(d, ", "))
	}
	return bad("identity %.12s, want %.12s (another engine version, or an edited file)", id, hashDoc(want))
}

// checkCheckpoint reports whether a loaded checkpoint holds run r of c.
// A checkpoint without an identity (a pretraining or gequivariant training
// written before checkpoints stored one) is judged by its model and
// pretraining schedule, which is all it records; its seed cannot be checked.
func checkCheckpoint(c *config.Config, r Run, tr *seq2seq.Training) error {
	want, err := identityDoc(c, r, nil, seq2seq.ArithmeticVersion)
	if err != nil {
		return err
	}
	if tr.Identity != "" {
		if tr.Identity != hashDoc(want) {
			return fmt.Errorf("%w: it holds a run of identity %.12s, not %s's %.12s", ErrMismatch, tr.Identity,
				r.ID(), hashDoc(want))
		}
		return nil
	}
	got, err := identityDoc(c, r, &tr.Model.Config, seq2seq.ArithmeticVersion)
	if err != nil {
		return err
	}
	if d := docDiff(got, want); len(d) > 0 {
		return fmt.Errorf("%w: its model differs: %s", ErrMismatch, strings.Join(d, ", "))
	}
	if s := c.Pretrain.Schedule(); tr.Schedule != s {
		return fmt.Errorf("%w: its schedule is %+v, not %+v", ErrMismatch, tr.Schedule, s)
	}
	return nil
}
