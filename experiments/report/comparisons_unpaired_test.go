package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/stats"
)

// TestUnpairedPairs: a pair is unpaired when one of its methods does not
// start from the pretrained model.
func TestUnpairedPairs(t *testing.T) {
	for name, want := range map[string]string{
		"add_jump.toml":              "[]",
		"add_jump_gequivariant.toml": "[[gequivariant pretrained]]",
		"add_jump_vs_scratch.toml":   "[[gequivariant equitune]]",
	} {
		c, err := config.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(unpairedPairs(c)); got != want {
			t.Errorf("%s: unpaired pairs %s, want %s", name, got, want)
		}
	}
}

// TestUnpairedComparisons: every seed of both rows is used, unpaired, on
// the shared commands; rows without outcomes or with seeds scored on other
// commands are left out, saying why; the tables carry the numbers.
func TestUnpairedComparisons(t *testing.T) {
	c, err := config.Load("add_jump_vs_scratch.toml")
	if err != nil {
		t.Fatal(err)
	}
	y := func(p float64, key uint64) []bool { return synthRight(300, p, key) }
	eq := outcomeRow("equitune", []uint64{0, 1, 2}, []string{"h", "h", "h"}, [][]bool{y(0.9, 0), y(0.9, 1), y(0.9, 2)})
	ge := outcomeRow("gequivariant", []uint64{0, 1, 2, 3}, []string{"h", "h", "h", "h"},
		[][]bool{y(0.5, 10), y(0.5, 11), y(0.5, 12), y(0.5, 13)})
	cs, omitted, err := unpairedComparisons(c, []Row{eq, ge})
	if err != nil || len(cs) != 1 || len(omitted) != 0 {
		t.Fatalf("comparisons %+v, omitted %v, %v", cs, omitted, err)
	}
	want, err := stats.CompareUnpaired(ge.Outcomes.Correct, eq.Outcomes.Correct, stats.Settings{},
		stats.NewRand(c.Name, "addprim_jump", "gru", "equitune", "gequivariant"))
	if err != nil || cs[0].Comparison != want || cs[0].A != "gequivariant" || cs[0].B != "equitune" {
		t.Errorf("compared %+v, want %+v (%v)", cs[0], want, err)
	}
	if !want.Resolved || want.Diff > -0.3 || want.Seeds != 4 || want.SeedsB != 3 {
		t.Errorf("a gap of 0.4 over 4 and 3 seeds: %+v", want)
	}
	row := fmt.Sprintf("addprim_jump,gru,gequivariant,equitune,4,3,300,%.4f,%.4f,%.4f,%s,true\n", want.Diff, want.Lo, want.Hi, formatP(want.P))
	if csv := unpairedCSV(cs); !strings.HasSuffix(csv, "\n"+row) {
		t.Errorf("csv:\n%s\nwant the row %s", csv, row)
	}
	if md := unpairedMarkdown(c, cs, nil); !strings.Contains(md, "| addprim_jump | gru | gequivariant − equitune | 4, 3 | 300 |") {
		t.Errorf("markdown:\n%s", md)
	}

	ge.Outcomes.Hashes[3] = "other"
	if cs, omitted, err := unpairedComparisons(c, []Row{eq, ge}); err != nil || len(cs) != 0 ||
		fmt.Sprint(omitted) != "[gequivariant − equitune (addprim_jump, gru: test commands differ between seeds)]" {
		t.Errorf("other commands: %+v, %v, %v", cs, omitted, err)
	}
	eq.Outcomes = nil
	if cs, omitted, err := unpairedComparisons(c, []Row{eq, ge}); err != nil || len(cs) != 0 ||
		!strings.Contains(unpairedMarkdown(c, cs, omitted), "Left out: gequivariant − equitune (addprim_jump, gru: no outcomes).") {
		t.Errorf("no outcomes: %+v, %v, %v", cs, omitted, err)
	}
}
