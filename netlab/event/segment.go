package event

import (
	"net/netip"
	"strconv"
)

// Options holds the TCP options a lesson explains; others are ignored.
type Options struct {
	MSS      int // 0 when absent
	WScale   int // shift as sent, -1 when absent
	SACKPerm bool
	HasTS    bool
	TSVal    uint32
	TSEcr    uint32
}

// Segment is one decoded TCP segment, UDP datagram or ICMP error.
type Segment struct {
	Proto    string // "tcp", "udp", "icmp" or "icmp6"
	Src, Dst netip.AddrPort
	Flags    Flags

	Seq, Ack       uint32 // absolute, as on the wire
	RelSeq, RelAck uint32 // filled by Flows.Track

	Win      uint16 // raw window field
	WinShift int    // shift in force for this direction, -1 unknown (Flows.Track)
	Opts     Options

	Len       int    // payload bytes, as the IP/UDP lengths declare them
	Payload   []byte // copy of the first PayloadCopyMax captured payload bytes
	Retrans   bool   // filled by Flows.Track
	HeaderLen int    // link + IP + TCP/UDP header bytes

	// ICMP is the error message of an "icmp"/"icmp6" segment, whose Src
	// and Dst carry addresses only (port 0) and whose Len is the bytes
	// after the ICMP header (the quote).
	ICMP ICMP
}

// IsICMP reports whether s is an ICMP or ICMPv6 error message.
func (s Segment) IsICMP() bool { return s.Proto == "icmp" || s.Proto == "icmp6" }

// ScaledWin is the receive window the sender advertised, in bytes. A SYN's
// window is never scaled (RFC 7323 §2.2), and without a known shift the raw
// field is the best we have.
func (s Segment) ScaledWin() int {
	if s.WinShift < 0 || s.Flags.Has(FlagSYN) {
		return int(s.Win)
	}
	return int(s.Win) << s.WinShift
}

// Summary is a one-line description in the spirit of Wireshark's Info
// column: "SYN,ACK", "PSH,ACK len=6", "UDP len=5".
func (s Segment) Summary() string {
	if s.Proto == "udp" {
		return "UDP len=" + strconv.Itoa(s.Len)
	}
	if s.IsICMP() {
		if s.Proto == "icmp6" {
			return "ICMP6 " + s.icmpWords()
		}
		return "ICMP " + s.icmpWords()
	}
	f := s.Flags.String()
	if f == "" {
		f = "none" // a "null" segment: no control bit set at all
	}
	if s.Len > 0 {
		return f + " len=" + strconv.Itoa(s.Len)
	}
	return f
}

// ICMP holds an ICMP or ICMPv6 error message (Segment.Proto "icmp" or
// "icmp6"): its type and code, and the datagram it quotes, whose ports say
// which socket's send it answers.
type ICMP struct {
	Type, Code uint8
	// Name is the message's type and code in words ("TimeExceeded(TTLExceeded)"),
	// filled by the decoder, which knows the tables of names.
	Name string
	// Quoted is the header of the datagram that caused the error, as the
	// ICMP message quotes it (RFC 792: the IP header and at least 8 bytes
	// of what followed; Linux quotes more).
	Quoted ICMPQuote
}

// ICMPQuote is the start of a quoted datagram: enough to name its socket.
type ICMPQuote struct {
	Proto    string         // "udp", "tcp", or "" when the quote was too short to tell
	Src, Dst netip.AddrPort // the original sender and destination
	Len      int            // the UDP length field less its header (UDP only), -1 unknown
}

// PortUnreachable reports whether the message is "port unreachable": the
// kernel at the destination had no socket on the quoted port.
func (m ICMP) PortUnreachable(v6 bool) bool {
	if v6 {
		return m.Type == 1 && m.Code == 4 // RFC 4443 §3.1: destination unreachable, port unreachable
	}
	return m.Type == 3 && m.Code == 3 // RFC 792: destination unreachable, port unreachable
}

// icmpWords names the message the way tcpdump does: "udp port 4242 unreachable".
func (s Segment) icmpWords() string {
	m := s.ICMP
	v6 := s.Proto == "icmp6"
	if m.PortUnreachable(v6) {
		return m.Quoted.Proto + " port " + strconv.Itoa(int(m.Quoted.Dst.Port())) + " unreachable"
	}
	if m.Name != "" {
		return m.Name
	}
	return "type " + strconv.Itoa(int(m.Type)) + " code " + strconv.Itoa(int(m.Code))
}
