package service

import "sync"

// AcceptHold lets an instructor hold a server's accept calls, step by step.
// While held, the server does not call accept: clients still connect (the
// kernel finishes their handshakes by itself) and wait in the listening
// socket's accept queue, which fills where everyone can see it. Release
// lets exactly one accept run. The zero value is not held.
type AcceptHold struct {
	mu       sync.Mutex
	held     bool
	permits  int
	atGate   bool          // the server is waiting here for permission
	inAccept bool          // the server passed and is in accept (maybe blocked in the kernel)
	wake     chan struct{} // closed and replaced whenever something changes
}

func (h *AcceptHold) changed() {
	if h.wake != nil {
		close(h.wake)
		h.wake = nil
	}
}

// SetHeld holds (true) or frees (false) the server's accept calls.
func (h *AcceptHold) SetHeld(on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held = on
	h.permits = 0
	h.changed()
}

// Held reports whether accept is held.
func (h *AcceptHold) Held() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.held
}

// Release lets one accept call run while held. It reports false when
// nothing is held, or when an accept let through earlier has not returned
// yet (one step is one accept).
func (h *AcceptHold) Release() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.held || h.permits > 0 || h.inAccept {
		return false
	}
	h.permits++
	h.changed()
	return true
}

// HoldState is where the server's accept loop is.
type HoldState struct {
	Held     bool // accept calls are held
	AtGate   bool // the server waits for Release before its next accept
	InAccept bool // accept is running (blocked in the kernel while the queue is empty)
}

// State reports where the server's accept loop is now.
func (h *AcceptHold) State() HoldState {
	h.mu.Lock()
	defer h.mu.Unlock()
	return HoldState{Held: h.held, AtGate: h.atGate, InAccept: h.inAccept}
}

// pass waits until the server may call accept (not held, or a permit); it
// returns false when done is closed first.
func (h *AcceptHold) pass(done <-chan struct{}) bool {
	for {
		h.mu.Lock()
		if !h.held || h.permits > 0 {
			if h.held {
				h.permits--
			}
			h.atGate, h.inAccept = false, true
			h.mu.Unlock()
			return true
		}
		h.atGate = true
		if h.wake == nil {
			h.wake = make(chan struct{})
		}
		wake := h.wake
		h.mu.Unlock()
		select {
		case <-wake:
		case <-done:
			h.mu.Lock()
			h.atGate = false
			h.mu.Unlock()
			return false
		}
	}
}

// returned records that the accept let through has returned.
func (h *AcceptHold) returned() {
	h.mu.Lock()
	h.inAccept = false
	h.mu.Unlock()
}
