package runner

import "path/filepath"

// OutcomesFile is the name of a method run's outcomes (package outcomes:
// which test commands it got right, and its distinct wrong outputs), beside
// its result.json. Unlike the predictions, it is small enough to commit.
const OutcomesFile = "outcomes.json.gz"

// Outcomes is the path of the outcomes file of the method run with ID id
// (Run.ID, Result.RunID).
func (l Layout) Outcomes(id string) string {
	return filepath.Join(l.Dir(), "runs", id, OutcomesFile)
}
