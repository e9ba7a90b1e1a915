package serve

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
)

// serveRounds runs the echo server with a trace, makes rounds quick round
// trips and returns the lines written after the banner.
func serveRounds(t *testing.T, everyState bool, rounds int) []string {
	t.Helper()
	out := newScreen()
	tr := output.NewTrace(out, output.Text, 1<<12)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, out, &bytes.Buffer{}, Config{Server: echoConfig("127.0.0.1:0"), Trace: tr, EveryState: everyState})
	}()
	<-out.listening
	c, err := service.Dial(ctx, sock.Tracer{}, service.Echo, out.addr(t))
	if err != nil {
		t.Fatal(err)
	}
	for range rounds {
		if got, err := c.Echo(ctx, []byte("hi\n")); err != nil || string(got) != "hi\n" {
			t.Fatalf("echo: %q, %v", got, err)
		}
	}
	c.Close(ctx)
	// The server's trace has its recv of the client's FIN before the
	// server is stopped: a stop closes the connection, and a send still
	// reporting then finds its socket closed (no state to read by fd).
	for deadline := time.Now().Add(10 * time.Second); !eofTraced(out.String()); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no recv of the client's FIN in the trace:\n%s", out.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(out.String()), "\n")[1:]
}

func eofTraced(trace string) bool {
	for _, l := range strings.Split(trace, "\n") {
		if strings.Contains(l, " recv(") && strings.Contains(l, ") = 0 ") {
			return true
		}
	}
	return false
}

// stateAfterAddrs is a TCP state named after a line's addresses.
var stateAfterAddrs = regexp.MustCompile(`\] [A-Z][A-Z0-9_]+( |$)`)

// dataLines counts the server's send and recv lines that moved bytes, and
// those of them that name a TCP state.
func dataLines(lines []string) (all, withState int) {
	for _, l := range lines {
		if (strings.Contains(l, " send(") || strings.Contains(l, " recv(")) && !strings.Contains(l, "blocked") && !strings.Contains(l, ") = 0 ") && !strings.Contains(l, ") = -1 ") {
			all++
			if stateAfterAddrs.MatchString(l) {
				withState++
			}
		}
	}
	return all, withState
}

// TestServeTracePacesStateReadsAndSaysSo: by default the trace's first line
// says the state reads after sends and recvs are paced, and a burst of round
// trips has data lines without a state; --every-state has no such line and
// a state on every data line.
func TestServeTracePacesStateReadsAndSaysSo(t *testing.T) {
	const rounds = 100 // far faster than 100 a second: beyond the burst
	lines := serveRounds(t, false, rounds)
	if !strings.Contains(lines[0], PaceNote) {
		t.Errorf("first trace line %q, want the pace note", lines[0])
	}
	if all, with := dataLines(lines); all < 2*rounds || with >= all {
		t.Errorf("paced: %d of %d data lines have a state; want some without", with, all)
	}
	lines = serveRounds(t, true, rounds)
	if strings.Contains(strings.Join(lines, "\n"), PaceNote) {
		t.Errorf("--every-state trace has the pace note")
	}
	if all, with := dataLines(lines); all < 2*rounds || with != all {
		t.Errorf("--every-state: %d of %d data lines have a state; want all:\n%s", with, all, strings.Join(lines, "\n"))
	}
}
