// Package kernel holds the numerics of package seq2seq that know nothing of
// the model: the helper thread that splits a loop in two (Split).
package kernel
