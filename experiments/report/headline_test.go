package report

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEHeadline checks that the README's headline table is Headline's
// of the committed summaries; -update rewrites it.
func TestREADMEHeadline(t *testing.T) {
	const path, begin, end = "../../README.md", "<!-- headline: Headline, go test ./experiments/report -run READMEHeadline -update -->\n", "<!-- /headline -->"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q … %q", path, begin, end)
	}
	want, err := Headline("../../results")
	if err != nil {
		t.Fatal(err)
	}
	if got := s[i+len(begin) : j]; got != want {
		if *update {
			if err := os.WriteFile(path, []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("%s's headline table differs from Headline of the committed summaries (rerun with -update):\n%s", path, want)
	}
}
