package seq2seq

// ArithmeticVersion numbers the engine's arithmetic: training and decoding
// compute the same bits for the same inputs under one version. It is part of
// every recorded run's identity, so results and checkpoints of another
// version are never taken for this one's. Bump it with any change that moves
// a bit of a recorded number, that is whenever TestNumericsPinned's digests
// must be re-recorded; changes that keep the digests (faster kernels giving
// the same bits) keep the version.
const ArithmeticVersion = 1
