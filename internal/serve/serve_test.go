package serve

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
)

// screen is one output that the banner and the trace share, as a terminal
// does; listening is closed once the banner's line is in.
type screen struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	once      sync.Once
	listening chan struct{}
	// atBanner runs as the banner is written (nil: nothing).
	atBanner func()
}

func newScreen() *screen { return &screen{listening: make(chan struct{})} }

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.atBanner != nil && strings.HasPrefix(string(p), "listening on ") {
		s.atBanner()
	}
	n, err := s.buf.Write(p)
	if strings.Contains(s.buf.String(), "listening on ") {
		s.once.Do(func() { close(s.listening) })
	}
	return n, err
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// addr is the address of the banner "listening on ADDR (…)".
func (s *screen) addr(t *testing.T) netip.AddrPort {
	t.Helper()
	f := strings.Fields(s.String()[strings.Index(s.String(), "listening on "):])
	a, err := netip.ParseAddrPort(f[2])
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func echoConfig(addr string) service.ServerConfig {
	return service.ServerConfig{Service: service.Echo, Addr: netip.MustParseAddrPort(addr), MaxClients: 8}
}

// TestBannerComesBeforeTheTrace: socket, bind and listen happen before
// "listening on" can be written, yet on the shared output the banner is
// the first line and their trace lines follow it, then the client's calls.
func TestBannerComesBeforeTheTrace(t *testing.T) {
	out := newScreen()
	tr := output.NewTrace(out, output.Text, 1024)
	// The trace's writer is a goroutine, so a trace released before the
	// banner may still be written after it; but it was then given lines
	// it had not written yet: Lost counts them.
	var pendingAtBanner uint64
	out.atBanner = func() { pendingAtBanner = tr.Lost() }
	var stderr bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, out, &stderr, Config{Server: echoConfig("127.0.0.1:0"), Trace: tr})
	}()
	<-out.listening
	c, err := service.Dial(ctx, sock.Tracer{}, service.Echo, out.addr(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Echo(ctx, []byte("hi\n")); err != nil || string(got) != "hi\n" {
		t.Fatalf("echo: %q, %v", got, err)
	}
	c.Close(ctx)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if pendingAtBanner != 0 {
		t.Errorf("%d trace lines were given to the writer before the banner was written", pendingAtBanner)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if !strings.HasPrefix(lines[0], "listening on 127.0.0.1:") || !strings.HasSuffix(lines[0], "(echo server, concurrent)") {
		t.Fatalf("first line %q, want the banner:\n%s", lines[0], out.String())
	}
	at := func(call string) int {
		for i, l := range lines {
			if strings.Contains(l, call) {
				return i
			}
		}
		t.Errorf("no %s line in:\n%s", call, out.String())
		return -1
	}
	if s, b, l, a, r := at("socket("), at("bind("), at("listen("), at("accept("), at("recv("); !(0 < s && s < b && b < l && l < a && a < r) {
		t.Errorf("socket %d, bind %d, listen %d, accept %d, recv %d: want them after the banner, in that order:\n%s", s, b, l, a, r, out.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %q, want nothing for a loopback server whose trace kept up", stderr.String())
	}
}

func TestQuietWritesOnlyTheBanner(t *testing.T) {
	out := newScreen()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, out, &bytes.Buffer{}, Config{Server: echoConfig("127.0.0.1:0")}) }()
	<-out.listening
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 1 {
		t.Errorf("quiet wrote %q, want the banner alone", out.String())
	}
}

func TestOpenPortIsWarned(t *testing.T) {
	out := newScreen()
	var stderr bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, out, &stderr, Config{Server: echoConfig("0.0.0.0:0")}) }()
	<-out.listening
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "is an open port") {
		t.Errorf("stderr %q, want the open-port warning for 0.0.0.0", stderr.String())
	}
}

// TestListenErrorDropsTheTraceFile: a server that cannot listen leaves no
// trace file (and any previous one as it was).
func TestListenErrorDropsTheTraceFile(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "trace")
	if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := output.CreateTrace("--trace-file", path, output.Text, 16)
	if err != nil {
		t.Fatal(err)
	}
	err = Run(context.Background(), &bytes.Buffer{}, &bytes.Buffer{}, Config{Server: echoConfig(ln.Addr().String()), Trace: tr})
	if err == nil {
		t.Fatal("listening on a port in use succeeded")
	}
	es, _ := os.ReadDir(dir)
	if b, _ := os.ReadFile(path); len(es) != 1 || string(b) != "previous" {
		t.Errorf("after a failed listen: %d files, the trace file %q; want the previous file alone", len(es), b)
	}
}
