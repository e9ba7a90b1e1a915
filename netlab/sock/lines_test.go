package sock

import (
	"io"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// putAt queues a record with text and moment at in fd's shard, as a call
// does: marked, queued, unmarked.
func putAt(q *Sequencer, fd int, text string, at time.Time) {
	c := call{tr: q.Tracer("server", event.RoleServer), lines: true, sh: q.shardOf(fd)}
	c.hold()
	c.put(&event.LineRec{Kind: event.KindCall, Op: event.OpRecv, Text: text, FD: fd}, at)
}

// TestLineAfterTheLastPassIsLost: a record queued after the writer's last
// pass is never written; it is counted lost, not left uncounted.
func TestLineAfterTheLastPassIsLost(t *testing.T) {
	tw := event.NewTraceWriter(io.Discard, 64)
	q := NewSequencer(tw)
	putAt(q, 3, "before", q.clock())
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if n := tw.Lost(); n != 0 {
		t.Fatalf("%d lines lost before anything was late", n)
	}
	putAt(q, 3, "after", q.clock())
	if n := tw.Lost(); n != 1 {
		t.Errorf("a line queued after the last pass: %d lost, want 1", n)
	}
}
