package event

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// TraceWriter is a Sink that prints each event as one trace line (the
// lines of `socklab serve`). Sockets never wait for it: Emit copies the
// event into a bounded batch and returns (or a LineSource keeps the lines'
// records, a served trace's way), a goroutine of its own formats the
// batch into one reused buffer and writes it, and when the output cannot
// keep up, events are dropped, counted and reported in the trace itself.
// Shutdown never waits for it either: Close gives a writer stuck in
// write(2) (a pipe nobody reads, a FIFO) CloseWait, then gives up on it and
// says how many lines were lost.
type TraceWriter struct {
	// mu guards batch, the events waiting for the writer. Emit only
	// appends to it (a copy, no formatting, no allocation once the two
	// batches have grown); the writer swaps it for its spare and formats
	// outside the lock, so a socket never waits for a line being built.
	mu    sync.Mutex
	batch []Event   // what Emit was given
	lines []LineRec // what EmitLineLocked was given (a text writer's)
	limit int       // most events batch or lines may hold: the queue bound
	wake  chan struct{}
	urge  chan struct{} // Urge's: the window ends now

	w       *bufio.Writer
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	dropped atomic.Uint64
	json    bool
	err     error // set by run; read only after done is closed
	// closeWait is CloseWait; a test of the stuck output sets it shorter.
	closeWait time.Duration

	// emitted counts every Emit (under mu, which every Emit holds: an
	// atomic add of its own was one more locked instruction per event);
	// written, the lines flushed to the output without error. Their
	// difference, after Close, is the lines lost.
	emitted uint64
	written atomic.Uint64
	// sourced counts the lines taken from src, and those src dropped
	// (DropLine): emitted as much as those of Emit (see Lost).
	sourced  atomic.Uint64
	src      LineSource // set before the first line; nil: the batch alone
	pending  uint64     // lines in w not yet flushed (run's own)
	closeErr error
	addrs    addrTexts // run's own
}

// CloseWait bounds how long Close waits for the output to take what is
// queued: a shutdown (SIGINT, q) is never held by a reader that stopped.
const CloseWait = time.Second

// ErrTraceLost is wrapped by Close's error when lines could not be written.
var ErrTraceLost = errors.New("trace lines lost")

// NewTraceWriter starts writing trace lines to w; queue bounds the events
// waiting to be written (at least 1).
func NewTraceWriter(w io.Writer, queue int) *TraceWriter { return newTraceWriter(w, queue, false) }

// NewJSONTraceWriter is NewTraceWriter writing JSON lines (docs/TRACE-FORMAT.md).
func NewJSONTraceWriter(w io.Writer, queue int) *TraceWriter { return newTraceWriter(w, queue, true) }

// batchStart is the first capacity of a batch; it grows (up to the queue
// bound) only when a window brings more events than ever before, so a quiet
// trace does not hold the whole bound's memory for the collector to scan.
const batchStart = 256

func newTraceWriter(w io.Writer, queue int, json bool) *TraceWriter {
	limit := max(queue, 1)
	t := &TraceWriter{limit: limit, wake: make(chan struct{}, 1), urge: make(chan struct{}, 1),
		w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{}), json: json,
		closeWait: CloseWait}
	t.batch = make([]Event, 0, min(limit, batchStart))
	go t.run()
	return t
}

// Emit copies the event into the batch, or counts it as dropped when the
// batch is full.
func (t *TraceWriter) Emit(e Event) { t.EmitRef(&e) }

// EmitRef is Emit for an event the caller keeps: *e is copied into the
// batch, not first into an argument (an Event is some 460 bytes).
func (t *TraceWriter) EmitRef(e *Event) {
	t.mu.Lock()
	t.EmitLocked(e)
	t.mu.Unlock()
}

// Mutex is the lock of the batch. The sock package's Sequencer, when this
// writer is its sink, orders its events under this same lock and hands each
// one on with EmitLocked: a released event then takes one lock, not two,
// and on a busy server every lock is a cache line both cores pass back and
// forth (1.7 % more requests a second at 64 clients, docs/PERFORMANCE.md).
func (t *TraceWriter) Mutex() *sync.Mutex { return &t.mu }

// EmitLocked is EmitRef for a caller that holds Mutex.
func (t *TraceWriter) EmitLocked(e *Event) {
	t.emitted++
	n := len(t.batch) + len(t.lines)
	if n >= t.limit {
		t.dropped.Add(1)
		return
	}
	t.batch = append(t.batch, *e)
	t.wakeFirst(n)
}

// LineSource is where a text writer takes lines from besides its batch:
// a served trace's sockets keep their lines' records in queues of their
// own, ordered by the source (sock's Sequencer in line mode), and the
// writer takes what is ready at each window, in order, after the batch.
type LineSource interface {
	// TakeLines passes each record that is ready to put, in the order of
	// the trace, and reports whether some are still held back (the writer
	// then comes back after its next window). At the writer's last pass
	// final is set: every record is ready.
	TakeLines(put func(*LineRec), final bool) (more bool)
}

// SetSource makes t take lines from src too. Call it before any line is
// emitted; a JSON writer takes no records and ignores it.
func (t *TraceWriter) SetSource(src LineSource) {
	t.mu.Lock()
	if !t.json {
		t.src = src
	}
	t.mu.Unlock()
}

// Limit is the bound of t's queue (NewTraceWriter's queue): a source
// keeps no more records than that waiting.
func (t *TraceWriter) Limit() int { return t.limit }

// DropLine counts a line its source could not keep: the output did not
// keep up (reported in the trace, like Emit's drops).
func (t *TraceWriter) DropLine() {
	t.sourced.Add(1)
	t.dropped.Add(1)
}

// Wake tells the writer its source has lines: the writer writes them
// after its next window.
func (t *TraceWriter) Wake() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// Urge ends the writer's window now: its source holds a good part of the
// queue bound. The writer's timer alone is not enough on a busy server:
// the connections' goroutines hand the cores to each other, and a writer
// whose window ended may wait tens of milliseconds more to run, while one
// woken by a channel runs next on the core that woke it.
func (t *TraceWriter) Urge() {
	select {
	case t.urge <- struct{}{}:
	default:
	}
}

// JSON reports whether t writes JSON lines, which need the whole Event
// (EmitLocked), not a line record.
func (t *TraceWriter) JSON() bool { return t.json }

// EmitLineLocked is EmitLocked for a text writer given the line's record
// itself (a served trace's sockets build records, not Events): *r is copied
// into the batch. A JSON writer cannot take one; it counts it lost.
func (t *TraceWriter) EmitLineLocked(r *LineRec) {
	t.emitted++
	n := len(t.batch) + len(t.lines)
	if n >= t.limit || t.json {
		t.dropped.Add(1)
		return
	}
	t.lines = append(t.lines, *r)
	t.wakeFirst(n)
}

// wakeFirst wakes the writer for the batch's first event, n being the events
// it held before.
func (t *TraceWriter) wakeFirst(n int) {
	if n == 0 {
		// Only the first event of a batch wakes the writer; the others
		// find it already collecting.
		select {
		case t.wake <- struct{}{}:
		default:
		}
	}
}

func (t *TraceWriter) run() {
	defer close(t.done)
	defer Recover()
	var (
		line     []byte
		spare    []Event
		spareRec []LineRec
		reported uint64
	)
	put := func(r *LineRec) {
		t.sourced.Add(1)
		t.writeLine(&line, r)
	}
	finish := func(final bool) {
		spare, spareRec = t.writeBatch(&line, spare, spareRec)
		t.mu.Lock()
		src := t.src
		t.mu.Unlock()
		if src != nil && src.TakeLines(put, final) && !final {
			t.Wake() // some wait for a call still under way: next window
		}
		reported = t.reportDrops(reported)
		if err := t.w.Flush(); err != nil {
			if t.err == nil {
				t.err = err
			}
		} else {
			t.written.Add(t.pending)
		}
		t.pending = 0
	}
	window := time.NewTimer(time.Hour)
	window.Stop()
	// Events emitted after Close stay in the bounded batch, then are
	// dropped: a socket that reports late neither blocks nor panics.
	for {
		select {
		case <-t.wake:
		case <-t.stop:
			finish(true)
			return
		}
		// One wake-up and one write(2) per batch window instead of per
		// event: a person reading the trace cannot tell 10 ms apart, and a
		// busy server no longer pays a goroutine switch for every call.
		window.Reset(traceWindow)
		select {
		case <-window.C:
		case <-t.urge:
			window.Stop()
		case <-t.stop:
			finish(true)
			return
		}
		finish(false)
	}
}

// traceWindow is how long the trace collects events before writing them.
const traceWindow = 10 * time.Millisecond

// writeBatch takes the batch the sockets filled, giving them spare (emptied)
// in its place, writes its lines and returns it as the next spare (the
// events of a JSON writer, the line records of a text one).
func (t *TraceWriter) writeBatch(line *[]byte, spare []Event, spareRec []LineRec) ([]Event, []LineRec) {
	t.mu.Lock()
	batch, lines := t.batch, t.lines
	if spare == nil {
		spare = make([]Event, 0, cap(batch))
	}
	t.batch, t.lines = spare[:0], spareRec[:0]
	t.mu.Unlock()
	// Records come first: EmitLineLocked only hands on what a sequencer
	// queued before its events (sock's Attach, Flush).
	for i := range lines {
		t.writeLine(line, &lines[i])
	}
	for i := range batch {
		if t.json {
			t.write(line, &batch[i])
		} else {
			t.writeEvent(line, &batch[i])
		}
	}
	// The events' payloads and strings are not kept alive until the
	// slot is reused.
	clear(batch)
	clear(lines)
	return batch[:0], lines[:0]
}

// write writes a JSON writer's line of e.
func (t *TraceWriter) write(line *[]byte, e *Event) {
	if t.err != nil {
		return // the output failed: the line is lost, and counted so
	}
	*line = append(e.AppendJSON((*line)[:0]), '\n')
	t.put(*line)
}

// writeEvent writes a text writer's line of e.
func (t *TraceWriter) writeEvent(line *[]byte, e *Event) {
	var (
		r    LineRec
		who  LineWho
		more LineMore
	)
	r.Set(e, &who, &more)
	t.writeLine(line, &r)
}

// writeLine writes a text writer's line of r.
func (t *TraceWriter) writeLine(line *[]byte, r *LineRec) {
	if t.err != nil {
		return
	}
	*line = append(appendLine((*line)[:0], r, &t.addrs), '\n')
	t.put(*line)
}

// put writes one line to the buffered output, counting it pending.
func (t *TraceWriter) put(line []byte) {
	if _, err := t.w.Write(line); err != nil {
		t.err = err
		return
	}
	t.pending++
}

func (t *TraceWriter) reportDrops(reported uint64) uint64 {
	if d := t.dropped.Load(); d > reported {
		if t.json {
			t.w.Write(append(DroppedJSON(nil, d-reported), '\n'))
		} else {
			t.w.WriteString("[" + strconv.Itoa(int(d-reported)) + " trace lines dropped: the output could not keep up]\n")
		}
		return d
	}
	return reported
}

// Close writes what is queued and flushes, waiting at most CloseWait. It
// returns the first write error, or that the output did not take the lines
// in time, with the number of lines lost (ErrTraceLost); nil when the
// output took every line it was given (Lost still counts the lines dropped
// when it was slow). Events emitted after Close are not written. A writer
// still stuck in write(2) is left to the process's exit.
func (t *TraceWriter) Close() error {
	t.once.Do(func() {
		close(t.stop)
		timer := time.NewTimer(t.closeWait)
		defer timer.Stop()
		select {
		case <-t.done:
			// Lines dropped because the output was slow are reported
			// in the trace itself and by Lost; only a failed output is
			// an error.
			if t.err != nil {
				t.closeErr = fmt.Errorf("%d %w (%w)", t.Lost(), ErrTraceLost, t.err)
			}
		case <-timer.C:
			t.closeErr = fmt.Errorf("%d %w (the output took nothing for %s: a pipe nobody reads?)", t.Lost(), ErrTraceLost, t.closeWait)
		}
	})
	return t.closeErr
}

// Lost is the number of events emitted that did not reach the output as
// lines: dropped for a full queue, or never written.
func (t *TraceWriter) Lost() uint64 {
	t.mu.Lock()
	e := t.emitted
	t.mu.Unlock()
	e += t.sourced.Load()
	w := t.written.Load()
	if w > e {
		return 0
	}
	return e - w
}

// Dropped counts the events lost because the output could not keep up.
func (t *TraceWriter) Dropped() uint64 { return t.dropped.Load() }
