package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/experiments/runner"
)

// DeriveOutcomes gives the finished method runs of experiment c under l
// (those whose result.json ReadResults accepts) their outcomes files: a
// run with predictions but no outcomes (one finished before runs wrote
// them) gets the record of its predictions (outcomes.FromPredictions),
// written atomically. It checks every outcomes file, written or found,
// against the run's test accuracy (checkCount), and one it finds against
// the predictions when they are there; a disagreement is an error naming
// the files. It never writes result.json. It returns the number of files
// written and, as errors naming them, the predictions files it could not
// record (an output with a word that is neither an action nor SOS).
func DeriveOutcomes(c *config.Config, l runner.Layout) (derived int, skipped []error, err error) {
	rs, _, err := runner.ReadResults(c, l, runner.Expand(c))
	if err != nil {
		return 0, nil, err
	}
	for _, res := range rs {
		wrote, err := deriveRun(l, res)
		if errors.Is(err, errUnrecordable) {
			skipped = append(skipped, err)
			continue
		} else if err != nil {
			return derived, skipped, err
		}
		if wrote {
			derived++
		}
	}
	return derived, skipped, nil
}

// deriveSweep derives the outcomes of every cell of sweep sw under out
// (DeriveOutcomes), telling stderr how many it wrote and warning of the
// predictions it could not record.
func deriveSweep(sw *config.Sweep, out string, stderr io.Writer) error {
	for _, cell := range sw.Cells {
		n, skipped, err := DeriveOutcomes(cell.Config, runner.CellLayout(out, cell))
		for _, s := range skipped {
			fmt.Fprintf(stderr, "experiments: warning: no outcomes: %v\n", s)
		}
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Fprintf(stderr, "experiments: %s: wrote the %s of %d finished runs from their predictions\n",
				cell.Config.Name, runner.OutcomesFile, n)
		}
	}
	return nil
}

// errUnrecordable is wrapped by the error of predictions that an outcomes
// file cannot hold.
var errUnrecordable = errors.New("an outcomes file cannot hold these predictions")

// deriveRun is DeriveOutcomes for the run of result res. It reports whether
// it wrote the outcomes file; an error wrapping errUnrecordable means that
// the predictions cannot be recorded.
func deriveRun(l runner.Layout, res *runner.Result) (wrote bool, err error) {
	recPath, resPath := l.Outcomes(res.RunID), resultPath(l, res.RunID)
	predPath := filepath.Join(filepath.Dir(recPath), outcomes.PredictionsFile)
	have, err := outcomes.Read(recPath)
	if errors.Is(err, os.ErrNotExist) {
		have = nil
	} else if err != nil {
		return false, err
	}
	if have != nil {
		if err := checkCount(have, res, recPath, resPath); err != nil {
			return false, err
		}
	}
	ps, err := outcomes.ReadPredictions(predPath)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	rec, err := outcomes.FromPredictions(ps)
	if err != nil {
		return false, fmt.Errorf("%s: %w: %v", predPath, errUnrecordable, err)
	}
	if have != nil {
		if !reflect.DeepEqual(have, rec) {
			return false, fmt.Errorf("%s disagrees with %s: %s", recPath, predPath, difference(have, rec))
		}
		return false, nil
	}
	if err := checkCount(rec, res, predPath, resPath); err != nil {
		return false, err
	}
	return true, rec.Write(recPath)
}

// difference says how the record have first differs from rec, that of the
// predictions.
func difference(have, rec *outcomes.Record) string {
	if have.Commands != rec.Commands || have.CommandsSHA256 != rec.CommandsSHA256 {
		return fmt.Sprintf("its %d test commands (SHA-256 %.12s…) are not the predictions' %d (%.12s…)",
			have.Commands, have.CommandsSHA256, rec.Commands, rec.CommandsSHA256)
	}
	a, b := have.CorrectSet(), rec.CorrectSet()
	for i := range a {
		if a[i] != b[i] {
			return fmt.Sprintf("command %d is right in one and wrong in the other (%d and %d right in all)", i, have.Correct, rec.Correct)
		}
	}
	return "their wrong outputs differ"
}
