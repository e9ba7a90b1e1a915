package ui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/safetext"
	"github.com/socklab/socklab/ui/ladder"
	"github.com/socklab/socklab/ui/theme"
)

// sgr matches the styling the view itself writes (Select Graphic
// Rendition); anything else that acts on a terminal is a leak.
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// leaked reports the first raw control of a rendered screen, its own
// styling removed. ansi.Strip is not used: it would remove a peer's escape
// sequences too, and hide the very leak looked for.
func leaked(screen string) (rune, bool) {
	return safetext.Raw(sgr.ReplaceAllString(screen, ""))
}

// TestClassViewHostileStudent: a student's request and the reply it got
// (which may quote it) reach the projector only as visible escapes.
func TestClassViewHostileStudent(t *testing.T) {
	t.Parallel()
	for _, h := range safetext.Hostile {
		m := fixtureClassModel(theme.ThemeDark, 120, 36, 5)
		snap := fixtureClassSnap(5)
		for i := range snap.Lanes {
			snap.Lanes[i].LastReq, snap.Lanes[i].LastReply = []byte(h), []byte("error: "+h)
		}
		m.Update(classSnapMsg{to: 0, snap: snap})
		scr := m.render()
		m.Close()
		if r, bad := leaked(scr); bad {
			t.Errorf("%q reached the projector raw (%U):\n%s", h, r, scr)
		}
		if !strings.Contains(sgr.ReplaceAllString(scr, ""), safetext.String(h)[:4]+"") {
			t.Fatalf("the lanes' replies are not on screen; the test looks at nothing:\n%s", scr)
		}
	}
}

// TestPayloadPrintersHostile: the ladder's quotes, the transcript and the
// byte view's labels, for every hostile payload.
func TestPayloadPrintersHostile(t *testing.T) {
	t.Parallel()
	st := theme.NewStyles(theme.ThemeDark, true)
	for _, h := range safetext.Hostile {
		for name, out := range map[string]string{
			"printable":  theme.Printable([]byte(h)),
			"quoteShort": ladder.QuoteShort([]byte(h)),
			"bytes":      ladder.RenderBytes(event.Event{Op: event.OpRecv, Result: len(h), Data: []byte(h)}, 200, 40, st),
		} {
			if r, bad := leaked(out); bad {
				t.Errorf("%s(%q) = %q: raw %U", name, h, out, r)
			}
		}
	}
}
