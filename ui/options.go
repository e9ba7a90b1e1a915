package ui

import (
	"net/netip"

	"github.com/socklab/socklab/netlab"
)

// Options are what the command line chooses.
type Options struct {
	Host  netip.Addr // address the servers bind; default 127.0.0.1
	Port  uint16     // server port of the first pane shown; 0: the kernel chooses
	Pane  string     // "echo", "calc" or "lessons": the pane shown first
	Theme Theme
	// Lessons: which lesson the lesson pane opens (Number 0: the last one
	// opened, or the list) and an instructor's lesson directory.
	Lessons LessonOptions
	// Trace, if set, gets every event of the lab panes in causal order (the
	// command line's --trace-file writes it; the UI does no I/O itself).
	Trace netlab.Sink
	// Wire says whether the labs capture the segments on lo, or why not.
	Wire netlab.WireConfig
}
