package ui

import (
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/event"
)

// TestProgramEndSaidAfterItsEvent: the pane says the program ended only
// once the lab's log has said it, after the program's last calls. The
// process is reaped (Done) before those calls' events reach the screen,
// and the screen drew "ended" above the last accept and recv.
func TestProgramEndSaidAfterItsEvent(t *testing.T) {
	t.Parallel()
	lab := netlab.NewLab(netlab.LabConfig{})
	defer lab.Close()
	done := make(chan struct{})
	close(done)
	p := newProgramPane(&Common{}, 0, ProgramOptions{Title: "python3 server.py", Lab: lab,
		Start: func() error { return nil }, Output: func() string { return "" }, OutputChanged: make(chan struct{}),
		Done: func() <-chan struct{} { return done }, Exit: func() string { return "exit status 0" },
		Refused: func() string { return "" }})
	p.Init()
	defer p.Close()
	p.Update(programEndedMsg{to: 0, exit: "exit status 0"})
	if s := p.Status(); !strings.Contains(s, "running") {
		t.Fatalf("status %q before the log said the program ended, want it running", s)
	}
	p.feed.Add([]event.Event{{Kind: event.KindCall, Op: event.OpRecv, Actor: "program", FD: 4},
		{Kind: event.KindLab, Op: event.OpActorEnd, Actor: "program", FD: -1, Note: "program ended: exit status 0"}})
	if s := p.Status(); !strings.Contains(s, "program ended: exit status 0") {
		t.Fatalf("status %q after the log said it, want the end", s)
	}
}

// TestProgramPairEndSaidAfterBothEvents: with two programs (socklab run's
// server and client), the end is said only once both ends are in the log:
// the server's end comes after the client's, and "ended" under the
// client's end alone would stand above the server's last calls.
func TestProgramPairEndSaidAfterBothEvents(t *testing.T) {
	t.Parallel()
	lab := netlab.NewLab(netlab.LabConfig{})
	defer lab.Close()
	done := make(chan struct{})
	close(done)
	p := newProgramPane(&Common{}, 0, ProgramOptions{Title: "python3 s.py -- python3 c.py", Lab: lab,
		Actors: []string{"program 1", "program 2"},
		Start:  func() error { return nil }, Output: func() string { return "" }, OutputChanged: make(chan struct{}),
		Done: func() <-chan struct{} { return done }, Exit: func() string { return "program 1 exit status 0; program 2 exit status 0" },
		Refused: func() string { return "" }})
	p.Init()
	defer p.Close()
	p.Update(programEndedMsg{to: 0, exit: "program 1 exit status 0; program 2 exit status 0"})
	p.feed.Add([]event.Event{{Kind: event.KindLab, Op: event.OpActorEnd, Actor: "program 2", FD: -1, Note: "ended: exit status 0"}})
	if s := p.Status(); !strings.Contains(s, "running") {
		t.Fatalf("status %q with only program 2's end in the log, want running", s)
	}
	p.feed.Add([]event.Event{{Kind: event.KindCall, Op: event.OpClose, Actor: "program 1", FD: 3},
		{Kind: event.KindLab, Op: event.OpActorEnd, Actor: "program 1", FD: -1, Note: "ended: exit status 0"}})
	if s := p.Status(); !strings.Contains(s, "program ended: program 1 exit status 0; program 2 exit status 0") {
		t.Fatalf("status %q after both ends, want both", s)
	}
}
