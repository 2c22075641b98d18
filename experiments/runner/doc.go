// Package runner owns the execution of experiments: the plan (Expand: a
// config's indexed runs, pretrainings first; Plan: a sweep's, every cell's
// pretrainings first), the paths of their outputs
// (Layout), the identity of a run (RunIdentity: a hash of everything that
// determines its numbers), and running them (Env.Do): pretraining,
// tuning and testing with the seq2seq engine, checkpoints and resumption,
// a run's result.json and predictions, locks shared by concurrent
// processes, the schedule of an invocation on a pool of worker processes
// (RunAll, RunOne), signals, the Slurm plan (WritePlan) and the export of
// a run's model (Export, RunDecoder).
//
// It reads configurations through package config and knows nothing of
// summaries or figures: RunAll calls Options.Summarize when its runs are
// done (report.WriteSummary in the experiments command).
package runner
