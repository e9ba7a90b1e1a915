package ui

import (
	"net"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/ladder"
)

func TestPaneSwitching(t *testing.T) {
	t.Parallel()
	p := newPump(t, Options{}, 100, 30)
	if p.m.active != common.PaneEcho {
		t.Fatalf("starts on %v, want echo", p.m.active)
	}
	// The first screen's keys work before anything is typed: 3 goes to
	// the calculator; after i (or enter), digits go into the field instead.
	p.key("3")
	if p.m.active != common.PaneCalc {
		t.Fatalf("3 on the first screen went to %v, want calc", p.m.active)
	}
	p.key("2")
	p.key("i")
	p.key("3")
	if p.m.active != common.PaneEcho {
		t.Fatal("3 switched panes while the field had focus")
	}
	if v := p.m.panes[common.PaneEcho].(*labPane).input.Value(); v != "3" {
		t.Fatalf("field holds %q, want 3", v)
	}
	p.key("tab")
	if p.m.active != common.PaneCalc {
		t.Fatalf("tab went to %v, want calc", p.m.active)
	}
	p.key("shift+tab")
	if p.m.active != common.PaneEcho {
		t.Fatalf("shift+tab went to %v, want echo", p.m.active)
	}
	// A lab pane opens with its field focused: esc first, then digits switch.
	p.key("esc")
	for _, c := range []struct {
		key  string
		want common.PaneID
	}{{"1", common.PaneLessons}, {"3", common.PaneCalc}, {"esc", common.PaneCalc}, {"2", common.PaneEcho}} {
		p.key(c.key)
		if p.m.active != c.want {
			t.Fatalf("%s went to %v, want %v", c.key, p.m.active, c.want)
		}
	}
	p.key("?")
	if !p.m.showHelp || !strings.Contains(p.screen(), "any other key closes this help") {
		t.Fatal("? did not open the help overlay")
	}
	p.key("x")
	if p.m.showHelp {
		t.Fatal("a key did not close the help overlay")
	}
}

func TestCalcRoundTrip(t *testing.T) {
	t.Parallel()
	p := newPump(t, Options{Pane: "calc"}, 100, 30)
	calc := p.m.panes[common.PaneCalc].(*labPane)
	p.waitFor("server address", func() bool { return calc.addr.IsValid() })
	p.waitScreen("server " + calc.addr.String())
	p.key("enter") // enter (or i) takes the field first
	p.typeText("2+3*4")
	p.key("enter")
	p.waitScreen("c1 ‹ 14")
	// The bytes view follows the newest message: the reply, 3 bytes.
	p.waitScreen("31 34 0a")
}

func TestStepMode(t *testing.T) {
	t.Parallel()
	p := newPump(t, Options{Pane: "calc"}, 100, 30)
	calc := p.m.panes[common.PaneCalc].(*labPane)
	p.waitFor("client connected", func() bool {
		for _, s := range calc.feed.Socks {
			if s.Actor == "client 1" && s.State == event.StateEstablished {
				return true
			}
		}
		return false
	})
	p.key("esc")
	p.key("s")
	p.waitFor("step mode", func() bool { return calc.feed.Stepping })
	p.waitScreen("STEP")
	p.key("i")
	p.typeText("1+1")
	p.key("enter")
	p.key("esc")
	// The send waits at the gate; it is marked NEXT unless the server's
	// next accept reached the gate first (it loops back to accept as soon
	// as client 1 is in, and may do so after step mode began).
	p.waitFor("the send at the gate", func() bool {
		for _, c := range calc.feed.Pending {
			if c.Op == event.OpSend {
				return true
			}
		}
		return false
	})
	p.waitScreen("▶ NEXT")
	p.waitScreen("send(")
	// The explanation is the one of the call n lets through: the oldest at
	// the gate (the server's next accept may have queued before the send).
	p.waitFor("the explanation of the next call", func() bool {
		return len(calc.feed.Pending) > 0 && strings.Contains(p.screen(), event.Explain(calc.feed.Pending[0].Op))
	})
	// Nothing moves without a step.
	if strings.Contains(p.screen(), "c1 ‹ 2") {
		t.Fatal("reply arrived in step mode before any step")
	}
	for i := 0; i < 20 && !strings.Contains(p.screen(), "c1 ‹ 2"); i++ {
		p.waitFor("a pending call", func() bool { return len(calc.feed.Pending) > 0 || strings.Contains(p.screen(), "c1 ‹ 2") })
		if strings.Contains(p.screen(), "c1 ‹ 2") {
			break
		}
		before := calc.feed.Total
		if i%2 == 0 {
			p.key("n")
		} else {
			p.key("space")
		}
		p.waitFor("the step to happen", func() bool { return calc.feed.Total > before })
	}
	p.waitScreen("c1 ‹ 2")
	p.key("s")
	p.waitFor("run mode", func() bool { return !calc.feed.Stepping })
}

func TestAddRemoveClients(t *testing.T) {
	t.Parallel()
	p := newPump(t, Options{}, 160, 48)
	echo := p.m.panes[common.PaneEcho].(*labPane)
	p.key("esc")
	p.key("+")
	p.key("+")
	p.waitFor("three established clients", func() bool {
		n := 0
		for _, s := range echo.feed.Socks {
			if ladder.IsClient(s.Role) && s.State == event.StateEstablished {
				n++
			}
		}
		return n == 3
	})
	ports := map[uint16]bool{}
	for _, s := range echo.feed.Socks {
		if ladder.IsClient(s.Role) {
			ports[s.Local.Port()] = true
		}
	}
	if len(ports) != 3 {
		t.Fatalf("client ports %v, want 3 different ones", ports)
	}
	p.waitScreen("3 clients")
	p.key("-")
	// The server sees EOF from client 3 and closes its side.
	p.waitFor("EOF on the server", func() bool {
		for _, e := range echo.feed.History {
			if e.Actor == "server" && e.Op == event.OpRecv && e.Result == 0 {
				return true
			}
		}
		return false
	})
	p.waitScreen("2 clients")
	p.waitFor("client 3 in TIME_WAIT", func() bool {
		for _, s := range echo.feed.Socks {
			if s.Actor == "client 3" && s.State == event.StateTimeWait {
				return true
			}
		}
		return false
	})
}

func TestQuitKeys(t *testing.T) {
	t.Parallel()
	m := NewModel(Options{})
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(tea.KeyPressMsg{Code: 'i', Text: "i"}) // the field takes the keys now
	_, cmd := m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	if cmd != nil {
		if _, ok := cmd().(tea.QuitMsg); ok {
			t.Fatal("q quit while the field had focus")
		}
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	_, cmd = m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	if cmd == nil {
		t.Fatal("q did nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
	m2 := NewModel(Options{})
	defer m2.Close()
	_, cmd = m2.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if cmd == nil {
		t.Fatal("ctrl+c did nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("ctrl+c did not quit while typing")
	}
}

func TestTooSmall(t *testing.T) {
	t.Parallel()
	m := NewModel(Options{})
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 79, Height: 24})
	if !strings.Contains(m.render(), "needs at least 80x24") {
		t.Fatalf("79x24 not refused:\n%s", m.render())
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if strings.Contains(m.render(), "needs at least") {
		t.Fatal("80x24 refused")
	}
}

// TestTakenPortOffersTheKernelsPort: with --port on a port another socket
// holds, the pane shows the kernel's EADDRINUSE with its hint, and k starts
// the server on a port the kernel picks.
func TestTakenPortOffersTheKernelsPort(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	p := newPump(t, Options{Port: port}, 100, 30)
	echo := p.m.panes[common.PaneEcho].(*labPane)
	p.waitScreen("EADDRINUSE")
	p.waitScreen("hint:")
	p.key("k")
	p.waitFor("a server on a kernel port", func() bool { return echo.addr.IsValid() && echo.addr.Port() != port })
	p.waitScreen("server " + echo.addr.String())
}

// TestClickATab: a mouse click on a tab opens its pane.
func TestClickATab(t *testing.T) {
	t.Parallel()
	m := NewModel(Options{})
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	line := strings.Split(ansi.Strip(m.render()), "\n")[0]
	x := strings.Index(line, "3 Calculator")
	if x < 0 {
		t.Fatalf("no calculator tab in %q", line)
	}
	m.Update(tea.MouseClickMsg{X: ansi.StringWidth(line[:x]) + 2, Y: 0, Button: tea.MouseLeft})
	if m.active != common.PaneCalc {
		t.Fatalf("click went to %v, want calc", m.active)
	}
	m.Update(tea.MouseClickMsg{X: 1, Y: 5, Button: tea.MouseLeft})
	if m.active != common.PaneCalc {
		t.Fatal("a click below the tab bar switched panes")
	}
}

// TestLinesTypedBeforeTheClientConnectsAreSent: what a student types in
// the first moment, before the pane's client has connected, is sent once
// it has, in order, not refused with "no client".
func TestLinesTypedBeforeTheClientConnectsAreSent(t *testing.T) {
	t.Parallel()
	p := newPump(t, Options{Pane: "calc"}, 100, 30)
	calc := p.m.panes[common.PaneCalc].(*labPane)
	if calc.addr.IsValid() {
		t.Fatal("the pane was ready before its start command's message was read")
	}
	p.key("enter")
	p.typeText("2+3")
	p.key("enter")
	p.typeText("6*7")
	p.key("enter")
	if !strings.Contains(calc.note, "still connecting") {
		t.Fatalf("note %q while the client connects, want that the lines wait", calc.note)
	}
	p.waitScreen("c1 ‹ 5")
	p.waitScreen("c1 ‹ 42")
}
