package runner

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/internal/atomicfile"
)

// SumsFile is the name of a method run's digests, beside its result.json:
// the SHA-256 of each of its files (runFiles) there is, in the format of
// sha256sum (a line "HEX  NAME" per file, sorted), which `sha256sum -c`
// checks. A run writes it right after result.json; a result.json without
// one is from before digests, and stands as it is.
const SumsFile = "SHA256SUMS"

// ResultFile is the name of a method run's result (Layout.Result).
const ResultFile = "result.json"

// maxSumsBytes bounds a SumsFile: four lines.
const maxSumsBytes = 4 << 10

// ErrDamaged is wrapped by the error about a run's file that differs from
// its digest, or that is listed and absent though committed.
var ErrDamaged = errors.New("damaged")

// runFiles are the files of a method run that SumsFile lists when they are
// there, and whether the repository commits them: the predictions and the
// model are gitignored, so that a fresh clone has neither, and their
// absence is no damage (result.json's digest vouches for the numbers).
var runFiles = map[string]bool{ResultFile: true, OutcomesFile: true, PredictionsFile: false, ModelFile: false}

// seal writes the SumsFile of the method run directory dir, atomically.
func seal(dir string) error {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(runFiles)) {
		sum, err := fileSHA256(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, name)
	}
	return atomicfile.WriteFile(filepath.Join(dir, SumsFile), []byte(b.String()), 0o644)
}

// fileSHA256 returns the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// A RunCheck is what checkRun found in a method run's directory.
type RunCheck struct {
	Sealed  bool     // it has a SumsFile
	Damaged []error  // each listed file that differs, or is committed and absent, wrapping ErrDamaged
	Absent  []string // the paths of listed gitignored files that are absent (as in a fresh clone)
}

// checkRun checks the files of the method run directory dir against its
// SumsFile. A SumsFile that is not one (a bad line, an unknown file name,
// too long) is itself damaged. The error is for a file it could not read.
func checkRun(dir string) (RunCheck, error) {
	var rc RunCheck
	sums, err := readSums(filepath.Join(dir, SumsFile))
	if errors.Is(err, os.ErrNotExist) {
		return rc, nil
	}
	rc.Sealed = true
	if errors.Is(err, ErrDamaged) {
		rc.Damaged = append(rc.Damaged, err)
		return rc, nil
	} else if err != nil {
		return rc, err
	}
	if _, listed := sums[ResultFile]; !listed {
		if _, err := os.Stat(filepath.Join(dir, ResultFile)); err == nil {
			rc.Damaged = append(rc.Damaged, fmt.Errorf("%s: %w: %s does not list it", filepath.Join(dir, ResultFile), ErrDamaged, SumsFile))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(sums)) {
		path := filepath.Join(dir, name)
		sum, err := fileSHA256(path)
		switch {
		case errors.Is(err, os.ErrNotExist) && !runFiles[name]:
			rc.Absent = append(rc.Absent, path)
		case errors.Is(err, os.ErrNotExist):
			rc.Damaged = append(rc.Damaged, fmt.Errorf("%s: %w: listed in %s but absent", path, ErrDamaged, SumsFile))
		case err != nil:
			return rc, err
		case sum != sums[name]:
			rc.Damaged = append(rc.Damaged, fmt.Errorf("%s: %w: its SHA-256 is %s, %s says %s", path, ErrDamaged, sum, SumsFile, sums[name]))
		}
	}
	return rc, nil
}

// readSums reads a SumsFile: file name → hex SHA-256. A file that is not
// one is an error wrapping ErrDamaged that names it and the line.
func readSums(path string) (map[string]string, error) {
	data, err := readLimited(path, maxSumsBytes)
	if errors.Is(err, errTooLarge) {
		return nil, fmt.Errorf("%w: %w", ErrDamaged, err)
	} else if err != nil {
		return nil, err
	}
	sums := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		_, known := runFiles[name]
		switch _, herr := hex.DecodeString(sum); {
		case !ok || len(sum) != 2*sha256.Size || herr != nil || strings.ToLower(sum) != sum:
			return nil, fmt.Errorf("%s:%d: %w: want \"HEX  NAME\" with a SHA-256 of 64 lowercase hex digits", path, n, ErrDamaged)
		case !known:
			return nil, fmt.Errorf("%s:%d: %w: %q is not a file of a run", path, n, ErrDamaged, name)
		case sums[name] != "":
			return nil, fmt.Errorf("%s:%d: %w: %s listed twice", path, n, ErrDamaged, name)
		}
		sums[name] = sum
	}
	return sums, nil
}

// errTooLarge is wrapped by readLimited's error about a file beyond its
// limit.
var errTooLarge = errors.New("too large")

// readLimited reads the file at path, refusing one longer than limit bytes
// (an error wrapping errTooLarge that names it) without reading further.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w: more than %d bytes", path, errTooLarge, limit)
	}
	return data, nil
}
