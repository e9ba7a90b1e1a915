package event

import (
	"net/netip"
	"syscall"
)

// LineRec is what a text trace line is made of: the fields of an Event
// that its line reads, and no others. A text trace writer's batch holds
// these instead of whole Events, less than half their size: a busy
// server's batch is thousands of records filled by the sockets and read
// once by the writer, and copying the Events' other fields into it was
// memory the sockets wrote for nothing (docs/PERFORMANCE.md). A served
// trace's sockets build their send, recv and blocked lines' records
// themselves (sock's Sequencer, "line mode"): the 464-byte Event, its
// clock readings for Enter, Return and StateAt that no line shows, and its
// copies in and out of the Sequencer's queue were most of what tracing a
// request cost.
type LineRec struct {
	Actor, Text, Note, Err, Syscall string
	Data                            []byte
	Pkt                             *Packet
	Local, Remote                   netip.AddrPort
	FD, Result, Size                int // Size is Args.Size
	Errno                           syscall.Errno
	Kind                            Kind
	Op                              Op
	State, NewState                 TCPState
	TextLater                       bool
}

// Set makes r the record of e's line.
func (r *LineRec) Set(e *Event) {
	*r = LineRec{Actor: e.Actor, Text: e.Text, Note: e.Note, Err: e.Err, Syscall: e.Syscall, Data: e.Data, Pkt: e.Pkt,
		Local: e.Local, Remote: e.Remote, FD: e.FD, Result: e.Result, Size: e.Args.Size, Errno: e.Errno,
		Kind: e.Kind, Op: e.Op, State: e.State, NewState: e.NewState, TextLater: e.TextLater}
}
