package sock

import (
	"context"
	"sync"

	"github.com/socklab/socklab/netlab/event"
)

// Call names a socket call before it runs: who will make it, on which fd,
// with which arguments.
type Call struct {
	ID    event.CallID // shared with the call's events
	Actor string
	Role  event.Role
	Op    event.Op
	Text  string // the arguments as a C programmer writes them
	FD    int
	// Args are the call's decoded arguments (connect's and bind's address),
	// the program's own: a waiting connect is drawn with the address it
	// will ask for, not a zero one.
	Args event.Args
}

// Gate holds socket calls in step mode: each call waits until Step lets the
// oldest waiting call through. In run mode calls pass at once. The zero Gate
// is not usable; use NewGate.
type Gate struct {
	mu      sync.Mutex
	step    bool
	open    bool // permanently open: the lab is shutting down
	waiting []*waiter
	notify  func()
	// onWait, if set, is told about each call that starts waiting (the lab
	// turns it into a KindPending event). It must not block.
	onWait func(Call)
}

type waiter struct {
	call Call
	ch   chan struct{}
}

// NewGate returns a gate in run mode. notify, if not nil, is called (without
// locks held) whenever the set of waiting calls changes; it must not block.
func NewGate(notify func()) *Gate { return &Gate{notify: notify} }

// OnWait sets the function told about each call that starts waiting. Set it
// before the gate is used.
func (g *Gate) OnWait(f func(Call)) { g.onWait = f }

// Wait blocks in step mode until the call is let through or ctx ends.
func (g *Gate) Wait(ctx context.Context, c Call) error {
	if g == nil {
		return nil
	}
	g.mu.Lock()
	if !g.step || g.open {
		g.mu.Unlock()
		return nil
	}
	w := &waiter{call: c, ch: make(chan struct{})}
	g.waiting = append(g.waiting, w)
	g.mu.Unlock()
	if g.onWait != nil {
		g.onWait(c)
	}
	g.changed()
	select {
	case <-w.ch:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		g.remove(w)
		g.mu.Unlock()
		g.changed()
		select {
		case <-w.ch: // released while we gave up: the call may go ahead
			return nil
		default:
		}
		return ctx.Err()
	}
}

func (g *Gate) remove(w *waiter) {
	for i, x := range g.waiting {
		if x == w {
			g.waiting = append(g.waiting[:i], g.waiting[i+1:]...)
			return
		}
	}
}

func (g *Gate) changed() {
	if g.notify != nil {
		g.notify()
	}
}

// Step lets the oldest waiting call through. It reports the call, and false
// when no call was waiting.
func (g *Gate) Step() (Call, bool) {
	g.mu.Lock()
	if len(g.waiting) == 0 {
		g.mu.Unlock()
		return Call{}, false
	}
	w := g.waiting[0]
	g.waiting = g.waiting[1:]
	close(w.ch)
	g.mu.Unlock()
	g.changed()
	return w.call, true
}

// SetStep switches between step mode (true) and run mode; leaving step mode
// lets every waiting call through.
func (g *Gate) SetStep(on bool) {
	g.mu.Lock()
	g.step = on
	var release []*waiter
	if !on {
		release, g.waiting = g.waiting, nil
	}
	g.mu.Unlock()
	for _, w := range release {
		close(w.ch)
	}
	g.changed()
}

// Stepping reports whether the gate is in step mode.
func (g *Gate) Stepping() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.step && !g.open
}

// Open lets every call through from now on, whatever the mode: used when a
// lab shuts down so that closing sockets never waits for a key press.
func (g *Gate) Open() {
	g.mu.Lock()
	g.open = true
	release := g.waiting
	g.waiting = nil
	g.mu.Unlock()
	for _, w := range release {
		close(w.ch)
	}
	g.changed()
}

// Waiting returns the calls waiting at the gate, oldest first.
func (g *Gate) Waiting() []Call {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Call, len(g.waiting))
	for i, w := range g.waiting {
		out[i] = w.call
	}
	return out
}
