// Package stats gives the uncertainty of test accuracies measured over seeds
// and test commands: a percentile bootstrap interval for a method's mean
// accuracy (Accuracy), and a paired comparison of two methods that share
// their pretrainings and test commands (Compare), with an exact sign-flip
// permutation p-value (SignFlipP), and an unpaired one of two methods that
// share only their test commands (CompareUnpaired), with an exact
// permutation p-value over seeds (SeedPermutationP).
//
// The input of a summary row is its outcome matrix y[s][c] ∈ {0, 1}: whether
// seed s got test command c right, the commands in the same order for every
// seed. Seeds and commands are crossed, not nested: every seed is scored on
// the same commands, and a command that is hard for one seed tends to be
// hard for the others. The bootstrap therefore resamples seeds and commands
// independently and applies the one command resample to every chosen seed
// (the pigeonhole bootstrap of Owen, 2007, Ann. Appl. Stat. 1(2)): with
// seed multiplicities v ~ Multinomial(S; 1/S, …) and command multiplicities
// w ~ Multinomial(n; 1/n, …), a resample's statistic is
//
//	θ* = Σ_s Σ_c v_s w_c y[s][c] / (S n).
//
// Resampling commands independently within each seed (a nested two-stage
// bootstrap) would treat the seeds' command sets as independent samples and
// understate the command-level variance by up to a factor S when errors are
// shared across seeds; the tests measure this on simulated data. That
// nested bootstrap is the right one when the seeds' test commands differ
// (the simple split draws its test set by seed): Settings.Nested selects it.
//
// Every random draw comes from the *rand.Rand the caller passes; NewRand
// derives one from a row's name, so a summary row's interval is the same
// bytes on every run and machine (the resampling uses only integer draws
// and correctly rounded +, ×, ÷, never fused).
package stats
