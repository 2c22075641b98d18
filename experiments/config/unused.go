package config

import (
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// optionalKeys are the keys that only the methods reading their field
// (Method.Reads) use.
var optionalKeys = []struct{ key, field string }{
	{"decode", "Decode"}, {"equizero_proxy", "EquizeroProxy"}, {"gequivariant_group", "GEquivariantGroup"},
}

// checkUnused reports the first key that md defines and that does nothing
// in the valid c, as an unknown key does: a key of optionalKeys that none
// of the methods reads, and an eval_every of [pretrain] or [tune] beyond its
// iterations (the schedule is evaluated at its end only, as at
// eval_every = iterations).
func (c *Config) checkUnused(md toml.MetaData) error {
	for _, k := range optionalKeys {
		if !md.IsDefined(k.key) {
			continue
		}
		var readers []string
		for _, m := range methods {
			if slices.Contains(m.Reads, k.field) {
				readers = append(readers, m.Name)
			}
		}
		if !slices.ContainsFunc(c.Methods, func(m string) bool { return slices.Contains(readers, m) }) {
			return badKey(k.key, "is read by none of the methods [%s], only by %s: remove it or add one of them",
				strings.Join(c.Methods, ", "), strings.Join(readers, ", "))
		}
	}
	for _, s := range []struct {
		table string
		s     ScheduleConfig
	}{{"pretrain", c.Pretrain}, {"tune", c.Tune}} {
		if md.IsDefined(s.table, "eval_every") && s.s.EvalEvery > s.s.Iterations {
			return badKey(s.table+".eval_every", "= %d is more than %s.iterations = %d: the schedule is evaluated at its end only; "+
				"remove it or set it to at most %d", s.s.EvalEvery, s.table, s.s.Iterations, s.s.Iterations)
		}
	}
	return nil
}
