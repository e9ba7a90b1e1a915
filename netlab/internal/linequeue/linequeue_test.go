package linequeue

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

// counts is a Writer that counts what it is told.
type counts struct{ drops, wakes, urges int }

func (c *counts) DropLine() { c.drops++ }
func (c *counts) Wake()     { c.wakes++ }
func (c *counts) Urge()     { c.urges++ }

// put queues a record with text at moment at in fd's shard, as a caller
// does: marked, queued, unmarked.
func put(q *Queues, fd int, text string, at int64) {
	s := q.Shard(fd)
	s.Mark()
	q.Put(s, &event.LineRec{Kind: event.KindCall, Op: event.OpRecv, Text: text, FD: fd}, at)
	s.Unmark()
}

// take takes what is ready at moment now, as texts.
func take(q *Queues, now int64, final bool) (texts []string, more bool) {
	more = q.Take(func() int64 { return now }, func(r *event.LineRec) { texts = append(texts, r.Text) }, final)
	return texts, more
}

// TestComesOutByMoment: records queued in any order, in one shard or many
// (two callers of a shard crossing between their clock and its lock,
// connections in different shards), come out by moment.
func TestComesOutByMoment(t *testing.T) {
	q := New(&counts{}, 1<<12)
	r := rand.New(rand.NewPCG(3, 4))
	var want []string
	order := make([]int, 500)
	for i := range order {
		order[i] = i
		want = append(want, strconv.Itoa(i))
	}
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
		put(q, fds[r.IntN(len(fds))], strconv.Itoa(n), int64(n))
	}
	if got, _ := take(q, 1000, false); !slices.Equal(got, want) {
		t.Errorf("the records came out as %v", got)
	}
}

// TestBusyShardHoldsBack: a record placed after the last moment a marked
// shard was seen idle waits for that shard's own record, in whatever shard
// it is; one placed before goes at once; equal moments wait too.
func TestBusyShardHoldsBack(t *testing.T) {
	q := New(&counts{}, 1<<12)
	take(q, 10, false) // every shard seen idle at 10
	put(q, 7, "first", 9)
	send := q.Shard(5)
	send.Mark() // a send enters the kernel: its moment is 12
	put(q, 6, "later", 15)
	put(q, 8, "tie", 10)
	got, more := take(q, 20, false)
	if !slices.Equal(got, []string{"first"}) || !more {
		t.Fatalf("with shard 5 marked the writer took %q (more %v), want [first] and more", got, more)
	}
	q.Put(send, &event.LineRec{Text: "held"}, 12)
	send.Unmark()
	if got, more = take(q, 30, false); !slices.Equal(got, []string{"tie", "held", "later"}) || more {
		t.Errorf("then the writer took %q (more %v), want [tie held later]", got, more)
	}
}

// TestBound: with nothing taken (a pipe nobody reads), the shards keep no
// more records than the bound; the rest are dropped and counted, and once
// taken, the bound is free again.
func TestBound(t *testing.T) {
	const bound = 64
	out := &counts{}
	q := New(out, bound)
	for i := range 500 {
		put(q, i%7, "x", int64(i))
	}
	kept := q.Held()
	if kept > bound || kept == 0 {
		t.Fatalf("the shards keep %d records for a bound of %d", kept, bound)
	}
	if out.drops != 500-kept {
		t.Errorf("dropped %d, want the %d not kept", out.drops, 500-kept)
	}
	if got, _ := take(q, 1000, false); len(got) != kept {
		t.Errorf("the writer took %d, want the %d kept", len(got), kept)
	}
	before := out.drops
	for i := range bound / 2 {
		put(q, 5, "y", int64(2000+i))
	}
	if out.drops != before {
		t.Errorf("after the writer took them, %d more were dropped", out.drops-before)
	}
}

// TestCloseDropsLatePuts: after Close, a record is counted lost, not kept
// where no pass will take it.
func TestCloseDropsLatePuts(t *testing.T) {
	out := &counts{}
	q := New(out, 64)
	put(q, 3, "before", 1)
	q.Close()
	if got, _ := take(q, 2, true); !slices.Equal(got, []string{"before"}) {
		t.Fatalf("the last pass took %q", got)
	}
	put(q, 3, "after", 3)
	if out.drops != 1 || q.Held() != 0 {
		t.Errorf("a record put after Close: %d dropped, %d held; want 1 and 0", out.drops, q.Held())
	}
}

// TestUrge: a shard holding Urge records urges the writer on, once.
func TestUrge(t *testing.T) {
	out := &counts{}
	q := New(out, 1<<16)
	for i := range Urge + 10 {
		put(q, 3, "x", int64(i))
	}
	if out.urges != 1 || out.wakes != 1 {
		t.Errorf("%d urges and %d wakes for %d records in one shard, want 1 and 1", out.urges, out.wakes, Urge+10)
	}
}

// Held counts the records the shards hold.
func (q *Queues) Held() int {
	n := 0
	for i := range q.shards {
		s := &q.shards[i]
		s.mu.Lock()
		n += len(s.recs)
		s.mu.Unlock()
	}
	return n
}
