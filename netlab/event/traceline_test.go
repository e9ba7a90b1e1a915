package event

import (
	"net/netip"
	"syscall"
	"testing"
	"time"
)

// TestLineRecKeepsTheLine: a text trace writer keeps a line record, not
// the event, and the line made from the record is the event's own, for
// every kind of event, failed or not, a send that left its text to the
// writer or not: every field the line reads is in the record.
func TestLineRecKeepsTheLine(t *testing.T) {
	now := time.Now()
	pkt := &Packet{Seg: Segment{Proto: "tcp", Src: netip.MustParseAddrPort("127.0.0.1:50000"),
		Dst: netip.MustParseAddrPort("127.0.0.1:7"), Flags: FlagACK | FlagPSH, Seq: 10, Ack: 20, RelSeq: 1, RelAck: 2,
		Win: 512, Len: 5, Payload: []byte("hello")}, Frame: 71, From: "client 1", To: "server",
		Origin: OriginCall, Cause: 3, CauseOp: OpSend, CauseText: `send(4, "hello", 5, 0)`, Why: "its send"}
	for _, kind := range []Kind{KindCall, KindPending, KindBlocked, KindNote, KindLab, KindPacket} {
		for _, op := range []Op{OpSend, OpRecv, OpAccept} {
			for _, failed := range []string{"", "errno", "not a kernel errno"} {
				e := Event{Seq: 9, Kind: kind, Op: op, CallID: 3, Role: RoleConn, Actor: "server",
					Args: Args{Addr: netip.MustParseAddrPort("127.0.0.1:7"), Size: 5, Backlog: 2, Option: "SO_REUSEADDR", Value: 1, Path: "/proc"},
					Text: `4, "hello", 5, 0`, FD: 4, Result: 5, Local: netip.MustParseAddrPort("127.0.0.1:7"),
					Remote: netip.MustParseAddrPort("127.0.0.1:50000"), State: StateEstablished, StateAt: now,
					NewState: StateSynRecv, Data: []byte("hello"), Note: "a note", Pkt: pkt, Syscall: "write",
					Enter: now, Return: now, At: now}
				switch failed {
				case "errno":
					e.Result, e.Errno = -1, syscall.ECONNRESET
				case "not a kernel errno":
					e.Result, e.Err = -1, "timeout"
				}
				for _, later := range []bool{false, true} {
					if later {
						e.Text, e.TextLater = "", true
					}
					var r LineRec
					r.Set(&e)
					back := r.event()
					if got, want := back.String(), e.String(); got != want {
						t.Errorf("%s %s failed=%q later=%v: the record's line %q, the event's %q", kind, op, failed, later, got, want)
					}
				}
			}
		}
	}
}
