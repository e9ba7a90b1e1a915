// Package event is socklab's vocabulary: the words every layer tells and
// reads a kernel fact in, none of which needs a socket.
//
// It holds the Event and what it is made of (Kind, Op, Role, CallID, Args,
// TCPState, Segs, the errno names), a captured segment as an event carries
// it (Segment, Flags, Options, ICMP, and Packet with its Origin, Rule and
// Reason), the Log that numbers and keeps events and hands them to
// subscribers, the writers that turn events into trace lines and JSON
// (TraceWriter, AppendTo, AppendJSON), the words that explain a call or an
// errno (Explain, Hint), and Recover, the panic guard of every goroutine a
// lab starts.
//
// event imports only the standard library, golang.org/x/sys/unix (for
// errno names) and netlab/safetext. It must never import the socket core
// (netlab), the capture (netlab/wire) or the services (netlab/service):
// they, lessons/rules and ui import it, so a rule about TCP states or a
// view of a trace does not pull in sockets.
package event
