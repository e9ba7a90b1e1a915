package event

import (
	"sync"
)

// Holding is a Sink that keeps events until Release, then passes them and
// every later event on, in the order it got them. `serve` uses it so that
// its "listening on" line is printed before the trace of the calls that
// led to it.
type Holding struct {
	mu   sync.Mutex
	held []Event
	to   Sink
}

// Emit keeps e, or passes it on once released.
func (h *Holding) Emit(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.to != nil {
		h.to.Emit(e)
		return
	}
	h.held = append(h.held, e)
}

// Release passes the kept events to to, and every later one.
func (h *Holding) Release(to Sink) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range h.held {
		to.Emit(e)
	}
	h.held, h.to = nil, to
}
