package sock

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/internal/linequeue"
	"github.com/socklab/socklab/netlab/wire"
)

// Sequencer numbers calls and passes events on in causal order (see the
// package doc, "Order"). Into a text trace writer, with no capture, it
// keeps that order in line mode (lines.go); what follows is the way of
// every other sink. Sockets report to it through a Tracer; it forwards
// each event to its Sink once no call still running could produce an event
// that belongs before it.
//
// A call that puts something in motion (connect, send, close, …) takes a
// hold at the moment its system call enters the kernel and gives it back
// when it reports; events placed later than the oldest hold wait. A hold
// lasts one system call (microseconds), never a wait in the kernel: a call
// that blocks reports KindBlocked and gives its hold back, so a connect
// waiting seconds for a full accept queue holds nothing up.
type Sequencer struct {
	out event.Sink
	// tw is out when out is a trace writer: events reach it by pointer,
	// through a concrete call (a pointer passed to an interface's method
	// would make every reported event escape to the heap).
	tw *event.TraceWriter

	// nextID numbers calls; a counter of its own, not under mu, since
	// every call takes a number and mu is what every event waits for.
	nextID atomic.Uint64

	// mu is what every event waits for. When out is a trace writer it is
	// the writer's own batch lock (TraceWriter.Mutex): the released event
	// goes into the batch under the lock it was ordered under.
	mu    *sync.Mutex
	ownMu sync.Mutex
	// holds are the calls whose system call runs, with its moment. They
	// are as many as the calls in the kernel at once, a handful: a scan of
	// a slice is cheaper than a map's hashing, and this runs under mu for
	// every event.
	holds  []hold
	oldest time.Time // the oldest hold; zero when there is none
	// woken are the calls the kernel had said wait, now trying again
	// (Go's poller woke them) and not yet reported: under way, though
	// no event shows it yet (see Woken).
	woken      map[event.CallID]struct{}
	trackWoken bool // set by TrackWoken before any call: only labs ask
	queue      eventHeap
	tie        uint64 // arrival order, to keep equal moments stable
	seq        uint64 // events released so far: each one's Seq

	// drain, when set, pushes the events of a source that reports late
	// (the capture: a segment is read after it crossed lo). It runs before
	// each release, so an event is never released ahead of a segment the
	// kernel had already delivered: whatever a call's return depended on
	// was queued to the capture before the call returned.
	drain func()
	// links names the actors and causes of captured segments and drops
	// the segments of sockets that are not this sequencer's (nil: no
	// capture).
	links *wire.Linker

	// textLater is set while out is a trace writer and no capture is
	// attached: its sockets' sends leave their text to the writer
	// (Tracer.textLater).
	textLater atomic.Bool

	// postponing keeps released events in postponed until Flush (see
	// Postpone).
	postponing bool
	postponed  []event.Event

	// lineMode is set while out is a text trace writer and no capture is
	// attached (a served trace): the calls queue their lines' records in
	// lines' shards, and the writer takes them from there in order (see
	// lines.go). Its moments are read from the monotonic clock alone
	// (clock): nothing in a line shows the wall clock. Set by NewSequencer,
	// cleared by Attach; read by the sockets without mu.
	lineMode atomic.Bool
	lines    *linequeue.Queues
	// postponedLines are the lines Attach took from the shards while
	// postponing (what line mode had queued before it ended).
	postponedLines []event.LineRec
	epoch          time.Time
}

// NewSequencer returns a sequencer that forwards ordered events to out.
func NewSequencer(out event.Sink) *Sequencer {
	tw, _ := out.(*event.TraceWriter)
	q := &Sequencer{out: out, tw: tw, woken: map[event.CallID]struct{}{}, epoch: time.Now()}
	q.mu = &q.ownMu
	if tw != nil {
		q.mu = tw.Mutex()
		q.textLater.Store(true)
		if !tw.JSON() && lineModeBuilt {
			q.lineMode.Store(true)
			q.lines = linequeue.New(tw, tw.Limit())
			tw.SetSource(q)
		}
	}
	return q
}

// clock reads the moment of a call. In line mode it reads the monotonic
// clock alone, one vDSO call where time.Now makes two (wall and
// monotonic): a served trace reads it three times per request, and its
// lines show no time. The moment still carries both readings (the epoch's
// wall clock moved on by the monotonic one), so it orders among time.Now's.
func (q *Sequencer) clock() time.Time {
	if q.lineMode.Load() {
		return q.epoch.Add(time.Since(q.epoch))
	}
	return time.Now()
}

// hold is a call's moment, kept while its system call runs.
type hold struct {
	id event.CallID
	at time.Time
}

// holdOf is the index of call id's hold, or -1.
func (q *Sequencer) holdOf(id event.CallID) int {
	for i := range q.holds {
		if q.holds[i].id == id {
			return i
		}
	}
	return -1
}

// Postpone makes q keep the events it releases, numbered and in order,
// until Flush. socklab serve prints "listening on" before the trace of the
// calls that led to it; the sequencer keeps them itself, so that every
// later event still reaches a trace writer by pointer, the path the
// benchmarks measure. Call it before any tracer of q is used.
func (q *Sequencer) Postpone() {
	q.mu.Lock()
	q.postponing = true
	q.mu.Unlock()
}

// Flush passes the postponed events on, and every later one as it is
// released.
func (q *Sequencer) Flush() {
	q.mu.Lock()
	q.postponing = false
	// Lines were postponed before Attach ended line mode, if it did: they
	// came first.
	for i := range q.postponedLines {
		q.tw.EmitLineLocked(&q.postponedLines[i])
	}
	q.postponedLines = nil
	for i := range q.postponed {
		q.send(&q.postponed[i])
	}
	q.postponed = nil
	q.mu.Unlock()
}

// Tracer returns a tracer reporting to q under actor and role.
func (q *Sequencer) Tracer(actor string, role event.Role) Tracer {
	return Tracer{Actor: actor, Role: role, Sink: q, Seq: q, who: &event.LineWho{Actor: actor}}
}

// newCall assigns the next CallID.
func (q *Sequencer) newCall() event.CallID {
	return event.CallID(q.nextID.Add(1))
}

// enter takes (or moves) the hold of call id and returns the moment of
// entry. The time is read under the lock that releases events, so an event
// already released can never belong after this moment.
func (q *Sequencer) enter(id event.CallID) time.Time {
	q.mu.Lock()
	t := time.Now()
	if i := q.holdOf(id); i >= 0 {
		old := q.holds[i].at
		q.holds[i].at = t
		if old.Equal(q.oldest) {
			q.recomputeOldest()
		}
	} else {
		q.holds = append(q.holds, hold{id, t})
		if q.oldest.IsZero() || t.Before(q.oldest) {
			q.oldest = t
		}
	}
	q.mu.Unlock()
	return t
}

// wake records that call id, which the kernel had said waits, is trying
// again; parked, that it waits again. Its report ends it either way.
func (q *Sequencer) wake(id event.CallID, on bool) {
	if !q.trackWoken {
		return // a served server's trace: one lock less per request
	}
	q.mu.Lock()
	if on {
		q.woken[id] = struct{}{}
	} else {
		delete(q.woken, id)
	}
	q.mu.Unlock()
}

// TrackWoken makes the sequencer count woken calls (Woken). Call it
// before any tracer of it is used.
func (q *Sequencer) TrackWoken() { q.trackWoken = true }

// Woken counts the calls that blocked, were woken by the kernel's
// readiness and have not reported yet. A lesson's step is not over while
// one is: the kernel has answered it (a connection taken from the accept
// queue, bytes copied out) and only its goroutine has not run on.
func (q *Sequencer) Woken() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.woken)
}

// leave gives back the hold of call id without an event (an attempt that
// moved nothing and will be tried again).
func (q *Sequencer) leave(id event.CallID) {
	q.mu.Lock()
	q.drop(id)
	q.release()
	q.mu.Unlock()
}

func (q *Sequencer) drop(id event.CallID) {
	if i := q.holdOf(id); i >= 0 {
		t := q.holds[i].at
		last := len(q.holds) - 1
		q.holds[i] = q.holds[last]
		q.holds = q.holds[:last]
		if t.Equal(q.oldest) {
			q.recomputeOldest()
		}
	}
}

func (q *Sequencer) recomputeOldest() {
	q.oldest = time.Time{}
	for _, h := range q.holds {
		if q.oldest.IsZero() || h.at.Before(q.oldest) {
			q.oldest = h.at
		}
	}
}

// Emit takes an event (any kind), gives back its call's hold, and forwards
// every event that can no longer be preceded by one still to come.
func (q *Sequencer) Emit(e event.Event) { q.emit(&e) }

// emit is Emit for an event its caller built in place (Tracer.emitRef):
// it is copied only into the heap, when it must wait, and to out.
func (q *Sequencer) emit(e *event.Event) {
	if q.lineMode.Load() {
		q.putEvent(e)
		return
	}
	q.mu.Lock()
	if e.At.IsZero() {
		now := time.Now()
		e.At = now
		if e.Return.IsZero() {
			e.Return = now
		}
		if e.Enter.IsZero() {
			e.Enter = e.Return
		}
	}
	if e.CallID != 0 {
		q.drop(e.CallID)
		if q.trackWoken {
			delete(q.woken, e.CallID) // a map's hashing, under the lock
		}
	}
	if q.drain != nil {
		// What the capture holds may belong before e: read it first.
		e.At = e.At.Round(0) // as push does: segments' times are wall clock
		q.drain()
	}
	if q.queue.Len() == 0 && (q.oldest.IsZero() || e.At.Before(q.oldest)) {
		// Nothing waits and no call still running can come before it:
		// released at once, without a trip through the heap (a copy of
		// some 460 bytes in and out, under the lock every call waits for).
		if q.links != nil {
			q.links.Observe(e)
		}
		q.forward(e)
	} else {
		q.push(e)
		q.releaseDrained()
	}
	q.mu.Unlock()
}

// forwardLine is forward for a line record; under q.mu.
func (q *Sequencer) forwardLine(r *event.LineRec) {
	q.seq++
	if q.postponing {
		q.postponedLines = append(q.postponedLines, *r)
		return
	}
	q.tw.EmitLineLocked(r)
}

func (q *Sequencer) push(e *event.Event) {
	if q.drain != nil {
		// Segment timestamps carry no monotonic reading; ordering every
		// event by the wall clock keeps one order for both.
		e.At = e.At.Round(0)
	}
	q.tie++
	q.queue.push(e, q.tie)
}

// Attach makes c the sequencer's late source: its frames become KindPacket
// events, ordered by their kernel timestamps among the calls. Call it
// before any tracer of q is used: from then on sends make their text
// before they report, for the linker to name segments' causes with.
func (q *Sequencer) Attach(c *wire.Capture) {
	q.textLater.Store(false)
	q.endLineMode() // the linker names segments' causes from whole Events
	q.mu.Lock()
	q.links = wire.NewLinker()
	// Both closures are made once, here: a method value or a func literal
	// passed on each release would be a new allocation each time, and
	// release runs several times per round trip.
	frame := func(f wire.WireFrame) {
		q.push(&event.Event{Kind: event.KindPacket, FD: -1, Data: f.Data, Result: f.Len, Enter: f.At, Return: f.At, At: f.At})
	}
	q.drain = func() { _ = c.DrainSerial(frame) }
	q.mu.Unlock()
}

// endLineMode makes q pass Events on from now on. It comes before any
// call (Attach), so what line mode queued are notes nothing still running
// can precede: they go on as released lines, kept with the postponed
// events when q postpones.
func (q *Sequencer) endLineMode() {
	if !q.lineMode.Swap(false) {
		return
	}
	q.takeLines(func(r *event.LineRec) {
		q.mu.Lock()
		q.forwardLine(r)
		q.mu.Unlock()
	}, true)
}

// Detach releases what the attached capture holds and stops reading it:
// once it returns no call of q touches the capture, which may then be
// closed (the capture is read without a lock of its own, DrainSerial).
func (q *Sequencer) Detach() {
	q.mu.Lock()
	q.release()
	q.drain = nil
	q.mu.Unlock()
}

// PumpBatch is how long a capture loop lets segments gather before it
// releases them: short next to what a person sees, long next to a round trip.
const PumpBatch = 5 * time.Millisecond

// Capture starts capturing on lo for the sockets this sequencer's tracers
// report (serve --wire), until ctx ends. It needs CAP_NET_RAW in the
// network it runs in.
func (q *Sequencer) Capture(ctx context.Context) (*wire.Capture, error) {
	c, err := wire.OpenCapture()
	if err != nil {
		return nil, err
	}
	q.Attach(c)
	context.AfterFunc(ctx, c.Wake)
	go func() {
		defer event.Recover()
		for c.Wait() {
			time.Sleep(PumpBatch)
			q.Pump()
		}
		q.Detach()
		c.Close()
	}()
	return c, nil
}

// Pump takes what the late source has and releases what can go.
func (q *Sequencer) Pump() {
	q.mu.Lock()
	q.release()
	q.mu.Unlock()
}

// release forwards, in order, the queued events placed before the oldest
// hold. It runs under q.mu, so two releases never interleave and out sees
// one order.
func (q *Sequencer) release() {
	if q.drain != nil {
		q.drain()
	}
	q.releaseDrained()
}

// releaseDrained is release when the late source was just read, under the
// same hold of q.mu.
func (q *Sequencer) releaseDrained() {
	for q.queue.Len() > 0 {
		next := q.queue.nextAt()
		if !q.oldest.IsZero() && !next.Before(q.oldest) {
			return
		}
		slot, _ := q.queue.pop()
		e := &q.queue.slots[slot]
		if q.links != nil && e.Kind == event.KindPacket && !q.links.Link(e) {
			q.queue.free(slot)
			continue // another lab's segment: lo is shared
		}
		if q.links != nil && e.Kind != event.KindPacket {
			q.links.Observe(e)
		}
		q.forward(e)
		q.queue.free(slot)
	}
}

// forward numbers e and passes it on; under q.mu.
func (q *Sequencer) forward(e *event.Event) {
	q.seq++
	e.Seq = q.seq
	if q.postponing {
		q.postponed = append(q.postponed, *e)
		return
	}
	q.send(e)
}

// send passes a numbered event to out; under q.mu.
func (q *Sequencer) send(e *event.Event) {
	switch {
	case q.tw != nil:
		q.tw.EmitLocked(e)
	case q.out != nil:
		q.out.Emit(*e)
	}
}

// eventHeap is a min-heap of queued events by moment, then arrival. The
// heap moves small keys; each event (some 460 bytes) is copied once into a
// slot on push and is read from there until it is freed. Moving whole events made the heap the
// Sequencer's main cost under a busy server: its lock is held meanwhile,
// and every other call's goroutine waited for it. It is written out rather
// than used through container/heap, whose Push and Pop take and return an
// interface: an allocation per event.
type eventHeap struct {
	keys  []heapKey
	slots []event.Event
	empty []int32 // slots freed, to be reused
}

type heapKey struct {
	at   time.Time
	tie  uint64
	slot int32
}

func (h *eventHeap) Len() int { return len(h.keys) }

// nextAt is the moment of the event pop would return (Len must be > 0).
func (h *eventHeap) nextAt() time.Time { return h.keys[0].at }

func (h *eventHeap) less(i, j int) bool {
	a, b := &h.keys[i], &h.keys[j]
	if !a.at.Equal(b.at) {
		return a.at.Before(b.at)
	}
	return a.tie < b.tie
}

// push copies *e into a slot and queues it by its moment, then tie.
func (h *eventHeap) push(e *event.Event, tie uint64) {
	var slot int32
	if n := len(h.empty); n > 0 {
		slot = h.empty[n-1]
		h.empty = h.empty[:n-1]
		h.slots[slot] = *e
	} else {
		slot = int32(len(h.slots))
		h.slots = append(h.slots, *e)
	}
	h.keys = append(h.keys, heapKey{at: e.At, tie: tie, slot: slot})
	for i := len(h.keys) - 1; i > 0; {
		up := (i - 1) / 2
		if !h.less(i, up) {
			break
		}
		h.keys[i], h.keys[up] = h.keys[up], h.keys[i]
		i = up
	}
}

// pop takes the earliest event off the queue and returns its slot, where
// it stays until free.
func (h *eventHeap) pop() (slot int32, tie uint64) {
	top := h.keys[0]
	last := len(h.keys) - 1
	h.keys[0] = h.keys[last]
	h.keys = h.keys[:last]
	for i := 0; ; {
		small, l, r := i, 2*i+1, 2*i+2
		if l < len(h.keys) && h.less(l, small) {
			small = l
		}
		if r < len(h.keys) && h.less(r, small) {
			small = r
		}
		if small == i {
			break
		}
		h.keys[i], h.keys[small] = h.keys[small], h.keys[i]
		i = small
	}
	return top.slot, top.tie
}

// free lets a popped event's slot be reused, and its data go.
func (h *eventHeap) free(slot int32) {
	h.slots[slot] = event.Event{}
	h.empty = append(h.empty, slot)
}
