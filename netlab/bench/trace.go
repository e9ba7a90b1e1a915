package bench

import (
	"bufio"
	"io"
	"sync"
	"time"

	"github.com/socklab/socklab/netlab"
)

// TraceWriter is a netlab.Sink that prints each event as one trace line, as
// `socklab serve` does without --quiet. It is what "trace to a file" costs in
// the comparison.
//
// Buffered, lines go out in 64 KB writes, flushed at least every FlushEvery
// by a goroutine of its own; unbuffered, every event is its own write(2),
// which is what a plain fmt.Println to a file costs.
type TraceWriter struct {
	mu    sync.Mutex
	w     io.Writer
	bw    *bufio.Writer
	line  []byte
	err   error
	stop  chan struct{}
	done  chan struct{}
	lines uint64
}

// FlushEvery bounds how stale a buffered trace file can be.
const FlushEvery = 100 * time.Millisecond

// NewTraceWriter writes trace lines to w.
func NewTraceWriter(w io.Writer, buffered bool) *TraceWriter {
	t := &TraceWriter{w: w}
	if buffered {
		t.bw = bufio.NewWriterSize(w, 64<<10)
		t.w = t.bw
		t.stop = make(chan struct{})
		t.done = make(chan struct{})
		go t.flusher()
	}
	return t
}

func (t *TraceWriter) flusher() {
	defer close(t.done)
	tick := time.NewTicker(FlushEvery)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
			t.mu.Lock()
			if t.err == nil {
				t.err = t.bw.Flush()
			}
			t.mu.Unlock()
		}
	}
}

// Emit prints one event.
func (t *TraceWriter) Emit(e netlab.Event) {
	s := e.String()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return
	}
	t.line = append(append(t.line[:0], s...), '\n')
	_, t.err = t.w.Write(t.line)
	t.lines++
}

// Lines returns how many lines were written.
func (t *TraceWriter) Lines() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lines
}

// Close flushes what is buffered and stops the flusher; it returns the first
// write error.
func (t *TraceWriter) Close() error {
	if t.bw != nil {
		select {
		case <-t.stop:
		default:
			close(t.stop)
		}
		<-t.done
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.bw != nil && t.err == nil {
		t.err = t.bw.Flush()
	}
	return t.err
}
