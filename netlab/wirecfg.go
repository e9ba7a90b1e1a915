package netlab

import "github.com/socklab/socklab/netlab/wire"

// WireConfig says whether a lab captures the segments on lo and, when it
// does not, why: the screen says so rather than draw what was not captured.
type WireConfig struct {
	// Capture asks the lab to open a capture on lo. Without privilege that
	// works only in a private network namespace (Private).
	Capture bool
	Private bool
	// Off is why capture was not tried (or, with Capture, why the lab is
	// not in a private network), Hint what would enable it.
	Off, Hint string
	// Read is how the capture reads frames: the ring (the zero value) or,
	// for the tests that check both, recvmsg.
	Read wire.Read
}

// WireStatus is what a lab's capture is doing, for the status line.
type WireStatus struct {
	Asked   bool // the lab was told about the wire (not a bare lab of a test)
	On      bool
	Private bool   // in a private network namespace
	Why     string // when off: why
	Hint    string // when off: how to turn it on
	Dropped uint64 // frames the kernel dropped because the capture fell behind
	Read    uint64 // frames read
}

// String is the status line's words: "wire: on (private network)" or
// "wire: off — <why>; <hint>".
func (w WireStatus) String() string {
	if w.On {
		where := "host network"
		if w.Private {
			where = "private network"
		}
		return "wire: on (" + where + ")"
	}
	s := "wire: off — " + w.Why
	if w.Hint != "" {
		s += "; " + w.Hint
	}
	return s
}
