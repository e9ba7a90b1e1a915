package sock

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/internal/testkit"
)

var loop4 = testkit.Loop4

// recorder collects events for assertions.
type recorder struct{ log *event.Log }

func newRecorder() *recorder { return &recorder{log: event.NewLog(10000)} }

func (r *recorder) tracer(actor string) Tracer { return Tracer{Actor: actor, Sink: r.log} }

func (r *recorder) find(t *testing.T, actor, call string) event.Event {
	t.Helper()
	for _, e := range r.log.Events() {
		if e.Kind == event.KindCall && e.Actor == actor && e.Op.String() == call {
			return e
		}
	}
	t.Fatalf("no %s event for %s in %v", call, actor, r.log.Events())
	return event.Event{}
}

func mustListen(t *testing.T, ctx context.Context, tr Tracer, addr netip.AddrPort) *Socket {
	t.Helper()
	ls, err := Open(ctx, tr, FamilyOf(addr.Addr()), Stream)
	if err != nil {
		t.Fatal(err)
	}
	if err := ls.Bind(ctx, addr); err != nil {
		t.Fatal(err)
	}
	if err := ls.Listen(ctx, 8); err != nil {
		t.Fatal(err)
	}
	return ls
}

// The lesson-3 facts: connect completes before accept is called, accept
// returns a new fd, and the listening fd stays in LISTEN.
func TestConnectCompletesBeforeAccept(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			ctx := context.Background()
			rec := newRecorder()
			ls := mustListen(t, ctx, rec.tracer("server"), netip.MustParseAddrPort(addr))
			defer ls.Close(ctx)
			if ls.State() != event.StateListen {
				t.Fatalf("listening state = %v", ls.State())
			}
			srvAddr := ls.LocalAddr()
			if srvAddr.Port() == 0 {
				t.Fatal("kernel did not report the chosen port")
			}
			c, err := Open(ctx, rec.tracer("client 1"), FamilyOf(srvAddr.Addr()), Stream)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(ctx)
			if err := c.Connect(ctx, srvAddr); err != nil {
				t.Fatal(err)
			}
			ce := rec.find(t, "client 1", "connect")
			if ce.State != event.StateEstablished {
				t.Fatalf("client state after connect = %v, want ESTABLISHED before any accept", ce.State)
			}
			if ce.Local.Port() == srvAddr.Port() || ce.Local.Port() == 0 {
				t.Fatalf("ephemeral port %v", ce.Local)
			}
			conn, err := ls.Accept(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			ae := rec.find(t, "server", "accept")
			if ae.Result == ls.FD() || ae.Result != conn.FD() {
				t.Fatalf("accept returned fd %d, listener %d", ae.Result, ls.FD())
			}
			if ae.State != event.StateListen || ae.NewState != event.StateEstablished {
				t.Fatalf("accept states: listener %v, new %v", ae.State, ae.NewState)
			}
			if ae.Remote != ce.Local {
				t.Fatalf("server saw peer %v, client's getsockname %v", ae.Remote, ce.Local)
			}
		})
	}
}

func TestSendRecvEOFAndStates(t *testing.T) {
	ctx := context.Background()
	rec := newRecorder()
	ls := mustListen(t, ctx, rec.tracer("server"), loop4)
	defer ls.Close(ctx)
	c, _ := Open(ctx, rec.tracer("client 1"), IPv4, Stream)
	if err := c.Connect(ctx, ls.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	conn, err := ls.Accept(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.Send(ctx, []byte("héllo 😀")); err != nil || n != 11 {
		t.Fatalf("send = %d, %v", n, err)
	}
	got, err := conn.Recv(ctx, 1024)
	if err != nil || string(got) != "héllo 😀" {
		t.Fatalf("recv = %q, %v", got, err)
	}
	c.Close(ctx)
	got, err = conn.Recv(ctx, 1024)
	if err != nil || len(got) != 0 {
		t.Fatalf("recv after peer close = %q, %v; want EOF", got, err)
	}
	if st := rec.find(t, "server", "recv"); st.Result != 11 {
		t.Fatalf("first recv result %d", st.Result)
	}
	if conn.State() != event.StateCloseWait {
		t.Fatalf("server side after peer FIN = %v, want CLOSE_WAIT", conn.State())
	}
	// FIN_WAIT1 until the peer's ACK is processed, then FIN_WAIT2.
	deadline := time.Now().Add(2 * time.Second)
	for c.State() == event.StateFinWait1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if s := c.State(); s != event.StateFinWait2 {
		t.Fatalf("client side after close = %v, want FIN_WAIT2", s)
	}
	conn.Close(ctx)
	for c.State() != event.StateTimeWait && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if s := c.State(); s != event.StateTimeWait {
		t.Fatalf("client after both closed = %v, want TIME_WAIT", s)
	}
}

func TestBlockedAcceptIsReportedAndCancellable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	rec := newRecorder()
	ls := mustListen(t, context.Background(), rec.tracer("server"), loop4)
	defer ls.Close(context.Background())
	done := make(chan error)
	go func() { _, err := ls.Accept(ctx); done <- err }()
	deadline := time.Now().Add(2 * time.Second)
	for {
		var blocked bool
		for _, e := range rec.log.Events() {
			blocked = blocked || (e.Kind == event.KindBlocked && e.Op == event.OpAccept)
		}
		if blocked {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("accept never reported blocked")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("cancelled accept returned no error")
	}
}

func TestErrnos(t *testing.T) {
	ctx := context.Background()
	rec := newRecorder()
	ls := mustListen(t, ctx, rec.tracer("server"), loop4)
	defer ls.Close(ctx)
	s2, _ := Open(ctx, rec.tracer("server 2"), IPv4, Stream)
	defer s2.Close(ctx)
	err := s2.Bind(ctx, ls.LocalAddr())
	if event.ErrnoName(event.ErrnoOf(err)) != "EADDRINUSE" {
		t.Fatalf("second bind: %v", err)
	}
	// Find a port nobody listens on: bind, read it, close.
	tmp := mustListen(t, ctx, Tracer{}, loop4)
	free := tmp.LocalAddr()
	tmp.Close(ctx)
	c, _ := Open(ctx, rec.tracer("client 1"), IPv4, Stream)
	defer c.Close(ctx)
	err = c.Connect(ctx, free)
	if event.ErrnoName(event.ErrnoOf(err)) != "ECONNREFUSED" {
		t.Fatalf("connect to closed port: %v", err)
	}
	if e := rec.find(t, "client 1", "connect"); e.ErrnoName() != "ECONNREFUSED" || e.Result != -1 {
		t.Fatalf("event %+v", e)
	}
}

func TestUDPKeepsBoundaries(t *testing.T) {
	ctx := context.Background()
	rec := newRecorder()
	srv, _ := Open(ctx, rec.tracer("server"), IPv4, Datagram)
	defer srv.Close(ctx)
	if err := srv.Bind(ctx, loop4); err != nil {
		t.Fatal(err)
	}
	cl, _ := Open(ctx, rec.tracer("client 1"), IPv4, Datagram)
	defer cl.Close(ctx)
	for _, m := range []string{"one", "two"} {
		if _, err := cl.SendTo(ctx, []byte(m), srv.LocalAddr()); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"one", "two"} {
		got, from, err := srv.RecvFrom(ctx, 1024)
		if err != nil || string(got) != want || from.Port() != cl.LocalAddr().Port() {
			t.Fatalf("recvfrom = %q from %v (client %v), %v", got, from, cl.LocalAddr(), err)
		}
	}
}

func TestStepGate(t *testing.T) {
	ctx := context.Background()
	g := NewGate(nil)
	g.SetStep(true)
	rec := newRecorder()
	tr := rec.tracer("server")
	tr.Gate = g
	done := make(chan *Socket)
	go func() { s, _ := Open(ctx, tr, IPv4, Stream); done <- s }()
	deadline := time.Now().Add(2 * time.Second)
	for len(g.Waiting()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("socket() never reached the gate")
		}
		time.Sleep(time.Millisecond)
	}
	if w := g.Waiting(); w[0].Op != event.OpSocket || len(rec.log.Events()) != 0 {
		t.Fatalf("waiting %v, events %v", w, rec.log.Events())
	}
	if _, ok := g.Step(); !ok {
		t.Fatal("step found nothing")
	}
	s := <-done
	g.Open()
	s.Close(ctx)
	if rec.find(t, "server", "socket").Result != s.FD() {
		t.Fatal("socket event fd mismatch")
	}
}

func mustAddr(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
