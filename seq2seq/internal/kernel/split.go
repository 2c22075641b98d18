package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// A training step at batch 1 is a chain of small products, a few
// microseconds each, too short for a goroutine per product (waking one costs
// about as much as the product). Split hands half of such a product to one
// helper thread that spins while products keep coming and sleeps when they
// stop, as OpenMP's worker threads do. Splitting never changes arithmetic:
// every output element is computed by the same operations on whichever
// thread computes it.
//
// Split is safe for concurrent use: one caller at a time gets the helper,
// the others run their loops whole on their own goroutine.

// splitWork is the work (in multiply-adds, or elements for elementwise
// loops) from which a loop is cut in two.
const splitWork = 1 << 13

// spinRounds is how many polls the helper makes before it sleeps. Every
// yieldRounds polls it offers its core to any other runnable thread, so
// that its spinning does not hold a core another process (a second test
// binary, another experiment) could use: the helper is for idle cores.
const (
	spinRounds  = 1 << 18
	yieldRounds = 1 << 16
)

// Splits reports whether Split cuts a loop of this much work in two when
// the helper is free: callers run smaller loops directly, without making a
// function value for Split.
func Splits(work int) bool { return work >= splitWork }

// Split runs f over [0, n): in two parts, the upper one on the helper, when
// work ≥ splitWork and the helper is free, else at once on the caller. The
// cut is a multiple of align, and f must allow its two parts to run at
// once. f may itself call Split, which then runs on one thread.
func Split(n, align, work int, f func(lo, hi int)) {
	cut := (n / 2) &^ (align - 1)
	if work < splitWork || cut == 0 || !theHelper.post(f, cut, n) {
		f(0, n)
		return
	}
	f(0, cut)
	theHelper.wait()
}

// helper is the second thread of Split. One caller uses it at a time (mu);
// others run their loops whole.
type helper struct {
	mu     sync.Mutex
	once   sync.Once
	off    bool // GOMAXPROCS is 1: no second thread
	f      func(lo, hi int)
	lo, hi int
	posted atomic.Uint64 // jobs posted
	taken  atomic.Uint64 // jobs claimed, by the helper or back by the caller
	done   atomic.Uint64 // jobs finished
	asleep atomic.Bool
	wake   chan struct{}
	held   atomic.Int32 // > 0 while callers run goroutines of their own
	steps  atomic.Int32 // training steps running now, in any goroutine
}

var theHelper helper

// post offers f(lo, hi) to the helper; false means the caller must run it.
func (h *helper) post(f func(lo, hi int), lo, hi int) bool {
	h.once.Do(func() {
		h.off = runtime.GOMAXPROCS(0) < 2
		if !h.off {
			h.wake = make(chan struct{}, 1)
			go h.run()
		}
	})
	if h.off || h.busy() || !h.mu.TryLock() {
		return false
	}
	h.f, h.lo, h.hi = f, lo, hi
	h.posted.Add(1)
	if h.asleep.Load() {
		select {
		case h.wake <- struct{}{}:
		default:
		}
	}
	return true
}

// wait returns once the posted job is done, running it itself if the
// helper has not taken it yet (it may be descheduled or asleep).
func (h *helper) wait() {
	job := h.posted.Load()
	if h.taken.CompareAndSwap(job-1, job) {
		h.f(h.lo, h.hi)
		h.done.Store(job)
	}
	for spins := 1; h.done.Load() != job; spins++ {
		if spins%256 == 0 {
			runtime.Gosched()
		}
	}
	h.f = nil
	h.mu.Unlock()
}

// busy reports whether the threads are taken by work running concurrently
// (decoding workers, or two trainings at once, as with the experiments'
// -jobs 2): the helper then stays asleep rather than take a thread from it.
func (h *helper) busy() bool { return h.held.Load() > 0 || h.steps.Load() > 1 }

// Step marks a training step running until done is called: while two
// run at once, in any goroutines, the helper stays asleep.
func Step() (done func()) {
	theHelper.steps.Add(1)
	return func() { theHelper.steps.Add(-1) }
}

// Hold keeps the helper asleep, and Split on the caller's thread, until
// release is called: for callers that run as many goroutines as there are
// threads, which a spinning helper would slow down.
func Hold() (release func()) {
	theHelper.held.Add(1)
	return func() { theHelper.held.Add(-1) }
}

func (h *helper) run() {
	var seen uint64
	for {
		for spins := 0; h.posted.Load() == seen; spins++ {
			if spins < spinRounds && !h.busy() {
				if spins%yieldRounds == yieldRounds-1 {
					yieldThread()
				}
				continue
			}
			h.asleep.Store(true)
			if h.posted.Load() == seen {
				<-h.wake
			}
			h.asleep.Store(false)
			spins = 0
		}
		seen = h.posted.Load()
		if h.taken.CompareAndSwap(seen-1, seen) {
			h.f(h.lo, h.hi)
			h.done.Store(seen)
		}
	}
}
