//go:build linux && (amd64 || arm64)

package ptrace

import (
	"io"
	"net"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/testpython"
	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// TestStateReadLateIsStampedLate: the tracer reads a call's state at its
// exit stop, and on a busy machine it may ask the kernel well after the
// call returned. Here the client, having read the second echo, closes
// only once the tracer holds the server at the second sendto's exit
// stop, and the state read waits for that close: the state is
// CLOSE_WAIT, caused by a FIN sent after the call returned, so StateAt
// must be after that close (a trace draws the state below the segments
// captured before StateAt). Stamped before the read, as it was, the FIN
// was drawn below the CLOSE_WAIT (TestE2ERunPythonEchoServer, one run in
// a few under load).
func TestStateReadLateIsStampedLate(t *testing.T) {
	t.Parallel()
	atStop := make(chan struct{}, 1)
	closed := make(chan time.Time, 1)
	var closedAt time.Time
	sends := 0
	cfg := Config{Argv: testpython.Argv(t, filepath.Join(programs(t), "echo_server.py"), "0", "1")}
	cfg.beforeStateRead = func(op event.Op) { // the tracer's goroutine
		if op != event.OpSend {
			return
		}
		if sends++; sends == 2 {
			atStop <- struct{}{}
			select {
			case closedAt = <-closed:
			case <-time.After(20 * time.Second):
			}
		}
	}
	client := func(a netip.AddrPort) {
		c, err := net.Dial("tcp", a.String())
		if err != nil {
			t.Error(err)
			return
		}
		for _, l := range []string{"hello\n", "world\n"} {
			buf := make([]byte, len(l))
			if _, err := c.Write([]byte(l)); err != nil {
				t.Error(err)
			}
			if _, err := io.ReadFull(c, buf); err != nil {
				t.Errorf("echo of %q: %v", l, err)
			}
		}
		// The FIN is sent only once the tracer holds the program at the
		// second send's exit stop: it then comes between the call's
		// return and the state read, whatever the scheduler does.
		select {
		case <-atStop:
		case <-time.After(20 * time.Second):
			t.Error("the tracer never reached the second send's exit stop")
		}
		defer c.Close()
		tc := c.(*net.TCPConn)
		if err := tc.CloseWrite(); err != nil {
			t.Error(err)
		}
		// The server's kernel has taken the FIN (its socket is in
		// CLOSE_WAIT) once it has acknowledged it: this side is then in
		// FIN_WAIT2. The return of shutdown() does not say so: on a
		// loaded machine loopback's receive work can wait for
		// ksoftirqd, and the state read then found ESTABLISHED (one
		// run in twenty of the suite).
		waitFinAcked(t, tc)
		closed <- time.Now()
	}
	ev := traceServerWith(t, cfg, client)
	n := 0
	for _, e := range ev {
		if e.Kind != event.KindCall || e.Op != event.OpSend {
			continue
		}
		if n++; n != 2 {
			continue
		}
		if e.State != event.StateCloseWait || closedAt.IsZero() {
			t.Fatalf("the second send's state %v (client closed at %v): the read did not wait for the FIN", e.State, closedAt)
		}
		if !e.StateAt.After(closedAt) {
			t.Fatalf("%s: CLOSE_WAIT stamped %v, before the client's close returned at %v", e, e.StateAt, closedAt)
		}
		return
	}
	t.Fatalf("%d sends traced, want 2", n)
}

// waitFinAcked waits until c, which has sent its FIN, is in FIN_WAIT2:
// the peer's kernel acknowledged the FIN.
func waitFinAcked(t *testing.T, c *net.TCPConn) {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Error(err)
		return
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		var state uint8
		if err := rc.Control(func(fd uintptr) {
			if info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO); err == nil {
				state = info.State
			}
		}); err != nil {
			t.Error(err)
			return
		}
		if state == unix.BPF_TCP_FIN_WAIT2 {
			return
		}
	}
	t.Error("the server's kernel did not acknowledge the client's FIN within 10 s")
}
