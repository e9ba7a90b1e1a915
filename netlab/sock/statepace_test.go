//go:build unix

package sock

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// TestStatePaceBudget: with reads paced, a socket's sends and recvs read the
// state StatePaceBurst times back to back, then once per pace; a call that
// moved no bytes, failed, or is not a data call reads every time and costs
// nothing; a socket whose calls come slower than the pace reads them all;
// and an unpaced tracer reads every call.
func TestStatePaceBudget(t *testing.T) {
	const pace = 10 * time.Millisecond
	s := &Socket{}
	s.tr.StatePace = pace
	at := paceEpoch.Add(time.Hour)
	reads := func(op event.Op, result int, err error) bool {
		return s.readsState(&call{op: op, stateAt: at}, result, err)
	}
	for i := range StatePaceBurst {
		if !reads(event.OpSend, 64, nil) {
			t.Fatalf("paced read %d of a burst of %d refused", i+1, StatePaceBurst)
		}
	}
	if reads(event.OpRecv, 64, nil) {
		t.Fatalf("a recv beyond the burst read the state")
	}
	for _, c := range []struct {
		op     event.Op
		result int
		err    error
	}{{event.OpRecv, 0, nil}, {event.OpSend, -1, context.Canceled}, {event.OpClose, 0, nil}, {event.OpShutdown, 0, nil}} {
		if !reads(c.op, c.result, c.err) {
			t.Errorf("%v = %d (%v) did not read the state", c.op, c.result, c.err)
		}
	}
	if reads(event.OpSend, 64, nil) {
		t.Fatalf("the calls that always read spent the data calls' budget back")
	}
	at = at.Add(pace)
	if !reads(event.OpSend, 64, nil) || reads(event.OpSend, 64, nil) {
		t.Fatalf("one pace later: want exactly one more read")
	}
	for range 3 * StatePaceBurst { // a person's pace: slower than the budget refills
		at = at.Add(2 * pace)
		if !reads(event.OpRecv, 5, nil) {
			t.Fatal("a call slower than the pace did not read the state")
		}
	}
	s.tr.StatePace = 0
	for range 3 * StatePaceBurst {
		if !reads(event.OpSend, 64, nil) {
			t.Fatal("an unpaced tracer skipped a read")
		}
	}
}

// TestPacedTraceShowsNoStateItDidNotRead: on real sockets, a burst of
// round trips under a paced tracer gives some data calls no state (never a
// guessed one), while the recv that returned the peer's FIN still has
// CLOSE_WAIT.
func TestPacedTraceShowsNoStateItDidNotRead(t *testing.T) {
	ctx := context.Background()
	rec := newRecorder()
	tr := rec.tracer("server")
	tr.StatePace = time.Hour // nothing refills during the test
	ls := mustListen(t, ctx, tr, loop4)
	defer ls.Close(ctx)
	c, _ := Open(ctx, Tracer{}, IPv4, Stream)
	if err := c.Connect(ctx, ls.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	conn, err := ls.Accept(ctx)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	const rounds = 20
	for range rounds {
		if _, err := c.Send(ctx, []byte("ping")); err != nil {
			t.Fatal(err)
		}
		if _, err := readFull(ctx, conn, buf[:4]); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Send(ctx, buf[:4]); err != nil {
			t.Fatal(err)
		}
		if _, err := readFull(ctx, c, buf[:4]); err != nil {
			t.Fatal(err)
		}
	}
	c.Close(ctx)
	if n, err := conn.RecvInto(ctx, buf); n != 0 || err != nil {
		t.Fatalf("recv after the peer's close = %d, %v", n, err)
	}
	conn.Close(ctx)
	read, unread := 0, 0
	var last event.Event
	for _, e := range rec.log.Events() {
		if e.Kind != event.KindCall || e.FD != conn.FD() || (e.Op != event.OpSend && e.Op != event.OpRecv) {
			continue
		}
		last = e
		if e.Result <= 0 {
			continue
		}
		switch {
		case e.State == event.StateNone && e.StateAt.IsZero():
			unread++
		case e.State == event.StateEstablished:
			read++
		default:
			t.Errorf("%s = %d: state %v (read at %v)", e.Op, e.Result, e.State, e.StateAt)
		}
	}
	if read != StatePaceBurst || unread < 2*rounds-StatePaceBurst {
		t.Errorf("data calls with a state read: %d, without: %d; want %d and at least %d", read, unread, StatePaceBurst, 2*rounds-StatePaceBurst)
	}
	if last.Result != 0 || last.State != event.StateCloseWait {
		t.Errorf("the recv of the peer's FIN: = %d, state %v; want 0, CLOSE_WAIT", last.Result, last.State)
	}
}

func readFull(ctx context.Context, s *Socket, p []byte) (int, error) {
	got := 0
	for got < len(p) {
		n, err := s.RecvInto(ctx, p[got:])
		if err != nil {
			return got, err
		}
		if n == 0 {
			return got, io.ErrUnexpectedEOF
		}
		got += n
	}
	return got, nil
}

// TestStateStampedAfterTheRead: a state is stamped once the kernel has
// answered (Event.StateAt), after the call's return was read: a goroutine
// descheduled between the return and the read must not have a FIN that
// came meanwhile drawn below the CLOSE_WAIT it caused. Stamped with the
// return's clock reading, as it once was, StateAt equals Return.
func TestStateStampedAfterTheRead(t *testing.T) {
	ctx := context.Background()
	rec := newRecorder()
	ls := mustListen(t, ctx, rec.tracer("server"), loop4)
	defer ls.Close(ctx)
	c, _ := Open(ctx, rec.tracer("client"), IPv4, Stream)
	if err := c.Connect(ctx, ls.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	conn, err := ls.Accept(ctx)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := c.Send(ctx, []byte("ping")); err != nil {
		t.Fatal(err)
	}
	if _, err := readFull(ctx, conn, buf); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	if n, err := conn.RecvInto(ctx, buf); n != 0 || err != nil {
		t.Fatalf("recv after the peer's close = %d, %v", n, err)
	}
	conn.Close(ctx)
	n := 0
	for _, e := range rec.log.Events() {
		if e.Kind != event.KindCall || e.StateAt.IsZero() || e.Return.IsZero() {
			continue
		}
		n++
		if !e.StateAt.After(e.Return) {
			t.Errorf("%s: state stamped %v, not after the return %v", e, e.StateAt, e.Return)
		}
	}
	if n < 5 {
		t.Fatalf("%d calls with a state read, want the socket, connect, send, recv and close at least", n)
	}
}
