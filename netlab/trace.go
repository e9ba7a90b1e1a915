package netlab

import (
	"bufio"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// TraceWriter is a Sink that prints each event as one trace line (the
// lines of `socklab serve`). Sockets never wait for it: Emit queues the
// event and returns, a goroutine of its own formats and writes, and when the
// output cannot keep up, events are dropped, counted and reported in the
// trace itself.
type TraceWriter struct {
	q       chan Event
	w       *bufio.Writer
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	dropped atomic.Uint64
	json    bool
	err     error
}

// NewTraceWriter starts writing trace lines to w; queue bounds the events
// waiting to be written (at least 1).
func NewTraceWriter(w io.Writer, queue int) *TraceWriter { return newTraceWriter(w, queue, false) }

// NewJSONTraceWriter is NewTraceWriter writing JSON lines (docs/TRACE-FORMAT.md).
func NewJSONTraceWriter(w io.Writer, queue int) *TraceWriter { return newTraceWriter(w, queue, true) }

func newTraceWriter(w io.Writer, queue int, json bool) *TraceWriter {
	t := &TraceWriter{q: make(chan Event, max(queue, 1)), w: bufio.NewWriterSize(w, 64<<10),
		stop: make(chan struct{}), done: make(chan struct{}), json: json}
	go t.run()
	return t
}

// Emit queues the event, or counts it as dropped when the queue is full.
func (t *TraceWriter) Emit(e Event) {
	select {
	case t.q <- e:
	default:
		t.dropped.Add(1)
	}
}

func (t *TraceWriter) run() {
	defer close(t.done)
	var line []byte
	var reported uint64
	finish := func() {
		t.drain(&line)
		reported = t.reportDrops(reported)
		if err := t.w.Flush(); err != nil && t.err == nil {
			t.err = err
		}
	}
	window := time.NewTimer(time.Hour)
	window.Stop()
	// q is never closed, so a socket that reports after Close cannot panic;
	// its events are dropped once the queue is full.
	for {
		select {
		case e := <-t.q:
			t.write(&line, e)
		case <-t.stop:
			finish()
			return
		}
		// One wake-up and one write(2) per batch window instead of per
		// event: a person reading the trace cannot tell 10 ms apart, and a
		// busy server no longer pays a goroutine switch for every call.
		window.Reset(traceWindow)
		select {
		case <-window.C:
		case <-t.stop:
			finish()
			return
		}
		finish()
	}
}

// traceWindow is how long the trace collects events before writing them.
const traceWindow = 10 * time.Millisecond

func (t *TraceWriter) write(line *[]byte, e Event) {
	if t.json {
		*line = append(e.AppendJSON((*line)[:0]), '\n')
	} else {
		*line = append(e.AppendTo((*line)[:0]), '\n')
	}
	if _, err := t.w.Write(*line); err != nil && t.err == nil {
		t.err = err
	}
}

func (t *TraceWriter) reportDrops(reported uint64) uint64 {
	if d := t.dropped.Load(); d > reported {
		if t.json {
			t.w.Write(append(DroppedJSON(nil, d-reported), '\n'))
		} else {
			t.w.WriteString("[" + itoa(int(d-reported)) + " trace lines dropped: the output could not keep up]\n")
		}
		return d
	}
	return reported
}

// drain writes the events already queued.
func (t *TraceWriter) drain(line *[]byte) {
	for {
		select {
		case e := <-t.q:
			t.write(line, e)
		default:
			return
		}
	}
}

// Close writes what is queued, flushes and returns the first write error.
// Events emitted after Close are not written.
func (t *TraceWriter) Close() error {
	t.once.Do(func() { close(t.stop) })
	<-t.done
	return t.err
}

// Dropped counts the events lost because the output could not keep up.
func (t *TraceWriter) Dropped() uint64 { return t.dropped.Load() }
