package ui

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/ui/theme"
)

// TestGoldenClass renders socklab class with 100 students at a laptop's and
// a projector's size, in colour and without.
func TestGoldenClass(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		for _, theme := range []theme.Theme{theme.ThemeDark, theme.ThemeLight} {
			t.Run(fmt.Sprintf("%dx%d_%s", size[0], size[1], theme), func(t *testing.T) {
				m := fixtureClassModel(theme, size[0], size[1], 100)
				defer m.Close()
				m.panes[0].(*classPane).lanes = true // the connections view (v)
				out := m.render()
				checkSize(t, out, size[0], size[1])
				golden.RequireEqual(t, out)
			})
		}
		t.Run(fmt.Sprintf("%dx%d_nocolor", size[0], size[1]), func(t *testing.T) {
			m := fixtureClassModel(theme.ThemeDark, size[0], size[1], 100)
			defer m.Close()
			m.panes[0].(*classPane).lanes = true
			golden.RequireEqual(t, ansi.Strip(m.render()))
		})
	}
}

func keyMsg(code rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code} }

// TestClassViewManyClients: 100 students at 80x24 and 120x36. The newest
// are in view with the summary and the scroll position; the keys page
// through all of them; every row fits.
func TestClassViewManyClients(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := fixtureClassModel(theme.ThemeDark, size[0], size[1], 100)
			defer m.Close()
			p := m.panes[0].(*classPane)
			p.lanes = true
			rows := classLayoutFor(size[0], size[1]-3).rows
			scr := ansi.Strip(m.render())
			for _, want := range []string{
				"97 connected · 105 total · 42 req/s · 2 refused · 17 over rate",
				"TCP states (kernel): ESTABLISHED 97 · LAST_ACK 1 · TIME_WAIT 1 · gone 1",
				fmt.Sprintf("%d–100", 101-rows),
				"socklab connect 10.77.0.1 1081", "192.168.1.20",
				"⚠ open port",
				"refused 10.78.0.5:40112: not in --allow",
				"accept queue ▕███░", "3 waiting · backlog 4096",
				"10.77.0.110:40693", // lane 100, the newest: follows the bottom
				"✕ left: ",
			} {
				if !strings.Contains(scr, want) {
					t.Errorf("screen lacks %q:\n%s", want, scr)
				}
			}
			checkSize(t, m.render(), size[0], size[1])
			if strings.Contains(scr, " 1 10.77.0.11:40000") {
				t.Fatal("lane 1 shown while following the newest")
			}
			// home: the first students; ↓ one lane; pgdn a page; end: newest again.
			m.Update(keyMsg(tea.KeyHome))
			if scr = ansi.Strip(m.render()); !strings.Contains(scr, "  1 ") || !strings.Contains(scr, "10.77.0.11:40000") {
				t.Fatalf("home does not show lane 1:\n%s", scr)
			}
			m.Update(keyMsg(tea.KeyDown))
			if p.top != 1 || p.follow {
				t.Fatalf("down: top %d follow %v", p.top, p.follow)
			}
			if scr = ansi.Strip(m.render()); strings.Contains(scr, "10.77.0.11:40000") || !strings.Contains(scr, fmt.Sprintf("2–%d", rows+1)) {
				t.Fatalf("after down:\n%s", scr)
			}
			m.Update(keyMsg(tea.KeyPgDown))
			if p.top != 1+rows {
				t.Fatalf("pgdn: top %d, want %d", p.top, 1+rows)
			}
			for range 20 {
				m.Update(keyMsg(tea.KeyPgDown))
			}
			if !p.follow || p.top != 100-rows {
				t.Fatalf("paging to the end: top %d follow %v", p.top, p.follow)
			}
			m.Update(keyMsg(tea.KeyHome))
			m.Update(keyMsg(tea.KeyEnd))
			if !p.follow || !strings.Contains(ansi.Strip(m.render()), "10.77.0.110:40693") {
				t.Fatal("end does not follow the newest again")
			}
			// A new snapshot with more students keeps following.
			m.Update(classSnapMsg{to: 0, snap: fixtureClassSnap(150)})
			if scr = ansi.Strip(m.render()); !strings.Contains(scr, "150 ↑↓") && !strings.Contains(scr, "/150") || !strings.Contains(scr, " 150 ") {
				t.Fatalf("following lost with 150 students:\n%s", scr)
			}
		})
	}
}

// TestClassViewWide: the wide table has the fd, the rate-limited count and
// the connect time in columns of their own.
func TestClassViewWide(t *testing.T) {
	t.Parallel()
	m := fixtureClassModel(theme.ThemeDark, 120, 36, 10)
	defer m.Close()
	m.panes[0].(*classPane).lanes = true
	scr := ansi.Strip(m.render())
	for _, want := range []string{"  fd STUDENT", "OVER SINCE", "  2   11 10.77.0.12:40007", "  17 09:00:01 1+1 → error: rate limit", "5*5 → 25"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "of 10") {
		t.Error("a scroll position with every lane in view")
	}
}

// startClassServer runs a real class server on loopback for a UI test.
func startClassServer(t testing.TB, cfg service.ClassConfig) *service.Class {
	t.Helper()
	cfg.Server.Addr = netip.MustParseAddrPort("127.0.0.1:0")
	cls, err := service.ListenClass(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cls.Serve(context.Background()) }()
	t.Cleanup(func() {
		cls.Close()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return cls
}

// TestClassLive drives the class pane against a real server: students
// arrive with the ports their kernels picked, one leaves, accept is held
// and stepped, all from keys and snapshots alone.
func TestClassLive(t *testing.T) {
	// Most of its time is the class view's own timers (a frame, a left
	// student's linger): it waits beside the other tests.
	t.Parallel()
	cls := startClassServer(t, service.ClassConfig{Server: service.ServerConfig{Service: service.Calc}})
	p := newPump(t, Options{Class: &ClassOptions{Server: cls}}, 120, 36)
	p.waitScreen("no student connected yet")
	// Not port 1081: the students must say the protocol.
	p.waitScreen(fmt.Sprintf("students type: socklab connect 127.0.0.1 %d --service calc", cls.Addr().Port()))
	var conns []net.Conn
	dial := func() net.Conn {
		c, err := net.Dial("tcp", cls.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		conns = append(conns, c)
		return c
	}
	for i := range 12 {
		c := dial()
		fmt.Fprintf(c, "%d*3\n", i)
		buf := make([]byte, 16)
		if _, err := c.Read(buf); err != nil {
			t.Fatal(err)
		}
	}
	p.waitScreen("12 connected · 12 total")
	p.waitScreen("1 student ") // one machine: one student, its 12 connections folded
	p.key("v")                 // the connections view: a lane each
	p.waitScreen("  fd STUDENT")
	scr := p.screen()
	for i, c := range conns {
		// Each lane shows the client's own ephemeral port, as its kernel reported it.
		if !strings.Contains(scr, c.LocalAddr().String()) {
			t.Fatalf("no lane for %s:\n%s", c.LocalAddr(), scr)
		}
		if !strings.Contains(scr, fmt.Sprintf("%d*3 → %d", i, i*3)) {
			t.Fatalf("lane %d's request not shown:\n%s", i, scr)
		}
	}
	leaving := conns[3].LocalAddr().String()
	conns[3].Close()
	p.waitScreen(leaving + " left: the client closed (recv returned 0)")

	// s holds accept: a new student still connects and waits in the queue.
	p.key("s")
	p.waitScreen("accept HELD")
	p.waitFor("the server to wait at the hold", func() bool { return cls.Hold().State().AtGate || cls.Hold().State().InAccept })
	held := cls.Hold().State().InAccept // an accept already in the kernel takes one more
	late := dial()
	if held {
		p.waitScreen(late.LocalAddr().String())
		late = dial()
	}
	p.waitScreen("1 waiting")
	if strings.Contains(p.screen(), late.LocalAddr().String()) {
		t.Fatal("a held connection got a lane")
	}
	p.key("n")
	p.waitScreen(late.LocalAddr().String())
	p.waitScreen("0 waiting")
	p.key("s")
	p.waitScreen("accept() blocked in kernel")
}
