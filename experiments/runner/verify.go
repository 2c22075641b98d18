package runner

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/scan-equitune/equitune/experiments/config"
)

// VerifyOptions are what the verify command checks and does.
type VerifyOptions struct {
	Out    string          // the output root (Layout.Out)
	Sweeps []*config.Sweep // the experiments whose runs to check; none: every run directory under Out/results
	Strict bool            // a result without SumsFile is a failure
	Seal   bool            // write the SumsFile of each finished run that has none
}

// A verifyTally counts what Verify found.
type verifyTally struct {
	runs, damaged, unsealed, sealed, absent, unfinished int
}

// Verify is the verify command: it checks every method run directory of
// o.Sweeps under o.Out (or, without sweeps, every one under o.Out/results)
// against its SumsFile (checkRun), prints each damaged file and a summary
// line, and returns the exit status: 1 if a file is damaged (or, with
// o.Strict, a result is unsealed), 2 for an output root without results.
// Listed gitignored files that are absent (a fresh clone) are counted, not
// failures. With o.Seal, a finished run without SumsFile whose result.json
// reads (and, with sweeps, holds its run's result) is sealed; an existing
// SumsFile is never rewritten.
func Verify(o VerifyOptions, stdout, stderr io.Writer) int {
	if err := CheckOut(o.Out); err != nil {
		printError(stderr, err)
		return 2
	}
	dirs, check, err := verifyDirs(o)
	if err != nil {
		printError(stderr, err)
		return 2
	}
	var t verifyTally
	for _, dir := range dirs {
		if err := t.verify(dir, check[dir], o, stdout); err != nil {
			printError(stderr, err)
			return 1
		}
	}
	where := filepath.Join(o.Out, "results")
	fmt.Fprintf(stdout, "verified %d runs under %s: %d damaged, %d unsealed, %d sealed now, %d gitignored files absent",
		t.runs, where, t.damaged, t.unsealed, t.sealed, t.absent)
	if len(o.Sweeps) > 0 {
		fmt.Fprintf(stdout, ", %d not finished", t.unfinished)
	}
	fmt.Fprintln(stdout)
	if t.unsealed > 0 && !o.Strict {
		fmt.Fprintf(stdout, "%d results have no %s (written before digests): -seal seals them, -strict fails on them\n", t.unsealed, SumsFile)
	}
	if t.damaged > 0 || (o.Strict && t.unsealed > 0) {
		return 1
	}
	return 0
}

// verifyDirs returns the method run directories Verify checks, in order,
// and for those of o.Sweeps the check that their result.json holds their
// run's result (nil for a directory found under the results tree).
func verifyDirs(o VerifyOptions) (dirs []string, check map[string]func(*Result) error, err error) {
	check = map[string]func(*Result) error{}
	for _, sw := range o.Sweeps {
		for _, cell := range sw.Cells {
			l := CellLayout(o.Out, cell)
			for _, r := range Expand(cell.Config) {
				if r.Method == Pretrain {
					continue
				}
				path := l.Result(r)
				dirs = append(dirs, filepath.Dir(path))
				check[filepath.Dir(path)] = func(res *Result) error { return checkResult(cell.Config, r, res, path) }
			}
		}
	}
	if len(o.Sweeps) > 0 {
		return dirs, check, nil
	}
	root := filepath.Join(o.Out, "results")
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, nil, fmt.Errorf("no results tree at %s (give the output root with -out)", root)
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == ".cache":
			return filepath.SkipDir
		case !d.IsDir() && (d.Name() == ResultFile || d.Name() == SumsFile):
			if dir := filepath.Dir(p); len(dirs) == 0 || dirs[len(dirs)-1] != dir {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	return dirs, check, err
}

// verify checks the method run directory dir (check: that its result
// holds its run's, or nil), seals it if asked, prints what is damaged and
// counts. The error is for a file it could not read or write.
func (t *verifyTally) verify(dir string, check func(*Result) error, o VerifyOptions, stdout io.Writer) error {
	result := filepath.Join(dir, ResultFile)
	_, rerr := os.Stat(result)
	_, serr := os.Stat(filepath.Join(dir, SumsFile))
	if errors.Is(rerr, os.ErrNotExist) && errors.Is(serr, os.ErrNotExist) {
		t.unfinished++
		return nil
	}
	t.runs++
	rc, err := checkRun(dir)
	if err != nil {
		return err
	}
	t.absent += len(rc.Absent)
	if len(rc.Damaged) > 0 {
		t.damaged++
		for _, d := range rc.Damaged {
			fmt.Fprintf(stdout, "DAMAGED %v\n", d)
		}
		return nil
	}
	if rc.Sealed {
		return nil
	}
	if !o.Seal {
		t.unsealed++
		if o.Strict {
			fmt.Fprintf(stdout, "UNSEALED %s: no %s\n", result, SumsFile)
		}
		return nil
	}
	res, err := readResult(result)
	if err == nil && check != nil {
		err = check(res)
	}
	if err != nil {
		t.unsealed++
		fmt.Fprintf(stdout, "NOT SEALED %s: %v\n", result, err)
		return nil
	}
	t.sealed++
	return seal(dir)
}
