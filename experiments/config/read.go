package config

import (
	"fmt"
	"io"
	"os"
)

// MaxConfigBytes bounds a configuration file. The largest built-in one
// (atlas.toml) has 2 KB; a file beyond the limit is refused before it is
// read when its size is known, and after MaxConfigBytes+1 bytes when it is
// not (a pipe, a device such as /dev/zero).
const MaxConfigBytes = 1 << 20

// readLimited reads the file at path, at most limit bytes of it; a larger
// file is an error wrapping ErrConfig that names it.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooBig := func() error {
		return fmt.Errorf("%s: %w: more than %d bytes, the limit of a config file", path, ErrConfig, limit)
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > limit {
		return nil, tooBig()
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if int64(len(data)) > limit {
		return nil, tooBig()
	}
	return data, nil
}
