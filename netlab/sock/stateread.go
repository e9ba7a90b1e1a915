package sock

import (
	"fmt"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// ReadState asks the kernel for the socket's TCP state now and reports the
// read as an event (not yet reported: the caller files it) that names the source that
// answered: getsockopt(TCP_INFO) while the fd is open; after close, a
// sock_diag lookup by 4-tuple, or /proc/net/tcp where netlink is refused. A
// UDP socket has no TCP state: no call is made and a note says so.
func (s *Socket) ReadState() event.Event {
	var id event.CallID
	if s.tr.Seq != nil {
		id = s.tr.Seq.newCall()
	}
	start := time.Now()
	local, remote := s.LocalAddr(), s.RemoteAddr()
	e := event.Event{Kind: event.KindCall, CallID: id, Role: s.role, FD: s.FD(), Local: local, Remote: remote, Enter: start}
	switch {
	case s.Type() == Datagram:
		e.Kind, e.FD, e.Note = event.KindNote, -1, "a UDP socket has no TCP state: nothing to ask the kernel"
	case s.Closed():
		e.State, e.Op = lookupByTuple(local, remote)
		e.FD = -1
		switch e.Op {
		case event.OpSockDiag:
			e.Text = fmt.Sprintf("NETLINK_SOCK_DIAG, TCP %s %s", local, remote)
		case event.OpProcNetTCP:
			e.Text, e.Args.Path = "/proc/net/tcp", "/proc/net/tcp"
		default:
			e.Kind, e.Note = event.KindNote, "this system offers no way to look up a closed connection's state"
		}
	default:
		e.Op, e.State = event.OpTCPInfo, s.stateNow()
		e.Text, e.Args.Option = fmt.Sprintf("%d, IPPROTO_TCP, %s", s.FD(), tcpInfoName), tcpInfoName
	}
	e.Return = time.Now()
	e.At = e.Return
	if e.Kind == event.KindCall {
		e.StateAt = e.Return // the answer was in: see Event.StateAt
	}
	e.Actor = s.Actor()
	return e
}
