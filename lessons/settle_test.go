package lessons

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/testhook"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
)

// TestSettleAsksWhetherTheStepStillMoves: a step is not settled while a
// served server's goroutine is between calls (from a call's return to the
// next call the kernel says waits, or its close; from accept's return on,
// the new connection's), or while a call the kernel said waits is free to
// go on; both are the kernel's account, no timer's.
func TestSettleAsksWhetherTheStepStillMoves(t *testing.T) {
	parallel(t, rankOther)
	r := Start(&Lesson{}, Options{})
	defer r.Close()
	svc := func(kind event.Kind, op event.Op, fd, result int) {
		r.track(event.Event{Kind: kind, Op: op, FD: fd, Result: result}, true)
	}
	if r.moving() {
		t.Fatal("a lab with nothing in it moves")
	}
	svc(event.KindCall, event.OpListen, 7, 0)
	if !r.moving() {
		t.Fatal("a served server between listen and accept: not moving")
	}
	svc(event.KindCall, event.OpAccept, 7, 9) // a sequential server: on to fd 9
	svc(event.KindBlocked, event.OpRecv, 9, -1)
	if r.moving() {
		t.Fatal("the server waits in recv on its only connection, yet moving")
	}
	svc(event.KindCall, event.OpRecv, 9, 5)
	if !r.moving() {
		t.Fatal("the server's recv returned 5 bytes (its send comes next): not moving")
	}
	svc(event.KindCall, event.OpClose, 9, 0)
	if r.moving() {
		t.Fatal("the server closed the connection, yet moving")
	}

	// A scripted actor's recv the kernel said waits: moving once its data
	// is in the receive queue, though its goroutine has not run yet.
	ctx := context.Background()
	ls, err := sock.Open(ctx, sock.Tracer{}, sock.IPv4, sock.Stream)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close(ctx)
	if err := ls.Bind(ctx, netip.MustParseAddrPort("127.0.0.1:0")); err != nil {
		t.Fatal(err)
	}
	if err := ls.Listen(ctx, 1); err != nil {
		t.Fatal(err)
	}
	c, _ := sock.Open(ctx, sock.Tracer{}, sock.IPv4, sock.Stream)
	defer c.Close(ctx)
	if err := c.Connect(ctx, ls.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	conn, err := ls.Accept(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	r.track(event.Event{Kind: event.KindBlocked, Op: event.OpRecv, FD: conn.FD(), CallID: 41}, false)
	if r.moving() {
		t.Fatal("a recv with nothing to read: moving")
	}
	if _, err := c.Send(ctx, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !r.moving(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the blocked recv's data came and the step still does not move")
		}
	}
	r.track(event.Event{Kind: event.KindCall, Op: event.OpRecv, FD: conn.FD(), CallID: 41, Result: 2}, false)
	if r.moving() {
		t.Fatal("the recv returned, yet moving")
	}
}

// TestAStepWaitsForAServerAfterAnEarlyBlock: a call that says it waits in
// the kernel before the step looks (on a loaded machine its goroutine runs
// first) still holds the step until the served server is quiet. Lesson 12
// once closed its client while the calculator's goroutine had not yet
// read the line: the step had taken the early report as "already waited".
// Not parallel: testhook.ServeConn is this test's alone while it runs.
func TestAStepWaitsForAServerAfterAnEarlyBlock(t *testing.T) {
	// The server's goroutine is slow to start, longer than Quiet: only
	// the kernel's account (a connection accepted, its goroutine between
	// calls) keeps the step from going on.
	testhook.ServeConn = func() { time.Sleep(150 * time.Millisecond) }
	defer func() { testhook.ServeConn = nil }()
	// Every call reports before the step looks: it returned or said it waits.
	wantFirstStepHeld(t, "guard.serve calc 127.0.0.1:0\nc.socket tcp\nc.connect guard\nc.sendall \"1+1\\n\"\n"+
		"c.recv 1024\nc.close\nexpect c.recv.data == \"2\\n\"\n", Options{}, func(r *Run) {
		r.beforeAwait = func(o *Outcome) {
			select {
			case <-o.waitCh:
			case <-o.doneCh:
			}
		}
	})
}
