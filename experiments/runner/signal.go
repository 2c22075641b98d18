package runner

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// interruptible returns a context cancelled at the first SIGINT or SIGTERM,
// which it reports in the log; a second signal kills the process at once.
// stop releases the signals.
func interruptible(log *slog.Logger) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	quit := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			signal.Stop(sigs) // the next signal has its default effect
			log.Warn("stopping after the current checkpoints (signal again to quit at once)", "signal", s.String())
			cancel()
		case <-quit:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(quit)
		cancel()
	}
}
