package report

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEHeadline checks that the README's headline table is Headline's
// of the committed summaries; -update rewrites it.
func TestREADMEHeadline(t *testing.T) {
	want, err := Headline("../../results")
	if err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, "../../README.md", "headline", want)
}

// checkGenerated checks that the text of the file at path between the
// lines "<!-- NAME: … -->" and "<!-- /NAME -->" is want; -update rewrites
// it.
func checkGenerated(t *testing.T, path, name, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	open, end := "<!-- "+name+": ", "<!-- /"+name+" -->"
	i := strings.Index(s, open)
	if i < 0 {
		t.Fatalf("%s: no %q line", path, open)
	}
	i += strings.Index(s[i:], "\n") + 1
	j := strings.Index(s, end)
	if j < i {
		t.Fatalf("%s: no %q after %q", path, end, open)
	}
	if got := s[i:j]; got != want {
		if *update {
			if err := os.WriteFile(path, []byte(s[:i]+want+s[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("%s's %s table differs from the committed results' (rerun with -update):\n%s", path, name, want)
	}
}

// TestFollowupGapsDoc checks that docs/results.md's tables of the follow-up
// methods against equi-tuning are FollowupGaps' of the committed results;
// -update rewrites them.
func TestFollowupGapsDoc(t *testing.T) {
	want, err := FollowupGaps("../../results")
	if err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, "../../docs/results.md", "followup-gaps", want)
}

// TestAtlasGainsDoc checks that docs/results.md's table of the atlas's
// paired gains is AtlasGains' of the committed comparisons; -update
// rewrites it.
func TestAtlasGainsDoc(t *testing.T) {
	want, err := AtlasGains("../../results")
	if err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, "../../docs/results.md", "atlas-gains", want)
}

// TestAtlasSeedGainsDoc checks that docs/results.md's table of the gains
// rerun on five seeds is AtlasSeedGains' of the committed comparisons;
// -update rewrites it.
func TestAtlasSeedGainsDoc(t *testing.T) {
	want, err := AtlasSeedGains("../../results")
	if err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, "../../docs/results.md", "atlas-seed-gains", want)
}
