package wire

import "github.com/socklab/socklab/netlab/event"

// The decoded segment's types moved to the vocabulary (netlab/event), which
// every layer reads; these aliases are temporary, for ui/ until the lead
// rewrites it to the event names.
type (
	Segment = event.Segment
	Flags   = event.Flags
	Options = event.Options
	ICMP    = event.ICMP
	Quote   = event.ICMPQuote
)

// TCP control bits: see event.Flags.
const (
	FlagFIN = event.FlagFIN
	FlagSYN = event.FlagSYN
	FlagRST = event.FlagRST
	FlagPSH = event.FlagPSH
	FlagACK = event.FlagACK
	FlagURG = event.FlagURG
	FlagECE = event.FlagECE
	FlagCWR = event.FlagCWR
	FlagAE  = event.FlagAE
)
