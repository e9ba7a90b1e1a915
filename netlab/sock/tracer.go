package sock

import (
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// Tracer is what a socket reports to: the actor's name and role, where
// events go and the gate calls wait at. A zero Sink turns reporting off
// entirely, including the TCP_INFO reads and call numbering, which is the
// fast path the benchmarks measure.
type Tracer struct {
	Actor string
	Role  event.Role
	Sink  event.Sink
	Gate  *Gate
	// Seq, when set, numbers calls and holds their moments open while they
	// run, so the events reach Sink's end in causal order. A Lab's tracers
	// and Sequencer.Tracer set it.
	Seq *Sequencer
	// Reg, when set (by a Lab), records every socket opened or accepted so
	// the lab can report their kernel states later.
	Reg *Registry
	// StatePace, when not zero, paces the TCP state reads after calls that
	// moved bytes: a socket's sends and recvs that returned more than 0
	// read it StatePaceBurst times at once and then once per StatePace, and
	// the events of those beyond have none (StateNone: not read, never
	// guessed). Every other call still reads. Zero, the labs' setting,
	// reads after every call.
	StatePace time.Duration
	// who is the actor alone as a line record's Who (Sequencer.Tracer
	// makes it once): a blocked call's line shows no addresses.
	who *event.LineWho
}

// actorWho is t's actor as a line record's Who.
func (t Tracer) actorWho() *event.LineWho {
	if t.who != nil && t.who.Actor == t.Actor {
		return t.who
	}
	return &event.LineWho{Actor: t.Actor}
}

// traced reports whether anyone looks at the calls; when nobody does, the
// arguments are not even formatted.
func (t Tracer) traced() bool { return t.Sink != nil || t.Gate != nil }

// textLater reports whether a send may leave its text to the trace
// writer (Event.TextLater): no gate shows the call before it is made, and
// its events reach a TraceWriter through the tracer's own Sequencer with
// no capture, whose linker would name a segment's cause by the text.
func (t Tracer) textLater() bool {
	return t.Gate == nil && t.Seq != nil && t.Seq.textLater.Load() && t.Sink == event.Sink(t.Seq)
}

// lineMode reports whether the tracer's calls report line records
// (Sequencer.emitLine): its events reach its own Sequencer in line mode,
// and no gate shows its calls.
func (t Tracer) lineMode() bool {
	return t.Gate == nil && t.Seq != nil && t.Seq.lineMode.Load() && t.Sink == event.Sink(t.Seq)
}

func (t Tracer) emit(e event.Event) { t.emitRef(&e) }

// emitRef is emit for an event the caller built in place: it reaches the
// tracer's own Sequencer by pointer, not as a copy (an Event is some 460
// bytes, and a traced server reports three per request).
func (t Tracer) emitRef(e *event.Event) {
	if t.Sink == nil {
		return
	}
	e.Actor = t.Actor
	if t.Seq != nil && t.Sink == event.Sink(t.Seq) {
		t.Seq.emit(e)
		return
	}
	t.Sink.Emit(*e)
}

// Note reports a lab-level message (never a kernel fact) under t's actor.
func (t Tracer) Note(text string) {
	if t.Sink == nil {
		return
	}
	now := time.Now()
	t.emit(event.Event{Kind: event.KindNote, Role: t.Role, FD: -1, Note: text, Enter: now, Return: now, At: now})
}
