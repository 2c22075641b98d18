package kernel

// UseAssembly turns the assembly kernels on (where the CPU has them) or
// off, and returns whether they were on. Tests turn them off to check that
// the portable code computes the same bits. It must not be called while
// kernels run.
func UseAssembly(on bool) (was bool) {
	was, useAVX2 = useAVX2, on && hasAVX2
	return was
}
