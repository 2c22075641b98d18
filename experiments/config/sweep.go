package config

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// A Sweep is what one configuration file describes: one experiment, or,
// when the file lists axes, one experiment (a cell) per combination of
// their values.
//
// An axis is a key given a list where the configuration wants one value:
// splits = [...] or groups = [...] (split and group as lists), or a list
// for any other key of one value that can change (gequivariant_group,
// decode, equizero_proxy, val_fraction and the keys of [model], [pretrain]
// and [tune]), e.g. lr = [1e-4, 2e-4] in [tune]. The cells are the cross
// product of the axes, the first axis varying slowest. A [[when]] table
// sets keys for the cells whose axis values are the ones it names, e.g.
//
//	[[when]]
//	group = "identity"
//	methods = ["pretrained", "finetune"]
//
// A cell is named NAME_V1_V2… after its axis values (× written x) and its
// results go to OUT/results/NAME/V1_V2…/; a file without axes is one cell
// named NAME whose results go to OUT/results/NAME/.
type Sweep struct {
	Name   string // the file's name
	Source string // the file, or the name of a built-in config
	Data   []byte // the TOML text after -set (what a Slurm plan runs)
	Axes   []Axis // in the order of the file; none for one experiment
	Cells  []Cell
}

// An Axis is a key of a sweep given several values.
type Axis struct {
	Key    string // dotted key, e.g. "split", "group", "tune.lr"
	Values []any  // TOML values: string, int64, float64 or bool
}

// A Cell is one experiment of a sweep.
type Cell struct {
	Config *Config
	Dir    string // its results folder under OUT/results/: NAME, or NAME/V1_V2… in a sweep
}

// sweepKeys are the keys that may be axes: top-level keys, and every key of
// the tables of one value each.
var (
	sweepKeys   = []string{"split", "group", "gequivariant_group", "decode", "equizero_proxy", "val_fraction"}
	sweepTables = []string{"model", "pretrain", "tune"}
)

// LoadSweep reads the configuration at path (or the built-in one of that
// name, see ConfigSource), applies sets (key=value, a TOML value or else a
// string, e.g. tune.lr=1e-3 or split=around_right) and returns its cells,
// each parsed and validated like a file of its own. An error names the file
// and, in a sweep, the cell.
func LoadSweep(path string, sets []string) (*Sweep, error) {
	data, err := ConfigSource(path)
	if err != nil {
		return nil, err
	}
	return ParseSweep(data, path, sets)
}

// ParseSweep is LoadSweep of the TOML text data read from path.
func ParseSweep(data []byte, path string, sets []string) (*Sweep, error) {
	var doc map[string]any
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrConfig, err)
	}
	order := keyOrder(md) // the file's axis order, which -set keeps
	if len(sets) > 0 {
		for _, s := range sets {
			if err := set(doc, s); err != nil {
				return nil, fmt.Errorf("%w: -set %s: %v", ErrConfig, s, err)
			}
		}
		if data, err = encode(doc); err != nil {
			return nil, fmt.Errorf("%w: -set: %v", ErrConfig, err)
		}
		if md, err = toml.Decode(string(data), &doc); err != nil {
			return nil, fmt.Errorf("%w: -set: %v", ErrConfig, err)
		}
	}
	sw := &Sweep{Source: path, Data: data, Name: Default().Name}
	if name, ok := doc["name"].(string); ok {
		if err := checkName(name, MaxNameBytes); err != nil {
			return nil, located(err, data, path)
		}
		sw.Name = name
	}
	if sw.Axes, err = axes(doc, md); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrConfig, err)
	}
	sortAxes(sw.Axes, order)
	if n, ok := cellCount(sw.Axes); !ok {
		return nil, fmt.Errorf("%s: %w: axes %s make more than %d cells (%s)", path, ErrConfig, axisKeys(sw.Axes), MaxCells, n)
	}
	whens, err := whenTables(doc, sw.Axes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrConfig, err)
	}
	if len(sw.Axes) == 0 {
		c, err := load(data, data, path)
		if err != nil {
			return nil, err
		}
		sw.Name, sw.Cells = c.Name, []Cell{{Config: c, Dir: c.Name}}
		return sw, nil
	}
	base := maps.Clone(doc)
	delete(base, "when")
	delete(base, "splits")
	delete(base, "groups")
	if err := sw.checkCellNames(); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrConfig, err)
	}
	seen := map[string]bool{}
	for _, values := range combinations(sw.Axes) {
		cell := deepCopy(base).(map[string]any)
		var parts []string
		for i, a := range sw.Axes {
			setPath(cell, strings.Split(a.Key, "."), values[i])
			parts = append(parts, cellPart(values[i]))
		}
		for _, w := range whens {
			if w.matches(sw.Axes, values) {
				merge(cell, deepCopy(w.set).(map[string]any))
			}
		}
		suffix := strings.Join(parts, "_")
		cell["name"] = sw.Name + "_" + suffix
		text, err := encode(cell)
		if err != nil {
			return nil, fmt.Errorf("%s: cell %s: %w: %v", path, suffix, ErrConfig, err)
		}
		c, err := load(text, data, path)
		if err != nil {
			return nil, fmt.Errorf("cell %s of %w", suffix, err)
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("%s: %w: two cells are named %q", path, ErrConfig, c.Name)
		}
		seen[c.Name] = true
		sw.Cells = append(sw.Cells, Cell{Config: c, Dir: sw.Name + "/" + suffix})
	}
	return sw, nil
}

// MaxCells bounds the cells of a sweep: each is parsed and validated when
// the file is loaded (atlas.toml has 55).
const MaxCells = 10_000

// cellCount returns the number of cells of the axes as text, and whether
// it is at most MaxCells.
func cellCount(as []Axis) (string, bool) {
	n := 1
	var sizes []string
	for _, a := range as {
		sizes = append(sizes, strconv.Itoa(len(a.Values)))
		if n *= len(a.Values); n > MaxCells {
			return strings.Join(sizes, " × ") + " × …", false
		}
	}
	return strconv.Itoa(n), true
}

// axes returns the axes of a decoded document, in the order of its keys.
func axes(doc map[string]any, md toml.MetaData) ([]Axis, error) {
	for _, plural := range []string{"splits", "groups"} {
		if _, ok := doc[plural]; ok {
			if _, both := doc[strings.TrimSuffix(plural, "s")]; both {
				return nil, fmt.Errorf("%s and %s: give one", plural, strings.TrimSuffix(plural, "s"))
			}
		}
	}
	var as []Axis
	for _, k := range md.Keys() {
		key := k.String()
		var v any
		switch {
		case len(k) == 1 && (key == "splits" || key == "groups"):
			v = doc[key]
			if _, ok := v.([]any); !ok {
				return nil, fmt.Errorf("%s = %v: want a list", key, v)
			}
			key = strings.TrimSuffix(key, "s")
		case len(k) == 1 && slices.Contains(sweepKeys, key):
			v = doc[key]
		case len(k) == 2 && slices.Contains(sweepTables, k[0]):
			t, _ := doc[k[0]].(map[string]any)
			v = t[k[1]]
		default:
			continue
		}
		list, ok := v.([]any)
		if !ok {
			continue
		}
		if len(list) == 0 {
			return nil, fmt.Errorf("%s = []: an axis needs at least one value", key)
		}
		for i, x := range list {
			switch x.(type) {
			case string, int64, float64, bool:
			default:
				return nil, fmt.Errorf("%s: value %d is not a string, number or boolean", key, i+1)
			}
			if slices.Index(list, x) != i {
				return nil, fmt.Errorf("%s: value %v is given twice", key, x)
			}
		}
		as = append(as, Axis{Key: key, Values: list})
	}
	return as, nil
}

// keyOrder returns the position of each key of a decoded document in its
// file, the plural axis keys (splits, groups) under their singular name as
// Axis.Key has them.
func keyOrder(md toml.MetaData) map[string]int {
	order := map[string]int{}
	for i, k := range md.Keys() {
		key := k.String()
		if key == "splits" || key == "groups" {
			key = strings.TrimSuffix(key, "s")
		}
		order[key] = i
	}
	return order
}

// sortAxes orders as by the position of their keys in the file (order),
// axes that -set made of keys the file did not have last, stably: -set
// re-encodes the document, which sorts its keys, but an axis keeps its
// place and so its cells keep their names.
func sortAxes(as []Axis, order map[string]int) {
	pos := func(a Axis) int {
		if i, ok := order[a.Key]; ok {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(as, func(a, b Axis) int { return pos(a) - pos(b) })
}

// A when is a [[when]] table: the axis values it applies to, and the keys it
// sets.
type when struct {
	on  map[string]any // axis key → value
	set map[string]any
}

// matches reports whether w applies to the cell of the given axis values.
func (w when) matches(as []Axis, values []any) bool {
	for i, a := range as {
		if v, ok := w.on[a.Key]; ok && v != values[i] {
			return false
		}
	}
	return true
}

// whenTables returns the [[when]] tables of doc.
func whenTables(doc map[string]any, as []Axis) ([]when, error) {
	raw, ok := doc["when"]
	if !ok {
		return nil, nil
	}
	tables, ok := raw.([]map[string]any)
	if !ok {
		return nil, errors.New("when: want [[when]] tables")
	}
	if len(as) == 0 {
		return nil, errors.New("[[when]] without an axis (a key given as a list)")
	}
	var ws []when
	for i, t := range tables {
		w := when{on: map[string]any{}, set: map[string]any{}}
		for k, v := range t {
			switch {
			case slices.ContainsFunc(as, func(a Axis) bool { return a.Key == k }):
				w.on[k] = v
			case k == "name" || k == "when" || k == "splits" || k == "groups":
				return nil, fmt.Errorf("[[when]] %d sets %s, which it cannot", i+1, k)
			default:
				w.set[k] = v
			}
		}
		if len(w.on) == 0 {
			return nil, fmt.Errorf("[[when]] %d names no axis value (axes: %s)", i+1, axisKeys(as))
		}
		ws = append(ws, w)
	}
	return ws, nil
}

func axisKeys(as []Axis) string {
	var ks []string
	for _, a := range as {
		ks = append(ks, a.Key)
	}
	return strings.Join(ks, ", ")
}

// combinations returns the cross product of the axes' values, the first
// axis varying slowest.
func combinations(as []Axis) [][]any {
	out := [][]any{nil}
	for _, a := range as {
		var next [][]any
		for _, prefix := range out {
			for _, v := range a.Values {
				next = append(next, append(slices.Clip(prefix), v))
			}
		}
		out = next
	}
	return out
}

// checkCellNames reports a cell of sw whose axis values cannot name its
// folder, before any cell is made.
func (sw *Sweep) checkCellNames() error {
	max := maxCellNameBytes - len(sw.Name) - 1
	for _, values := range combinations(sw.Axes) {
		var parts []string
		for _, v := range values {
			parts = append(parts, cellPart(v))
		}
		suffix := strings.Join(parts, "_")
		if why := nameProblem(suffix, max); why != "" {
			return fmt.Errorf("axes %s: the values %q cannot name the folder %s/%s: %s (a cell's values are "+nameRule+")",
				axisKeys(sw.Axes), parts, sw.Name, suffix, why, max)
		}
	}
	return nil
}

// cellPart writes an axis value in a cell's name, × written x.
func cellPart(v any) string { return strings.ReplaceAll(valueName(v), "×", "x") }

// valueName writes an axis value in a cell's name.
func valueName(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// set applies a -set key=value to doc: value is a TOML value, or else a
// string.
func set(doc map[string]any, kv string) error {
	key, value, ok := strings.Cut(kv, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return errors.New("want key=value, e.g. tune.lr=1e-3")
	}
	var v struct{ V any }
	if _, err := toml.Decode("V = "+value, &v); err != nil {
		v.V = value
	}
	path := strings.Split(key, ".")
	for _, p := range path {
		if p == "" {
			return fmt.Errorf("key %q has an empty part", key)
		}
	}
	setPath(doc, path, v.V)
	return nil
}

// setPath sets the dotted path of doc to v, making the tables on the way.
func setPath(doc map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		t, ok := doc[p].(map[string]any)
		if !ok {
			t = map[string]any{}
			doc[p] = t
		}
		doc = t
	}
	doc[path[len(path)-1]] = v
}

// merge sets every key of src in dst, merging tables.
func merge(dst, src map[string]any) {
	for k, v := range src {
		if sv, ok := v.(map[string]any); ok {
			if dv, ok := dst[k].(map[string]any); ok {
				merge(dv, sv)
				continue
			}
		}
		dst[k] = v
	}
}

// deepCopy copies a decoded TOML value.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []map[string]any:
		l := make([]map[string]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e).(map[string]any)
		}
		return l
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// encode writes a decoded document as TOML.
func encode(doc map[string]any) ([]byte, error) {
	var b bytes.Buffer
	err := toml.NewEncoder(&b).Encode(doc)
	return b.Bytes(), err
}
