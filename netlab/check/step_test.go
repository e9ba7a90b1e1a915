//go:build linux && (amd64 || arm64)

package check

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
)

// TestStepModePausesTheProgramBeforeAccept is the issue's step-mode "done
// when": with the student's program held before accept() enters the
// kernel, the kernel has already completed the client's handshake and ss
// shows the connection ESTABLISHED, waiting in the listener's accept queue.
func TestStepModePausesTheProgramBeforeAccept(t *testing.T) {
	t.Parallel() // its own program on a kernel-chosen port
	if _, err := exec.LookPath("ss"); err != nil {
		t.Skip("no ss")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := StartSession(ctx, SessionConfig{Argv: append(program(t, "echo_server.py"), "1"), Role: event.RoleServer, Step: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop(time.Second)
	// Step every call until the one waiting at the gate is accept.
	for {
		var pending []sock.Call
		for len(pending) == 0 {
			if ctx.Err() != nil {
				t.Fatal("no call reached the gate")
			}
			select {
			case <-s.Prog.Done(): // a program that could not start: say so now, not in a minute
				t.Fatalf("the program ended before it reached accept:\n%s", s.Output())
			default:
			}
			pending = s.Lab.Pending()
			if len(pending) == 0 {
				time.Sleep(5 * time.Millisecond)
			}
		}
		if pending[0].Op == event.OpAccept {
			break
		}
		s.Lab.Step()
	}
	addr, err := s.Listening(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	port := strconv.Itoa(int(addr.Port()))
	// The program has not accepted (it is held at the gate), yet the
	// connection is ESTABLISHED: the kernel did the handshake.
	out, err := exec.Command("ss", "-Htn", "state", "established", "( sport = :"+port+" )").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), c.LocalAddr().String()) {
		t.Fatalf("ss shows no ESTABLISHED connection from %s on port %s:\n%s", c.LocalAddr(), port, out)
	}
	// The listener's Recv-Q is its accept queue: one connection waiting.
	out, err = exec.Command("ss", "-Hltn", "( sport = :"+port+" )").Output()
	if err != nil {
		t.Fatal(err)
	}
	if f := strings.Fields(string(out)); len(f) < 2 || f[1] != "1" {
		t.Fatalf("listener's accept queue: %q, want Recv-Q 1", out)
	}
	for _, e := range s.Lab.Log.Events() {
		if e.Actor == "program" && e.Kind == event.KindCall && e.Op == event.OpAccept {
			t.Fatalf("accept returned while held at the gate: %s", e)
		}
	}
	// Let it run: accept returns the queued connection.
	s.Lab.SetStep(false)
	if _, err := c.Write([]byte("hi\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3)
	if _, err := c.Read(buf); err != nil || string(buf) != "hi\n" {
		t.Fatalf("echo after stepping: %q, %v", buf, err)
	}
}
