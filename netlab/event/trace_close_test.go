package event

import (
	"errors"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stuckWriter is an output whose write(2) never returns until released: a
// pipe nobody reads, a FIFO without a reader.
type stuckWriter struct {
	release chan struct{}
	entered chan struct{}
	once    sync.Once
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.entered) })
	<-w.release
	return len(p), nil
}

// TestTraceWriterCloseNotHeldByStuckOutput: Close returns although the
// writer is stuck in write, and says how many lines were lost. (Close
// used to wait for ever: socklab serve | less ignored SIGINT.)
func TestTraceWriterCloseNotHeldByStuckOutput(t *testing.T) {
	t.Parallel()
	w := &stuckWriter{release: make(chan struct{}), entered: make(chan struct{})}
	tw := NewTraceWriter(w, 16)
	// Close waits this long for the stuck writer (CloseWait, 1 s, in use):
	// the writer never returns here, so how long does not matter.
	tw.closeWait = 100 * time.Millisecond
	for range 5 {
		tw.Emit(Event{Kind: KindNote, Note: "a line", FD: -1})
	}
	<-w.entered // the writer is in Write: every line so far is in flight
	for range 40 {
		tw.Emit(Event{Kind: KindNote, Note: "more", FD: -1})
	}
	err := tw.Close()
	lost := tw.Lost() // before the writer is let go: then it writes on
	close(w.release)  // let the goroutine end, for goleak
	if !errors.Is(err, ErrTraceLost) || !strings.Contains(err.Error(), "45") {
		t.Fatalf("Close = %v; want ErrTraceLost with 45 lines", err)
	}
	if lost != 45 {
		t.Fatalf("Lost = %d, want 45", lost)
	}
	waitFor(t, "writer goroutine ends", func() bool {
		select {
		case <-tw.done:
			return true
		default:
			return false
		}
	})
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestTraceWriterWriteErrorReported: a full disk is an error of Close
// with the lines lost (it was lost: serve --trace-file /dev/full exited 0).
func TestTraceWriterWriteErrorReported(t *testing.T) {
	tw := NewTraceWriter(failWriter{}, 16)
	for range 3 {
		tw.Emit(Event{Kind: KindNote, Note: "x", FD: -1})
	}
	err := tw.Close()
	if !errors.Is(err, ErrTraceLost) || !errors.Is(err, syscall.ENOSPC) || tw.Lost() != 3 {
		t.Fatalf("Close = %v, Lost = %d; want ENOSPC and 3 lost", err, tw.Lost())
	}
	var sb strings.Builder
	ok := NewTraceWriter(&sb, 16)
	ok.Emit(Event{Kind: KindNote, Note: "fine", FD: -1})
	if err := ok.Close(); err != nil || ok.Lost() != 0 || !strings.Contains(sb.String(), "fine") {
		t.Fatalf("good output: %v, lost %d, %q", err, ok.Lost(), sb.String())
	}
}
