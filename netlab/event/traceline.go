package event

import (
	"net/netip"
	"syscall"
)

// LineRec is what a text trace line is made of: the fields of an Event
// that its line reads, and no others, in 96 bytes where an Event takes
// 464. A served trace's sockets build one per call and queue it until the
// writer takes it (sock's Sequencer, "line mode"): the record is written
// once by one core and read once by the other, so its size is what both
// pay for each line (docs/PERFORMANCE.md). What a socket's lines share
// (the actor and the addresses) is in Who, made once per socket and
// address pair; what few lines have (a note, an error text, a segment) is
// in More.
type LineRec struct {
	Who              *LineWho
	More             *LineMore // nil: none of its fields
	Text             string
	Data             []byte
	FD, Result, Size int // Size is Args.Size
	Errno            syscall.Errno
	Kind             Kind
	Op               Op
	State, NewState  TCPState
	TextLater        bool
}

// LineWho is whose a line is: the actor and the socket's addresses. It is
// never changed once a record points to it.
type LineWho struct {
	Actor         string
	Local, Remote netip.AddrPort
}

// LineMore are a line's rare fields.
type LineMore struct {
	Note, Err, Syscall string
	Pkt                *Packet
}

// Set makes r the record of e's line, with who and more (filled here) as
// its Who and More; More is left nil when e has none of its fields.
func (r *LineRec) Set(e *Event, who *LineWho, more *LineMore) {
	r.fill(e)
	*who = LineWho{Actor: e.Actor, Local: e.Local, Remote: e.Remote}
	r.Who = who
	if hasMore(e) {
		*more = LineMore{Note: e.Note, Err: e.Err, Syscall: e.Syscall, Pkt: e.Pkt}
		r.More = more
	}
}

// RecordOf is the record of e's line, its Who and More made on the heap:
// for a record kept beyond its caller (a served trace's queues).
func RecordOf(e *Event) LineRec {
	var r LineRec
	r.fill(e)
	r.Who = &LineWho{Actor: e.Actor, Local: e.Local, Remote: e.Remote}
	if hasMore(e) {
		r.More = &LineMore{Note: e.Note, Err: e.Err, Syscall: e.Syscall, Pkt: e.Pkt}
	}
	return r
}

// fill sets r's own fields (not Who and More) from e.
func (r *LineRec) fill(e *Event) {
	*r = LineRec{Text: e.Text, Data: e.Data, FD: e.FD, Result: e.Result, Size: e.Args.Size, Errno: e.Errno,
		Kind: e.Kind, Op: e.Op, State: e.State, NewState: e.NewState, TextLater: e.TextLater}
}

func hasMore(e *Event) bool { return e.Note != "" || e.Err != "" || e.Syscall != "" || e.Pkt != nil }

// who and more read r's shared and rare fields, empty when r has none.
func (r *LineRec) who() *LineWho {
	if r.Who == nil {
		return &noWho
	}
	return r.Who
}

func (r *LineRec) more() *LineMore {
	if r.More == nil {
		return &noMore
	}
	return r.More
}

var (
	noWho  LineWho
	noMore LineMore
)
