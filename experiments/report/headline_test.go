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

// TestResultsDocTables checks that each generated table of docs/results.md
// is its function's of the committed results; -update rewrites them (one:
// -run 'ResultsDocTables/NAME').
func TestResultsDocTables(t *testing.T) {
	for _, table := range []struct {
		name, marker string
		generate     func(root string) (string, error)
	}{
		{"FollowupGaps", "followup-gaps", FollowupGaps},              // the follow-up methods against equi-tuning
		{"FollowupSeedGaps", "followup-seed-gaps", FollowupSeedGaps}, // those rerun on five seeds
		{"AtlasGains", "atlas-gains", AtlasGains},                    // the atlas's paired gains
		{"AtlasSeedGains", "atlas-seed-gains", AtlasSeedGains},       // those rerun on five seeds
	} {
		t.Run(table.name, func(t *testing.T) {
			want, err := table.generate("../../results")
			if err != nil {
				t.Fatal(err)
			}
			checkGenerated(t, "../../docs/results.md", table.marker, want)
		})
	}
}
