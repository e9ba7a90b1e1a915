package service

import (
	"net/netip"
	"slices"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// A student's detail view draws their connections' ladder from the
// server's own calls: the class keeps the newest laneEvents events of each
// connection (keyed by the peer's address and port, so accept's event, sent
// before the lane exists, is kept too). Memory is bounded: laneEvents per
// connection, at most maxEventConns connections, pruned with the lanes.
const (
	laneEvents    = 48
	maxEventConns = 4096
)

type eventRing struct {
	evs  []event.Event // oldest first, at most laneEvents
	last time.Time
}

// Emit keeps a call of a connection for the detail view (Sink). Events
// with no peer (the listening socket's own calls) are not kept.
func (c *Class) Emit(e event.Event) {
	if !e.Remote.IsValid() || e.Kind != event.KindCall {
		return
	}
	// A copy of the first bytes: keeping a slice would keep the event's
	// whole DataCap buffer alive.
	if len(e.Data) > 0 {
		e.Data = append([]byte(nil), e.Data[:min(len(e.Data), LaneText)]...)
	}
	e.Pkt = nil
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.events[e.Remote]
	if r == nil {
		if len(c.events) >= maxEventConns {
			return
		}
		r = &eventRing{}
		c.events[e.Remote] = r
	}
	c.evSeq++
	e.Seq = c.evSeq
	if len(r.evs) == laneEvents {
		copy(r.evs, r.evs[1:])
		r.evs = r.evs[:laneEvents-1]
	}
	r.evs = append(r.evs, e)
	r.last = time.Now()
}

// StudentEvents returns the kept calls of every connection of the student
// at addr, in the order they were made.
func (c *Class) StudentEvents(addr netip.Addr) []event.Event {
	addr = addr.Unmap()
	c.mu.Lock()
	var out []event.Event
	for remote, r := range c.events {
		if remote.Addr().Unmap() == addr {
			out = append(out, r.evs...)
		}
	}
	c.mu.Unlock()
	slices.SortFunc(out, func(a, b event.Event) int { return int(a.Seq) - int(b.Seq) })
	return out
}

// pruneEvents drops the events of connections that have no lane and were
// silent for Linger. Called with mu held.
func (c *Class) pruneEvents(now time.Time) {
	if len(c.events) == 0 {
		return
	}
	live := make(map[netip.AddrPort]bool, len(c.lanes))
	for _, l := range c.lanes {
		live[l.remote] = true
	}
	for remote, r := range c.events {
		if !live[remote] && now.Sub(r.last) >= c.cfg.Linger {
			delete(c.events, remote)
		}
	}
}
