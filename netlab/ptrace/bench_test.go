//go:build linux && (amd64 || arm64)

package ptrace

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/socklab/socklab/internal/testpython"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
)

// discard is a sink that keeps nothing: the benchmark pays for building
// and ordering the events, not for printing them.
type discard struct{}

func (discard) Emit(event.Event) {}

// BenchmarkPythonEchoRoundTrip: one echo round trip of a Python server,
// untraced and traced (4 socket calls per trip stop it: recvfrom and
// sendto, each at entry and exit, plus the state reads).
func BenchmarkPythonEchoRoundTrip(b *testing.B) {
	py := testpython.Path(b)
	server, _ := filepath.Abs("../../testdata/programs/echo_server.py")
	b.Run("untraced", func(b *testing.B) {
		cmd := exec.Command(py, server, "0", "1")
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		var port uint16
		fmt.Sscanf(line, "port %d", &port)
		roundTrips(b, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port))
		cmd.Wait()
	})
	b.Run("traced", func(b *testing.B) {
		seq := sock.NewSequencer(discard{})
		addrs := make(chan netip.AddrPort, 1)
		p, err := Start(Config{Argv: []string{py, server, "0", "1"}, Role: event.RoleServer,
			Tracer:   func(r event.Role) sock.Tracer { return seq.Tracer("program", r) },
			OnListen: func(a netip.AddrPort) { addrs <- a }})
		if err != nil {
			b.Fatal(err)
		}
		roundTrips(b, <-addrs)
		p.Wait()
	})
}

func roundTrips(b *testing.B, addr netip.AddrPort) {
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg, buf := []byte("ping\n"), make([]byte, 5)
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNoSocketProgram: a whole run of a program that makes no socket
// call (busy.py), untraced and traced. The filter lets all its calls
// through, except the reads of Python's own modules (fds above 2): those
// stop, are found not to be sockets, and go on.
func BenchmarkNoSocketProgram(b *testing.B) {
	py := testpython.Path(b)
	busy, _ := filepath.Abs("../../testdata/programs/busy.py")
	b.Run("untraced", func(b *testing.B) {
		for b.Loop() {
			if err := exec.Command(py, busy).Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("traced", func(b *testing.B) {
		var stops uint64
		for b.Loop() {
			p, err := Start(Config{Argv: []string{py, busy}, Tracer: func(r event.Role) sock.Tracer { return sock.Tracer{} }})
			if err != nil {
				b.Fatal(err)
			}
			if ex, err := p.Wait(); err != nil || ex.Code != 0 {
				b.Fatal(ex, err)
			}
			stops += p.Stops()
		}
		b.ReportMetric(float64(stops)/float64(b.N), "stops/op")
	})
}
