package sock

import (
	"bytes"
	"io"
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
// after Flush follow them straight away (socklab serve's banner first):
// into a JSON writer (Events) and into a text writer (line mode) alike.
func TestSequencerPostponeUntilFlush(t *testing.T) {
	for _, mode := range []struct {
		name string
		make func(io.Writer, int) *event.TraceWriter
		want func(*testing.T, string, ...string)
	}{
		{"events", event.NewJSONTraceWriter, wantSeqTexts},
		{"line mode", event.NewTraceWriter, wantLineTexts},
	} {
		t.Run(mode.name, func(t *testing.T) {
			var out lockedBuffer
			tw := mode.make(&out, 64)
			q := NewSequencer(tw)
			q.Postpone()
			q.Emit(event.Event{Kind: event.KindCall, Op: event.OpBind, Actor: "server", Text: "early1", FD: 3})
			q.Emit(event.Event{Kind: event.KindCall, Op: event.OpListen, Actor: "server", Text: "early2", FD: 4})
			if n := tw.Lost(); n != 0 {
				t.Fatalf("the writer was given %d events before Flush", n)
			}
			q.Flush()
			q.Emit(event.Event{Kind: event.KindCall, Op: event.OpAccept, Actor: "server", Text: "late", FD: 3})
			if err := tw.Close(); err != nil {
				t.Fatal(err)
			}
			mode.want(t, out.b.String(), "early1", "early2", "late")
		})
	}
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

// TestLineModeKeepsTheOrder: in line mode (a text trace writer) a
// record placed after the moment of a call still under way waits for that
// call's record, in whatever shard it is, and one placed before goes at
// once: the lines come out in the order of their moments, as the Events'
// do (TestSequencerIntoTraceWriter).
func TestLineModeKeepsTheOrder(t *testing.T) {
	tw := event.NewTraceWriter(io.Discard, 64)
	q := NewSequencer(tw)
	if !q.lineMode.Load() {
		t.Fatal("a sequencer into a text trace writer is not in line mode")
	}
	tw.SetSource(nil) // the test takes the lines itself
	defer tw.Close()
	tr := q.Tracer("server", event.RoleServer)
	var got []string
	take := func() bool {
		got = got[:0]
		return q.TakeLines(func(r *event.LineRec) { got = append(got, r.Text) }, false)
	}
	line := func(fd int, text string, at time.Time) {
		c := call{tr: tr, lines: true, sh: q.shardOf(fd)}
		c.hold()
		c.put(&event.LineRec{Kind: event.KindCall, Op: event.OpRecv, Who: &event.LineWho{Actor: "server"}, Text: text, FD: fd}, at)
	}
	first := q.clock()
	// Every shard seen idle: from now on a shard marked busy holds back
	// the lines placed after this pass's moment, and no others.
	take()
	send := call{tr: tr, op: event.OpSend, lines: true, sh: q.shardOf(5)}
	send.attempt() // a send enters the kernel: its shard is marked busy
	if send.at.IsZero() || !send.held {
		t.Fatal("a send's attempt in line mode took no moment or no mark")
	}
	line(6, "later", q.clock())
	line(7, "first", first)
	q.Emit(event.Event{Kind: event.KindNote, Actor: "server", Note: "a note", FD: -1})
	if more := take(); !more || strings.Join(got, " ") != "first" {
		t.Fatalf("with the send under way the writer took %q (more %v), want [first] and more", got, more)
	}
	send.put(&event.LineRec{Kind: event.KindCall, Op: event.OpSend, Who: &event.LineWho{Actor: "server"}, Text: "held", FD: 5}, send.at)
	if send.held {
		t.Fatal("put kept the send's mark")
	}
	take()
	if strings.Join(got, " ") != "held later " {
		t.Errorf("then the writer took %q, want [held later ''] (the note's text is empty)", got)
	}
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

// TestLineModeEndsWithItsLinesFirst: serve --wire postpones, writes a note
// in line mode, then attaches its capture, which ends line mode: the note
// still comes first, before the events postponed after it.
func TestLineModeEndsWithItsLinesFirst(t *testing.T) {
	var out lockedBuffer
	tw := event.NewTraceWriter(&out, 64)
	q := NewSequencer(tw)
	q.Postpone()
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpSetsockopt, Actor: "server", Text: "note", FD: -1})
	q.endLineMode() // what Attach does first
	if q.lineMode.Load() {
		t.Fatal("line mode did not end")
	}
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpBind, Actor: "server", Text: "bind", FD: 3})
	q.Flush()
	q.Emit(event.Event{Kind: event.KindCall, Op: event.OpListen, Actor: "server", Text: "listen", FD: 3})
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	wantLineTexts(t, out.b.String(), "note", "bind", "listen")
}
