package report

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/experiments/stats"
)

// Outcomes are what the seeds of a summary row got right: seed i (the
// row's Runs[i]) on each of its test commands.
type Outcomes struct {
	Records []*outcomes.Record // seed i's record, checked against its result.json
	Correct [][]bool           // seed → test command → right (outcomes.Matrix)
	Hashes  []string           // each seed's test commands' outcomes.CommandsHash
	Shared  bool               // every seed was scored on the same commands
}

// intervalMethod states how the summaries' 95% intervals are computed.
const intervalMethod = "95% interval (ci95): the percentile interval of the pigeonhole bootstrap of seeds × test commands " +
	"(Owen 2007: seeds and commands resampled independently, one command resample for every seed; B = 2000 resamples), " +
	"nested (seeds, then each chosen seed's own commands) where the seeds' test sets differ"

// withOutcomes reads the outcomes of every row's seeds under l
// (rowOutcomes), checks each against its result.json (checkCount), and
// sets the row's Outcomes and its interval: stats.Accuracy with the
// default settings, nested if the seeds' commands differ, drawn from
// stats.NewRand(name, split, cell, method). A row with a seed without
// outcomes keeps nil ones.
func withOutcomes(name string, l runner.Layout, rows []Row) error {
	for i := range rows {
		r := &rows[i]
		recs, err := rowOutcomes(l, *r)
		if err != nil {
			return err
		} else if recs == nil {
			continue
		}
		o := &Outcomes{Records: recs}
		for k, rec := range recs {
			if err := checkCount(rec, r.Runs[k], l.Outcomes(r.Runs[k].RunID), resultPath(l, r.Runs[k].RunID)); err != nil {
				return err
			}
			o.Hashes = append(o.Hashes, rec.CommandsSHA256)
		}
		if o.Correct, o.Shared, err = outcomes.Matrix(recs); err != nil {
			return fmt.Errorf("%s %s %s: %w", r.Split, r.Cell, r.Method, err)
		}
		e, err := stats.Accuracy(o.Correct, stats.Settings{Nested: !o.Shared}, stats.NewRand(name, r.Split, r.Cell, r.Method))
		if err != nil {
			return fmt.Errorf("%s %s %s: %w", r.Split, r.Cell, r.Method, err)
		}
		r.Outcomes, r.Interval = o, &e
	}
	return nil
}

// resultPath is the path of the result.json of the method run with ID id.
func resultPath(l runner.Layout, id string) string {
	return filepath.Join(filepath.Dir(l.Outcomes(id)), "result.json")
}

// checkCount returns an error naming both files unless the record rec (at
// recPath) has as many right commands as the test accuracy of res (at
// resPath) says: round(test_acc × commands).
func checkCount(rec *outcomes.Record, res *runner.Result, recPath, resPath string) error {
	if want := math.Round(res.TestAcc * float64(rec.Commands)); float64(rec.Correct) != want {
		return fmt.Errorf("%s has %d of %d commands right, but %s has test_acc %v (%v right)",
			recPath, rec.Correct, rec.Commands, resPath, res.TestAcc, want)
	}
	return nil
}

// formatInterval formats r's interval as two CSV fields, "lo,hi" to 4
// decimals, or "," (both empty) without one.
func formatInterval(r Row) string {
	if r.Interval == nil {
		return ","
	}
	return fmt.Sprintf("%.4f,%.4f", r.Interval.Lo, r.Interval.Hi)
}

// intervalCell formats r's interval as a markdown table cell's text:
// "[lo, hi]" to 4 decimals, or "–" without one.
func intervalCell(r Row) string {
	if r.Interval == nil {
		return "–"
	}
	return fmt.Sprintf("[%.4f, %.4f]", r.Interval.Lo, r.Interval.Hi)
}
