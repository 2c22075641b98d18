package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"
)

// keyLines returns the line of every key of a TOML document, by dotted path
// ("tune.lr", "slurm.partition", "group.cycle.words"): where it is assigned,
// also as a dotted key or inside an inline table, or, for a table, its
// header. A key of an array of tables has the line of its first occurrence;
// the nth table of an array ("group.cycle[2]", n from 1) has the line of
// its first key; a table defined only through its keys (pretrain.lr = 1)
// has line 0. It
// returns nil for a document that does not parse.
func keyLines(data []byte) map[string]int {
	var top map[string]toml.Primitive
	md, err := toml.Decode(string(data), &top)
	if err != nil {
		return nil
	}
	lines := map[string]int{}
	walkLines(md, nil, top, lines)
	return lines
}

// errLineProbe is what lineProbe returns, so that the decoder reports where
// the key it was decoding is.
var errLineProbe = errors.New("line probe")

// lineProbe fails to decode any value.
type lineProbe struct{}

func (*lineProbe) UnmarshalTOML(any) error { return errLineProbe }

// walkLines records in lines the line of every key under the table m at
// path: decoding a key's value into a lineProbe fails with an error that
// carries the key's position.
func walkLines(md toml.MetaData, path []string, m map[string]toml.Primitive, lines map[string]int) {
	for k, p := range m {
		kp := append(path[:len(path):len(path)], k)
		key := strings.Join(kp, ".")
		var pe toml.ParseError
		if err := md.PrimitiveDecode(p, &lineProbe{}); errors.As(err, &pe) {
			if _, seen := lines[key]; !seen {
				lines[key] = pe.Position.Line
			}
		}
		switch md.Type(kp...) {
		case "Hash", "": // "": a table made implicitly by a dotted key or header
			var table map[string]toml.Primitive
			if md.PrimitiveDecode(p, &table) == nil {
				walkLines(md, kp, table, lines)
			}
		case "ArrayHash":
			var tables []map[string]toml.Primitive
			if md.PrimitiveDecode(p, &tables) == nil {
				for i, t := range tables {
					table := map[string]int{}
					walkLines(md, kp, t, table)
					first := 0
					for k, l := range table {
						if _, seen := lines[k]; !seen {
							lines[k] = l
						}
						if l > 0 && (first == 0 || l < first) {
							first = l
						}
					}
					lines[fmt.Sprintf("%s[%d]", key, i+1)] = first
				}
			}
		}
	}
}
