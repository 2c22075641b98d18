package runner

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// signals receives SIGINT and SIGTERM once CatchSignals has run; it holds
// one that arrived before an invocation listens (interruptible).
var signals = make(chan os.Signal, 1)

// CatchSignals makes SIGINT and SIGTERM interrupt the runs of this process
// instead of killing it: a signal that arrives before the runs start (while
// the configs load) stops them as they start. The run command calls it
// first thing, so that a signal at any moment after the process started
// ends in exit 130; a worker process does too, and its invocation counts a
// worker killed by the SIGTERM it sent before it got there as interrupted
// (workerPool.spawn).
func CatchSignals() { signal.Notify(signals, os.Interrupt, syscall.SIGTERM) }

// interruptible returns a context cancelled at the first SIGINT or SIGTERM
// (one caught earlier included), which it reports in the log; a second
// signal kills the process at once. stop releases the signals.
func interruptible(log *slog.Logger) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	CatchSignals()
	quit := make(chan struct{})
	go func() {
		select {
		case s := <-signals:
			signal.Stop(signals) // the next signal has its default effect
			log.Warn("stopping after the current checkpoints (signal again to quit at once)", "signal", s.String())
			cancel()
		case <-quit:
		}
	}()
	return ctx, func() {
		signal.Stop(signals)
		close(quit)
		cancel()
	}
}
