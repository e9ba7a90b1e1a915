package program

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/testpython"
	"github.com/socklab/socklab/netlab/check"
	"github.com/socklab/socklab/netlab/service"
)

// seed is the argv of one of testdata/programs' Python programs.
func seed(t *testing.T, name string, args ...string) []string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "testdata", "programs", name))
	if err != nil {
		t.Fatal(err)
	}
	return testpython.Argv(t, append([]string{p}, args...)...)
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestTraceServerProgramGetsTheSendLines: a server program on port 0 gets
// socklab's client, which finds the port from the program's own listen
// call; the trace shows the program's calls with the bytes sent, then
// how it ended.
func TestTraceServerProgramGetsTheSendLines(t *testing.T) {
	t.Parallel() // its own program and lab on kernel-chosen ports
	var stdout, stderr bytes.Buffer
	cfg := Config{Argv: seed(t, "echo_once.py", "0"), Send: []string{"hello there"}}
	if err := Trace(testCtx(t), &stdout, &stderr, strings.NewReader(""), cfg, Text, 0); err != nil {
		t.Fatalf("%v\nstderr: %s", err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"program   listen(", "program   accept", "program   recvfrom(", "hello there", "the program ended: exit status 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the trace:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr.String(), "Waiting for a connection...") {
		t.Errorf("the program's own output is not on stderr: %q", stderr.String())
	}
}

// TestTraceClientProgramAsMarkdown: a client program gets socklab's echo
// server on Port, and --format md writes the handout at the end.
func TestTraceClientProgramAsMarkdown(t *testing.T) {
	t.Parallel() // its own program and lab, on a port free a moment ago
	// The lab's server binds Port itself: the kernel's free port is found
	// by binding :0 once, in the lab's own network (the host's here).
	port := freePort(t)
	var stdout, stderr bytes.Buffer
	cfg := Config{Argv: seed(t, "echo_client.py", itoa(port)), Serve: service.Echo, Port: port}
	if err := Trace(testCtx(t), &stdout, &stderr, strings.NewReader(""), cfg, Markdown, 0); err != nil {
		t.Fatalf("%v\nstderr: %s", err, stderr.String())
	}
	md := stdout.String()
	if !strings.HasPrefix(md, "# socklab run: ") || !strings.Contains(md, "connect(") || !strings.Contains(md, "Received: Hello, Server!") {
		t.Errorf("handout:\n%s", md)
	}
}

func TestTraceFailingProgramIsAnError(t *testing.T) {
	t.Parallel() // its own program and lab on kernel-chosen ports
	var stdout bytes.Buffer
	err := Trace(testCtx(t), &stdout, &bytes.Buffer{}, strings.NewReader(""), Config{Argv: testpython.Argv(t, "-c", "raise SystemExit(3)")}, JSON, 0)
	if err == nil || !strings.Contains(err.Error(), "the program ended with exit status 3") {
		t.Fatalf("got %v, want the program's exit status", err)
	}
	if !strings.Contains(stdout.String(), `"the program ended: exit status 3"`) {
		t.Errorf("the JSON trace does not say how it ended:\n%s", stdout.String())
	}
}

// TestCheckCountsFailures: a server that echoes once and quits fails some
// of the echo-server checks; Check writes a line per check and counts the
// FAILs it wrote.
func TestCheckCountsFailures(t *testing.T) {
	t.Parallel() // its own program and lab on kernel-chosen ports
	var out bytes.Buffer
	failed, err := Check(testCtx(t), &out, "echo-server", check.Config{Argv: seed(t, "echo_once.py", "0"), Limit: 5 * time.Second}, Text)
	if err != nil {
		t.Fatal(err)
	}
	fails := strings.Count(out.String(), "FAIL  ")
	if failed == 0 || failed != fails || strings.Count(out.String(), "PASS  ") == 0 {
		t.Errorf("failed %d, %d FAIL lines; want the once-only server to pass some checks and fail some:\n%s", failed, fails, out.String())
	}
}
