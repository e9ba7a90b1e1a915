// Package event is the leaf of socklab's vocabulary: the words an event is
// told in, which every layer shares and none of which needs a socket. Its
// first tenant is TCPState, so the lessons' rule language can name states
// without importing the socket core, the capture and the services.
//
// netlab keeps the same names as aliases (netlab.TCPState is
// event.TCPState), so the rest of socklab reads as before while the
// vocabulary moves here piece by piece.
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
