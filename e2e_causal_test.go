//go:build unix

package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestE2ELadderCauseBeforeEffectIPv6 types 15 messages into the echo pane
// over IPv6 (where emission order was most often wrong) and reads the ladder
// on screen: for every message whose rows are all visible, the client's send
// is drawn above the server's recv of it, which is above the server's send,
// which is above the client's recv.
func TestE2ELadderCauseBeforeEffectIPv6(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	// Tall enough for all 15 messages with the wire on (as root): each takes
	// four call rows and three or four segment rows, depending on whether
	// the kernel's ACK went alone or rode on the reply, which is timing;
	// at 150 rows a loaded machine left 19 messages whole on screen. With
	// the Sequencer's ordering broken (every event forwarded as it comes)
	// the first misdrawn message was m02-m12 in three runs of 30 and m01-m06 in six of 15; each
	// message costs every frame's 200-column rows in socklab and tmux.
	const messages = 15
	s := startTUI(t, 200, 170, "--pane", "echo", "--host", "::1")
	s.waitFor(regexp.MustCompile(`server \[?::1\]?:\d+`))
	s.clientReady()
	s.keys("i")
	for i := 1; i <= messages; i++ {
		s.keys(fmt.Sprintf("m%02d", i), "Enter")
		s.waitFor(regexp.MustCompile(fmt.Sprintf(`‹ m%02d`, i)))
	}
	// Judged on a screen the wait accepts, not on one capture: tmux can be
	// read while a frame is half drawn, which mixes rows of two frames. A
	// message drawn out of order stays so (the ladder only grows), so the
	// wait fails with it after screenWait.
	var checked int
	var bad, told string
	s.until("15 messages drawn, two thirds whole and each cause before its effect", false, func(scr string) bool {
		checked, bad = causeBeforeEffect(scr)
		if bad != "" && bad != told {
			t.Logf("rows out of order on screen: %s", bad)
			told = bad
		}
		return bad == "" && checked >= messages*2/3
	})
	t.Logf("%d messages drawn cause before effect", checked)
	s.keys("C-c")
	s.waitExit()
}

// causeBeforeEffect reads the ladder's rows of each message on scr and
// returns how many had all four rows on screen, and the first message
// whose rows are out of order ("" when none is).
func causeBeforeEffect(scr string) (checked int, bad string) {
	row := regexp.MustCompile(`(?:(c1|client 1) )?(send|recv)\(\d+\) = \d+ "(m\d\d)"`)
	seen := map[string][]string{}
	var order []string
	for _, line := range strings.Split(scr, "\n") {
		for _, m := range row.FindAllStringSubmatch(line, -1) {
			side := "server"
			if m[1] != "" {
				side = "client"
			}
			if seen[m[3]] == nil {
				order = append(order, m[3])
			}
			seen[m[3]] = append(seen[m[3]], side+" "+m[2])
		}
	}
	want := "client send, server recv, server send, client recv"
	for _, msg := range order {
		got := seen[msg]
		if len(got) < 4 {
			continue // its first rows scrolled off the top
		}
		if strings.Join(got, ", ") != want {
			return checked, fmt.Sprintf("%s: %s; want %s", msg, strings.Join(got, ", "), want)
		}
		checked++
	}
	return checked, ""
}
