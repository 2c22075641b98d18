package report

import (
	"errors"
	"os"

	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/experiments/runner"
)

// rowOutcomes reads the outcomes file of each of row's runs under l, in the
// order of row.Runs. It returns nil, nil if any run has none (a result
// written before runs wrote outcomes); a damaged file is an error naming it.
func rowOutcomes(l runner.Layout, row Row) ([]*outcomes.Record, error) {
	recs := make([]*outcomes.Record, len(row.Runs))
	for i, res := range row.Runs {
		rec, err := outcomes.Read(l.Outcomes(res.RunID))
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		recs[i] = rec
	}
	return recs, nil
}
