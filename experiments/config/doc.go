// Package config owns what an experiment is before anything runs: the
// Config of one experiment (its TOML keys, their defaults and their
// validation, with errors naming the file, line and key), the sweep a file
// with axes describes (Sweep, LoadSweep: a Config per cell, -set), the built-in
// configurations embedded from configs/, and the registry of methods
// (Method, Lookup, MethodNames): the model each starts from, how it trains
// and decodes it, the keys it reads, its colour and its line of the
// README's table.
//
// It imports no other package of the experiments command; runner and
// report read what it defines.
package config
