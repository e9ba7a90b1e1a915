package sock

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// TestSequencerIntoTraceWriter: events a Sequencer hands a trace writer by
// pointer (TraceWriter.EmitRef) come out whole, numbered, in the order of their
// moments, not of their arrival: one held back by a running call's hold
// and one released at once alike.
func TestSequencerIntoTraceWriter(t *testing.T) {
	var out lockedBuffer
	tw := event.NewJSONTraceWriter(&out, 64)
	q := NewSequencer(tw)
	base := time.Now()
	at := func(us int) time.Time { return base.Add(time.Duration(us) * time.Microsecond) }
	held := q.newCall()
	q.holds = append(q.holds, hold{held, at(10)}) // a send entered the kernel at 10 µs
	q.oldest = at(10)
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpRecv, Actor: "b", Text: "later", FD: 4, At: at(20)})
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpRecv, Actor: "a", Text: "first", FD: 3, At: at(5)})
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpSend, CallID: held, Actor: "c", Text: "held", FD: 5, At: at(10)})
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	wantSeqTexts(t, out.b.String(), "first", "held", "later")
}

// TestSequencerPostponeUntilFlush: what a postponed sequencer releases
// reaches its writer only at Flush, numbered and in order, and the events
// after Flush follow them straight away (socklab serve's banner first).
func TestSequencerPostponeUntilFlush(t *testing.T) {
	var out lockedBuffer
	tw := event.NewJSONTraceWriter(&out, 64)
	q := NewSequencer(tw)
	q.Postpone()
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpBind, Actor: "server", Text: "early1", FD: 3})
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpListen, Actor: "server", Text: "early2", FD: 3})
	if n := tw.Lost(); n != 0 {
		t.Fatalf("the writer was given %d events before Flush", n)
	}
	q.Flush()
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpAccept, Actor: "server", Text: "late", FD: 3})
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	wantSeqTexts(t, out.b.String(), "early1", "early2", "late")
}

// wantSeqTexts checks the JSON trace lines of out: one per text in want,
// numbered from 1, in that order.
func wantSeqTexts(t *testing.T, out string, want ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, l := range lines {
		if !strings.Contains(l, `"seq":`+strconv.Itoa(i+1)+`,`) || !strings.Contains(l, `"text":"`+want[i]+`"`) {
			t.Errorf("line %d: %s, want seq %d and text %q", i+1, l, i+1, want[i])
		}
	}
}

// TestLineModeKeepsTheOrder: in line mode (a text trace writer) a record
// placed after a running call's moment waits for that call's record, and
// one placed before it goes at once: the lines come out in the order of
// their moments, as the Events' do (TestSequencerIntoTraceWriter). The
// hold is a real one, taken by enter as a send's attempt takes it.
func TestLineModeKeepsTheOrder(t *testing.T) {
	var out lockedBuffer
	tw := event.NewTraceWriter(&out, 64)
	q := NewSequencer(tw)
	if !q.lineMode.Load() {
		t.Fatal("a sequencer into a text trace writer is not in line mode")
	}
	before := q.clock()
	held := q.newCall()
	entered := q.enter(held) // a send entered the kernel
	line := func(text string) *event.LineRec {
		return &event.LineRec{Kind: event.KindCall, Op: event.OpRecv, Actor: "server", Text: text, FD: 3}
	}
	q.emitLine(line("later"), q.clock(), 0)
	q.emitLine(line("first"), before, 0)
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpRecv, Actor: "server", Text: "later event", FD: 3, At: q.clock()})
	held1 := line("held")
	held1.Op = event.OpSend
	q.emitLine(held1, entered, held)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	wantLineTexts(t, out.b.String(), "first", "held", "later", "later event")
}

// TestLineModePostponeUntilFlush is TestSequencerPostponeUntilFlush in
// line mode.
func TestLineModePostponeUntilFlush(t *testing.T) {
	var out lockedBuffer
	tw := event.NewTraceWriter(&out, 64)
	q := NewSequencer(tw)
	q.Postpone()
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpBind, Actor: "server", Text: "early1", FD: 3})
	q.emitLine(&event.LineRec{Kind: event.KindCall, Op: event.OpListen, Actor: "server", Text: "early2", FD: 3}, q.clock(), 0)
	if n := tw.Lost(); n != 0 {
		t.Fatalf("the writer was given %d events before Flush", n)
	}
	q.Flush()
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpAccept, Actor: "server", Text: "late", FD: 3})
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	wantLineTexts(t, out.b.String(), "early1", "early2", "late")
}

// wantLineTexts checks the text trace lines of out: one per text in want,
// each the call's text in parentheses, in that order.
func wantLineTexts(t *testing.T, out string, want ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, l := range lines {
		if !strings.Contains(l, "("+want[i]+")") {
			t.Errorf("line %d: %s, want the text %q", i+1, l, want[i])
		}
	}
}
