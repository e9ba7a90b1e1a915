package wire

import "github.com/socklab/socklab/netlab/event"

// This file is temporary. The decoded segment's types moved to the
// vocabulary (netlab/event), which every layer reads; ui/ still names them
// through wire, and these aliases (exactly the names ui/ uses) keep it
// compiling until it is rewritten to the event names.
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
)
