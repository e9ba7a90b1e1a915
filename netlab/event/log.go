package event

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Sink receives events. Emit must never block the socket that calls it.
type Sink interface {
	Emit(Event)
}

// Log is a bounded event history with subscribers. Emit never blocks: the
// history keeps the newest capacity events and each
// subscriber has its own buffer (counting what it missed).
type Log struct {
	mu   sync.Mutex
	seq  uint64
	ring []Event // grows to capacity as events come, then wraps
	cap  int
	head int // index of the oldest event
	n    int
	subs map[*Sub]struct{}
	now  func() time.Time
}

// NewLog returns a log keeping the newest capacity events (at least 1).
//
// The history grows as events come: a lesson's log keeps 20 000 events
// of 464 bytes, and made whole at the start it was 9 MB that every
// process playing a lesson zeroed and that its first collections scanned
// (half of a short lesson trace's CPU), most of it for events that never
// came.
func NewLog(capacity int) *Log {
	if capacity < 1 {
		capacity = 1
	}
	return &Log{cap: capacity, subs: map[*Sub]struct{}{}, now: time.Now}
}

// Emit numbers the event, stores it and offers it to every subscriber.
func (l *Log) Emit(e Event) {
	l.mu.Lock()
	l.seq++
	e.Seq = l.seq
	if e.At.IsZero() {
		now := l.now()
		e.Enter, e.Return, e.At = now, now, now
	}
	if l.n < l.cap {
		// Not yet full: head is 0 and the ring is exactly the events.
		if len(l.ring) == cap(l.ring) {
			l.ring = slices.Grow(l.ring, min(l.cap, 2*len(l.ring)+16)-len(l.ring))
		}
		l.ring = append(l.ring, e)
		l.n++
	} else {
		l.ring[l.head] = e
		l.head = (l.head + 1) % len(l.ring)
	}
	for s := range l.subs {
		select {
		case s.c <- e:
		default:
			s.dropped.Add(1)
		}
	}
	l.mu.Unlock()
}

// Events returns the stored events, oldest first.
func (l *Log) Events() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Event, l.n)
	for i := range l.n {
		out[i] = l.ring[(l.head+i)%len(l.ring)]
	}
	return out
}

// Len returns the number of events emitted so far.
func (l *Log) Len() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq
}

// Sub is one subscriber's view of a Log.
type Sub struct {
	log     *Log
	c       chan Event
	dropped atomic.Uint64
}

// Subscribe returns a subscription buffering up to buf events.
func (l *Log) Subscribe(buf int) *Sub {
	if buf < 1 {
		buf = 1
	}
	s := &Sub{log: l, c: make(chan Event, buf)}
	l.mu.Lock()
	l.subs[s] = struct{}{}
	l.mu.Unlock()
	return s
}

// Close ends the subscription; pending events are discarded.
func (s *Sub) Close() {
	s.log.mu.Lock()
	delete(s.log.subs, s)
	s.log.mu.Unlock()
}

// C is the subscription's channel.
func (s *Sub) C() <-chan Event { return s.c }

// Dropped returns how many events this subscriber missed because its buffer
// was full.
func (s *Sub) Dropped() uint64 { return s.dropped.Load() }

// Next waits for at least one event, then takes whatever else is already
// buffered, up to max events: one batch per wake-up, so a consumer (the UI)
// handles a flood as a few large batches instead of many small ones.
func (s *Sub) Next(ctx context.Context, max int) ([]Event, error) {
	var first Event
	select {
	case first = <-s.c:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	batch := []Event{first}
	for len(batch) < max {
		select {
		case e := <-s.c:
			batch = append(batch, e)
		default:
			return batch, nil
		}
	}
	return batch, nil
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(Event)

// Emit calls f(e).
func (f SinkFunc) Emit(e Event) { f(e) }

// Tee returns a sink that gives each event to every non-nil sink in turn.
func Tee(sinks ...Sink) Sink {
	var out teeSink
	for _, s := range sinks {
		if s != nil {
			out = append(out, s)
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}

type teeSink []Sink

func (t teeSink) Emit(e Event) {
	for _, s := range t {
		s.Emit(e)
	}
}

// Filter returns the stored events keep accepts, oldest first. Only those
// are copied: a caller polling for a few calls among thousands of events
// (check, every 10 ms) would otherwise copy the whole history each time.
func (l *Log) Filter(keep func(*Event) bool) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Event
	for i := range l.n {
		if e := &l.ring[(l.head+i)%len(l.ring)]; keep(e) {
			out = append(out, *e)
		}
	}
	return out
}
