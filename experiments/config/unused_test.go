package config

import (
	"errors"
	"strings"
	"testing"
)

// TestUnusedKeys: a key given that does nothing — decode, equizero_proxy or
// gequivariant_group when no listed method reads it, an eval_every beyond
// its schedule's iterations — is refused like an unknown key, naming the
// file, the line and the key; the same keys where they act, and defaults
// that would not act, load.
func TestUnusedKeys(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"decode", "methods = [\"pretrained\", \"equizero\"]\ndecode = \"shared\"\n", "x.toml:3: bad config: decode is read by none"},
		{"equizero_proxy", "methods = [\"equitune\"]\nequizero_proxy = \"top1\"\n", "x.toml:3: bad config: equizero_proxy is read by none"},
		{"gequivariant_group", "methods = [\"equitune\"]\ngequivariant_group = \"verb\"\n", "x.toml:3: bad config: gequivariant_group is read"},
		{"pretrain eval_every", "[pretrain]\niterations = 10\neval_every = 11\n", "x.toml:4: bad config: pretrain.eval_every = 11 is more than pretrain.iterations = 10"},
		{"tune eval_every", "tune.iterations = 500\ntune.eval_every = 600\n", "x.toml:3: bad config: tune.eval_every = 600 is more than tune.iterations = 500"},
		{"sweep cell", "splits = [\"add_jump\", \"around_right\"]\ndecode = \"independent\"\n[[when]]\nsplit = \"around_right\"\nmethods = [\"finetune\"]\n",
			"cell around_right of x.toml:3: bad config: decode"},
	} {
		_, err := ParseSweep([]byte("name = \"x\"\n"+tc.src), "x.toml", nil)
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want ErrConfig containing %q", tc.name, err, tc.want)
		}
	}
	for _, src := range []string{
		"methods = [\"pretrained\", \"equitune\"]\ndecode = \"independent\"\n",
		"methods = [\"equizero\"]\nequizero_proxy = \"top1\"\n",
		"methods = [\"gequivariant\"]\ngequivariant_group = \"verb\"\n",
		"[pretrain]\niterations = 10\neval_every = 10\n",
		"[pretrain]\niterations = 10\n", // the default eval_every, 1000, is not given
		"splits = [\"add_jump\", \"around_right\"]\ndecode = \"independent\"\n[[when]]\nsplit = \"around_right\"\nmethods = [\"equitune\"]\n",
	} {
		if _, err := ParseSweep([]byte("name = \"x\"\n"+src), "x.toml", nil); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}
