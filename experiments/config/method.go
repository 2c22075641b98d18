package config

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/seq2seq"
	"github.com/scan-equitune/equitune/verbgroups"
)

// A Method is one way of getting a model and evaluating it on the test
// split: the model it starts from, how it trains it, how it decodes it, the
// config keys it reads and how it is reported. Every method is a value
// registered in methods, which config validation, run expansion, run
// identities, the runner (Env.Do), the summary and the figures read; a new
// method is a file with its value and a line in methods.
type Method struct {
	// Name names the method in configs, run ids, results and figures.
	Name string
	// Doc says in a line what the method is (-h and the README's table).
	Doc string
	// Start is the model the method starts from.
	Start Start
	// Schedule says whether and how it trains that model.
	Schedule Schedule
	// Equi runs the model as M_G, |G| copies under Config.Group
	// (seq2seq.CopiesOf); otherwise as the plain model.
	Equi bool
	// Mode is its decoding mode under c (nil: seq2seq.Shared).
	Mode func(c *Config) seq2seq.Mode
	// Combiner, if set, makes the combiner that weighs the copies
	// (seq2seq.Copies.Combiner) of a run starting from model m with the
	// run's seed; a Tuned method trains it with the model and checkpoints
	// it with the tuning (nil: the copies are averaged).
	Combiner func(m *seq2seq.Model, seed uint64) (seq2seq.Combiner, error)
	// Reads are the keys of optionalReads that its numbers depend on, the
	// part of the config that enters its run identity.
	Reads []string
	// Color is its colour in every figure (nil: a fallback, see MethodColor).
	Color color.Color
	// Note, if set, is a sentence of summary.md about the method under c.
	Note func(c *Config) string
}

// GEquivariant is the name of the method that trains the G-equivariant
// model from scratch.
const GEquivariant = "gequivariant"

// Start is the model a method starts from.
type Start int

const (
	// FromPretrained starts from the best-validation pretrained model M of
	// (split, cell, seed): the cached pretraining, or the pretrained_model
	// file.
	FromPretrained Start = iota
	// FromScratchEquivariant trains the G'-equivariant model of Gordon et
	// al. (seq2seq.NewEquivariant) for G' = Config.GEquivariantGroup from
	// scratch with the pretraining schedule (Env.GEquivariant).
	FromScratchEquivariant
)

// Schedule says whether and how a method trains the model it starts from.
type Schedule int

const (
	// AsStarted reports the model as its start trained it: the start's
	// validation curve and best-validation model (a pretrained_model file,
	// which has no curve, is validated once).
	AsStarted Schedule = iota
	// ZeroShot does not train: the model is validated once, as the method
	// decodes it.
	ZeroShot
	// Tuned trains the model further with the [tune] schedule under the
	// method's copies and decoding, checkpointing at every evaluation.
	Tuned
)

// methods are the registered methods, in the order they are run and
// reported by default (see methods_builtin.go).
var methods = []Method{pretrained, finetune, equitune, equituneZeroshot, equizero, gequivariant, equituneIndependent, lambdaEquitune,
	equizeroFinetune}

// Register adds m to the registered methods, after the others, and returns
// a function that removes it again. It is for methods defined outside this
// package (a test's toy method); a method of the project is a value listed
// in methods. It panics if m has no name or its name is taken.
func Register(m Method) (unregister func()) {
	if _, taken := Lookup(m.Name); taken || m.Name == "" {
		panic(fmt.Sprintf("config: Register: method name %q is empty or taken", m.Name))
	}
	saved := methods
	methods = append(slices.Clip(methods), m)
	return func() { methods = saved }
}

// MethodNames returns the names of the registered methods, in order.
func MethodNames() []string {
	var names []string
	for _, m := range methods {
		names = append(names, m.Name)
	}
	return names
}

// Lookup returns the registered method of that name.
func Lookup(name string) (Method, bool) {
	i := slices.IndexFunc(methods, func(m Method) bool { return m.Name == name })
	if i < 0 {
		return Method{}, false
	}
	return methods[i], true
}

// DecodeMode returns m's decoding mode under c.
func (m Method) DecodeMode(c *Config) seq2seq.Mode {
	if m.Mode == nil {
		return seq2seq.Shared
	}
	return m.Mode(c)
}

// Copies returns the copies m runs model under the group g as, for a run of
// the given seed.
func (m Method) Copies(g *verbgroups.Group, model *seq2seq.Model, seed uint64) (seq2seq.Copies, error) {
	if !m.Equi {
		return seq2seq.Copies{}, nil
	}
	cp := seq2seq.CopiesOf(g)
	if m.Combiner != nil {
		c, err := m.Combiner(model, seed)
		if err != nil {
			return cp, err
		}
		cp.Combiner = c
	}
	return cp, nil
}

// Trains reports whether m trains a model of its own (which its run then
// writes as ModelFile); the others evaluate the pretrained one.
func (m Method) Trains() bool { return m.Schedule == Tuned || m.Start != FromPretrained }

// Group returns the group a run starting from s reports: the gequivariant
// group for FromScratchEquivariant, else the equi-tuning group.
func (s Start) Group(c *Config) verbgroups.Spec {
	if s == FromScratchEquivariant {
		return c.GEquivariantGroup
	}
	return c.Group
}

// startOf returns the start of the method named m; Pretrain and an unknown
// method start from the pretrained model.
func startOf(m string) Start {
	meth, _ := Lookup(m)
	return meth.Start
}

// NeedsPretrain reports whether method m uses the pretrained model.
func NeedsPretrain(m string) bool { return startOf(m) == FromPretrained }

// MethodTable returns the registered methods as the Markdown table of the
// README: name, doc, start, schedule, copies and decoding, and the optional
// keys each reads.
func MethodTable() string {
	var b strings.Builder
	b.WriteString("| method | what it is | starts from | training | model, decoding | also reads |\n" +
		"| --- | --- | --- | --- | --- | --- |\n")
	for _, m := range methods {
		model := "M"
		if m.Equi {
			model = "M_G (`group`)"
		}
		decoding := "shared"
		switch {
		case slices.Contains(m.Reads, "Decode"):
			decoding = "`decode`"
		case m.Mode != nil:
			decoding = m.DecodeMode(&Config{}).String()
		}
		var reads []string
		for _, k := range m.Reads {
			reads = append(reads, "`"+configKey(k)+"`")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s, %s | %s |\n", m.Name, m.Doc, m.Start, m.Schedule, model, decoding,
			strings.Join(append(reads, "—")[:max(1, len(reads))], ", "))
	}
	return b.String()
}

// String says where a run starting from s gets its model, for MethodTable.
func (s Start) String() string {
	if s == FromScratchEquivariant {
		return "the `gequivariant_group`-equivariant model, trained from scratch"
	}
	return "the pretrained M"
}

// String says how a method trains, for MethodTable.
func (s Schedule) String() string {
	switch s {
	case ZeroShot:
		return "none"
	case Tuned:
		return "`[tune]`"
	}
	return "as started"
}

// configKey returns the TOML key of a Config field named in optionalReads.
func configKey(field string) string {
	switch field {
	case "Tune":
		return "[tune]"
	case "GEquivariantGroup":
		return "gequivariant_group"
	case "EquizeroProxy":
		return "equizero_proxy"
	}
	return strings.ToLower(field)
}
