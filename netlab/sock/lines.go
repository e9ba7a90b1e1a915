package sock

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// Line mode: how a served trace keeps its order without one lock.
//
// A Sequencer whose sink is a text trace writer, with no capture attached
// (socklab serve --trace-file, the benchmarks' "trace to file"), passes
// no Event through its lock and heap. Each call builds its lines' records
// (event.LineRec) and queues them in one of lineShardCount shards, picked
// by its fd, each with a lock of its own; the trace writer takes what is
// ready at each window and merges the shards by moment (TakeLines). On a
// busy server the one lock every event took, and the cache line both cores
// passed back and forth for it four times a request, were most of what the
// order cost (docs/PERFORMANCE.md).
//
// What "ready" means is the same rule as the lock's: a line goes out only
// once no call still under way can come before it. A call marks its shard
// busy before it reads any moment it will be placed at (a send's entry, a
// recv's return, a blocked call's wait) and unmarks it once its record is
// queued; the writer reads the clock before it looks at the marks. A shard
// it sees idle can only queue later moments from then on; for a busy one it
// waits a little (the mark lasts one system call at most, never a wait in
// the kernel, as a hold did), and if the mark stays it holds back every
// line from the last moment it saw that shard idle, until its next pass.
//
// The shards are bounded together by the writer's queue (drops counted
// and said in the trace, as the writer's batch does), and a shard that
// holds lineUrge records ends the writer's window early.

// lineShardCount is how many shards a served trace's lines are kept in: a
// connection's calls all go to one (by fd), and 64 connections in a row
// never share one.
const lineShardCount = 64

// lineBudgetChunk is how many records a shard takes from the writer's
// queue bound at a time, at most: one atomic add per chunk, not per
// record. A small bound gives smaller chunks (lineQueues.chunk), so that
// what the shards took and left unused is at most half of it.
const lineBudgetChunk = 256

// lineUrge is how many records a shard holds when it urges the writer on
// (TraceWriter.Urge): some 2 ms of a busy connection's lines.
const lineUrge = 4096

// lineShardStart is a shard's first capacity, in records.
const lineShardStart = 1024

// lineModeBuilt: the Windows paths report through whole Events only.
const lineModeBuilt = runtime.GOOS != "windows"

// lineShard is one shard's queue. Its hot fields are the sockets'; the
// padding keeps two shards off one cache line.
type lineShard struct {
	mu     sync.Mutex
	recs   []stampedLine // sorted by moment
	budget int           // records the shard may still queue (under mu)
	busy   atomic.Int32  // calls between reading a moment and queuing its record

	floor int64         // the writer's: when it last saw busy at 0
	taken []stampedLine // the writer's: the records of its pass
	_     [64]byte
}

// stampedLine is a record and its moment, in nanoseconds since the
// sequencer's epoch (monotonic).
type stampedLine struct {
	at  int64
	rec event.LineRec
}

// lineQueues is line mode's state.
type lineQueues struct {
	shards [lineShardCount]lineShard
	// budget is what is left of the writer's queue bound, less what the
	// shards took in chunks.
	budget atomic.Int64
	chunk  int64 // what a shard takes from budget at a time
	// closed is set by the writer's last pass: a record queued after it
	// would never be written, so it is counted lost instead.
	closed atomic.Bool
	// takeMu serializes the takers: the writer's passes and Attach.
	takeMu sync.Mutex
	heads  []int // the writer's merge heap: shards by their next record
	next   []int // the writer's: each shard's next taken record
}

func (q *Sequencer) shardOf(fd int) *lineShard {
	return &q.lines.shards[uint(fd)%lineShardCount]
}

// stamp is a moment as TakeLines compares them: at must carry a monotonic
// reading (clock and time.Now both do).
func (q *Sequencer) stamp(at time.Time) int64 { return int64(at.Sub(q.epoch)) }

// putLine queues r at moment at in shard sh. The caller has marked sh busy
// since before at was read.
func (q *Sequencer) putLine(sh *lineShard, r *event.LineRec, at time.Time) {
	st := q.stamp(at)
	sh.mu.Lock()
	if q.lines.closed.Load() {
		sh.mu.Unlock()
		q.tw.DropLine() // after the writer's last pass: lost, and counted
		return
	}
	if sh.budget == 0 {
		if q.lines.budget.Add(-q.lines.chunk) < 0 {
			q.lines.budget.Add(q.lines.chunk)
			sh.mu.Unlock()
			q.tw.DropLine() // the writer is this far behind: counted, and said in the trace
			return
		}
		sh.budget = int(q.lines.chunk)
	}
	sh.budget--
	if sh.recs == nil {
		// A first queue big enough for a window of a busy connection's
		// lines: growing it is a copy made under the call's mark.
		sh.recs = make([]stampedLine, 0, lineShardStart)
	}
	n := len(sh.recs)
	sh.recs = append(sh.recs, stampedLine{at: st, rec: *r})
	if n > 0 && sh.recs[n-1].at > st {
		// Two calls of the shard crossed between their clock and their
		// lock: put it in its place (rare; the rest of the shard is sorted).
		i := n
		for i > 0 && sh.recs[i-1].at > st {
			i--
		}
		copy(sh.recs[i+1:], sh.recs[i:n])
		sh.recs[i] = stampedLine{at: st, rec: *r}
	}
	sh.mu.Unlock()
	switch n {
	case 0:
		q.tw.Wake()
	case lineUrge:
		q.tw.Urge() // the writer is late: this shard alone holds this many
	}
}

// putEvent is line mode's emit for an event that comes with no call's mark
// (a note of the lab's, an actor's message): it is placed when it is
// queued, under a mark of its own.
func (q *Sequencer) putEvent(e *event.Event) {
	sh := q.shardOf(e.FD)
	sh.busy.Add(1)
	r := event.RecordOf(e)
	q.putLine(sh, &r, q.clock())
	sh.busy.Add(-1)
}

// TakeLines passes the writer, in the order of their moments, the records
// no call still under way can come before, and reports whether some are
// held back. While the sequencer postpones (Postpone), it passes none.
func (q *Sequencer) TakeLines(put func(*event.LineRec), final bool) (more bool) {
	q.mu.Lock()
	postponing := q.postponing
	q.mu.Unlock()
	if postponing {
		return !final
	}
	if final {
		// Set before the shards are taken, each under its lock: a record
		// is either taken now or counted lost by putLine.
		q.lines.closed.Store(true)
	}
	return q.takeLines(put, final)
}

// takeLines is TakeLines whether postponing or not (Attach's).
func (q *Sequencer) takeLines(put func(*event.LineRec), final bool) (more bool) {
	l := &q.lines
	l.takeMu.Lock()
	defer l.takeMu.Unlock()
	for pass := 1; ; pass++ {
		more, missed := q.takeOnce(put, final)
		// A shard still busy after idle's wait (a goroutine descheduled
		// with its mark, or growing its queue) is tried again at once:
		// the lines this pass wrote took long enough for it to finish,
		// and waiting a whole window would let its lines pile up.
		if !missed || pass == takeTries {
			return more
		}
	}
}

// takeTries bounds the passes of one takeLines.
const takeTries = 3

// takeOnce is one pass of takeLines; missed reports a shard it found busy.
func (q *Sequencer) takeOnce(put func(*event.LineRec), final bool) (more, missed bool) {
	l := &q.lines
	// The clock first, then the marks: a shard seen idle now queues only
	// moments read after this one.
	now := q.stamp(q.clock())
	ready := now
	for i := range l.shards {
		sh := &l.shards[i]
		if sh.idle() {
			sh.floor = now
		} else {
			ready = min(ready, sh.floor)
			missed = true
		}
	}
	if final {
		ready = math.MaxInt64
	}
	var took int64
	l.heads = l.heads[:0]
	for i := range l.shards {
		sh := &l.shards[i]
		sh.mu.Lock()
		cut, _ := slices.BinarySearchFunc(sh.recs, ready, func(s stampedLine, at int64) int {
			if s.at < at {
				return -1
			}
			return 1 // equal moments wait too: one may still be queued beside them
		})
		switch {
		case cut == len(sh.recs):
			sh.taken, sh.recs = sh.recs, sh.taken[:0]
		case cut > 0:
			sh.taken = append(sh.taken[:0], sh.recs[:cut]...)
			n := copy(sh.recs, sh.recs[cut:])
			clear(sh.recs[n:])
			sh.recs = sh.recs[:n]
		default:
			sh.taken = sh.taken[:0]
		}
		if len(sh.recs) > 0 {
			more = true
		}
		sh.mu.Unlock()
		if len(sh.taken) > 0 {
			took += int64(len(sh.taken))
			l.heads = append(l.heads, i)
		}
	}
	q.mergeTaken(put)
	l.budget.Add(took)
	return more, missed && !final
}

// idle reports whether sh's mark is gone, waiting a little for it: a mark
// lasts one system call, and a pass that finds a shard busy takes none of
// its lines (one busy connection's, at 200 000 requests a second and with
// the writer's passes tens of milliseconds apart, outgrew the queue when
// a pass missed them). Once
// it is seen gone, every record placed before the pass's moment is queued
// (a call queues its record before it gives its mark back), and the calls
// that mark it later read later moments.
func (sh *lineShard) idle() bool {
	if sh.busy.Load() == 0 {
		return true
	}
	// Spun, not yielded: a call under way runs on the other core and ends
	// within microseconds, while a writer that yields its core may not get
	// it back for a whole time slice (the connections' goroutines hand it
	// to each other).
	start := time.Now()
	for time.Since(start) < idleWait {
		for range 64 {
			if sh.busy.Load() == 0 {
				return true
			}
		}
	}
	return false
}

// idleWait bounds idle's wait; a shard still busy then (a close lingering
// in the kernel, a goroutine descheduled with its mark) has its lines wait
// for the next pass.
const idleWait = 50 * time.Microsecond

// mergeTaken passes the shards' taken records to put by moment (a shard's
// own are sorted: a heap of shards by their next one), then lets them go.
func (q *Sequencer) mergeTaken(put func(*event.LineRec)) {
	l := &q.lines
	if l.next == nil {
		l.next = make([]int, lineShardCount)
	}
	next := l.next
	clear(next)
	less := func(a, b int) bool {
		x, y := l.shards[a].taken[next[a]].at, l.shards[b].taken[next[b]].at
		return x < y || (x == y && a < b)
	}
	h := l.heads
	down := func(i int) {
		for {
			small, c1, c2 := i, 2*i+1, 2*i+2
			if c1 < len(h) && less(h[c1], h[small]) {
				small = c1
			}
			if c2 < len(h) && less(h[c2], h[small]) {
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
		s := h[0]
		taken := l.shards[s].taken
		put(&taken[next[s]].rec)
		next[s]++
		if next[s] == len(taken) {
			clear(taken) // the payloads and strings go with the pass
			l.shards[s].taken = taken[:0]
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
}
