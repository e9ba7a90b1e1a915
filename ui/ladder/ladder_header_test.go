package ladder

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui/theme"
)

// TestServerNameOverItsLifeline: with two programs, the server's lifeline
// says which one serves; the right side is laid out wide enough for the
// name (at 52 columns it is whole; laid out for "server" alone it was
// cut), and no line is wider than the ladder.
func TestServerNameOverItsLifeline(t *testing.T) {
	evs := []event.Event{
		{Seq: 1, Kind: event.KindCall, Op: event.OpListen, Role: event.RoleServer, Actor: "program 1", FD: 3, Args: event.Args{Backlog: 1}},
		{Seq: 2, Kind: event.KindCall, Op: event.OpSocket, Role: event.RoleClient, Actor: "program 2", FD: 3, Result: 3},
	}
	st := theme.NewStyles(theme.ThemeDark, true)
	for _, width := range []int{120, 52, 40} {
		out := ansi.Strip(Render(evs, width, 6, st, Opts{ServerName: "server (program 1)"}))
		lines := strings.Split(out, "\n")
		// At 40 columns the name may be cut, as any text there.
		if width > 40 && !strings.Contains(lines[0], "server (program 1)") || !strings.Contains(lines[0], "client") {
			t.Errorf("width %d: header %q, want client and server (program 1)", width, lines[0])
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > width {
				t.Errorf("width %d: a line of %d columns: %q", width, w, l)
			}
		}
	}
	if out := ansi.Strip(Render(evs, 120, 6, st, Opts{})); !strings.Contains(strings.Split(out, "\n")[0], "┬server") {
		t.Errorf("without a name the header says server:\n%s", out)
	}
}
