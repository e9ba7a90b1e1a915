package event

import (
	"net/netip"
	"syscall"
)

// lineRec is what a trace line is made of: the fields of an Event that
// appendLine reads, and no others. A text trace writer's batch holds these
// instead of whole Events, less than half their size: a busy server's
// batch is thousands of records filled by the sockets and read once by the
// writer, and copying the Events' other fields into it was memory the
// sockets wrote for nothing (docs/PERFORMANCE.md).
type lineRec struct {
	actor, text, note, err, syscall string
	data                            []byte
	pkt                             *Packet
	local, remote                   netip.AddrPort
	fd, result, size                int
	errno                           syscall.Errno
	kind                            Kind
	op                              Op
	state, newState                 TCPState
	textLater                       bool
}

func (r *lineRec) set(e *Event) {
	*r = lineRec{actor: e.Actor, text: e.Text, note: e.Note, err: e.Err, syscall: e.Syscall, data: e.Data, pkt: e.Pkt,
		local: e.Local, remote: e.Remote, fd: e.FD, result: e.Result, size: e.Args.Size, errno: e.Errno,
		kind: e.Kind, op: e.Op, state: e.State, newState: e.NewState, textLater: e.TextLater}
}

// event is the Event r was made from, as far as its trace line goes.
func (r *lineRec) event() Event {
	return Event{Actor: r.actor, Text: r.text, Note: r.note, Err: r.err, Syscall: r.syscall, Data: r.data, Pkt: r.pkt,
		Local: r.local, Remote: r.remote, FD: r.fd, Result: r.result, Args: Args{Size: r.size}, Errno: r.errno,
		Kind: r.kind, Op: r.op, State: r.state, NewState: r.newState, TextLater: r.textLater}
}
