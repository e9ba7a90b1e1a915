//go:build linux

package sock

import (
	"context"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

// The netlink lookup and /proc/net/tcp must agree: both are the kernel's
// connection table, read two ways.
func TestStateByTupleMatchesProc(t *testing.T) {
	ctx := context.Background()
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		ls := mustListen(t, ctx, Tracer{}, mustAddr(addr))
		c, _ := Open(ctx, Tracer{}, ls.Family(), Stream)
		if err := c.Connect(ctx, ls.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		conn, _ := ls.Accept(ctx)
		l, r := c.LocalAddr(), c.RemoteAddr()
		got, ok := diagState(l, r)
		if !ok || got != event.StateEstablished || got != procState(l, r) {
			t.Fatalf("%s: netlink %v (%v), proc %v", addr, got, ok, procState(l, r))
		}
		sl, sr := conn.LocalAddr(), conn.RemoteAddr()
		c.Close(ctx)
		conn.Close(ctx)
		// The server's side is gone (LAST_ACK, then CLOSED) while the
		// listener still exists: its tuple must not report the listener.
		waitFor(t, "server side gone", func() bool { return stateByTuple(sl, sr) != event.StateLastAck })
		if st := stateByTuple(sl, sr); st != event.StateNone {
			t.Fatalf("%s: closed server side reports %v", addr, st)
		}
		ls.Close(ctx)
		waitFor(t, "TIME_WAIT", func() bool { return stateByTuple(l, r) == event.StateTimeWait })
		if p := procState(l, r); p != event.StateTimeWait {
			t.Fatalf("proc says %v for the TIME_WAIT connection", p)
		}
	}
	if st, ok := diagState(mustAddr("127.0.0.1:1"), mustAddr("127.0.0.1:2")); !ok || st != event.StateNone {
		t.Fatalf("no such connection: %v %v", st, ok)
	}
}
