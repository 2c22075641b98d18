// Package kernel holds the numerics of package seq2seq that know nothing of
// the model: the matrix products (GemmNT, GemmNN, GemmTN, and Linear on
// weights packed by Pack), the vector helpers (Dot, Axpy, SumRows,
// LogSoftmax), exp, σ and tanh of a row (Exps, Sigmoids, Tanhs), Adam's
// elementwise update (Adam), and the helper thread that cuts a loop in two
// (Split, Step, Hold). Each kernel has portable Go code and, on amd64 with
// AVX2 (with AVX-512 and FMA where the CPU has them), Go assembly
// (kernel_amd64.s) that performs for every element the same IEEE
// operations in the same order as the portable code — multiplies and adds
// kept separate, no fused multiply-add except where math.Exp itself fuses
// one — so results are the same bit for bit whichever code runs
// (UseAssembly switches the assembly off to compare), whatever the number
// of rows of a product, and on whichever thread Split runs an element.
package kernel
