package sock

import (
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// lineTestSeq is a sequencer in line mode whose writer takes no lines
// itself: the test takes them (TakeLines).
func lineTestSeq(t *testing.T, queue int) (*Sequencer, *event.TraceWriter) {
	t.Helper()
	tw := event.NewTraceWriter(io.Discard, queue)
	q := NewSequencer(tw)
	if !q.lineMode.Load() {
		t.Fatal("a sequencer into a text trace writer is not in line mode")
	}
	tw.SetSource(nil)
	t.Cleanup(func() { tw.Close() })
	return q, tw
}

// putAt queues a record with text and moment at in fd's shard, as a call
// does: marked, queued, unmarked.
func putAt(q *Sequencer, fd int, text string, at time.Time) {
	c := call{tr: q.Tracer("server", event.RoleServer), lines: true, sh: q.shardOf(fd)}
	c.hold()
	c.put(&event.LineRec{Kind: event.KindCall, Op: event.OpRecv, Text: text, FD: fd}, at)
}

// TestLinesComeOutByMoment: records queued in any order, in one shard or
// many (two calls of a shard crossing between their clock and its lock,
// connections in different shards), come out of TakeLines by moment.
func TestLinesComeOutByMoment(t *testing.T) {
	q, _ := lineTestSeq(t, 1<<12)
	base := q.clock()
	r := rand.New(rand.NewPCG(3, 4))
	var want []int
	for i := range 500 {
		want = append(want, i)
	}
	order := slices.Clone(want)
	// Nearly sorted, as the sockets queue them: each swapped with a
	// neighbour now and then, spread over three shards (fds 3, 67 and 4:
	// 3 and 67 share one).
	for i := 1; i < len(order); i++ {
		if r.IntN(4) == 0 {
			order[i-1], order[i] = order[i], order[i-1]
		}
	}
	fds := []int{3, 67, 4}
	for _, n := range order {
		putAt(q, fds[r.IntN(len(fds))], strconv.Itoa(n), base.Add(time.Duration(n)*time.Microsecond))
	}
	var got []int
	q.TakeLines(func(r *event.LineRec) {
		n, _ := strconv.Atoi(r.Text)
		got = append(got, n)
	}, true)
	if !slices.Equal(got, want) {
		t.Errorf("the lines came out as %v", got)
	}
}

// TestLineQueueBound: with the writer taking nothing (a pipe nobody reads),
// the shards keep no more records than the writer's queue bound; the rest
// are dropped and counted, and once the writer takes them, the bound is
// free again.
func TestLineQueueBound(t *testing.T) {
	const queue = 64
	q, tw := lineTestSeq(t, queue)
	for i := range 500 {
		putAt(q, i%7, "x", q.clock())
	}
	kept := 0
	for i := range q.lines.shards {
		kept += len(q.lines.shards[i].recs)
	}
	if kept > queue || kept == 0 {
		t.Fatalf("the shards keep %d records for a queue of %d", kept, queue)
	}
	if d := tw.Dropped(); d != uint64(500-kept) {
		t.Errorf("dropped %d, want the %d not kept", d, 500-kept)
	}
	took := 0
	q.TakeLines(func(*event.LineRec) { took++ }, false)
	if took != kept {
		t.Errorf("the writer took %d, want the %d kept", took, kept)
	}
	before := tw.Dropped()
	for range queue / 2 {
		putAt(q, 5, "y", q.clock())
	}
	if tw.Dropped() != before {
		t.Errorf("after the writer took them, %d more were dropped", tw.Dropped()-before)
	}
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
