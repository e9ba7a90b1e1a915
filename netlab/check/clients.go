package check

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
)

// twoAtOnce holds one client's connection open while a second asks. A
// server that answers the second meanwhile serves clients at once; one
// that answers it only after the first closed is sequential, which the
// seeds' servers are: that passes, and the report says so and why. A
// server that never answers the second fails.
func (g *echoServer) twoAtOnce(ctx context.Context) (bool, string, []string) {
	g.settled(ctx)
	a, nameA, err := g.dial(ctx)
	if err != nil {
		return false, nameA + " could not connect: " + err.Error() + explainEnd(g.s), lines(programCalls(g.s), 6)
	}
	aOpen := true
	defer func() {
		if aOpen {
			closeClient(ctx, a)
		}
	}()
	if err := g.probe(ctx, a); err != nil {
		return false, nameA + " was not served" + errText(err), lines(programCalls(g.s), 6)
	}
	b, nameB, err := g.dial(ctx)
	if err != nil {
		return false, fmt.Sprintf("while %s was connected, %s could not connect: %s", nameA, nameB, err), append(lines(programCalls(g.s), 6), rstLines(g.s, nameB)...)
	}
	defer closeClient(ctx, b)
	served := make(chan error, 1)
	go func() { served <- g.probe(ctx, b) }()
	// How long a concurrent server may take to answer the second client
	// before it is called sequential: half the check's time, as a slow
	// thread and none look alike from outside. Never more than half of
	// what is left of the check's time: after A closes, a sequential
	// server needs the rest to answer B (settled may have waited out half
	// the limit for a server that keeps connections open, and B was then
	// cut off with its echo unread, its close a RST).
	wait := g.cfg.Limit / 2
	if dl, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(dl)/2)
	}
	meanwhile := time.NewTimer(wait)
	defer meanwhile.Stop()
	// Sooner when the kernel settles it: every thread of the program sits
	// in a recv that only a peer's bytes can end (onlyReceives). B waits in
	// the accept queue, and nothing will take it until A sends or closes.
	look := time.NewTicker(waitingLook)
	defer look.Stop()
waiting:
	for {
		select {
		case err := <-served:
			if err == nil {
				return true, fmt.Sprintf("%s was answered while %s stayed connected: your server serves clients at once", nameB, nameA),
					lines(programCalls(g.s, event.OpAccept), 2)
			}
			return false, fmt.Sprintf("while %s was connected, %s was not served%s", nameA, nameB, errText(err)), lines(programCalls(g.s), 6)
		case <-meanwhile.C:
			break waiting
		case <-look.C:
			if g.onlyReceives() {
				break waiting
			}
		case <-ctx.Done():
			return false, fmt.Sprintf("%s was not answered while %s was connected", nameB, nameA), lines(programCalls(g.s), 6)
		}
	}
	// Sequential so far: say where the program was while B waited.
	where := blockedIn(g.s)
	aOpen = false
	closeClient(ctx, a)
	if err := <-served; err != nil {
		return false, fmt.Sprintf("%s connected (the kernel completed its handshake and queued it for accept()), but was not answered while %s was connected (%s), nor after %s closed%s",
			nameB, nameA, where, nameA, errText(err)), lines(programCalls(g.s), 8)
	}
	return true, fmt.Sprintf("your server is sequential: it serves one client at a time. %s's connect() returned at once (the kernel completed the handshake and queued the connection for accept()), but while %s stayed connected %s; %s was answered only after %s closed. To serve clients at once, use threads, selectors or asyncio.",
		nameB, nameA, where, nameB, nameA), lines(programCalls(g.s, event.OpAccept), 2)
}

// waitingLook is how often twoAtOnce asks whether the program only
// receives, and waitingFor how long each of its threads must have been in
// such a recv: a thread or process the program started a moment ago is
// known to the tracer only at its first stop, which may come after its
// creator has gone on into a recv.
const (
	waitingLook = 20 * time.Millisecond
	waitingFor  = 200 * time.Millisecond
)

// onlyReceives reports whether every thread of the program has been
// blocked in a recv with nothing to take for waitingFor (ptrace's
// Waiting), and the program never set a receive timeout, the one way
// such a recv ends by itself. (A signal, alarm(2), could too: the tracer
// does not see a program arm one.)
func (g *echoServer) onlyReceives() bool {
	if _, ok := g.s.Prog.Waiting(waitingFor); !ok {
		return false
	}
	return len(g.s.Lab.Log.Filter(func(e *event.Event) bool {
		return isProgramCall(e) && e.Op == event.OpSetsockopt && strings.HasPrefix(e.Args.Option, "SO_RCVTIMEO")
	})) == 0
}

// survivesAReset has a client reset its connection (close with SO_LINGER
// 0: a RST, not a FIN) while the program waits to read from it, then
// another client asks. The program's recv on the reset connection fails
// with ECONNRESET; a server that lets that error end it serves no one
// after.
func (g *echoServer) survivesAReset(ctx context.Context) (bool, string, []string) {
	g.settled(ctx)
	c, name, err := g.dial(ctx)
	if err != nil {
		return false, name + " could not connect: " + err.Error() + explainEnd(g.s), lines(programCalls(g.s), 6)
	}
	if err := g.probe(ctx, c); err != nil {
		closeClient(ctx, c)
		return false, name + " was not served" + errText(err), lines(programCalls(g.s), 6)
	}
	if err := c.S.SetLingerZero(ctx); err != nil {
		closeClient(ctx, c)
		return false, "socklab could not set SO_LINGER on its client: " + err.Error(), nil
	}
	acc := g.acceptOf(c)        // before the close forgets the client's address
	before := g.s.Lab.Log.Len() // the program's calls from here on are after the reset
	closeClient(ctx, c)
	g.acceptsAgainSince(ctx, before)
	next, nameNext, err := g.dial(ctx)
	if err == nil {
		defer closeClient(ctx, next)
		if err = g.probe(ctx, next); err == nil {
			detail := fmt.Sprintf("%s reset its connection (close with SO_LINGER 0: a RST); your server went on and served %s", name, nameNext)
			if e, ok := resetCall(g.s, acc); ok {
				detail += fmt.Sprintf(" (its %s on fd %d had failed with ECONNRESET, and it carried on)", nameOf(e), e.FD)
			}
			return true, detail, nil
		}
	}
	// The program may be on its way out: let it end (or accept again)
	// before saying which.
	g.settle(ctx, acc)
	var ev []string
	what := fmt.Sprintf("%s reset its connection (close with SO_LINGER 0 sends a RST, not a FIN)", name)
	if e, ok := resetCall(g.s, acc); ok {
		what += fmt.Sprintf("; your server's %s on fd %d then failed with ECONNRESET", nameOf(e), e.FD)
		ev = append(ev, e.String())
	}
	select {
	case <-g.s.Prog.Done():
		if ex, err := g.s.Prog.Wait(); err == nil {
			what += ", and the program ended (" + ex.String() + ")"
		}
	default:
	}
	switch event.ErrnoOf(err) {
	case syscall.ECONNREFUSED:
		what += ": " + nameNext + "'s SYN was answered with RST (connection refused)"
	default:
		what += ": " + nameNext + " was not served" + errText(err)
	}
	what += ". A client can vanish at any time: catch the error of that connection's call (except OSError in Python), close the connection and go on accepting."
	ev = append(ev, rstLines(g.s, g.s.cfg.Actor)...)
	ev = append(ev, rstLines(g.s, nameNext)...)
	return false, what + output(g.s), ev
}

// acceptOf is the program's accept that returned client c's connection
// (Result -1 when none did).
func (g *echoServer) acceptOf(c *service.Client) event.Event {
	local, acc := c.S.LocalAddr(), event.Event{Result: -1}
	for _, e := range programCalls(g.s, event.OpAccept) {
		if e.Kind == event.KindCall && e.Result >= 0 && e.Remote == local {
			acc = e // the last: a port may be used again
		}
	}
	return acc
}

// resetCall is the program's call on the connection acc accepted that
// failed with ECONNRESET, before the program closed it.
func resetCall(s *Session, acc event.Event) (event.Event, bool) {
	if acc.Result < 0 {
		return event.Event{}, false
	}
	for _, e := range programCalls(s) {
		if e.Kind != event.KindCall || e.Seq <= acc.Seq || e.FD != acc.Result {
			continue
		}
		if e.Op == event.OpClose {
			break
		}
		if errors.Is(e.Errno, syscall.ECONNRESET) {
			return e, true
		}
	}
	return event.Event{}, false
}

// settle waits, for at most a quarter of the check's time, until the
// program after closing the connection acc accepted either ended or waits
// for a client again, so a failure's explanation sees its last calls and
// how it ended.
func (g *echoServer) settle(ctx context.Context, acc event.Event) {
	sctx, cancel := context.WithTimeout(ctx, g.cfg.Limit/4)
	defer cancel()
	g.backOrEnded(sctx, acc)
}

// lastAccept is the program's newest accept that returned a connection.
func lastAccept(s *Session) event.Event {
	acc := event.Event{Result: -1}
	for _, e := range programCalls(s, event.OpAccept) {
		if e.Kind == event.KindCall && e.Result >= 0 {
			acc = e
		}
	}
	return acc
}
