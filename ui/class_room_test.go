package ui

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/theme"
)

// TestGoldenRoom: 40 present students (43 lanes, 3 of them ended) fit the
// projector at 120x36 and, compact, a laptop at 80x24.
func TestGoldenRoom(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{120, 36}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := fixtureClassModel(theme.ThemeDark, size[0], size[1], 43)
			defer m.Close()
			out := m.render()
			checkSize(t, out, size[0], size[1])
			scr := ansi.Strip(out)
			for i := range 40 {
				if a := fmt.Sprintf("10.77.0.%d ", 11+i); !strings.Contains(scr, a) {
					t.Errorf("student %s not on screen:\n%s", a, scr)
				}
			}
			if !strings.Contains(scr, "40 students") {
				t.Errorf("no count of the students shown:\n%s", scr)
			}
			golden.RequireEqual(t, scr)
		})
	}
}

// roomSnap is a class where one student (10.91.0.9) holds 5 connections
// and two others one each; a fourth has left.
func roomSnap() service.ClassSnapshot {
	t0 := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
	s := service.ClassSnapshot{Taken: t0.Add(5 * time.Minute), Service: service.Calc, Addr: netip.MustParseAddrPort("0.0.0.0:1081"),
		MaxClients: 1024, PerStudent: 5, States: map[event.TCPState]int{}, Students: 4, Departed: 1}
	add := func(ip string, port uint16, reqs, errs uint64, active time.Duration, last string) {
		l := service.Lane{ID: uint64(len(s.Lanes) + 1), FD: 10 + len(s.Lanes), Remote: netip.AddrPortFrom(netip.MustParseAddr(ip), port),
			State: event.StateEstablished, Requests: reqs, Errors: errs, Since: t0, LastActive: t0.Add(active),
			LastReq: []byte(last), LastReply: []byte("ok")}
		s.Lanes = append(s.Lanes, l)
		s.Connected++
		s.States[l.State]++
	}
	for i := range 5 {
		add("10.91.0.9", uint16(50000+i), 100, 40, 4*time.Minute+50*time.Second, "hog")
	}
	add("10.91.0.3", 40000, 3, 0, 10*time.Second, "1+1")
	add("10.91.0.5", 40001, 7, 1, 4*time.Minute+59*time.Second, "2+2")
	return s
}

func roomModel(t *testing.T) (*Model, *classPane) {
	m := NewModel(Options{Theme: theme.ThemeDark, Class: &ClassOptions{}})
	m.inited[0] = true
	m.Update(tea_WindowSize(120, 36))
	m.Update(classSnapMsg{to: 0, snap: roomSnap()})
	t.Cleanup(m.Close)
	return m, m.panes[0].(*classPane)
}

func TestRoomOneRowPerStudentFoldSortIdle(t *testing.T) {
	t.Parallel()
	m, p := roomModel(t)
	scr := ansi.Strip(m.render())
	if n := strings.Count(scr, "10.91.0.9 "); n != 1 {
		t.Fatalf("the hog has %d rows, want 1 (its 5 connections folded):\n%s", n, scr)
	}
	if !strings.Contains(scr, "10.91.0.9     +  5! ") {
		t.Errorf("the hog's row does not show 5 connections at the cap (5!):\n%s", scr)
	}
	if !strings.Contains(scr, "3 students · 1 departed") {
		t.Errorf("departed not counted:\n%s", scr)
	}
	if !strings.Contains(scr, "4m  ") { // 10.91.0.3 silent since 09:00:10, the snapshot at 09:05
		t.Errorf("no idle time for the silent student:\n%s", scr)
	}
	// Sorted by address: .3, .5, .9; by activity: .5, .9, .3; by errors: .9, .5, .3.
	order := func() string {
		s := ansi.Strip(m.render())
		a, b, c := strings.Index(s, "10.91.0.3 "), strings.Index(s, "10.91.0.5 "), strings.Index(s, "10.91.0.9 ")
		switch {
		case a < b && b < c:
			return "3 5 9"
		case b < c && c < a:
			return "5 9 3"
		case c < b && b < a:
			return "9 5 3"
		}
		return fmt.Sprint(a, b, c)
	}
	for i, want := range []string{"3 5 9", "5 9 3", "9 5 3", "3 5 9"} {
		if got := order(); got != want {
			t.Fatalf("sorted by %s: order %s, want %s", p.sort, got, want)
		}
		if i < 3 {
			m.Update(tea.KeyPressMsg{Code: 'o', Text: "o"})
		}
	}
	// Select the hog (third by address) and unfold it: its 5 connections.
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	if p.sel != netip.MustParseAddr("10.91.0.9") {
		t.Fatalf("selected %s", p.sel)
	}
	m.Update(tea.KeyPressMsg{Code: 'f', Text: "f"})
	scr = ansi.Strip(m.render())
	for i := range 5 {
		if !strings.Contains(scr, fmt.Sprintf("└ :%d fd %d ESTABLISHED", 50000+i, 10+i)) {
			t.Errorf("unfolded connection %d missing:\n%s", i, scr)
		}
	}
}

// TestRoomRemoveAsksFirst: x asks; any key but y or b cancels; y removes
// the selected student through the class server.
func TestRoomRemoveAsksFirst(t *testing.T) {
	t.Parallel()
	m, p := roomModel(t)
	m.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	scr := ansi.Strip(m.render())
	if !strings.Contains(scr, "remove 10.91.0.3 (1 connections)?") {
		t.Fatalf("x did not ask:\n%s", scr)
	}
	// q while asked cancels the question, it does not end the session.
	if cmd := m.key(tea.KeyPressMsg{Code: 'q', Text: "q"}); cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("q during the question ended the session")
		}
	}
	if p.ask != nil || !strings.Contains(p.note, "cancelled") {
		t.Fatalf("q did not cancel the question (note %q)", p.note)
	}
}

// TestRoomQuitAsks: with students connected q asks; a second q (or y)
// quits, any other key stays.
func TestRoomQuitAsks(t *testing.T) {
	t.Parallel()
	m, _ := roomModel(t)
	if cmd := m.key(tea.KeyPressMsg{Code: 'q', Text: "q"}); cmd != nil {
		t.Fatal("q quit at once with 3 students connected")
	}
	if scr := ansi.Strip(m.render()); !strings.Contains(scr, "3 students are connected (7 connections): quit closes them all.") {
		t.Fatalf("no question:\n%s", scr)
	}
	if cmd := m.key(tea.KeyPressMsg{Code: 'n', Text: "n"}); cmd != nil || m.quitting {
		t.Fatal("n after the question quit")
	}
	m.key(tea.KeyPressMsg{Code: 'q', Text: "q"})
	cmd := m.key(tea.KeyPressMsg{Code: 'y', Text: "y"})
	if cmd == nil || !m.quitting {
		t.Fatal("y after the question did not quit")
	}
}

// TestRoomShowsAcceptFailureAndDrops: EMFILE on accept, the kernel's
// listen drops and the over-limit rate are on the dashboard, at the
// projector's size and the laptop's.
func TestRoomShowsAcceptFailureAndDrops(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{120, 36}, {80, 24}} {
		m := NewModel(Options{Theme: theme.ThemeDark, Class: &ClassOptions{}})
		m.inited[0] = true
		m.Update(tea_WindowSize(size[0], size[1]))
		s := roomSnap()
		s.Queue = sock.AcceptQueue{Len: 109, Max: 128, Valid: true}
		s.AcceptErrs = service.AcceptErrors{Last: service.AcceptFailure{Errno: "EMFILE", Meaning: "this process is out of file descriptors"},
			At: s.Taken.Add(-time.Second), Count: 37}
		s.ListenDrops = service.ListenDrops{Overflows: 12, Drops: 15, Valid: true}
		s.ReqRate, s.LimitedRate = 20, 1060510
		m.Update(classSnapMsg{to: 0, snap: s})
		scr := ansi.Strip(m.render())
		m.Close()
		for _, want := range []string{"⚠ accept() failed: EMFILE ×37", "109 waiting", "kernel dropped 15",
			"20 req/s (+1060510/s over the limit"} {
			if !strings.Contains(scr, want) {
				t.Errorf("%dx%d: screen lacks %q:\n%s", size[0], size[1], want, scr)
			}
		}
		if strings.Contains(scr, "accept() runs freely") {
			t.Errorf("%dx%d: 'runs freely' while accept fails:\n%s", size[0], size[1], scr)
		}
	}
}

// TestLaneIDsAndCountsNeverCut: lane 18 342 and 123 456 requests are shown
// whole (they were "18…").
func TestLaneIDsAndCountsNeverCut(t *testing.T) {
	t.Parallel()
	m, p := roomModel(t)
	s := roomSnap()
	s.Lanes[0].ID, s.Lanes[0].Requests = 18342, 123456
	s.Lanes[len(s.Lanes)-1].ID = 18349
	m.Update(classSnapMsg{to: 0, snap: s})
	p.lanes = true
	scr := ansi.Strip(m.render())
	if !strings.Contains(scr, "18342 ") || !strings.Contains(scr, "18349 ") || !strings.Contains(scr, " 123k ") {
		t.Errorf("an ID or a count was cut:\n%s", scr)
	}
}

// TestClassBanner: --banner's first screen: the command, the address and
// port five rows high, the sources --allow admits; b shows the room.
func TestClassBanner(t *testing.T) {
	t.Parallel()
	m := NewModel(Options{Theme: theme.ThemeDark, Class: &ClassOptions{Banner: true,
		Reach: []netip.Addr{netip.MustParseAddr("10.77.0.1")}}})
	m.inited[0] = true
	m.Update(tea_WindowSize(120, 36))
	m.Update(classSnapMsg{to: 0, snap: fixtureClassSnap(5)})
	defer m.Close()
	scr := ansi.Strip(m.render())
	big, _ := bigText("10.77.0.1  1081", 200)
	for _, want := range append([]string{"socklab connect 10.77.0.1 1081", "admitted: 10.77.0.0/24 — anyone else is refused"}, big...) {
		if !strings.Contains(scr, want) {
			t.Errorf("banner lacks %q:\n%s", want, scr)
		}
	}
	checkSize(t, m.render(), 120, 36)
	m.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	if scr := ansi.Strip(m.render()); strings.Contains(scr, big[0]) || !strings.Contains(scr, "STUDENT") {
		t.Errorf("b did not show the room:\n%s", scr)
	}
	if rows, ok := bigText("fd00::1", 80); !ok || len(rows) != 5 {
		t.Error("an IPv6 address has no big letters")
	}
	if _, ok := bigText("10.77.0.1  1081", 20); ok {
		t.Error("big letters wider than the screen")
	}
}

// TestClassDetailLadder: enter opens a student's detail on a real class
// server: their connection, its last exchange, and the ladder of the
// server's own calls on it (accept, recv, send) as the kernel returned
// them; esc goes back to the room.
func TestClassDetailLadder(t *testing.T) {
	t.Parallel()
	p, c := classWithStudent(t)
	fmt.Fprintf(c, "6*7\n")
	if _, err := c.Read(make([]byte, 8)); err != nil {
		t.Fatal(err)
	}
	p.waitScreen("6*7 → 42")
	p.key("enter")
	p.waitScreen("STUDENT 127.0.0.9")
	p.waitScreen("the server's calls on these connections")
	port := strconv.Itoa(c.LocalAddr().(*net.TCPAddr).Port)
	p.waitScreen(":" + port)
	p.waitScreen("accept(") // the calls come with the next look
	scr := p.screen()
	for _, re := range []string{`accept\(\d+\)`, `recv\(\d+\) = 4 "6\*7\\n"`, `send\(\d+\) = 3 "42\\n"`} {
		if !regexp.MustCompile(re).MatchString(scr) {
			t.Errorf("the ladder lacks %s:\n%s", re, scr)
		}
	}
	p.key("esc")
	p.waitScreen("1 student ")
}

// TestClassDetailStartsNoSecondWatch: the look enter asks for (a student's
// detail) is taken in without starting another watch: the pane's one
// watch goes on, so opening details does not multiply the looks at a
// class of a thousand students for the rest of the session.
func TestClassDetailStartsNoSecondWatch(t *testing.T) {
	t.Parallel()
	p, _ := classWithStudent(t)
	p.waitScreen("127.0.0.9")
	for range 3 {
		_, cmd := p.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		if cmd == nil {
			t.Fatal("enter asked for no look")
		}
		msg, ok := cmd().(classSnapMsg)
		if !ok {
			t.Fatalf("enter's command gave %T, want a class snapshot", msg)
		}
		if _, next := p.m.Update(msg); next != nil {
			t.Fatalf("taking in the look enter asked for started more work (%T): a second watch", next)
		}
		p.waitScreen("STUDENT 127.0.0.9")
		p.key("esc")
	}
}

// classWithStudent is the class pane at 120x36 on a real class server
// that one student, 127.0.0.9, has connected to (c, closed when the test
// ends).
func classWithStudent(t *testing.T) (p *pump, c net.Conn) {
	t.Helper()
	cls := startClassServer(t, service.ClassConfig{Server: service.ServerConfig{Service: service.Calc}})
	p = newPump(t, Options{Class: &ClassOptions{Server: cls}}, 120, 36)
	p.waitScreen("no student connected yet")
	c = dialClassClients(t, cls, 1, func(int) netip.Addr { return netip.MustParseAddr("127.0.0.9") })[0]
	return p, c
}
