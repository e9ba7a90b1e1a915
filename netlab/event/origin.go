package event

// Origin is who put a captured segment on the wire.
type Origin uint8

const (
	// OriginNone: the segment was not linked (a frame that is not the lab's).
	OriginNone Origin = iota
	// OriginCall: a traced call sent it (Packet.Cause): the connect that
	// sent a SYN, the send whose bytes it carries, the close that ended
	// the stream.
	OriginCall
	// OriginKernel: the kernel sent it on its own (a SYN-ACK, an ACK, a
	// retransmission, a reset, an ICMP error); Packet.Reason says why.
	OriginKernel
	// OriginOutside: a socket whose calls socklab does not trace sent it
	// (nc, a browser): its calls are not visible here.
	OriginOutside
)

var originNames = [...]string{OriginNone: "", OriginCall: "call", OriginKernel: "kernel", OriginOutside: "outside"}

// String is the origin's key in traces and rules: "call", "kernel", "outside".
func (o Origin) String() string {
	if int(o) < len(originNames) {
		return originNames[o]
	}
	return "origin?"
}

// Rule is how the linker found a segment's origin: from what the segment
// carries (its bytes, its SYN, its FIN's place in the stream, the datagram
// an ICMP error quotes) or, where none of those applies, from timing alone.
type Rule uint8

const (
	RuleNone      Rule = iota
	RuleFirstSYN       // the first SYN of a 4-tuple is its connect's
	RuleBytes          // the segment's [seq, seq+len) lies in a send's byte range
	RuleStreamEnd      // a FIN's seq is the stream's end: the call that ended it
	RuleDatagram       // a datagram matches a sendto's destination and length
	RuleQuote          // an ICMP error quotes the datagram a sendto sent
	RuleKind           // what only the kernel sends (SYN-ACK, bare ACK, a retransmission)
	RuleReset          // one of the kernel's situations that cause a RST
	RuleTiming         // fallback: the segment was seen while the call was in the kernel
)

var ruleNames = [...]string{RuleNone: "", RuleFirstSYN: "first-syn", RuleBytes: "bytes", RuleStreamEnd: "stream-end",
	RuleDatagram: "datagram", RuleQuote: "quote", RuleKind: "kind", RuleReset: "reset", RuleTiming: "timing"}

func (r Rule) String() string {
	if int(r) < len(ruleNames) {
		return ruleNames[r]
	}
	return "rule?"
}

// Reason is the kernel's situation behind a segment no call's bytes explain:
// what it answers or why it resets.
type Reason uint8

const (
	ReasonNone Reason = iota
	ReasonAnswerSYN
	ReasonAck
	ReasonRetrans
	ReasonHeld // bytes of a send, sent after the call returned
	ReasonSYN  // a SYN whose connect is not known
	ReasonFIN  // a FIN whose closing call is not known
	ReasonData // bytes no recorded send covers
	ReasonDatagram
	// The RST causes.
	ReasonRSTUnread     // close() with unread data (RFC 1122 4.2.2.13: data lost, so reset)
	ReasonRSTLinger0    // close() with SO_LINGER {on, 0}: an abortive close
	ReasonRSTUnaccepted // the listener was closed with this connection not yet accepted
	ReasonRSTNoListener // a SYN to a port where nothing listens
	ReasonRSTNoConn     // a segment for a connection the kernel no longer has
	ReasonRST           // a reset none of the above explains
	// ICMP.
	ReasonPortUnreachable // no socket on the quoted datagram's port
	ReasonICMP            // another ICMP error
)

var reasonNames = [...]string{ReasonNone: "", ReasonAnswerSYN: "answers-syn", ReasonAck: "ack", ReasonRetrans: "retrans",
	ReasonHeld: "held", ReasonSYN: "syn", ReasonFIN: "fin", ReasonData: "data", ReasonDatagram: "datagram",
	ReasonRSTUnread: "unread-data", ReasonRSTLinger0: "linger-0", ReasonRSTUnaccepted: "not-accepted",
	ReasonRSTNoListener: "no-listener", ReasonRSTNoConn: "no-connection", ReasonRST: "reset",
	ReasonPortUnreachable: "port-unreachable", ReasonICMP: "icmp"}

// String is the reason's key in traces and rules ("unread-data").
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "reason?"
}
