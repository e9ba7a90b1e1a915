package sock

// How the Windows Socket reports its calls: events, notes on merged steps,
// blocked calls, and cancellation of calls waiting in Go's net package.

import (
	"context"
	"net/netip"
	"sync"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// blockedAfter is how long a call may take before it is reported as
// blocked. A loopback call that can complete does so in microseconds; the
// margin covers Windows' 15.6 ms scheduler tick.
const blockedAfter = 25 * time.Millisecond

func (s *Socket) gate(ctx context.Context, op event.Op, text string, args event.Args) (call, error) {
	return beginCall(ctx, s.tr, op, s.FD(), s.role, text, args)
}

// note reports a merge or an omission, tied to the call it is about so that
// lessons attach it to that call's outcome.
func (s *Socket) note(op event.Op, text, note string) {
	s.tr.emit(event.Event{Kind: event.KindNote, Op: op, Role: s.role, Text: text, FD: s.FD(), Local: s.LocalAddr(), Remote: s.RemoteAddr(), Note: note})
}

// doneFD reports the finished call c under fd, the fd the call was gated
// with (-1 for a merged call that made the socket), with a note on the merge.
func (s *Socket) doneFD(c *call, fd int, result int, err error, data []byte, note string) {
	if s.tr.Sink == nil {
		return
	}
	c.fd = fd
	s.finish(c, result, err, data, note, s.State(), event.Segs{})
}

// refuse reports a call socklab cannot make on Windows in the socket's
// present form, without a kernel errno (none was asked for).
func (s *Socket) refuse(op event.Op, text string, addr netip.AddrPort, err error) error {
	s.tr.emit(event.Event{Kind: event.KindCall, Op: op, Role: s.role, Text: text, FD: s.FD(), Result: -1, Err: err.Error(),
		Local: s.LocalAddr(), Remote: s.RemoteAddr()})
	return &CallError{Call: op.String(), Addr: addr, Err: err}
}

// watch reports the call as blocked once it has run for blockedAfter;
// stop must be called before the call's result is reported, so a blocked
// event never follows its result.
type watch struct {
	mu   sync.Mutex
	done bool
	t    *time.Timer
}

func (s *Socket) watch(c *call) *watch {
	if s.tr.Sink == nil {
		return nil
	}
	w := &watch{}
	c.blockedNote = " (Windows: not returned after " + blockedAfter.String() + ", by socklab's timer)"
	w.t = time.AfterFunc(blockedAfter, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.done {
			return
		}
		c.notYet(func() event.Event { return event.Event{Local: s.LocalAddr(), Remote: s.RemoteAddr()} })
	})
	return w
}

func (w *watch) stop() {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
	w.t.Stop()
}

// cancelOn wakes a blocked net call when ctx ends, by moving its deadline to
// the past; end restores the deadline and tells whether ctx fired.
type cancelOn struct {
	stop func() bool
	done chan struct{}
}

func onCancel(ctx context.Context, set func(time.Time) error) *cancelOn {
	if ctx.Done() == nil {
		return nil
	}
	c := &cancelOn{done: make(chan struct{})}
	c.stop = context.AfterFunc(ctx, func() {
		_ = set(aLongTimeAgo)
		close(c.done)
	})
	return c
}

func (c *cancelOn) end(restore func()) bool {
	if c == nil || c.stop() {
		return false
	}
	<-c.done
	restore()
	return true
}

// aLongTimeAgo is a deadline in the past: it wakes a blocked net call.
var aLongTimeAgo = time.Unix(1, 0)
