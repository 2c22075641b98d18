package config

import (
	"fmt"
	"regexp"
	"strings"
)

// SlurmConfig is the optional [slurm] table of an experiment: the #SBATCH
// options of the plan that experiments slurm writes. Its zero fields mean the
// defaults given in the comments.
type SlurmConfig struct {
	Partition    string   `toml:"partition" json:"partition,omitempty"`         // --partition (none: the cluster's default)
	Account      string   `toml:"account" json:"account,omitempty"`             // --account (none)
	Time         string   `toml:"time" json:"time,omitempty"`                   // --time of a method task ("24:00:00")
	PretrainTime string   `toml:"pretrain_time" json:"pretrain_time,omitempty"` // --time of a pretraining task (Time)
	CPUsPerTask  int      `toml:"cpus_per_task" json:"cpus_per_task,omitempty"` // --cpus-per-task (1)
	Mem          string   `toml:"mem" json:"mem,omitempty"`                     // --mem per task ("2G")
	Concurrency  int      `toml:"concurrency" json:"concurrency,omitempty"`     // %K: array tasks running at once (0: no limit)
	Logs         string   `toml:"logs" json:"logs,omitempty"`                   // directory of the task logs, relative to the plan ("logs")
	Extra        []string `toml:"extra" json:"extra,omitempty"`                 // further #SBATCH options, e.g. ["--qos=long"]
}

// slurmKeys lists the keys of [slurm] for error messages.
const slurmKeys = "[slurm] partition/account/time/pretrain_time/cpus_per_task/mem/concurrency/logs/extra"

var (
	slurmTimeRE = regexp.MustCompile(`^(\d+-)?\d+(:\d+){0,2}$|^(UNLIMITED|INFINITE|unlimited|infinite)$`)
	slurmMemRE  = regexp.MustCompile(`^\d+[KMGT]?$`)
	slurmNameRE = regexp.MustCompile(`^[A-Za-z0-9_.,+-]+$`)
)

// Validate reports the first invalid field of the [slurm] table.
func (s SlurmConfig) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: [slurm]: %s", ErrConfig, fmt.Sprintf(format, a...))
	}
	for _, f := range []struct{ key, v string }{{"partition", s.Partition}, {"account", s.Account}} {
		if f.v != "" && !slurmNameRE.MatchString(f.v) {
			return bad("%s = %q: want letters, digits and _.,+-", f.key, f.v)
		}
	}
	for _, f := range []struct{ key, v string }{{"time", s.Time}, {"pretrain_time", s.PretrainTime}} {
		if f.v != "" && !slurmTimeRE.MatchString(f.v) {
			return bad("%s = %q: want a Slurm time limit such as \"30\", \"04:00:00\" or \"2-00:00:00\"", f.key, f.v)
		}
	}
	if s.Mem != "" && !slurmMemRE.MatchString(s.Mem) {
		return bad("mem = %q: want a size such as \"2G\" or \"500M\"", s.Mem)
	}
	if s.CPUsPerTask < 0 {
		return bad("cpus_per_task = %d: want ≥ 1 (0: the default, 1)", s.CPUsPerTask)
	}
	if s.Concurrency < 0 {
		return bad("concurrency = %d: want ≥ 0 (0: no limit)", s.Concurrency)
	}
	if strings.ContainsAny(s.Logs, " \t\n\r'\"%") {
		return bad("logs = %q: want a directory without spaces, quotes or %%", s.Logs)
	}
	for _, e := range s.Extra {
		if !strings.HasPrefix(e, "-") || strings.ContainsAny(e, "\n\r") {
			return bad("extra: %q: want an sbatch option such as \"--qos=long\" on one line", e)
		}
	}
	return nil
}

// WithDefaults returns s with its zero fields set to the defaults.
func (s SlurmConfig) WithDefaults() SlurmConfig {
	if s.Time == "" {
		s.Time = "24:00:00"
	}
	if s.PretrainTime == "" {
		s.PretrainTime = s.Time
	}
	if s.CPUsPerTask == 0 {
		s.CPUsPerTask = 1
	}
	if s.Mem == "" {
		s.Mem = "2G"
	}
	if s.Logs == "" {
		s.Logs = "logs"
	}
	return s
}
