package loadtest

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/serve"
	"github.com/socklab/socklab/netlab/bench"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
)

// TestOwnTracedServer: with no address, Run starts socklab's server, here
// traced to a file, and reports every client served and no wrong reply.
func TestOwnTracedServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace")
	var stdout, stderr bytes.Buffer
	cfg := bench.Config{Service: service.Echo, Clients: 2, Duration: 200 * time.Millisecond, Size: 16}
	if err := Run(context.Background(), &stdout, &stderr, cfg, Own{TraceFile: path}); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "wrong 0  lost 0  failed connects 0  clients served 2/2") {
		t.Errorf("report:\n%s", stdout.String())
	}
	trace, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(trace), "accept") || !strings.Contains(string(trace), "server") {
		t.Errorf("trace file (%v):\n%.500s", err, trace)
	}
	// Its states are read as socklab serve's are, and the trace says so:
	// 200 ms of round trips is far beyond a connection's burst of reads.
	lines := strings.Split(string(trace), "\n")
	if !strings.Contains(lines[0], serve.PaceText) {
		t.Errorf("first trace line %q, want the pace note", lines[0])
	}
	var data, stated int
	for _, l := range lines {
		if strings.Contains(l, " send(") && strings.Contains(l, ") = 16 ") {
			data++
			if strings.HasSuffix(l, " ESTABLISHED") {
				stated++
			}
		}
	}
	if data <= 2*sock.StatePaceBurst || stated >= data {
		t.Errorf("%d of %d sends of 16 bytes have a state; want some without", stated, data)
	}
}

func TestNobodyServedIsOneError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddrPort(ln.Addr().String())
	ln.Close() // nobody listens there now
	var stdout bytes.Buffer
	cfg := bench.Config{Service: service.Echo, Addr: addr, Clients: 1, Duration: 100 * time.Millisecond, Size: 16}
	err = Run(context.Background(), &stdout, &bytes.Buffer{}, cfg, Own{})
	if err == nil || !strings.Contains(err.Error(), "no client was served") || stdout.Len() != 0 {
		t.Fatalf("got %v and report %q; want one error and no report of zeros", err, stdout.String())
	}
}

func TestBareIsEchoOnly(t *testing.T) {
	cfg := bench.Config{Service: service.Calc, Clients: 1, Duration: 100 * time.Millisecond, Size: 16}
	if err := Run(context.Background(), &bytes.Buffer{}, &bytes.Buffer{}, cfg, Own{Bare: true}); err == nil || !strings.Contains(err.Error(), "--bare is an echo server") {
		t.Fatalf("got %v", err)
	}
}
