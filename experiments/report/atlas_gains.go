package report

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// AtlasGains returns a Markdown table of the reference atlas's paired gains
// of equi-tuning over fine-tuning, equitune under each group minus finetune
// under the trivial one, by split (rows, in AtlasSplits' order) and group
// (columns), read from results/atlas/comparisons.csv under root (a
// checkout's results/ folder): the difference with its 95% interval, bold
// where the interval excludes 0, "no outcomes" where the split's runs have
// none.
func AtlasGains(root string) (string, error) {
	path := filepath.Join(root, "atlas", "comparisons.csv")
	rows, err := readCSV(path)
	if err != nil {
		return "", err
	}
	gain := map[[2]string]summaryRow{}
	for _, r := range rows {
		if r["cell"] == "lstm" && r["method"] == "equitune" && r["baseline"] == "finetune" {
			gain[[2]string{r["split"], r["group"]}] = r
		}
	}
	groups := AtlasGroups[1:]
	var b strings.Builder
	b.WriteString("| split |")
	for _, g := range groups {
		b.WriteString(" " + g + " |")
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(groups)) + "\n")
	for _, split := range AtlasSplits {
		b.WriteString("| " + split + " |")
		for _, g := range groups {
			r, ok := gain[[2]string{split, g}]
			if !ok {
				b.WriteString(" no outcomes |")
				continue
			}
			cell, err := gainCell(r)
			if err != nil {
				return "", fmt.Errorf("%s: %s, %s: %w", path, split, g, err)
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}

// gainCell formats a comparisons.csv row as "+d [+lo, +hi]", bold if
// resolved.
func gainCell(r summaryRow) (string, error) {
	var v [3]float64
	for i, k := range []string{"diff_mean", "ci95_lo", "ci95_hi"} {
		x, err := strconv.ParseFloat(r[k], 64)
		if err != nil {
			return "", fmt.Errorf("%s: %w", k, err)
		}
		v[i] = x
	}
	return gapCell(v[0], v[1], v[2], r["resolved"] == "true"), nil
}

// gapCell formats a difference and its 95% interval as "+d [+lo,
// +hi]", bold if resolved.
func gapCell(d, lo, hi float64, resolved bool) string {
	s := fmt.Sprintf("%+.4f [%+.4f, %+.4f]", d, lo, hi)
	if resolved {
		s = "**" + s + "**"
	}
	return s
}

// AtlasSeedGains returns a Markdown table of the gains atlas_seeds.toml
// reran on more seeds: for each (split, group) in
// results/atlas_seeds/comparisons.csv, equitune − finetune on the
// atlas's seeds (results/atlas/comparisons.csv) beside the same on
// atlas_seeds' seeds, each as AtlasGains formats it. The column headers
// carry each file's number of seeds, which must be the same on every row.
func AtlasSeedGains(root string) (string, error) {
	type gains struct {
		path string
		rows map[[2]string]summaryRow
		n    string
	}
	read := func(experiment string) (gains, error) {
		g := gains{path: filepath.Join(root, experiment, "comparisons.csv"), rows: map[[2]string]summaryRow{}}
		rows, err := readCSV(g.path)
		if err != nil {
			return g, err
		}
		for _, r := range rows {
			if r["cell"] != "lstm" || r["method"] != "equitune" || r["baseline"] != "finetune" {
				continue
			}
			if g.n != "" && r["n_seeds"] != g.n {
				return g, fmt.Errorf("%s: %s, %s: %s seeds, other rows %s", g.path, r["split"], r["group"], r["n_seeds"], g.n)
			}
			g.n = r["n_seeds"]
			g.rows[[2]string{r["split"], r["group"]}] = r
		}
		return g, nil
	}
	atlas, err := read("atlas")
	if err != nil {
		return "", err
	}
	more, err := read("atlas_seeds")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| split | group | atlas, %s seeds | atlas_seeds, %s seeds |\n|---|---|---:|---:|\n", atlas.n, more.n)
	for _, split := range AtlasSplits {
		for _, g := range AtlasGroups[1:] {
			key := [2]string{split, g}
			r, ok := more.rows[key]
			if !ok {
				continue
			}
			a, ok := atlas.rows[key]
			if !ok {
				return "", fmt.Errorf("%s: no equitune − finetune row for %s, %s, which %s has", atlas.path, split, g, more.path)
			}
			fewer, err := gainCell(a)
			if err != nil {
				return "", fmt.Errorf("%s: %s, %s: %w", atlas.path, split, g, err)
			}
			cell, err := gainCell(r)
			if err != nil {
				return "", fmt.Errorf("%s: %s, %s: %w", more.path, split, g, err)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", split, g, fewer, cell)
		}
	}
	return b.String(), nil
}
