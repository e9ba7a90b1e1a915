package event

import (
	"strconv"
)

// Packet is a segment captured on lo, as a KindPacket event carries it
// (Event.Pkt). Everything in it was read from the frame the kernel handed
// the capture socket, except the names of the actors, which come from the
// lab's own calls (whose socket has which address), and the origin.
type Packet struct {
	Seg   Segment
	Frame int // the frame's full length on lo, headers included

	// From and To are the actors whose sockets sent and receive it; "" when
	// the address is none of the lab's sockets (From is "" for an ICMP
	// error: the kernel sent it, from no socket).
	From, To         string
	FromRole, ToRole Role

	// Origin says who sent it, Rule how the linker knows, Reason the
	// kernel's situation (why it answered, why it reset).
	Origin Origin
	Rule   Rule
	Reason Reason

	// Cause is the call that put the segment in motion: the connect that
	// sent a SYN, the send whose bytes it carries, the close that sent a
	// FIN; for an ICMP error, the sendto whose datagram it answers. 0 when
	// no call did.
	Cause     CallID
	CauseOp   Op
	CauseText string // the call as a C programmer writes it: "connect(8, 127.0.0.1:1081)"
	Why       string // the origin in words, for the trace and the screen
}

// appendPacket writes a segment's trace line after the actor column:
//
//	wire      client → server  SYN seq 0 win 65495 <mss 65495,sackOK,TS,wscale 7>  127.0.0.1:51760 > 127.0.0.1:1081  (sent by connect)
func appendPacket(b []byte, p *Packet) []byte {
	if p == nil {
		return append(b, "(undecoded frame)"...)
	}
	s := &p.Seg
	b = append(b, p.FromName()...)
	b = append(b, " → "...)
	b = append(b, p.ToName()...)
	b = append(b, "  "...)
	b = append(b, s.Summary()...)
	if s.Proto == "tcp" {
		b = append(b, " seq "...)
		b = strconv.AppendUint(b, uint64(s.RelSeq), 10)
		if s.Flags.Has(FlagACK) {
			b = append(b, " ack "...)
			b = strconv.AppendUint(b, uint64(s.RelAck), 10)
		}
		b = append(b, " win "...)
		b = strconv.AppendInt(b, int64(s.Win), 10)
		if s.WinShift > 0 && !s.Flags.Has(FlagSYN) {
			b = append(b, "<<"...)
			b = strconv.AppendInt(b, int64(s.WinShift), 10)
			b = append(b, '=')
			b = strconv.AppendInt(b, int64(s.ScaledWin()), 10)
		}
		// Options matter to a lesson on the SYNs (MSS, window scale);
		// on every other segment they are only timestamps.
		if o := OptionsText(s.Opts); o != "" && s.Flags.Has(FlagSYN) {
			b = append(append(append(b, " <"...), o...), '>')
		}
	}
	b = append(b, "  "...)
	if s.IsICMP() {
		// An ICMP message has no ports; the datagram it quotes has.
		b = s.Src.Addr().AppendTo(b)
		b = append(b, " > "...)
		b = s.Dst.Addr().AppendTo(b)
		b = append(b, " quoting "...)
		b = s.ICMP.Quoted.Src.AppendTo(b)
		b = append(b, " > "...)
		b = s.ICMP.Quoted.Dst.AppendTo(b)
	} else {
		b = s.Src.AppendTo(b)
		b = append(b, " > "...)
		b = s.Dst.AppendTo(b)
	}
	if p.Why != "" {
		b = append(append(append(b, "  ("...), p.Why...), ')')
	}
	return b
}

// FromName is who sent the packet: its actor, the kernel for an ICMP error
// (no socket sends one), else its source address.
func (p *Packet) FromName() string {
	if p.From == "" && p.Seg.IsICMP() {
		return "kernel"
	}
	return nameOr(p.From, p.Seg.Src.String())
}

// ToName is who receives the packet: its actor or its destination address.
func (p *Packet) ToName() string { return nameOr(p.To, p.Seg.Dst.String()) }

func nameOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// OptionsText writes TCP options as tcpdump does: "mss 65495,sackOK,TS val
// 1 ecr 0,wscale 7".
func OptionsText(o Options) string {
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
	s := p.FromName() + " → " + p.ToName() + ": "
	if p.Cause != 0 {
		return s + p.Why + ": " + p.CauseText
	}
	return s + p.Why
}
