//go:build unix

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestE2ELesson3 runs the real binary in a real terminal (tmux): it opens
// lesson 3, answers its prediction, steps to the end and sees the done
// mark, then checks the progress file. It waits on the screen, never sleeps
// for a fixed time.
func TestE2ELesson3(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	s := startTUI(t, 100, 30, "lesson", "3")
	// startTUI's config directory, beside its rc file.
	cfg := filepath.Join(filepath.Dir(s.rcFile), "config")
	waitFor := func(what string) { t.Helper(); s.waitFor(regexp.MustCompile(regexp.QuoteMeta(what))) }
	keys := s.keys

	waitFor("Lesson 3/") // of however many lessons there are
	// The title shows while the lesson's lab is still starting, and n is
	// ignored until it has ("running…" on the status line): on a loaded
	// machine an n sent on the title alone was lost.
	s.until("the lesson's lab to finish starting", false, func(scr string) bool {
		return strings.Contains(scr, "step 0/6") && !strings.Contains(scr, "running…")
	})
	keys("n")
	waitFor("step 1/6")
	keys("n")
	waitFor("Predict:")
	// Step 2 needs the wire: in the private network it is on, so it asks.
	waitFor("Who sends the SYN-ACK")
	keys("Enter") // a) the server's kernel, at once
	waitFor("← what happened")
	waitFor("✓ you predicted what happened")
	keys("n")
	waitFor("second client's connect() return")
	keys("Enter") // a) yes: the kernel queues it too
	waitFor("✓ you predicted what happened")
	for _, seg := range []string{"─ SYN ─", "◀─", "SYN,ACK", "─ ACK ─"} {
		waitFor(seg)
	}
	// [ picks the newest segment, [ again the one before: the SYN-ACK's
	// header fields and bytes replace the code.
	keys("[")
	waitFor("SEGMENT")
	keys("[")
	waitFor("the kernel answers the SYN")
	waitFor("relative (absolute)")
	waitFor("0000  00 00 00 00 00 00")
	keys("Escape")
	// Back to the code; esc and n in one read would be alt+n.
	waitFor("Python")
	keys("n")
	waitFor("step 4/6")
	keys("n")
	waitFor("Predict:")
	keys("Enter")
	// The header counts step 5 while its question is open; its title shows
	// only once the answered step has run.
	waitFor("Step 5 · ")
	keys("n")
	waitFor("step 6/6")
	waitFor("✓ done")
	waitFor("Lesson complete")

	data, err := os.ReadFile(filepath.Join(cfg, "socklab", "progress.json"))
	if err != nil || !strings.Contains(string(data), `"done": true`) {
		t.Fatalf("progress file: %v\n%s", err, data)
	}
	keys("q")
	s.waitExit()
}
