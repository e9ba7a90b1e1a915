// Package wire turns frames captured on the Linux loopback interface into
// the few TCP/UDP facts a socket lesson talks about (flags, sequence numbers,
// windows, options, payload length), tracks each connection so those numbers
// can be shown relative to the handshake the way Wireshark does, and writes
// the frames to a pcapng file that Wireshark or tcpdump can open afterwards.
//
// The package is pure Go and does no I/O of its own beyond the io.Writer it is
// given: the capture socket lives elsewhere, so the decoder can be tested and
// fuzzed without privileges.
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
