package netlab

import "github.com/socklab/socklab/netlab/event"

// TCPState is a TCP connection state as the kernel reports it; the type
// lives in the leaf package event (see its doc), named here for netlab's
// users.
type TCPState = event.TCPState

// The TCP states of RFC 793, plus StateNone for "not a TCP socket / unknown".
const (
	StateNone        = event.StateNone
	StateClosed      = event.StateClosed
	StateListen      = event.StateListen
	StateSynSent     = event.StateSynSent
	StateSynRecv     = event.StateSynRecv
	StateEstablished = event.StateEstablished
	StateFinWait1    = event.StateFinWait1
	StateFinWait2    = event.StateFinWait2
	StateCloseWait   = event.StateCloseWait
	StateClosing     = event.StateClosing
	StateLastAck     = event.StateLastAck
	StateTimeWait    = event.StateTimeWait
)

// ParseTCPState is event.ParseTCPState.
func ParseTCPState(name string) TCPState { return event.ParseTCPState(name) }

// Segs are the kernel's counters of one TCP socket, read with its state
// (TCP_INFO on Linux, TCP_CONNECTION_INFO on macOS): segments sent and
// received, and segments retransmitted, since the socket was made. They
// need no privilege, so they stand for the wire where packets cannot be
// captured: the difference across a call is what it put on the wire.
type Segs struct {
	Out, In, Retrans uint64
	Valid            bool // the kernel answered (false for UDP, closed fds)
}
