//go:build linux || darwin

package sock

import (
	"context"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

// TestSegsCountWhatACallPutOnTheWire reads the kernel's counters around a
// send: its event reports more segments out than the connect before it
// (the data segment), and the peer's recv more segments in.
func TestSegsCountWhatACallPutOnTheWire(t *testing.T) {
	log := event.NewLog(100)
	c, s := connectedPair(t, Tracer{Actor: "client 1", Role: event.RoleClient, Sink: log})
	s.tr = Tracer{Actor: "server", Role: event.RoleConn, Sink: log}
	ctx := context.Background()
	if _, err := c.Send(ctx, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recv(ctx, 64); err != nil {
		t.Fatal(err)
	}
	var connect, send, recv event.Event
	for _, e := range log.Events() {
		switch e.Op {
		case event.OpConnect:
			connect = e
		case event.OpSend:
			send = e
		case event.OpRecv:
			recv = e
		}
	}
	if !connect.Segs.Valid || !send.Segs.Valid || !recv.Segs.Valid {
		t.Fatalf("counters missing: connect %+v send %+v recv %+v", connect.Segs, send.Segs, recv.Segs)
	}
	if send.Segs.Out <= connect.Segs.Out {
		t.Fatalf("send's segments out %d, not more than after connect (%d)", send.Segs.Out, connect.Segs.Out)
	}
	if recv.Segs.In < 2 { // the handshake's ACK and the data, at least
		t.Fatalf("server segments in after recv: %d", recv.Segs.In)
	}
}
