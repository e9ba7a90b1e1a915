package sock

import (
	"runtime"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/internal/linequeue"
)

// Line mode: how a served trace keeps its order without one lock.
//
// A Sequencer whose sink is a text trace writer, with no capture attached
// (socklab serve --trace-file, the benchmarks' "trace to file"), passes
// no Event through its lock and heap. Each call builds its lines' records
// (event.LineRec) and queues them in its connection's shard of a
// linequeue.Queues; the trace writer takes what is ready at each window,
// merged by moment (TakeLines). On a busy server the one lock every event
// took, and the cache line both cores passed back and forth for it four
// times a request, were most of what the order cost (docs/PERFORMANCE.md).
//
// What "ready" means is the same rule as the lock's: a line goes out only
// once no call still under way can come before it. A call marks its shard
// busy before it reads any moment it will be placed at (a send's entry, a
// recv's return, a blocked call's wait) and unmarks it once its record is
// queued (call.hold, call.put); the writer holds back what a marked shard
// could still precede (linequeue's package doc). A mark lasts one system
// call at most, never a wait in the kernel, as a hold did.

// lineModeBuilt: the Windows paths report through whole Events only.
const lineModeBuilt = runtime.GOOS != "windows"

// shardOf is fd's shard of the line queues.
func (q *Sequencer) shardOf(fd int) *linequeue.Shard { return q.lines.Shard(fd) }

// stamp is a moment as the line queues compare them: at must carry a
// monotonic reading (clock and time.Now both do).
func (q *Sequencer) stamp(at time.Time) int64 { return int64(at.Sub(q.epoch)) }

// putLine queues r at moment at in shard sh, which the caller has marked
// since before at was read.
func (q *Sequencer) putLine(sh *linequeue.Shard, r *event.LineRec, at time.Time) {
	q.lines.Put(sh, r, q.stamp(at))
}

// putEvent is line mode's emit for an event that comes with no call's mark
// (a note of the lab's, an actor's message): it is placed when it is
// queued, under a mark of its own.
func (q *Sequencer) putEvent(e *event.Event) {
	sh := q.shardOf(e.FD)
	sh.Mark()
	r := event.RecordOf(e)
	q.putLine(sh, &r, q.clock())
	sh.Unmark()
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
		// Before the shards are taken, each under its lock: a record is
		// either taken now or counted lost.
		q.lines.Close()
	}
	return q.takeLines(put, final)
}

// takeLines is TakeLines whether postponing or not (Attach's).
func (q *Sequencer) takeLines(put func(*event.LineRec), final bool) bool {
	return q.lines.Take(func() int64 { return q.stamp(q.clock()) }, put, final)
}
