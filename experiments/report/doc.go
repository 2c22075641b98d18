// Package report owns what is made of finished runs: the summary of an
// experiment (summary.csv and summary.md, the group coverage in
// coverage.csv, WriteSummary; a sweep's, WriteSummaries, Aggregate), its figures (accuracy bars and
// validation curves, in PNG and SVG), its error analysis when the runs have
// outcomes (errors.csv, errors.md and a figure: accuracy by class of
// command, kinds of error, most frequent wrong outputs), the group coverage of a split
// (Coverages, PrintCoverage), and the SCAN atlas, a sweep over splits and
// groups (ReadAtlas, DrawAtlas: its tables, heatmap and gain figures).
//
// It reads results through package runner (ReadResults, which accepts a
// result.json only if it is its run's) and configurations through package
// config.
package report
