package check

import (
	"fmt"
	"sync"

	"github.com/socklab/socklab/netlab/event"
)

// StateMover is a Sink that places each call's TCP state where it was
// read, for a trace printed line by line (socklab run --trace). A traced
// program's state is read at the call's exit stop, after it returned: a
// segment of its connection captured between the call's moment and the
// read (the peer's FIN) may be in that state already, and is printed
// below the call. Such a call is printed without its state, and a line
// "state now …" follows the last of those segments, as the ladder and
// socklab trace do (ui's planLines, lessons' statesWhereRead). Without a
// capture there are no segments, but the peer's close or shutdown, when
// the lab sees both ends (socklab run with two programs), is the FIN's
// cause printed below the call: the state follows it the same way.
//
// It relies on the order the lab releases events in (by At, see netlab's
// package doc): a call is printed once an event past its read arrived, or
// at Flush.
type StateMover struct {
	mu   sync.Mutex
	next event.Sink
	buf  []event.Event
}

// NewStateMover returns a StateMover writing to next.
func NewStateMover(next event.Sink) *StateMover { return &StateMover{next: next} }

// Emit takes the next event in the lab's order.
func (m *StateMover) Emit(e event.Event) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.buf = append(m.buf, e)
	m.release(false)
}

// Flush writes what is held (the trace ended: nothing more can come
// before the reads).
func (m *StateMover) Flush() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.release(true)
}

// movable: a call whose state may have been read after segments of its
// connection. ESTABLISHED on a call other than connect stays: nothing
// turns a connection ESTABLISHED after the handshake, so it held when the
// call returned.
func movable(e event.Event) bool {
	return e.Kind == event.KindCall && e.State != event.StateNone && !e.StateAt.IsZero() && e.Remote.IsValid() &&
		(e.State != event.StateEstablished || e.Op == event.OpConnect)
}

func (m *StateMover) release(all bool) {
	for len(m.buf) > 0 {
		e := m.buf[0]
		if !movable(e) {
			m.next.Emit(e)
			m.buf = m.buf[1:]
			continue
		}
		resolved := all
		for _, x := range m.buf[1:] {
			if x.At.After(e.StateAt) {
				resolved = true
				break
			}
		}
		if !resolved {
			return
		}
		last := -1
		for j := 1; j < len(m.buf) && !m.buf[j].At.After(e.StateAt); j++ {
			if p := m.buf[j].Pkt; m.buf[j].Kind == event.KindPacket && p != nil && sameConn(e, p) || m.buf[j].EndsPeerOf(&e) {
				last = j
			}
		}
		if last < 0 {
			m.next.Emit(e)
			m.buf = m.buf[1:]
			continue
		}
		above := "segments"
		if m.buf[last].Kind == event.KindCall {
			above = "other end's " + nameOf(m.buf[last])
		}
		row := e
		row.State = event.StateNone
		m.next.Emit(row)
		note := event.Event{Kind: event.KindNote, Actor: e.Actor, Role: e.Role, FD: e.FD, At: m.buf[last].At,
			Local: e.Local, Remote: e.Remote,
			Note: fmt.Sprintf("state now %s (read when %s(%d) returned, after the %s above)", e.State, nameOf(e), e.FD, above)}
		rest := make([]event.Event, 0, len(m.buf))
		rest = append(append(append(rest, m.buf[1:last+1]...), note), m.buf[last+1:]...)
		m.buf = rest
	}
}

// sameConn reports whether the segment belongs to the call's connection.
func sameConn(e event.Event, p *event.Packet) bool {
	lp, rp := e.Local.Port(), e.Remote.Port()
	sp, dp := p.Seg.Src.Port(), p.Seg.Dst.Port()
	return (sp == lp && dp == rp) || (sp == rp && dp == lp)
}
