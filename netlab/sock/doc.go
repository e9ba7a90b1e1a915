// Package sock is socklab's socket core: it drives real sockets one system
// call at a time and reports every call as an event.Event carrying what the
// kernel answered: the fd, the result, the errno, the addresses from
// getsockname/getpeername and the TCP state from TCP_INFO (Linux) or
// TCP_CONNECTION_INFO (macOS).
//
// It holds Socket and its calls, the Tracer a socket reports to, the Gate
// step mode waits at, the Sequencer that puts events in causal order, the
// Registry of a lab's sockets, the state reads (TCP_INFO, sock_diag,
// /proc/net) and ExternalCall for calls a traced program made (netlab/ptrace).
//
// sock imports netlab/event (the vocabulary) and netlab/wire (the capture
// the Sequencer drains and the linker it runs); never the services or the
// Lab, which are built on it.
//
// # Events
//
// Events are typed: an Op (which call, which state read, which lab change),
// the Role of the socket the call was made on (server, client, a connection
// a server accepted, the lab), structured Args beside the C text, and a
// CallID shared by a call's pending, blocked and returned events. Nothing
// above the socket core parses an event's text to learn what it was.
//
// # Order
//
// On loopback a send can wake the peer's recv before the send itself
// returns, so the order in which goroutines report calls is not the order
// in which things happened. Every call event therefore carries two moments
// read from the same clock, Enter (the call entered the kernel) and Return,
// and is placed by a third, At:
//
//   - a call that takes something another party put there (accept, recv,
//     recvfrom) is placed when it returned: what it took was there by then;
//   - every other call (socket, bind, listen, connect, send, sendto,
//     shutdown, close, setsockopt) puts something in motion and is placed
//     when the system call that did so entered the kernel: the SYN, the
//     bytes or the FIN cannot have left before that;
//   - a call the kernel made wait reports a KindBlocked event. A connect
//     that waits has already sent its SYN, so its blocked event is placed at
//     its entry and its returned event at its return: the connect is drawn
//     as a span, opened before the accept that answers it. A send that
//     waited for buffer space is placed at the entry of the attempt that
//     moved its bytes.
//
// This order is causal: for every message, the sender's send enters the
// kernel before the bytes exist, and the receiver's recv returns after they
// arrived, so send.At < recv.At; the echo server's send comes after its recv
// in its own goroutine; a connect's SYN leaves before the accept that takes
// the connection returns. The Sequencer releases events in this order as
// they arrive: a call that puts something in motion holds its moment while
// its system call runs (microseconds; never while it waits in the kernel),
// and an event is released only once no call still running could be placed
// before it. Events a consumer sees (the Lab's Log, a trace) are therefore
// in causal order; TestCausalOrder checks it over 10 000 echo round trips of
// random sizes on IPv4 and IPv6, and fails without the holds.
//
// The moments are read with time.Now around the system call, from the
// kernel's own clock (vDSO).
//
// A served trace (socklab serve --trace-file: a Sequencer into a text
// trace writer, no capture) keeps the same order another way, "line mode"
// (lines.go): no event passes through one lock. Each call queues its
// lines' records in a shard of its own connection, marking the shard busy
// from before it reads a moment until its record is queued, and the trace
// writer merges the shards by moment, taking only what no marked shard
// could still precede. Its moments are read from the monotonic clock
// alone, since no line shows the wall clock. TestLineModeKeepsTheOrder and
// TestLineModeWritesTheEventsLines check it against the Events' way.
//
// # The wire
//
// A Lab with LabConfig.Wire captures the segments that cross lo (Capture:
// an AF_PACKET socket, a BPF filter that drops each frame's outgoing copy,
// kernel timestamps of the same clock). Segments are KindPacket events in
// the same log, placed by their timestamps. A capture reports late (a
// segment is read after it crossed), so before it releases anything the
// Sequencer drains the capture: whatever a call's return depended on (the
// SYN-ACK a connect waited for, the bytes a recv returned) was queued to
// the capture before the call returned, because the kernel hands a frame
// to packet sockets before its protocol handler sees it. No effect is
// therefore released above its cause; TestWireCauseBeforeEffect checks it
// and fails without the drain. The linker (wire.Linker) names each segment's
// actors from the lab's own calls and its Origin (event.Origin) from what it
// carries: the send whose byte range holds its [seq, seq+len) (wire/link_streams.go),
// the connect of a 4-tuple's first SYN, the close or shutdown whose stream
// ends at a FIN, the sendto of a datagram, the kernel's situation behind a
// RST, the sendto whose datagram an ICMP error quotes. Only where no such
// rule applies does timing decide (the call of its socket that was in the
// kernel when it was seen, Rule RuleTiming), and the label says so.
//
// A capture without privilege needs a private user and network namespace,
// which the command line makes (socklab runs itself again inside one);
// WireConfig says whether to capture and, when not, why.
package sock
