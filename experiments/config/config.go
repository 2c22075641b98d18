package config

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/seq2seq"
	"github.com/scan-equitune/equitune/verbgroups"
)

// ErrConfig is wrapped by every error about a bad experiment configuration;
// main exits with status 2 on it. The command prints its errors after its
// name (experiments: …), so its sentinel errors carry no prefix of their own.
var ErrConfig = errors.New("bad config")

//go:embed configs/*.toml
var builtin embed.FS

// Config is one experiment. Its zero fields mean the reference settings of
// the equi-tuning paper (see Default); a TOML file overrides any of them.
type Config struct {
	// Name names the experiment's results directory and plots.
	Name string `toml:"name"`

	// Split is a SCAN split or alias (scan.SplitNames), e.g. "add_jump".
	Split string `toml:"split"`

	// Group is the symmetry group of equi-tuning: a built-in name
	// (verbgroups.Names) or a [group] table with name and [[group.cycle]]s.
	// It must be a symmetry of SCAN. Default: "verb" for add_jump,
	// "direction" for the other splits.
	Group verbgroups.Spec `toml:"-"`

	// GEquivariantGroup is the group of the gequivariant method, given like
	// Group (key gequivariant_group). It must be a symmetry of SCAN whose
	// order divides the model's hidden and embed widths. Default: "verb4"
	// for add_jump, "direction" for the other splits.
	GEquivariantGroup verbgroups.Spec `toml:"-"`

	// Cells are the recurrent cells to train: rnn, gru, lstm.
	Cells []string `toml:"cells"`

	// Seeds are the experiment seeds; each fixes the validation hold-out,
	// the initialisation and every random choice of training.
	Seeds []uint64 `toml:"seeds"`

	// Methods are the methods to evaluate, registered names (MethodNames).
	Methods []string `toml:"methods"`

	// Decode is the decoding mode of equitune and equitune_zeroshot:
	// "shared" (exactly equivariant) or "independent" (the authors' code).
	Decode string `toml:"decode"`

	// EquizeroProxy is how equizero picks its copy: "entropy" (the lowest
	// mean entropy; also the empty default) or "top1" (the largest mean
	// top-1 probability, the default of the authors' equizero_scan.py); see
	// seq2seq.Equizero and seq2seq.EquizeroTop1.
	EquizeroProxy string `toml:"equizero_proxy" json:",omitempty"`

	// ValFraction is the fraction of the training split held out for
	// validation (model selection); the test split is never used for it.
	ValFraction float64 `toml:"val_fraction"`

	// PretrainedModel, if set, is a model stored as the reference PyTorch
	// code's state_dict in a safetensors file (seq2seq.ReadSafetensors)
	// that every method starts from instead of a pretraining. A relative
	// path is read from the configuration file's folder. The file's cell
	// and sizes replace cells and [model] (dropout aside).
	PretrainedModel string `toml:"pretrained_model" json:",omitempty"`

	// PretrainedModelSHA256 is the SHA-256 of the PretrainedModel file,
	// recorded with the resolved configuration.
	PretrainedModelSHA256 string `toml:"-" json:",omitempty"`

	// Model holds the model sizes.
	Model ModelConfig `toml:"model"`

	// Pretrain is the pretraining schedule.
	Pretrain ScheduleConfig `toml:"pretrain"`

	// Tune is the schedule of finetune and equitune.
	Tune ScheduleConfig `toml:"tune"`

	// Slurm holds the #SBATCH options of the plan written by experiments slurm (see
	// SlurmConfig); it does not change any result.
	Slurm SlurmConfig `toml:"slurm" json:"slurm,omitzero"`
}

// ModelConfig holds the encoder–decoder options (seq2seq.Config).
type ModelConfig struct {
	Hidden        int     `toml:"hidden"`        // encoder hidden width per direction (64)
	Embed         int     `toml:"embed"`         // input word embedding width (64)
	DecoderEmbed  int     `toml:"decoder_embed"` // output word embedding width (default: the decoder hidden width, 2·hidden bidirectional, as in the reference code; 0: embed)
	Attention     bool    `toml:"attention"`     // attention decoder (true)
	Bidirectional bool    `toml:"bidirectional"` // bidirectional encoder (true)
	Dropout       float64 `toml:"dropout"`       // decoder input dropout (0.1)
}

// ScheduleConfig is a training schedule (seq2seq.Schedule).
type ScheduleConfig struct {
	Iterations     int     `toml:"iterations"`      // training steps
	Batch          int     `toml:"batch"`           // examples per step, sampled with replacement
	LR             float64 `toml:"lr"`              // Adam learning rate
	WeightDecay    float64 `toml:"weight_decay"`    // coupled L2 weight decay
	TeacherForcing float64 `toml:"teacher_forcing"` // probability of teacher forcing a sequence
	Clip           float64 `toml:"clip"`            // gradient-norm clipping (0: off)
	EvalEvery      int     `toml:"eval_every"`      // steps between validation evaluations
}

// Schedule returns s as a seq2seq.Schedule.
func (s ScheduleConfig) Schedule() seq2seq.Schedule {
	return seq2seq.Schedule{Iterations: s.Iterations, Batch: s.Batch, LR: s.LR, WeightDecay: s.WeightDecay,
		Clip: s.Clip, Teacher: s.TeacherForcing, EvalEvery: s.EvalEvery}
}

// TuneLR returns the reference tuning learning rate of a split: 2e-5 on
// addprim_jump, 5e-5 otherwise (around_right).
func TuneLR(split string) float64 {
	if c, err := scan.Canonical(split); err == nil && c == scan.AddPrimJump {
		return 2e-5
	}
	return 5e-5
}

// Default returns the reference settings on add_jump: the verb group, the
// three cells, seeds 0–2, every method, shared decoding, 20% validation,
// the reference model, pretraining with Adam (lr 1e-4, batch 1, teacher
// forcing 0.5, clip 5, 200,000 iterations, evaluated every 1,000) and tuning
// for 10,000 iterations with weight decay 1e-4 and lr TuneLR(split),
// evaluated every 500.
func Default() Config {
	return Config{
		Name:              "experiment",
		Split:             "add_jump",
		Group:             verbgroups.Spec{Name: "verb"},
		GEquivariantGroup: verbgroups.Spec{Name: "verb4"},
		Cells:             []string{"rnn", "gru", "lstm"},
		Seeds:             []uint64{0, 1, 2},
		Methods:           MethodNames(),
		Decode:            "shared",
		ValFraction:       scan.DefaultValFrac,
		Model:             ModelConfig{Hidden: 64, Embed: 64, DecoderEmbed: 128, Attention: true, Bidirectional: true, Dropout: 0.1},
		Pretrain: ScheduleConfig{Iterations: 200000, Batch: 1, LR: 1e-4, TeacherForcing: 0.5, Clip: 5,
			EvalEvery: 1000},
		Tune: ScheduleConfig{Iterations: 10000, Batch: 1, LR: TuneLR("add_jump"), WeightDecay: 1e-4,
			TeacherForcing: 0.5, Clip: 5, EvalEvery: 500},
	}
}

// Validate reports the first invalid field; it also checks that the group is
// a symmetry of SCAN (which takes a moment).
func (c *Config) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, a...))
	}
	if err := c.checkNumbers(); err != nil {
		return err
	}
	if err := checkName(c.Name, maxCellNameBytes); err != nil {
		return err
	}
	if _, err := scan.Canonical(c.Split); err != nil {
		return fmt.Errorf("%w: split: %w", ErrConfig, err)
	}
	if len(c.Cells) == 0 || len(c.Seeds) == 0 || len(c.Methods) == 0 {
		return bad("cells, seeds and methods must not be empty")
	}
	for _, cell := range c.Cells {
		if err := seq2seq.CellKind(cell).Validate(); err != nil {
			return bad("cells: %v", strings.TrimPrefix(err.Error(), "seq2seq: "))
		}
	}
	for _, m := range c.Methods {
		if _, ok := Lookup(m); !ok {
			return bad("methods: unknown method %q (valid: %s)", m, strings.Join(MethodNames(), ", "))
		}
	}
	for _, list := range []any{c.Cells, c.Seeds, c.Methods} {
		if hasDup(list) {
			return bad("cells, seeds and methods must not repeat an entry")
		}
	}
	if _, err := decodeMode(c.Decode); err != nil {
		return err
	}
	if _, err := equizeroMode(c.EquizeroProxy); err != nil {
		return err
	}
	if _, err := c.ModelConfig(seq2seq.LSTM); err != nil {
		return bad("model: %v", err)
	}
	if err := c.Slurm.Validate(); err != nil {
		return err
	}
	g, err := c.Group.Group()
	if err != nil {
		return groupKeyError("group", fmt.Errorf("%w: group: %w", ErrConfig, err))
	}
	if err := g.CheckSCAN(); err != nil {
		return groupKeyError("group", fmt.Errorf("%w: group %q is not a symmetry of SCAN: %w", ErrConfig, c.Group.Name, err))
	}
	gg, err := c.GEquivariantGroup.Group()
	if err != nil {
		return groupKeyError("gequivariant_group", fmt.Errorf("%w: gequivariant_group: %w", ErrConfig, err))
	}
	if err := gg.CheckSCAN(); err != nil {
		return groupKeyError("gequivariant_group", fmt.Errorf("%w: gequivariant_group %q is not a symmetry of SCAN: %w", ErrConfig,
			c.GEquivariantGroup.Name, err))
	}
	if n := gg.Order(); slices.ContainsFunc(c.Methods, func(m string) bool { return startOf(m) == FromScratchEquivariant }) &&
		(c.Model.Hidden%n != 0 || c.Model.Embed%n != 0 || c.Model.DecoderEmbed%n != 0) {
		return bad("gequivariant_group %q of order %d must divide [model] hidden = %d, embed = %d and decoder_embed = %d",
			c.GEquivariantGroup.Name, n, c.Model.Hidden, c.Model.Embed, c.Model.DecoderEmbed)
	}
	return nil
}

// groupKeyError returns err, an error of the group given by key, as a
// keyError of the key or, for an error about one of its cycles, of that
// cycle's table (key.cycle[n], see keyLines), so that load names its line.
func groupKeyError(key string, err error) error {
	if n := verbgroups.CycleOf(err); n > 0 {
		return &keyError{fmt.Sprintf("%s.cycle[%d]", key, n), err}
	}
	return &keyError{key, err}
}

// parseGroup decodes a group key: a built-in name or a table.
func parseGroup(md toml.MetaData, prim toml.Primitive, key string) (verbgroups.Spec, error) {
	if md.Type(key) == "String" {
		var name string
		err := md.PrimitiveDecode(prim, &name)
		return verbgroups.Spec{Name: name}, err
	}
	var s verbgroups.Spec
	err := md.PrimitiveDecode(prim, &s)
	return s, err
}

func hasDup(list any) bool {
	seen := map[string]bool{}
	var keys []string
	switch l := list.(type) {
	case []string:
		keys = l
	case []uint64:
		for _, v := range l {
			keys = append(keys, fmt.Sprint(v))
		}
	}
	for _, k := range keys {
		if seen[k] {
			return true
		}
		seen[k] = true
	}
	return false
}

// decodeMode parses the decode key.
func decodeMode(s string) (seq2seq.Mode, error) {
	switch s {
	case "shared":
		return seq2seq.Shared, nil
	case "independent":
		return seq2seq.Independent, nil
	}
	return 0, fmt.Errorf("%w: decode = %q: want \"shared\" or \"independent\"", ErrConfig, s)
}

// equizeroMode parses the equizero_proxy key.
func equizeroMode(s string) (seq2seq.Mode, error) {
	switch s {
	case "", "entropy":
		return seq2seq.Equizero, nil
	case "top1":
		return seq2seq.EquizeroTop1, nil
	}
	return 0, fmt.Errorf("%w: equizero_proxy = %q: want \"entropy\" or \"top1\"", ErrConfig, s)
}

// ModelConfig returns the seq2seq configuration of a cell.
func (c *Config) ModelConfig(cell seq2seq.CellKind) (seq2seq.Config, error) {
	mc := seq2seq.Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size())
	mc.Hidden, mc.Embed, mc.DecoderEmbed, mc.Dropout = c.Model.Hidden, c.Model.Embed, c.Model.DecoderEmbed, c.Model.Dropout
	mc.NoAttention, mc.Unidirectional = !c.Model.Attention, !c.Model.Bidirectional
	return mc, mc.Validate()
}

// BuiltinNames returns the names of the embedded configurations.
func BuiltinNames() []string {
	es, _ := builtin.ReadDir("configs")
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// Load reads the configuration at path or, if path is a bare name that is
// not a file, the built-in configuration of that name (ConfigSource), and
// validates it. An error about one key names its line. A sweep (a file with
// axes, see Sweep) is an error: LoadSweep reads it.
func Load(path string) (*Config, error) {
	sw, err := LoadSweep(path, nil)
	if err != nil {
		return nil, err
	}
	if len(sw.Axes) > 0 {
		return nil, fmt.Errorf("%s: %w: a sweep of %d experiments (axes %s), not one", path, ErrConfig, len(sw.Cells), axisKeys(sw.Axes))
	}
	return sw.Cells[0].Config, nil
}

// load parses and validates one experiment's TOML text read from path, and
// refuses a key it gives that does nothing (checkUnused);
// src is the file's text, whose lines errors name (text itself, or the
// file of a sweep whose cell text is).
func load(text, src []byte, path string) (*Config, error) {
	c, md, err := parse(text, path)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, located(err, src, path)
	}
	if err := c.checkUnused(md); err != nil {
		return nil, located(err, src, path)
	}
	return c, nil
}

// located returns err after path and, for an error about one key
// (keyError), the key's line in src, or else the line of the closest table
// around it (a key inside an inline table has none of its own).
func located(err error, src []byte, path string) error {
	var ke *keyError
	if errors.As(err, &ke) {
		lines := keyLines(src)
		for key := ke.key; key != ""; key = key[:max(0, strings.LastIndexAny(key, ".["))] {
			if line := lines[key]; line > 0 {
				return fmt.Errorf("%s:%d: %w", path, line, err)
			}
		}
	}
	return fmt.Errorf("%s: %w", path, err)
}

// Parse decodes a configuration strictly over Default: an unknown key is an
// error naming the key and its line. It does not validate.
func Parse(data []byte, source string) (*Config, error) {
	c, _, err := parse(data, source)
	return c, err
}

// parse is Parse, which also returns the keys data defines.
func parse(data []byte, source string) (*Config, toml.MetaData, error) {
	c := Default()
	c.Tune.LR = 0
	var raw struct {
		Config
		Group             toml.Primitive `toml:"group"`
		GEquivariantGroup toml.Primitive `toml:"gequivariant_group"`
	}
	raw.Config = c
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&raw)
	if err != nil {
		return nil, md, fmt.Errorf("%s: %w: %v", source, ErrConfig, err)
	}
	c = raw.Config
	addJump := false
	if can, err := scan.Canonical(c.Split); err == nil && can == scan.AddPrimJump {
		addJump = true
	}
	for _, g := range []struct {
		key  string
		prim toml.Primitive
		dst  *verbgroups.Spec
	}{{"group", raw.Group, &c.Group}, {"gequivariant_group", raw.GEquivariantGroup, &c.GEquivariantGroup}} {
		if !md.IsDefined(g.key) {
			if !addJump {
				*g.dst = verbgroups.Spec{Name: "direction"}
			}
			continue
		}
		s, err := parseGroup(md, g.prim, g.key)
		if err != nil {
			return nil, md, fmt.Errorf("%s: %w: %s: %v", source, ErrConfig, g.key, err)
		}
		*g.dst = s
	}
	if un := md.Undecoded(); len(un) > 0 {
		var msgs []string
		lines := keyLines(data)
		for _, k := range un {
			at := source
			if line := lines[strings.Join(k, ".")]; line > 0 {
				at = fmt.Sprintf("%s:%d", source, line)
			}
			msgs = append(msgs, fmt.Sprintf("%s: unknown key %q", at, k.String()))
		}
		return nil, md, fmt.Errorf("%w: %s (valid: name, split, pretrained_model, group, gequivariant_group, cells, seeds, methods, decode, equizero_proxy, val_fraction, "+
			"[model] hidden/embed/decoder_embed/attention/bidirectional/dropout, [pretrain]/[tune] iterations/batch/lr/"+
			"weight_decay/teacher_forcing/clip/eval_every, "+slurmKeys+")", ErrConfig, strings.Join(msgs, "; "))
	}
	if !md.IsDefined("tune", "lr") {
		c.Tune.LR = TuneLR(c.Split)
	}
	if c.PretrainedModel != "" {
		if err := c.usePretrainedModel(source, md.IsDefined("cells")); err != nil {
			return nil, md, fmt.Errorf("%w: %s: pretrained_model: %v", ErrConfig, source, err)
		}
	} else if !md.IsDefined("model", "decoder_embed") {
		c.Model.DecoderEmbed = c.Model.Hidden
		if c.Model.Bidirectional {
			c.Model.DecoderEmbed *= 2
		}
	}
	return &c, md, nil
}

// ConfigSource returns the TOML text that Load(path) reads: the file at path
// (at most MaxConfigBytes) or, if there is none and path is a bare name (no
// directory), the built-in configuration of that name. Any other missing
// path, and a file beyond the limit, is an error wrapping ErrConfig.
func ConfigSource(path string) ([]byte, error) {
	data, err := readLimited(path, MaxConfigBytes)
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, ErrConfig):
		return nil, err
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	case path != "" && filepath.Base(path) == path:
		if b, berr := builtin.ReadFile("configs/" + path); berr == nil {
			return b, nil
		}
		return nil, fmt.Errorf("%s: %w: no such file and no such built-in config (built-in: %s)",
			path, ErrConfig, strings.Join(BuiltinNames(), ", "))
	}
	return nil, fmt.Errorf("%s: %w: no such file (only a bare name, without a directory, names a built-in config)",
		path, ErrConfig)
}

// LoadSweeps loads the configurations at paths with the same sets
// (LoadSweep); two cells that name one experiment are an error, since their
// results would collide.
func LoadSweeps(paths, sets []string) ([]*Sweep, error) {
	var sws []*Sweep
	type owner struct {
		path string
		i    int    // position of the file among paths
		name string // the cell
	}
	names := map[string]owner{}
	for i, p := range paths {
		sw, err := LoadSweep(p, sets)
		if err != nil {
			return nil, err
		}
		for _, c := range sw.Cells {
			me := owner{p, i, c.Config.Name}
			for _, n := range []string{c.Config.Name, c.Dir} {
				if other, ok := names[n]; ok && other != me {
					return nil, fmt.Errorf("%s and %s both name experiment %q: their results would collide", other.path, p, n)
				}
				names[n] = me
			}
		}
		sws = append(sws, sw)
	}
	return sws, nil
}
