package netlab

import (
	"errors"
	"net/netip"
	"strconv"

	"github.com/socklab/socklab/netlab/wire"
)

// Packet is a segment captured on lo, as a KindPacket event carries it
// (Event.Pkt). Everything in it was read from the frame the kernel handed
// the capture socket, except the names of the actors, which come from the
// lab's own calls (whose socket has which address), and the cause.
type Packet struct {
	Seg   wire.Segment
	Frame int // the frame's full length on lo, headers included

	// From and To are the actors whose sockets sent and receive it; "" when
	// the address is none of the lab's sockets.
	From, To         string
	FromRole, ToRole Role

	// Cause is the call that put the segment in motion: the connect that
	// sent a SYN, the send whose bytes it carries, the close that sent a
	// FIN. 0 when the kernel sent it on its own (the SYN-ACK, an ACK, a
	// retransmission, data Nagle held back); Why then says what it answers.
	Cause     CallID
	CauseOp   Op
	CauseText string // the call as a C programmer writes it: "connect(8, 127.0.0.1:1081)"
	Why       string
}

// FromKernel reports whether the kernel sent the segment on its own.
func (p *Packet) FromKernel() bool { return p.Cause == 0 }

// linker gives captured packets their actors and causes. It sees the
// events in the log's order, calls before the segments they caused (a
// call's event is ordered by the moment it entered the kernel, the
// segments by the kernel's timestamps), and remembers, per connection,
// the recent calls that put something in motion. It runs under the
// sequencer's lock, so it needs none of its own.
type linker struct {
	dec    *wire.Decoder
	flows  *wire.Flows
	owners map[netip.AddrPort]owner  // a socket's local address → its actor
	conns  map[tuple]owner           // a connected socket's 4-tuple → its actor
	calls  map[netip.AddrPort][]span // sender's local address → recent moving calls
}

type owner struct {
	actor string
	role  Role
}

type tuple struct{ local, remote netip.AddrPort }

// span is a call's time in the kernel, during which the segments its socket
// sent are the call's doing.
type span struct {
	id     CallID
	op     Op
	text   string
	remote netip.AddrPort
	enter  int64
	ret    int64
}

// linkerCap bounds each of the linker's tables: a long session forgets its
// oldest connections rather than grow.
const linkerCap = 4096

func newLinker() *linker {
	return &linker{dec: wire.NewDecoder(), flows: wire.NewFlows(), owners: map[netip.AddrPort]owner{},
		conns: map[tuple]owner{}, calls: map[netip.AddrPort][]span{}}
}

// observe learns from a released call event which actor owns which address
// and when a call could have sent something.
func (k *linker) observe(e Event) {
	if e.Kind != KindCall && e.Kind != KindBlocked {
		return
	}
	if !e.Local.IsValid() {
		return
	}
	if len(k.owners) >= linkerCap {
		clear(k.owners)
		clear(k.conns)
		clear(k.calls)
	}
	o := owner{e.Actor, e.Role}
	if e.Role != RoleConn {
		k.owners[e.Local] = o
	}
	if e.Remote.IsValid() {
		k.conns[tuple{e.Local, e.Remote}] = o
	}
	if !e.Op.Moves() {
		return
	}
	remote := e.Remote
	if !remote.IsValid() {
		remote = e.Args.Addr // sendto on an unconnected socket
	}
	s := span{id: e.CallID, op: e.Op, text: e.Op.String() + "(" + e.Text + ")", remote: remote, enter: e.Enter.UnixNano(), ret: e.Return.UnixNano()}
	list := append(k.calls[e.Local], s)
	if len(list) > 8 {
		list = list[len(list)-8:]
	}
	k.calls[e.Local] = list
}

// link decodes a captured frame into e.Pkt and names its actors and cause.
// It returns false for a frame that is not the lab's: the capture sees all
// of lo, and several labs (the panes, a lesson) share it.
func (k *linker) link(e *Event) bool {
	seg, err := k.dec.Decode(e.Data)
	if err != nil && !(errors.Is(err, wire.ErrTruncated) && seg.Proto != "") {
		// Only a payload cut at frameCap still decodes: its headers are whole.
		return false
	}
	from, fromOK := k.ownerOf(seg.Src, seg.Dst)
	to, toOK := k.ownerOf(seg.Dst, seg.Src)
	if !fromOK && !toOK {
		return false
	}
	k.flows.Track(&seg)
	p := &Packet{Seg: seg, Frame: e.Result, From: from.actor, To: to.actor, FromRole: from.role, ToRole: to.role}
	if fromOK {
		k.cause(p, e.At.UnixNano())
	} else {
		// Its sender's calls are not traced: saying "the kernel's own"
		// would hide that a program asked for it.
		p.Why = "from a socket outside socklab: its calls are not visible here"
	}
	e.Pkt = p
	e.Result = seg.Len
	e.Local, e.Remote = seg.Src, seg.Dst
	e.Actor, e.Role, e.FD = p.From, p.FromRole, -1
	e.Text = seg.Summary()
	e.Note = p.Why
	return true
}

func (k *linker) ownerOf(local, remote netip.AddrPort) (owner, bool) {
	if o, ok := k.conns[tuple{local, remote}]; ok {
		return o, true
	}
	if o, ok := k.owners[local]; ok {
		return o, true
	}
	// A socket bound to the wildcard address owns its port on every address.
	o, ok := k.owners[wildcard(local)]
	return o, ok
}

// wildcard is 0.0.0.0 (or ::) with a's port: how a socket bound to every
// address names itself.
func wildcard(a netip.AddrPort) netip.AddrPort {
	if a.Addr().Is4() {
		return netip.AddrPortFrom(netip.IPv4Unspecified(), a.Port())
	}
	return netip.AddrPortFrom(netip.IPv6Unspecified(), a.Port())
}

// cause finds the call whose time in the kernel holds the segment's
// timestamp and whose kind of call sends that kind of segment; otherwise it
// says what the kernel sent on its own.
func (k *linker) cause(p *Packet, at int64) {
	s := &p.Seg
	calls := k.calls[s.Src]
	if len(calls) == 0 {
		calls = k.calls[wildcard(s.Src)] // an unconnected UDP socket, bound to 0.0.0.0
	}
	for _, c := range calls {
		if at < c.enter || at > c.ret || (c.remote.IsValid() && c.remote != s.Dst) {
			continue
		}
		if sends(c.op, s) && !s.Retrans {
			p.Cause, p.CauseOp, p.CauseText = c.id, c.op, c.text
			p.Why = "sent by " + c.op.String()
			if c.op == OpClose && s.Flags.Has(wire.FlagRST) {
				p.Why = "sent by close: unread data was discarded, so a RST instead of a FIN"
			}
			return
		}
	}
	p.Why = kernelWhy(s)
}

// sends reports whether a call of op puts a segment like s on the wire.
func sends(op Op, s *wire.Segment) bool {
	if s.Proto == "udp" {
		return op == OpSendto || op == OpSend
	}
	switch op {
	case OpConnect:
		return s.Flags.Has(wire.FlagSYN) && !s.Flags.Has(wire.FlagACK)
	case OpSend, OpSendto:
		return s.Len > 0
	case OpClose, OpShutdown:
		return s.Flags.Has(wire.FlagFIN) || s.Flags.Has(wire.FlagRST)
	}
	return false
}

// kernelWhy names what the kernel answered with a segment no call sent.
func kernelWhy(s *wire.Segment) string {
	f := s.Flags
	switch {
	case s.Retrans:
		return "the kernel's retransmission: no answer came in time"
	case f.Has(wire.FlagSYN | wire.FlagACK):
		return "the kernel answers the SYN: no accept() needed"
	case f.Has(wire.FlagSYN):
		return "the kernel sent a SYN"
	case f.Has(wire.FlagRST):
		return "the kernel resets the connection"
	case f.Has(wire.FlagFIN):
		return "the kernel sent a FIN"
	case s.Proto == "udp":
		return "a datagram no traced call was sending at that moment"
	case s.Len > 0:
		return "the kernel sent " + strconv.Itoa(s.Len) + " bytes an earlier send() left in its buffer (Nagle or the window held them)"
	case f.Has(wire.FlagACK):
		return "the kernel acknowledges what it received"
	}
	return "the kernel sent it"
}

// appendPacket writes a segment's trace line after the actor column:
//
//	wire      client → server  SYN seq 0 win 65495 <mss 65495,sackOK,TS,wscale 7>  127.0.0.1:51760 > 127.0.0.1:1081  (sent by connect)
func (e Event) appendPacket(b []byte) []byte {
	p := e.Pkt
	if p == nil {
		return append(b, "(undecoded frame)"...)
	}
	s := &p.Seg
	b = append(b, nameOr(p.From, s.Src.String())...)
	b = append(b, " → "...)
	b = append(b, nameOr(p.To, s.Dst.String())...)
	b = append(b, "  "...)
	b = append(b, s.Summary()...)
	if s.Proto == "tcp" {
		b = append(b, " seq "...)
		b = strconv.AppendUint(b, uint64(s.RelSeq), 10)
		if s.Flags.Has(wire.FlagACK) {
			b = append(b, " ack "...)
			b = strconv.AppendUint(b, uint64(s.RelAck), 10)
		}
		b = append(b, " win "...)
		b = strconv.AppendInt(b, int64(s.Win), 10)
		if s.WinShift > 0 && !s.Flags.Has(wire.FlagSYN) {
			b = append(b, "<<"...)
			b = strconv.AppendInt(b, int64(s.WinShift), 10)
			b = append(b, '=')
			b = strconv.AppendInt(b, int64(s.ScaledWin()), 10)
		}
		// Options matter to a lesson on the SYNs (MSS, window scale);
		// on every other segment they are only timestamps.
		if o := OptionsText(s.Opts); o != "" && s.Flags.Has(wire.FlagSYN) {
			b = append(append(append(b, " <"...), o...), '>')
		}
	}
	b = append(b, "  "...)
	b = s.Src.AppendTo(b)
	b = append(b, " > "...)
	b = s.Dst.AppendTo(b)
	if p.Why != "" {
		b = append(append(append(b, "  ("...), p.Why...), ')')
	}
	return b
}

func nameOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// OptionsText writes TCP options as tcpdump does: "mss 65495,sackOK,TS val
// 1 ecr 0,wscale 7".
func OptionsText(o wire.Options) string {
	var b []byte
	sep := func() {
		if len(b) > 0 {
			b = append(b, ',')
		}
	}
	if o.MSS > 0 {
		b = strconv.AppendInt(append(b, "mss "...), int64(o.MSS), 10)
	}
	if o.SACKPerm {
		sep()
		b = append(b, "sackOK"...)
	}
	if o.HasTS {
		sep()
		b = strconv.AppendUint(append(b, "TS val "...), uint64(o.TSVal), 10)
		b = strconv.AppendUint(append(b, " ecr "...), uint64(o.TSEcr), 10)
	}
	if o.WScale >= 0 {
		sep()
		b = strconv.AppendInt(append(b, "wscale "...), int64(o.WScale), 10)
	}
	return string(b)
}

// Comment is the packet's comment in a pcapng file: who sent it to whom and
// why, the causing call written out.
func (p *Packet) Comment() string {
	s := nameOr(p.From, p.Seg.Src.String()) + " → " + nameOr(p.To, p.Seg.Dst.String()) + ": "
	if p.Cause != 0 {
		return s + p.Why + ": " + p.CauseText
	}
	return s + p.Why
}
