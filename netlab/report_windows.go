package netlab

// How the Windows Socket reports its calls: events, notes on merged steps,
// blocked calls, and cancellation of calls waiting in Go's net package.

import (
	"context"
	"net/netip"
	"sync"
	"time"
)

// blockedAfter is how long a call may take before it is reported as
// blocked. A loopback call that can complete does so in microseconds; the
// margin covers Windows' 15.6 ms scheduler tick.
const blockedAfter = 25 * time.Millisecond

func (s *Socket) gate(ctx context.Context, name, args string) error {
	return s.tr.Gate.Wait(ctx, Call{Actor: s.tr.Actor, Name: name, Args: args, FD: s.FD()})
}

// note reports a merge or an omission, tied to the call it is about so that
// lessons attach it to that call's outcome.
func (s *Socket) note(call, args, text string) {
	s.tr.emit(Event{Kind: KindNote, Call: call, Args: args, FD: s.FD(), Local: s.LocalAddr(), Remote: s.RemoteAddr(), Note: text})
}

// done reports a finished call made on the socket's handle.
func (s *Socket) done(start time.Time, name, args string, result int, err error, data []byte) {
	s.doneFD(start, s.FD(), name, args, result, err, data, "")
}

// doneFD reports a finished call under fd, the fd the call was gated with
// (-1 for a merged call that made the socket), with a note on the merge.
func (s *Socket) doneFD(start time.Time, fd int, name, args string, result int, err error, data []byte, note string) {
	if s.tr.Sink == nil {
		return
	}
	e := Event{Call: name, Args: args, FD: fd, Result: result, Dur: time.Since(start),
		Local: s.LocalAddr(), Remote: s.RemoteAddr(), Note: note}
	if err != nil {
		e.Result = -1
		e.Errno = ErrnoOf(err)
		e.Err = nonErrno(err)
	}
	if len(data) > 0 {
		e.Data = append([]byte(nil), data[:min(len(data), DataCap)]...)
	}
	e.State = s.State()
	s.tr.emit(e)
}

// refuse reports a call socklab cannot make on Windows in the socket's
// present form, without a kernel errno (none was asked for).
func (s *Socket) refuse(name, args string, addr netip.AddrPort, err error) error {
	s.tr.emit(Event{Call: name, Args: args, FD: s.FD(), Result: -1, Err: err.Error(),
		Local: s.LocalAddr(), Remote: s.RemoteAddr()})
	return &CallError{Call: name, Addr: addr, Err: err}
}

// watch reports the call as blocked once it has run for blockedAfter;
// stop must be called before the call's result is reported, so a blocked
// event never follows its result.
type watch struct {
	mu   sync.Mutex
	done bool
	t    *time.Timer
}

func (s *Socket) watch(name, args string, fd int) *watch {
	if s.tr.Sink == nil {
		return nil
	}
	w := &watch{}
	w.t = time.AfterFunc(blockedAfter, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.done {
			return
		}
		s.tr.emit(Event{Kind: KindBlocked, Call: name, Args: args, FD: fd, Result: -1,
			Local: s.LocalAddr(), Remote: s.RemoteAddr(),
			Note: Explain(name) + " (Windows: not returned after " + blockedAfter.String() + ", by socklab's timer)"})
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
