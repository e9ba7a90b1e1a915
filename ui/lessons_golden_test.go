package ui

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/socklab/socklab/lessons"
	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/ui/theme"
)

// fixtureLessonPane is lesson-like content with fixed results (no real
// ports or times): step 2 played, its prediction answered wrongly.
func fixtureLessonPane(t *testing.T, c *Common) *lessonsPane {
	t.Helper()
	src := "# A client connects\n\nThe client calls socket and connect.\n\n" +
		"## The server\n\nsocket, bind, listen.\n\n```lab\nserver.socket tcp\nserver.bind 127.0.0.1:0\nserver.listen 1\n```\n\n" +
		"```python\nsock.listen(1)\n```\n\n```go\nunix.Listen(fd, 1)\n```\n\n" +
		"## connect()\n\nThe client connects; the server has **not** called `accept()`.\n\n" +
		"```predict\nWill connect() return before accept()?\n- yes :: client.connect.ok\n- no, it waits :: client.connect.blocked\n```\n\n" +
		"```hint\nWho answers the SYN?\n```\n\n" +
		"```lab\nclient.socket tcp\nclient.connect server\nexpect client.connect.state == ESTABLISHED\n" +
		"when client.connect.ok: The kernels did the handshake.\n```\n\n" +
		"```python\nclient = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\nclient.connect(server_address)\n```\n\n" +
		"```go\ncfd, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)\nunix.Connect(cfd, serverAddr)\n```\n\n" +
		"## accept()\n\n```lab\nconn = server.accept\n```\n\n```python\nconn, addr = sock.accept()\n```\n\n```go\nunix.Accept(fd)\n```\n"
	l, err := lessons.Parse("fixture.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	srv := netip.MustParseAddrPort("127.0.0.1:1081")
	cli := netip.MustParseAddrPort("127.0.0.1:40001")
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ev := func(seq int, actor, call, args string, fd, res int, lo, re netip.AddrPort, s netlab.TCPState) netlab.Event {
		e := fixtureCall(t0, actor, call, args, fd, res, lo, re, s)
		e.Seq = uint64(seq)
		return e
	}
	none := netip.AddrPort{}
	r1 := &lessons.StepResult{Index: 0, Events: []netlab.Event{
		ev(1, "server", "socket", "AF_INET, SOCK_STREAM, 0", -1, 3, none, none, netlab.StateClosed),
		ev(2, "server", "bind", "3, 127.0.0.1:0", 3, 0, srv, none, netlab.StateClosed),
		ev(3, "server", "listen", "3, 1", 3, 0, srv, none, netlab.StateListen),
	}}
	r2 := &lessons.StepResult{Index: 1, Events: []netlab.Event{
		ev(4, "client", "socket", "AF_INET, SOCK_STREAM, 0", -1, 4, none, none, netlab.StateClosed),
		ev(5, "client", "connect", "4, 127.0.0.1:1081", 4, 0, cli, srv, netlab.StateEstablished),
	},
		Expects: []lessons.Verdict{{Expect: l.Steps[1].Expects[0], Held: true, Values: `client.connect.state="ESTABLISHED"`}},
		Whens:   []string{"The kernels did the handshake."},
		Choices: []bool{true, false},
	}
	p := newLessonsPane(c, LessonOptions{ProgressPath: ""})
	p.loadCatalog()
	p.catalog, p.loadErr, p.progPath = []*lessons.Lesson{l}, nil, ""
	p.cur, p.results, p.answers = 0, []*lessons.StepResult{r1, r2}, map[int]int{1: 1}
	return p
}

// TestGoldenLessonScreen renders a lesson screen at 80x24 and 160x48.
// Run with -update to regenerate after a deliberate change.
func TestGoldenLessonScreen(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := NewModel(Options{Pane: "lessons", Theme: theme.ThemeDark})
			defer m.Close()
			m.panes[paneLessons] = fixtureLessonPane(t, m.c)
			m.Update(tea_WindowSize(size[0], size[1]))
			out := m.render()
			checkSize(t, out, size[0], size[1])
			plain := ansi.Strip(out)
			for _, want := range []string{"Lesson 1/1", "← what happened", "Python"} {
				if !strings.Contains(plain, want) {
					t.Fatalf("screen lacks %q:\n%s", want, plain)
				}
			}
			golden.RequireEqual(t, out)
		})
	}
}

// TestWrongAnswerPromisesOnlyAnExplanationThatIsThere: "why is explained
// below" only when an explanation is below.
func TestWrongAnswerPromisesOnlyAnExplanationThatIsThere(t *testing.T) {
	m := NewModel(Options{Pane: "lessons", Theme: theme.ThemeDark})
	defer m.Close()
	p := fixtureLessonPane(t, m.c)
	for _, whens := range [][]string{{"The kernels did the handshake."}, nil} {
		p.results[1].Whens = whens
		screen := ansi.Strip(p.View(100, 30))
		if !strings.Contains(screen, "✗ it went otherwise") {
			t.Fatalf("the wrong answer is not marked:\n%s", screen)
		}
		if got := strings.Contains(screen, "explained below"); got != (whens != nil) {
			t.Errorf("with %d explanations, \"explained below\" shown=%v:\n%s", len(whens), got, screen)
		}
	}
}

// TestNoChoiceMatchedIsNotGraded: when the kernel did what no choice says,
// the screen says so and marks the answer neither right nor wrong, and the
// score leaves the question out.
func TestNoChoiceMatchedIsNotGraded(t *testing.T) {
	m := NewModel(Options{Pane: "lessons", Theme: theme.ThemeDark})
	defer m.Close()
	p := fixtureLessonPane(t, m.c)
	p.results[1].Choices = []bool{false, false}
	screen := ansi.Strip(p.View(100, 30))
	if !strings.Contains(screen, "not graded") || strings.Contains(screen, "went otherwise") || strings.Contains(screen, "you predicted") {
		t.Fatalf("an outcome no choice matches must not be graded:\n%s", screen)
	}
	if asked, _ := p.score(); asked != 0 {
		t.Fatalf("the score counts an ungraded question: %d asked", asked)
	}
}
