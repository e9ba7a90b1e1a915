package event

import "strings"

// Flags is the set of TCP control bits. The values are the bits of the 13th
// header byte, so a raw header byte converts directly; AE (the former NS bit,
// now the AccECN bit) sits above them.
type Flags uint16

const (
	FlagFIN Flags = 1 << iota
	FlagSYN
	FlagRST
	FlagPSH
	FlagACK
	FlagURG
	FlagECE
	FlagCWR
	FlagAE
)

// Wireshark lists flags from the lowest bit up; learners compare our output
// with Wireshark's Info column, so the order must match.
var flagNames = [...]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"}

// String joins the set flags with commas in Wireshark's order, e.g.
// "SYN,ACK"; it returns "" when no flag is set.
func (f Flags) String() string {
	switch f { // the common cases, without building a string each time
	case 0:
		return ""
	case FlagSYN:
		return "SYN"
	case FlagACK:
		return "ACK"
	case FlagSYN | FlagACK:
		return "SYN,ACK"
	case FlagPSH | FlagACK:
		return "PSH,ACK"
	case FlagFIN | FlagACK:
		return "FIN,ACK"
	case FlagRST | FlagACK:
		return "RST,ACK"
	case FlagRST:
		return "RST"
	}
	var b strings.Builder
	for i, name := range flagNames {
		if f&(1<<i) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(name)
	}
	return b.String()
}

// Has reports whether every flag in g is set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }
