// Package linequeue keeps a served trace's line records until its writer
// takes them, in order, without one lock every record would take: the
// queue behind netlab/sock's line mode (see sock's lines.go for how the
// sockets use it).
//
// The records are kept in Count shards, each with a lock of its own; a
// connection's records all go to one (by fd). A caller marks its shard busy
// (Shard.Mark) before it reads the moment its record is placed at and
// unmarks it once the record is queued (Put, then Shard.Unmark). Take reads
// the clock first, then the marks: a shard it sees idle can only queue
// later moments from then on; for a busy one it waits a little (a mark
// lasts one system call), and if the mark stays it holds back every record
// from the last moment it saw that shard idle. What it takes it passes on
// merged by moment: each shard is kept sorted, and a heap of shards picks
// the next.
//
// The shards are bounded together by the writer's queue bound (a record
// over it is dropped and counted by the writer), and a shard that holds
// Urge records ends the writer's window early.
package linequeue

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// Count is how many shards there are: 64 connections in a row (fds in
// a row) never share one.
const Count = 64

// Urge is how many records a shard holds when it urges the writer on:
// some 2 ms of a busy connection's records.
const Urge = 4096

// budgetChunk is how many records a shard takes from the queue bound at a
// time, at most: one atomic add per chunk, not per record. A small bound
// gives smaller chunks (Queues.chunk), so that what the shards took and
// left unused is at most half of it.
const budgetChunk = 256

// shardStart is a shard's first capacity, in records: big enough for a
// window of a busy connection's records, since growing it is a copy made
// under the caller's mark.
const shardStart = 1024

// Writer is what the queues tell the trace writer (event.TraceWriter).
type Writer interface {
	DropLine() // a record the bound or a closed writer could not keep
	Wake()     // a shard that was empty holds a record
	Urge()     // a shard holds Urge records: the writer is late
}

// Shard is one shard's queue. Its hot fields are the callers'; the
// padding keeps two shards off one cache line.
type Shard struct {
	mu     sync.Mutex
	recs   []stamped // sorted by moment
	budget int       // records the shard may still queue (under mu)
	busy   atomic.Int32

	floor int64     // Take's: when it last saw busy at 0
	taken []stamped // Take's: the records of its pass
	_     [64]byte
}

// Mark says a caller is about to read the moment of a record it will Put
// in s; Unmark, once it has.
func (s *Shard) Mark()   { s.busy.Add(1) }
func (s *Shard) Unmark() { s.busy.Add(-1) }

// Busy counts the callers between Mark and Unmark.
func (s *Shard) Busy() int { return int(s.busy.Load()) }

// stamped is a record and its moment, in nanoseconds of a monotonic clock.
type stamped struct {
	at  int64
	rec event.LineRec
}

// Queues are the shards and what they share.
type Queues struct {
	shards [Count]Shard
	out    Writer
	// budget is what is left of the writer's queue bound, less what the
	// shards took in chunks.
	budget atomic.Int64
	chunk  int64
	// closed is set by Close: a record put after the writer's last pass
	// would never be written, so it is counted lost instead.
	closed atomic.Bool
	// takeMu serializes the takers.
	takeMu sync.Mutex
	heads  []head // Take's merge heap: shards by their next record
	next   []int  // Take's: each shard's next taken record
}

// New returns queues for a writer whose queue holds at most limit records.
func New(out Writer, limit int) *Queues {
	q := &Queues{out: out, chunk: max(1, min(budgetChunk, int64(limit)/(2*Count))), next: make([]int, Count)}
	q.budget.Store(int64(limit))
	return q
}

// Shard is fd's shard.
func (q *Queues) Shard(fd int) *Shard { return &q.shards[uint(fd)%Count] }

// Close makes every later Put count its record lost: call it before the
// writer's last Take.
func (q *Queues) Close() { q.closed.Store(true) }

// Put queues r at moment at in shard s. The caller has marked s since
// before at was read.
func (q *Queues) Put(s *Shard, r *event.LineRec, at int64) {
	s.mu.Lock()
	if q.closed.Load() {
		s.mu.Unlock()
		q.out.DropLine() // after the writer's last pass: lost, and counted
		return
	}
	if s.budget == 0 {
		if q.budget.Add(-q.chunk) < 0 {
			q.budget.Add(q.chunk)
			s.mu.Unlock()
			q.out.DropLine() // the writer is this far behind: counted, and said in the trace
			return
		}
		s.budget = int(q.chunk)
	}
	s.budget--
	if s.recs == nil {
		s.recs = make([]stamped, 0, shardStart)
	}
	n := len(s.recs)
	s.recs = append(s.recs, stamped{at: at, rec: *r})
	if n > 0 && s.recs[n-1].at > at {
		// Two callers of the shard crossed between their clock and its
		// lock: put it in its place (rare; the rest of the shard is sorted).
		i := n
		for i > 0 && s.recs[i-1].at > at {
			i--
		}
		copy(s.recs[i+1:], s.recs[i:n])
		s.recs[i] = stamped{at: at, rec: *r}
	}
	s.mu.Unlock()
	switch n {
	case 0:
		q.out.Wake()
	case Urge:
		q.out.Urge()
	}
}

// Take passes put, merged by moment, the records no marked shard can still
// precede, and reports whether some are held back. now reads the clock the
// moments were read from. With final every record is taken.
func (q *Queues) Take(now func() int64, put func(*event.LineRec), final bool) (more bool) {
	q.takeMu.Lock()
	defer q.takeMu.Unlock()
	for pass := 1; ; pass++ {
		more, missed := q.takeOnce(now, put, final)
		// A shard still busy after idle's wait (a goroutine descheduled
		// with its mark, or growing its queue) is tried again at once:
		// the records this pass passed on took long enough for it to
		// finish, and waiting a whole window would let its records pile up.
		if !missed || pass == takeTries {
			return more
		}
	}
}

// takeTries bounds the passes of one Take.
const takeTries = 3

// takeOnce is one pass of Take; missed reports a shard it found busy.
func (q *Queues) takeOnce(now func() int64, put func(*event.LineRec), final bool) (more, missed bool) {
	// The clock first, then the marks: a shard seen idle now queues only
	// moments read after this one.
	t := now()
	ready := t
	for i := range q.shards {
		s := &q.shards[i]
		if s.idle() {
			s.floor = t
		} else {
			ready = min(ready, s.floor)
			missed = true
		}
	}
	if final {
		ready = math.MaxInt64
	}
	var took int64
	q.heads = q.heads[:0]
	for i := range q.shards {
		s := &q.shards[i]
		s.mu.Lock()
		cut, _ := slices.BinarySearchFunc(s.recs, ready, func(r stamped, at int64) int {
			if r.at < at {
				return -1
			}
			return 1 // equal moments wait too: one may still be queued beside them
		})
		switch {
		case cut == len(s.recs):
			s.taken, s.recs = s.recs, s.taken[:0]
		case cut > 0:
			s.taken = append(s.taken[:0], s.recs[:cut]...)
			n := copy(s.recs, s.recs[cut:])
			clear(s.recs[n:])
			s.recs = s.recs[:n]
		default:
			s.taken = s.taken[:0]
		}
		if len(s.recs) > 0 {
			more = true
		}
		s.mu.Unlock()
		if len(s.taken) > 0 {
			took += int64(len(s.taken))
			q.heads = append(q.heads, head{s.taken[0].at, i})
		}
	}
	q.merge(put)
	q.budget.Add(took)
	return more, missed && !final
}

// idle reports whether s's mark is gone, waiting a little for it: a pass
// that finds a shard busy takes none of its records (one busy
// connection's, at 200 000 requests a second and with the writer's passes
// tens of milliseconds apart, outgrew the queue when a pass missed them).
// Once it is seen gone, every record placed before the pass's moment is
// queued (a caller queues its record before it unmarks), and the callers
// that mark it later read later moments.
func (s *Shard) idle() bool {
	if s.busy.Load() == 0 {
		return true
	}
	// Spun, not yielded: a caller under way runs on the other core and
	// ends within microseconds, while a taker that yields its core may not
	// get it back for a whole time slice (the connections' goroutines hand
	// it to each other).
	start := time.Now()
	for time.Since(start) < idleWait {
		for range 64 {
			if s.busy.Load() == 0 {
				return true
			}
		}
	}
	return false
}

// idleWait bounds idle's wait; a shard still busy then (a close lingering
// in the kernel, a goroutine descheduled with its mark) has its records
// wait for the next pass.
const idleWait = 50 * time.Microsecond

// head is a shard in merge's heap, by the moment of its next record (kept
// here: comparing it there was a load from the other core's records).
type head struct {
	at    int64
	shard int
}

func (a head) before(b head) bool { return a.at < b.at || (a.at == b.at && a.shard < b.shard) }

// merge passes the shards' taken records to put by moment (a shard's own
// are sorted: a heap of shards by their next one), then lets them go.
func (q *Queues) merge(put func(*event.LineRec)) {
	next := q.next
	clear(next)
	h := q.heads
	down := func(i int) {
		for {
			small, c1, c2 := i, 2*i+1, 2*i+2
			if c1 < len(h) && h[c1].before(h[small]) {
				small = c1
			}
			if c2 < len(h) && h[c2].before(h[small]) {
				small = c2
			}
			if small == i {
				return
			}
			h[i], h[small] = h[small], h[i]
			i = small
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for len(h) > 0 {
		s := h[0].shard
		taken := q.shards[s].taken
		put(&taken[next[s]].rec)
		next[s]++
		if next[s] == len(taken) {
			clear(taken) // the payloads and strings go with the pass
			q.shards[s].taken = taken[:0]
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		} else {
			h[0].at = taken[next[s]].at
		}
		down(0)
	}
}
