package wire

import (
	"net/netip"

	"github.com/socklab/socklab/netlab/event"
)

// sendLog is how many of a socket's recent sends the Linker remembers: a
// segment carries bytes of sends not yet acknowledged, and a lesson's
// socket has a handful.
const sendLog = 64

// sendRange is the bytes one send put into a TCP stream, as offsets from
// the first byte after the SYN, modulo 2^32 like the sequence numbers.
type sendRange struct {
	span
	start, n uint32
	nth      int // 1 for the socket's first send
}

// stream is the Linker's view of one direction of a TCP connection or of a
// UDP socket's datagrams, keyed by the sender's 4-tuple: what its calls
// put in and what the wire showed of it.
type stream struct {
	connect  *span // the connect that will send this socket's first SYN
	synDone  bool  // that SYN has been linked
	synAck   bool  // this side answered a SYN (a server's child socket)
	isn      uint32
	isnKnown bool

	sent uint32 // bytes sends put in so far (the next send's start)
	nth  int
	// sends are the last sendLog sends, a ring once full: oldest is the
	// index of the oldest. Shifting a full log down by one on every send
	// copied 6 KB per send of a busy connection.
	sends  []sendRange
	oldest int
	ender  *span // the close or shutdown that ended this side's stream
	fin    bool  // its FIN was linked

	closed  *span        // close() on this socket
	arrived uint32       // the end of the peer's bytes seen on the wire
	arrival bool         // some peer bytes were seen (arrived is meaningful)
	read    uint32       // bytes recv calls returned
	linger0 bool         // SO_LINGER {1, 0} was set
	ackAt   int64        // when the peer's latest ACK was seen
	ackRel  uint32       // its ack number, relative to this side's ISN
	reset   event.Reason // what close() does instead of a FIN (set at close)
	rstDone bool
}

// covering returns the sends that hold the first and last byte of
// [off, off+n), or false when a recorded send covers neither.
func (st *stream) covering(off, n uint32) (first, last *sendRange, ok bool) {
	find := func(b uint32) *sendRange {
		// Newest first: a segment nearly always carries the latest send.
		n := len(st.sends)
		for k := range n {
			s := &st.sends[(st.oldest+n-1-k)%n]
			if b-s.start < s.n { // modulo 2^32: b lies in [start, start+n)
				return s
			}
		}
		return nil
	}
	first, last = find(off), find(off+n-1)
	return first, last, first != nil && last != nil
}

// account records what a call on the socket did to its stream: the SYN a
// connect will send, the bytes a send put in or a recv took out, the end
// a shutdown or close put to it.
func (st *stream) account(e *event.Event, s span, ok bool) {
	done := ok && e.Kind == event.KindCall
	switch e.Op {
	case event.OpConnect:
		if st.connect == nil || (st.connect.id != s.id && st.synDone) {
			st.connect, st.synDone = heapSpan(s), false
		}
	case event.OpSend, event.OpSendto:
		if done && e.Result > 0 {
			st.addSend(s, e.Result)
		}
	case event.OpRecv, event.OpRecvfrom:
		if done && e.Result > 0 {
			st.read += uint32(e.Result)
		}
	case event.OpShutdown:
		if ok && st.ender == nil && (e.Args.Option == "SHUT_WR" || e.Args.Option == "SHUT_RDWR") {
			st.ender = heapSpan(s)
		}
	case event.OpClose:
		if e.Kind == event.KindCall && st.closed == nil {
			st.close(s)
		}
	}
}

// close records close(): it ends the stream with a FIN, or with a RST when
// SO_LINGER 0 asked for one or bytes that arrived were never read.
func (st *stream) close(s span) {
	st.closed = heapSpan(s)
	switch {
	case st.linger0:
		st.reset = event.ReasonRSTLinger0
	case st.arrival && int32(st.arrived-st.read) > 0:
		st.reset = event.ReasonRSTUnread
	}
	if st.ender == nil && st.reset == event.ReasonNone {
		st.ender = st.closed
	}
}

func (st *stream) addSend(s span, n int) {
	st.nth++
	r := sendRange{span: s, start: st.sent, n: uint32(n), nth: st.nth}
	st.sent += uint32(n)
	if len(st.sends) < sendLog {
		st.sends = append(st.sends, r)
		return
	}
	st.sends[st.oldest] = r
	st.oldest = (st.oldest + 1) % sendLog
}

// datagram is one datagram a sendto put on the wire, kept so an ICMP error
// that quotes it can name the call.
type datagram struct {
	span
	src, dst netip.AddrPort
	n        int
	seen     bool // matched to a captured datagram
}

// dgramLog bounds the datagrams remembered per socket.
const dgramLog = 16

// pushDatagram records a sendto, forgetting the oldest beyond dgramLog.
func pushDatagram(list []datagram, d datagram) []datagram {
	if len(list) == dgramLog {
		copy(list, list[1:])
		list = list[:dgramLog-1]
	}
	return append(list, d)
}
