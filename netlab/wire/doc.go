// Package wire turns frames captured on the Linux loopback interface into
// the few TCP/UDP facts a socket lesson talks about (flags, sequence numbers,
// windows, options, payload length), tracks each connection so those numbers
// can be shown relative to the handshake the way Wireshark does, and writes
// the frames to a pcapng file that Wireshark or tcpdump can open afterwards.
//
// It also holds the capture itself (Capture: an AF_PACKET socket on lo, read
// from a TPACKET_V2 ring or with recvmsg, Linux only), the PcapSink that
// writes a lab's segments as they are released, and the Linker that names
// each captured segment's actors and the call that caused it (see
// netlab/sock's package doc). The decoder does no I/O, so it can be tested
// and fuzzed without privileges.
//
// The decoder and the pcapng writer are written here, on the standard
// library alone: the stack's packet library (gopacket's layers) registers
// every protocol it knows when a program starts, which cost each socklab
// start ~9 ms of CPU and each link of a binary holding it ~0.2 s, for the
// five headers a loopback frame carries. gopacket stays the tests' oracle:
// they build frames with its encoder, FuzzDecodeAgreesWithGopacket holds
// every field to its decoder, and the pcapng files are read back with its
// pcapgo (and tcpdump).
//
// wire imports netlab/event (Segment, Packet and the other words it fills
// in) and never the socket core, which imports it.
//
// Frames are expected as an AF_PACKET SOCK_RAW socket bound to "lo" returns
// them: a 14-byte Ethernet header (zero MACs), then IPv4 or IPv6, then TCP or
// UDP. Two loopback quirks matter to callers:
//
//   - An ETH_P_ALL socket on lo sees every packet twice, once as
//     PACKET_OUTGOING and once as PACKET_HOST. Drop the outgoing copy (as
//     libpcap does) before calling Flows.Track, or every data segment will
//     look like a retransmission.
//   - Checksums on loopback are left to "offload" that never happens, so they
//     are usually wrong on the wire; Decode therefore never checks them.
package wire
