package lessons

import (
	"errors"
	"fmt"
	"slices"

	"github.com/socklab/socklab/lessons/rules"
	"github.com/socklab/socklab/netlab/event"
)

// errWireOff is why a rule that reads the wire was not evaluated.
var errWireOff = errors.New("the wire is off (no capture): this check needs the segments")

// wireKinds are the kinds of segment a rule may count: wire.KIND.FIELD
// reads the segments of that kind captured during the step.
var wireKinds = map[string]string{
	"all":     "every segment and datagram",
	"syn":     "SYN without ACK: a connect's first segment",
	"synack":  "SYN,ACK: the answer to a SYN",
	"ack":     "a bare ACK: no data, no SYN, FIN or RST",
	"data":    "TCP segments that carry bytes",
	"fin":     "segments with FIN",
	"rst":     "segments with RST",
	"udp":     "UDP datagrams",
	"retrans": "segments the kernel sent again (same data or SYN/FIN seen before)",
	"icmp":    "ICMP and ICMPv6 errors (port unreachable: no socket on the datagram's port)",
}

// wireFields are what a rule may ask of the segments of a kind.
var wireFields = map[string]string{
	"count":   "how many were captured in the step",
	"len":     "their payload bytes, added up",
	"from":    "the actor whose socket sent the first one (\"\" when none)",
	"to":      "the actor whose socket received the first one",
	"by":      "what sent the first one: the call (connect, send, close…), kernel, or outside (a program socklab does not trace)",
	"reason":  "the kernel's situation behind the first one: answers-syn, ack, retrans, held, unread-data, linger-0, not-accepted, no-listener, no-connection, port-unreachable…",
	"answers": "for an ICMP error, the call whose datagram it answers (sendto, send)",
	"port":    "for an ICMP error, the destination port of the datagram it quotes",
	"gapms":   "the longest pause between two of them, in whole milliseconds",
	"seq":     "the log position of the first one (compare with a call's seq)",
}

// wireKind reports whether a segment is of kind k.
func wireKind(k string, s *event.Segment) bool {
	f := s.Flags
	tcp := s.Proto == "tcp"
	switch k {
	case "all":
		return true
	case "syn":
		return tcp && f.Has(event.FlagSYN) && !f.Has(event.FlagACK)
	case "synack":
		return tcp && f.Has(event.FlagSYN|event.FlagACK)
	case "ack":
		return tcp && s.Len == 0 && f&(event.FlagSYN|event.FlagFIN|event.FlagRST) == 0
	case "data":
		return tcp && s.Len > 0
	case "fin":
		return tcp && f.Has(event.FlagFIN)
	case "rst":
		return tcp && f.Has(event.FlagRST)
	case "udp":
		return s.Proto == "udp"
	case "retrans":
		return s.Retrans
	case "icmp":
		return s.IsICMP()
	}
	return false
}

// wireLookup answers wire.KIND.FIELD from the step's events.
func wireLookup(events []event.Event, kind, field string) (rules.Value, error) {
	var (
		n, bytes int
		first    *event.Event
		prev     int64
		gap      int64
	)
	for i := range events {
		e := &events[i]
		if e.Kind != event.KindPacket || e.Pkt == nil || !wireKind(kind, &e.Pkt.Seg) {
			continue
		}
		if first == nil {
			first = e
		} else if d := e.At.UnixNano() - prev; d > gap {
			gap = d
		}
		prev = e.At.UnixNano()
		n++
		bytes += e.Pkt.Seg.Len
	}
	switch field {
	case "count":
		return rules.Num(int64(n)), nil
	case "len":
		return rules.Num(int64(bytes)), nil
	case "gapms":
		return rules.Num(gap / 1e6), nil
	}
	if first == nil {
		return rules.Value{}, fmt.Errorf("no %s segment was captured in this step", kind)
	}
	p := first.Pkt
	switch field {
	case "from":
		return rules.Str(p.From), nil
	case "to":
		return rules.Str(p.To), nil
	case "by":
		if p.Origin != event.OriginCall {
			return rules.Str(p.Origin.String()), nil // kernel, outside
		}
		return rules.Str(p.CauseOp.Key()), nil
	case "reason":
		return rules.Str(p.Reason.String()), nil
	case "answers":
		if p.Cause == 0 || p.Origin != event.OriginKernel {
			return rules.Str(""), nil
		}
		return rules.Str(p.CauseOp.Key()), nil
	case "port":
		if !p.Seg.IsICMP() {
			return rules.Value{}, errors.New("port is the port an ICMP error names: ask wire.icmp.port")
		}
		return rules.Num(int64(p.Seg.ICMP.Quoted.Dst.Port())), nil
	case "seq":
		return rules.Num(int64(first.Seq)), nil
	}
	return rules.Value{}, fmt.Errorf("field %q means nothing for segments", field)
}

// usesWire reports whether a rule reads the wire.
func usesWire(x rules.Expr) bool {
	return slices.ContainsFunc(x.Refs(), func(r rules.Ref) bool { return r.Actor == rules.WireActor })
}

// NeedsWire reports whether the step's prediction can only be answered
// from captured segments: with the wire off it is not asked.
func (s *Step) NeedsWire() bool {
	if s.Predict == nil {
		return false
	}
	for _, c := range s.Predict.Choices {
		if usesWire(c.Rule) {
			return true
		}
	}
	return false
}
