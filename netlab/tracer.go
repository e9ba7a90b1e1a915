package netlab

import "time"

// Tracer is what a socket reports to: the actor's name, where events go and
// the gate calls wait at. A zero Sink turns reporting off entirely, including
// the TCP_INFO reads, which is the fast path the benchmarks measure.
type Tracer struct {
	Actor string
	Sink  Sink
	Gate  *Gate
	// reg, when set (by a Lab), records every socket opened or accepted so
	// the lab can report their kernel states later.
	reg *registry
}

func (t Tracer) emit(e Event) {
	if t.Sink == nil {
		return
	}
	e.Actor = t.Actor
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	t.Sink.Emit(e)
}

// WithActor returns a copy of t reporting under another actor name.
func (t Tracer) WithActor(actor string) Tracer {
	t.Actor = actor
	return t
}

// Note reports a lab-level message (never a kernel fact) under t's actor.
func (t Tracer) Note(text string) {
	t.emit(Event{Kind: KindNote, FD: -1, Result: 0, Note: text})
}
