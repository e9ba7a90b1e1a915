package program

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// inOrder fails unless every want is in out, each after the one before.
func inOrder(t *testing.T, out string, wants ...string) {
	t.Helper()
	rest := out
	for _, w := range wants {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("no %q after the lines before it in the trace:\n%s", w, out)
		}
		rest = rest[i+len(w):]
	}
}

// TestTracePairServerAndClient: the seeds' exercise, both halves the
// student's own. The server listens on a port the kernel picks; the client
// is started only then, with {port} made that port, and both programs'
// calls are on one trace, cause before effect.
func TestTracePairServerAndClient(t *testing.T) {
	t.Parallel() // its own programs and lab on a kernel-chosen port
	var stdout, stderr bytes.Buffer
	cfg := Config{Argv: seed(t, "echo_server.py", "0", "1"), Client: seed(t, "echo_client.py", "{port}")}
	if err := Trace(testCtx(t), &stdout, &stderr, strings.NewReader(""), cfg, Text, 0); err != nil {
		t.Fatalf("%v\nstderr: %s\ntrace:\n%s", err, stderr.String(), stdout.String())
	}
	out := stdout.String()
	inOrder(t, out,
		"-- program 1 is the server: ",
		"program 1 listen(3, 1) = 0",
		"-- program 2 is the client, started once program 1 listened on 127.0.0.1:",
		"program 2 connect(3, 127.0.0.1:",
		"program 2 sendto(3, \"Hello, Server!\", 14",
		"program 1 recvfrom(4, 1024, 0) = 14",
		"program 1 sendto(4, \"Hello, Server!\", 14",
		"program 2 close(3) = 0",
		"program 1 recvfrom(4, 1024, 0) = 0",
		"program 1 -- ended: exit status 0")
	// The client's end follows its close; whether it comes before or
	// after the server's recv of 0 is the scheduler's choice (under load
	// the client had exited before the server's recv returned).
	inOrder(t, out, "program 2 close(3) = 0", "program 2 -- ended: exit status 0")
	if strings.Contains(out, "{port}") {
		t.Errorf("{port} was not replaced:\n%s", out)
	}
	inOrder(t, stderr.String(), "[program 1] port ", "[program 2] Received: Hello, Server!")
}

// TestTracePairStopsAServerThatWaitsForMore: a server serving client after
// client is still in accept when its client has ended; socklab stops it
// and says so, and that stop is not the run's failure.
func TestTracePairStopsAServerThatWaitsForMore(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	// The server serves clients forever (argv[2] 0): it never ends by
	// itself, so the grace it gets before socklab stops it can be short.
	cfg := Config{Argv: seed(t, "echo_server.py", "0", "0"), Client: seed(t, "echo_client.py", "{port}"), serverGrace: 100 * time.Millisecond}
	if err := Trace(testCtx(t), &stdout, &stderr, strings.NewReader(""), cfg, Text, 0); err != nil {
		t.Fatalf("%v\nstderr: %s\ntrace:\n%s", err, stderr.String(), stdout.String())
	}
	inOrder(t, stdout.String(), "program 2 -- ended: exit status 0",
		"program 1 -- ended: still running after program 2 ended; socklab stopped it: ")
}

// TestTracePairFailures: a client that fails, and a server that never
// listens (so no client is started), are the run's errors, named.
func TestTracePairFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name           string
		server, client []string
		want           string
	}{
		{"client fails", seed(t, "echo_server.py", "0", "1"), []string{"/bin/sh", "-c", "exit 3"}, "program 2 ended with exit status 3"},
		{"server never listens", []string{"/bin/true"}, seed(t, "echo_client.py", "{port}"), "program 2 was not started: the program ended (exit status 0) without calling listen()"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			// Neither server is ever served a client, so neither ends by
			// itself (or it has already): a short grace before the stop.
			cfg := Config{Argv: tc.server, Client: tc.client, serverGrace: 100 * time.Millisecond}
			err := Trace(testCtx(t), &stdout, &stderr, strings.NewReader(""), cfg, Text, 0)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q\ntrace:\n%s", err, tc.want, stdout.String())
			}
		})
	}
}
