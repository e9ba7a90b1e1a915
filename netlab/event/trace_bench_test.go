package event

import (
	"bufio"
	"io"
	"net/netip"
	"testing"
	"time"
)

// chanTraceWriter is the trace writer TraceWriter replaced (a channel of
// Events, 1<<16 of them allocated up front), kept so that the benchmark
// below measures the two side by side in one run.
type chanTraceWriter struct {
	q    chan Event
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newChanTraceWriter(w io.Writer, queue int) *chanTraceWriter {
	t := &chanTraceWriter{q: make(chan Event, queue), w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go t.run()
	return t
}

func (t *chanTraceWriter) Emit(e Event) {
	select {
	case t.q <- e:
	default:
	}
}

func (t *chanTraceWriter) run() {
	defer close(t.done)
	var line []byte
	window := time.NewTimer(time.Hour)
	window.Stop()
	drain := func() {
		for {
			select {
			case e := <-t.q:
				line = append(e.AppendTo(line[:0]), '\n')
				t.w.Write(line)
			default:
				t.w.Flush()
				return
			}
		}
	}
	for {
		select {
		case e := <-t.q:
			line = append(e.AppendTo(line[:0]), '\n')
			t.w.Write(line)
		case <-t.stop:
			drain()
			return
		}
		window.Reset(traceWindow)
		select {
		case <-window.C:
		case <-t.stop:
			drain()
			return
		}
		drain()
	}
}

func (t *chanTraceWriter) Close() { close(t.stop); <-t.done }

// benchEvent is a traced recv as the echo server reports it.
func benchEvent() Event {
	now := time.Now()
	return Event{Kind: KindCall, Actor: "server", Op: OpRecv, Text: "5, 1024, 0", FD: 5, Result: 64, CallID: 9,
		Local: netip.MustParseAddrPort("127.0.0.1:65432"), Remote: netip.MustParseAddrPort("127.0.0.1:51234"),
		State: StateEstablished, Segs: Segs{Out: 3, In: 4, Valid: true}, Data: make([]byte, 64),
		Enter: now, Return: now, At: now}
}

// BenchmarkTraceWriterEmit is what a traced socket pays to hand one event
// to the trace (the formatting is the writer goroutine's), the old channel
// writer beside the batch writer. As on a server, the writer keeps up:
// after each burst of 8192 events the clock stops until it has taken them,
// so the figure is the hand-over, not the cheaper drop of a full queue.
//
//	go test ./netlab -run '^$' -bench TraceWriterEmit -benchtime 200000x -count 6
func BenchmarkTraceWriterEmit(b *testing.B) {
	e := benchEvent()
	const burst = 8192
	b.Run("writer=chan", func(b *testing.B) {
		b.ReportAllocs()
		tw := newChanTraceWriter(io.Discard, 1<<16)
		n := 0
		for b.Loop() {
			tw.Emit(e)
			if n++; n%burst == 0 {
				b.StopTimer()
				for len(tw.q) > 0 {
					time.Sleep(time.Millisecond)
				}
				b.StartTimer()
			}
		}
		tw.Close()
	})
	b.Run("writer=batch", func(b *testing.B) {
		b.ReportAllocs()
		tw := NewTraceWriter(io.Discard, 1<<16)
		n := 0
		for b.Loop() {
			tw.Emit(e)
			if n++; n%burst == 0 {
				b.StopTimer()
				for tw.queued() > 0 {
					time.Sleep(time.Millisecond)
				}
				b.StartTimer()
			}
		}
		tw.Close()
		if tw.Dropped() > 0 {
			b.Fatalf("%d dropped: the writer did not keep up", tw.Dropped())
		}
	})
}

func (t *TraceWriter) queued() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.batch) + len(t.lines)
}

// BenchmarkTraceWriterStart is what creating a writer costs (a server
// start, a lab's trace): the old one allocated and zeroed its whole queue.
func BenchmarkTraceWriterStart(b *testing.B) {
	b.Run("writer=chan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			newChanTraceWriter(io.Discard, 1<<16).Close()
		}
	})
	b.Run("writer=batch", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NewTraceWriter(io.Discard, 1<<16).Close()
		}
	})
}

// BenchmarkAppendJSON is one JSON trace line, the encoding/json encoder it
// replaced beside the hand-written one.
func BenchmarkAppendJSON(b *testing.B) {
	e := benchEvent()
	b.Run("encoder=reference", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = appendJSONRef(e, buf[:0])
		}
	})
	b.Run("encoder=new", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = e.AppendJSON(buf[:0])
		}
	})
}

// BenchmarkAppendTo is one text trace line into a reused buffer.
func BenchmarkAppendTo(b *testing.B) {
	e := benchEvent()
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = e.AppendTo(buf[:0])
	}
}

// BenchmarkTraceLine is one text line as the trace writer formats it (its
// line record, its connection's address text remembered) beside
// AppendTo's fresh formatting, for a served recv of 64 bytes.
//
//	go test ./netlab/event -run '^$' -bench TraceLine -count 6
func BenchmarkTraceLine(b *testing.B) {
	e := benchEvent()
	for i := range e.Data {
		e.Data[i] = byte(i * 7) // a load generator's payload: mostly escaped
	}
	b.Run("writer", func(b *testing.B) {
		var addrs addrTexts
		var buf []byte
		r := RecordOf(&e)
		for b.Loop() {
			buf = appendLine(buf[:0], &r, &addrs)
		}
	})
	b.Run("AppendTo", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = e.AppendTo(buf[:0])
		}
	})
}
