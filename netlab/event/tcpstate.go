package event

// TCPState is a TCP connection state as the kernel reports it. The numbering
// is socklab's own; each platform maps its kernel's values onto it.
type TCPState uint8

// The TCP states of RFC 793, plus StateNone for "not a TCP socket / unknown".
const (
	StateNone TCPState = iota
	StateClosed
	StateListen
	StateSynSent
	StateSynRecv
	StateEstablished
	StateFinWait1
	StateFinWait2
	StateCloseWait
	StateClosing
	StateLastAck
	StateTimeWait
)

var stateNames = [...]string{
	StateNone:        "",
	StateClosed:      "CLOSED",
	StateListen:      "LISTEN",
	StateSynSent:     "SYN_SENT",
	StateSynRecv:     "SYN_RECV",
	StateEstablished: "ESTABLISHED",
	StateFinWait1:    "FIN_WAIT1",
	StateFinWait2:    "FIN_WAIT2",
	StateCloseWait:   "CLOSE_WAIT",
	StateClosing:     "CLOSING",
	StateLastAck:     "LAST_ACK",
	StateTimeWait:    "TIME_WAIT",
}

// String returns the name ss(8) prints, e.g. "ESTABLISHED".
func (s TCPState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "?"
}

// ParseTCPState is the inverse of String; it returns StateNone for unknown names.
func ParseTCPState(name string) TCPState {
	for i, n := range stateNames {
		if n == name && n != "" {
			return TCPState(i)
		}
	}
	return StateNone
}

// Segs are the kernel's counters of one TCP socket, read with its state
// (TCP_INFO on Linux, TCP_CONNECTION_INFO on macOS): segments sent and
// received, and segments retransmitted, since the socket was made. They
// need no privilege, so they stand for the wire where packets cannot be
// captured: the difference across a call is what it put on the wire.
type Segs struct {
	Out, In, Retrans uint64
	Valid            bool // the kernel answered (false for UDP, closed fds)
}
