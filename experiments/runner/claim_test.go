package runner

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAcquire checks the lock protocol between two holders: without
// waiting the second gets errBusy; waiting, it says so in the log and gets
// the lock once the first lets go; an interrupted wait stops.
func TestAcquire(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.lock")
	var log syncBuffer
	e := &Env{Log: slog.New(slog.NewTextHandler(&log, nil))}
	unlock, err := e.acquire(path, "run-a")
	if err != nil {
		t.Fatal(err)
	}
	busy := *e
	busy.noWait = true
	if _, err := busy.acquire(path, "run-a"); !errors.Is(err, errBusy) {
		t.Fatalf("second holder without waiting: %v, want errBusy", err)
	}
	var got atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		u, err := e.acquire(path, "run-a") // another open file description: must wait
		if err != nil {
			t.Error(err)
			return
		}
		got.Store(true)
		u()
	}()
	time.Sleep(200 * time.Millisecond)
	if got.Load() {
		t.Fatal("a second holder did not wait for the first")
	}
	if !strings.Contains(log.String(), "waiting for another process") || !strings.Contains(log.String(), path) {
		t.Errorf("the waiting holder did not say so: %q", log.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := *e
	stopped.Ctx = ctx
	interrupted := make(chan error)
	go func() {
		_, err := stopped.acquire(path, "run-a")
		interrupted <- err
	}()
	cancel()
	if err := <-interrupted; !errors.Is(err, ErrInterrupted) {
		t.Errorf("interrupted wait: %v, want ErrInterrupted", err)
	}
	unlock()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting holder did not get the lock after unlock")
	}
	if !got.Load() {
		t.Fatal("second lock not taken")
	}
}
