package lessonpane

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui/theme"
)

// TestOpenPortWarning: a step that bound every interface warns on screen; a
// loopback bind or a failed bind does not.
func TestOpenPortWarning(t *testing.T) {
	t.Parallel()
	st := theme.NewStyles(theme.ThemeDark, true)
	bind := func(addr string, errno bool) event.Event {
		e := event.Event{Kind: event.KindCall, Op: event.OpBind, Local: netip.MustParseAddrPort(addr)}
		if errno {
			e.Result, e.Errno = -1, 98
		}
		return e
	}
	if w := openPortWarnings([]event.Event{bind("0.0.0.0:5000", false)}, st); len(w) != 1 || !strings.Contains(w[0], "0.0.0.0:5000 is an open port") {
		t.Fatalf("no warning for 0.0.0.0: %q", w)
	}
	if w := openPortWarnings([]event.Event{bind("127.0.0.1:5000", false), bind("[::1]:5000", false), bind("0.0.0.0:5000", true)}, st); len(w) != 0 {
		t.Fatalf("warned for loopback or a failed bind: %q", w)
	}
}
