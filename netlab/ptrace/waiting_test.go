//go:build linux && (amd64 || arm64)

package ptrace

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/testpython"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
)

// startWaiting starts a Python test program traced (a file of
// testdata/programs, or an absolute path) with the port 0 and args and returns it and its
// listening address.
func startWaiting(t *testing.T, name string, args ...string) (*Program, netip.AddrPort) {
	t.Helper()
	seq := sock.NewSequencer(&collector{})
	listening := make(chan netip.AddrPort, 4)
	if !filepath.IsAbs(name) {
		name = filepath.Join(programs(t), name)
	}
	p, err := Start(Config{Argv: testpython.Argv(t, append([]string{name, "0"}, args...)...), Role: event.RoleServer,
		Tracer:   func(r event.Role) sock.Tracer { return seq.Tracer("program", r) },
		OnListen: func(a netip.AddrPort) { listening <- a }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(time.Second) })
	if why := p.Refused(); why != "" {
		t.Fatalf("tracing refused on this machine: %s", why)
	}
	select {
	case a := <-listening:
		return p, a
	case <-p.Done():
		t.Fatal("the program ended before it listened")
	}
	return nil, netip.AddrPort{}
}

// waitingWithin polls p.Waiting(d) until it says yes or limit passes.
func waitingWithin(p *Program, d, limit time.Duration) ([]string, bool) {
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if calls, ok := p.Waiting(d); ok {
			return calls, true
		}
	}
	return nil, false
}

// withClient starts the program as startWaiting does and connects one
// client to it, closed when the test ends; the client sends nothing.
func withClient(t *testing.T, name string, args ...string) *Program {
	t.Helper()
	p, addr := startWaiting(t, name, args...)
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return p
}

// script writes a Python program to a file of the test's own and returns
// its path.
func script(t *testing.T, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantWaitingInRecv waits until p only waits, in the recvfrom on its one
// client's connection (fd 4).
func wantWaitingInRecv(t *testing.T, p *Program) {
	t.Helper()
	calls, ok := waitingWithin(p, 50*time.Millisecond, 30*time.Second)
	if !ok || len(calls) != 1 || !strings.HasPrefix(calls[0], "recvfrom(4, 1024") {
		t.Fatalf("waiting %v with %q, want the recvfrom on the client's connection", ok, calls)
	}
}

// A single-threaded server in a recv() with nothing to take waits for its
// peer alone: Waiting says so, and names the call. In accept() it does
// not: a client's connect would end that.
func TestWaitingOnlyInARecvWithNothingToTake(t *testing.T) {
	t.Parallel()
	p, addr := startWaiting(t, "echo_silent.py")
	if calls, ok := waitingWithin(p, 50*time.Millisecond, 300*time.Millisecond); ok {
		t.Fatalf("waiting while in accept: %q", calls)
	}
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	wantWaitingInRecv(t, p)
}

// A thread per client: while one thread receives, the main one is in
// accept(), so the program is not only waiting for its peers.
func TestWaitingNotWhileAThreadAccepts(t *testing.T) {
	t.Parallel()
	p := withClient(t, "echo_threads.py")
	if calls, ok := waitingWithin(p, 50*time.Millisecond, 500*time.Millisecond); ok {
		t.Fatalf("waiting with a thread in accept: %q", calls)
	}
}

// A thread outside any socket call (here asleep) may go on by itself: the
// program is not only waiting, though its other thread is in a recv with
// nothing to take.
func TestWaitingNotWhileAThreadIsElsewhere(t *testing.T) {
	t.Parallel()
	p := withClient(t, script(t, "sleeper.py", `import socket, sys, threading, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
print("port", s.getsockname()[1], flush=True)
c, _ = s.accept()
threading.Thread(target=lambda: c.recv(1024), daemon=True).start()
time.sleep(60)
`))
	if calls, ok := waitingWithin(p, 50*time.Millisecond, 500*time.Millisecond); ok {
		t.Fatalf("waiting with a thread asleep: %q", calls)
	}
}

// A program whose execve runs on a thread other than the first: that
// thread takes the process's id, and its own id ends without an exit
// report (ptrace(2), "execve(2) under ptrace"). Kept as a thread of the
// program, it left Waiting counting two threads where one runs. Go's
// runtime may run socklab's own launcher on such a thread too.
func TestWaitingAfterAnExecFromASecondThread(t *testing.T) {
	t.Parallel()
	src := `import os, sys, threading
silent = sys.argv[2]
threading.Thread(target=lambda: os.execv(sys.executable, [sys.executable, "-S", silent, sys.argv[1]])).start()
threading.Event().wait()
`
	wantWaitingInRecv(t, withClient(t, script(t, "exec_from_thread.py", src), filepath.Join(programs(t), "echo_silent.py")))
}
