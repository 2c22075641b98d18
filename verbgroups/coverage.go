package verbgroups

// Coverage counts the commands of a held-out set (a split's test set, or its
// validation set) that a group maps onto a training set.
type Coverage struct {
	Covered int // commands c of the held-out set with g·c in the training set for some g ∈ G
	Total   int // commands of the held-out set, each occurrence counted
}

// Fraction returns Covered/Total, or 0 if Total is 0.
func (c Coverage) Fraction() float64 {
	if c.Total == 0 {
		return 0
	}
	return float64(c.Covered) / float64(c.Total)
}

// Coverage returns the group coverage of held by train: the number of
// commands c of held for which some element of g maps c onto a command of
// train,
//
//	coverage_G(held; train) = |{c ∈ held : ∃ g ∈ G, g·c ∈ train}| / |held|,
//
// where g·c maps each word of c through g and held is counted as a multiset
// (a repeated command counts at each occurrence). It is the part of held that
// a G-invariant lookup of the training commands answers: if G is a symmetry
// of the task, ⟦c⟧ = g⁻¹·⟦g·c⟧ for a covered c.
//
// Since the identity is in every group, coverage under the trivial group is
// the fraction of held found in train (0 for a split whose test and training
// commands are disjoint), and coverage is monotone in the group: a subgroup
// of g covers a subset of what g covers. Commands are compared word for word.
func (g *Group) Coverage(train, held [][]string) Coverage {
	known := make(map[string]bool, len(train))
	var key []byte
	for _, c := range train {
		key = appendKey(key[:0], c)
		known[string(key)] = true
	}
	cov := Coverage{Total: len(held)}
	var gc []string
	for _, c := range held {
		if cap(gc) < len(c) {
			gc = make([]string, len(c))
		}
		for i := range g.elems {
			gc = actTokens(g.words[i], gc[:len(c)], c)
			key = appendKey(key[:0], gc)
			if known[string(key)] {
				cov.Covered++
				break
			}
		}
	}
	return cov
}
