// Command scangen writes a SCAN split in the official file format.
//
// Usage:
//
//	scangen -split NAME -out DIR [-seed N] [-force]
//
// It writes DIR/tasks_train_NAME.txt and DIR/tasks_test_NAME.txt, named by
// the NAME given (an alias keeps its own name), one
// "IN: <command> OUT: <actions>" line per pair. The seed matters only for
// the simple split. Existing files are not overwritten without -force. An
// unknown split name prints the valid names and exits with status 2.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/scan-equitune/equitune/scan"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run executes scangen with args and returns its exit status: 0 on success,
// 1 on a failure to write, 2 on a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scangen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	split := fs.String("split", "", "name of the split to generate (one of: "+strings.Join(scan.SplitNames(), ", ")+")")
	out := fs.String("out", "", "directory to write tasks_train_NAME.txt and tasks_test_NAME.txt into (created if missing)")
	seed := fs.Uint64("seed", 0, "seed of the random 80/20 partition of the simple split; other splits ignore it")
	force := fs.Bool("force", false, "overwrite existing files")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: scangen -split NAME -out DIR [-seed N] [-force]\n\n"+
			"Generates a SCAN split from the grammar and writes it in the official\n"+
			"\"IN: <command> OUT: <actions>\" format.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || *split == "" || *out == "" {
		fmt.Fprintln(stderr, "scangen: -split and -out are required, and no arguments are accepted")
		fs.Usage()
		return 2
	}
	train, test, err := scan.Generate(*split, *seed)
	if err != nil {
		fmt.Fprintf(stderr, "scangen: unknown split %q; valid names:\n  %s\n", *split, strings.Join(scan.SplitNames(), "\n  "))
		return 2
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(stderr, "scangen:", err)
		return 1
	}
	files := []struct {
		path string
		ps   []scan.Pair
	}{
		{filepath.Join(*out, "tasks_train_"+*split+".txt"), train},
		{filepath.Join(*out, "tasks_test_"+*split+".txt"), test},
	}
	if !*force {
		for _, f := range files {
			if _, err := os.Stat(f.path); err == nil {
				fmt.Fprintf(stderr, "scangen: %s exists; use -force to overwrite\n", f.path)
				return 1
			}
		}
	}
	for _, f := range files {
		if err := scan.WriteFile(f.path, f.ps); err != nil {
			fmt.Fprintln(stderr, "scangen:", err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s (%d pairs)\n", f.path, len(f.ps))
	}
	return 0
}
