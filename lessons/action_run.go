package lessons

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
)

// How an action runs. An action either runs on its own (spec.run: it
// makes its actor, or makes no call on the actor's socket), or it is one
// call on the actor's socket (spec.sock), which Run.onSocket makes in the
// actor's order and files under the outcome.

// sockCall builds the call an action makes on s; addr is its ADDR
// argument, resolved, when its spec names one.
type sockCall func(r *Run, o *Outcome, s *sock.Socket, addr netip.AddrPort) func(context.Context) error

// order says whether a call waits for its actor's previous call.
type order bool

const (
	inTurn order = false // after the actor's previous call, as in one thread
	atOnce order = true  // at once: a state read, or a close that ends a blocked call
)

// addrUse says whether an action takes an ADDR argument and what it does
// with it.
type addrUse int

const (
	noAddr    addrUse = iota
	toBind            // binds it: a wildcard is allowed; an actor's name means its address itself
	toConnect         // reaches it: an actor's wildcard address means its loopback
)

func (r *Run) runSocket(ctx context.Context, o *Outcome, _ *actor) *Outcome {
	return r.socket(ctx, o)
}

func (r *Run) runServe(_ context.Context, o *Outcome, _ *actor) *Outcome { return r.serve(o) }

func (r *Run) runSysctl(_ context.Context, o *Outcome, _ *actor) *Outcome {
	r.sysctl(o)
	return o
}

// runIdle lets time pass with no call, within the run's waiting budget.
func (r *Run) runIdle(ctx context.Context, o *Outcome, _ *actor) *Outcome {
	d, err := r.spend(o.Action.wait)
	if err != nil {
		o.Err = err
		return o
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		o.Done = true
	case <-ctx.Done():
		o.Err = ctx.Err()
	}
	return o
}

// idlePlay is what an idle takes from the lesson's MaxPlay: its duration.
func idlePlay(d time.Duration) time.Duration { return d }

// waitPlay is what a wait may take from MaxPlay: its limit, or the default.
func waitPlay(d time.Duration) time.Duration { return cmp.Or(d, defaultWait) }

// runWait waits until the actor's blocked call returned.
func (r *Run) runWait(ctx context.Context, o *Outcome, act *actor) *Outcome {
	limit := r.opts.WaitLimit
	if o.Action.wait > 0 {
		limit = o.Action.wait
	}
	o.Err = r.waitIdle(ctx, act, limit)
	o.Done = o.Err == nil
	return o
}

// onSocket makes the action's call on its actor's socket, in the actor's
// order unless the spec says atOnce, and returns once the call returned
// or the kernel said it waits (see await).
func (r *Run) onSocket(ctx context.Context, o *Outcome, act *actor, spec actionSpec) *Outcome {
	a := o.Action
	if act == nil {
		o.Err = fmt.Errorf("%s has no socket", a.Actor)
		return o
	}
	if spec.order == inTurn {
		if err := r.waitIdle(ctx, act, r.opts.WaitLimit); err != nil {
			o.Err = err
			return o
		}
	}
	r.mu.Lock()
	s, srv := act.sock, act.srv
	r.mu.Unlock()
	if spec.server != nil && srv != nil {
		r.startCall(o, act, -1, event.OpNone, func(context.Context) error { return spec.server(srv) })
		return r.await(o, act)
	}
	if s == nil {
		o.Err = fmt.Errorf("%s has no socket", a.Actor)
		return o
	}
	if spec.read != nil {
		spec.read(r, o, s)
		return o
	}
	var addr netip.AddrPort
	if spec.addr != noAddr {
		var err error
		if addr, err = r.target(o, spec.addr); err != nil {
			o.Err = err
			return o
		}
	}
	r.startCall(o, act, s.FD(), spec.call, spec.sock(r, o, s, addr))
	return r.await(o, act)
}

// target resolves and confines an action's ADDR argument.
func (r *Run) target(o *Outcome, use addrUse) (netip.AddrPort, error) {
	addr, err := r.resolve(o.Action.addr, use)
	if err != nil {
		return addr, err
	}
	return r.confine(o, addr, use)
}

func callReuseAddr(_ *Run, _ *Outcome, s *sock.Socket, _ netip.AddrPort) func(context.Context) error {
	return func(c context.Context) error { return s.SetReuseAddr(c, true) }
}

func callQuickAck(_ *Run, o *Outcome, s *sock.Socket, _ netip.AddrPort) func(context.Context) error {
	on := o.Action.n != 0
	return func(c context.Context) error { return s.SetQuickAck(c, on) }
}

func callBind(_ *Run, _ *Outcome, s *sock.Socket, addr netip.AddrPort) func(context.Context) error {
	return func(c context.Context) error { return s.Bind(c, addr) }
}

func callConnect(_ *Run, _ *Outcome, s *sock.Socket, addr netip.AddrPort) func(context.Context) error {
	return func(c context.Context) error { return s.Connect(c, addr) }
}

func callListen(_ *Run, o *Outcome, s *sock.Socket, _ netip.AddrPort) func(context.Context) error {
	n := o.Action.n
	return func(c context.Context) error { return s.Listen(c, n) }
}

// callAccept makes the accept's new actor at once: its calls wait for
// this accept to return its socket.
func callAccept(r *Run, o *Outcome, s *sock.Socket, _ netip.AddrPort) func(context.Context) error {
	label := o.Action.Label
	r.mu.Lock()
	r.actors[label] = &actor{name: label, busy: o, busyDone: make(chan struct{})}
	r.mu.Unlock()
	return func(c context.Context) error {
		ns, err := s.Accept(c)
		r.mu.Lock()
		r.actors[label].sock = ns
		r.mu.Unlock()
		return err
	}
}

func callSend(_ *Run, o *Outcome, s *sock.Socket, _ netip.AddrPort) func(context.Context) error {
	a := o.Action
	return func(c context.Context) error { _, err := s.Send(c, a.Data()); return err }
}

func callSendAll(_ *Run, o *Outcome, s *sock.Socket, _ netip.AddrPort) func(context.Context) error {
	a := o.Action
	return func(c context.Context) error { return s.SendAll(c, a.Data()) }
}

func callRecv(_ *Run, o *Outcome, s *sock.Socket, _ netip.AddrPort) func(context.Context) error {
	n := o.Action.n
	return func(c context.Context) error { _, err := s.Recv(c, n); return err }
}

// callEcho is the echo loop's body; the sends of what came are filed
// under the same outcome as the recv.
func callEcho(r *Run, o *Outcome, s *sock.Socket, _ netip.AddrPort) func(context.Context) error {
	n := o.Action.n
	return func(c context.Context) error {
		p, err := s.Recv(c, n)
		if err != nil || len(p) == 0 {
			return err
		}
		r.mu.Lock()
		r.byFD[fdCall{s.FD(), event.OpSend}] = o
		r.mu.Unlock()
		defer func() {
			r.mu.Lock()
			delete(r.byFD, fdCall{s.FD(), event.OpSend})
			r.mu.Unlock()
		}()
		return s.SendAll(c, p)
	}
}

func callSendTo(_ *Run, o *Outcome, s *sock.Socket, addr netip.AddrPort) func(context.Context) error {
	a := o.Action
	return func(c context.Context) error { _, err := s.SendTo(c, a.Data(), addr); return err }
}

func callRecvFrom(_ *Run, o *Outcome, s *sock.Socket, _ netip.AddrPort) func(context.Context) error {
	n := o.Action.n
	return func(c context.Context) error { _, _, err := s.RecvFrom(c, n); return err }
}

func callShutdown(_ *Run, o *Outcome, s *sock.Socket, _ netip.AddrPort) func(context.Context) error {
	how := o.Action.how
	return func(c context.Context) error { return s.Shutdown(c, how) }
}

func callClose(_ *Run, _ *Outcome, s *sock.Socket, _ netip.AddrPort) func(context.Context) error {
	return func(c context.Context) error { return s.Close(c) }
}

// stopServer is close for an actor started with serve.
func stopServer(srv *service.Server) error { return srv.Close() }

// readState asks the kernel for the socket's TCP state at once.
func readState(r *Run, o *Outcome, s *sock.Socket) { r.state(o, s) }
