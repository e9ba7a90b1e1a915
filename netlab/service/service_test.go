package service

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
)

// startServer runs a server on a kernel-chosen loopback port for one test.
func startServer(t *testing.T, cfg ServerConfig) *Server {
	return startServerWith(t, cfg, nil)
}

// startServerWith is startServer with setup run on the server before Serve
// starts (a test seam must be set before any connection is served).
func startServerWith(t *testing.T, cfg ServerConfig, setup func(*Server)) *Server {
	t.Helper()
	if !cfg.Addr.IsValid() {
		cfg.Addr = loop4
	}
	srv, err := Listen(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(srv)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(context.Background()) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return srv
}

// dialStd connects with package net: an independent client, not ours.
func dialStd(t *testing.T, addr netip.AddrPort) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr.String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c
}

func TestCalcAnswersInOrderPipelined(t *testing.T) {
	t.Parallel()
	srv := startServer(t, ServerConfig{Service: Calc})
	c := dialStd(t, srv.Addr())
	fmt.Fprint(c, "2+3*4\n2**100\n7/2\n1/0\n-3**2\nquit\n")
	r := bufio.NewReader(c)
	for _, want := range []string{"14", "1267650600228229401496703205376", "3.5", "error: division by zero", "-9", "bye"} {
		line, err := r.ReadString('\n')
		if err != nil || strings.TrimSuffix(line, "\n") != want {
			t.Fatalf("got %q, %v; want %q", line, err, want)
		}
	}
	if _, err := r.ReadByte(); err == nil {
		t.Fatal("connection still open after quit")
	}
}

func TestCalcNoNewlineAnsweredAfterPause(t *testing.T) {
	t.Parallel()
	srv := startServer(t, ServerConfig{Service: Calc, Pause: 20 * time.Millisecond})
	c := dialStd(t, srv.Addr())
	c.Write([]byte("2+3")) // the tutorial's client: expr.encode(), no newline
	buf := make([]byte, 1024)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "5\n" {
		t.Fatalf("got %q, %v", buf[:n], err)
	}
	c.Write([]byte("10//3"))
	n, _ = c.Read(buf)
	if string(buf[:n]) != "3\n" {
		t.Fatalf("second request got %q", buf[:n])
	}
}

func TestCalcOversizeLineKeepsConnection(t *testing.T) {
	t.Parallel()
	srv := startServer(t, ServerConfig{Service: Calc})
	c := dialStd(t, srv.Addr())
	go func() {
		c.Write([]byte(strings.Repeat("1+", 50000) + "1\n"))
		c.Write([]byte("6*7\n"))
	}()
	r := bufio.NewReader(c)
	line, _ := r.ReadString('\n')
	if !strings.HasPrefix(line, "error: request too long") {
		t.Fatalf("oversize line got %q", line)
	}
	line, _ = r.ReadString('\n')
	if line != "42\n" {
		t.Fatalf("next line got %q", line)
	}
}

func TestCalcBadInputsGetErrors(t *testing.T) {
	t.Parallel()
	srv := startServer(t, ServerConfig{Service: Calc})
	c := dialStd(t, srv.Addr())
	r := bufio.NewReader(c)
	for _, in := range []string{"\xff\xfe", "1+\x002", strings.Repeat("(", 500) + "1" + strings.Repeat(")", 500),
		"9**9**9", "__import__('os').system('ls')", "x", ")"} {
		fmt.Fprintf(c, "%s\n", in)
		line, err := r.ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "error: ") {
			t.Fatalf("%q got %q, %v", in, line, err)
		}
	}
	fmt.Fprint(c, "1+1\n")
	if line, _ := r.ReadString('\n'); line != "2\n" {
		t.Fatalf("after bad inputs got %q", line)
	}
}

func TestEchoBinarySafeAndNextClient(t *testing.T) {
	t.Parallel()
	srv := startServer(t, ServerConfig{Service: Echo, Sequential: true})
	payload := []byte("bytes \x00\xff\n and 😀")
	for i := range 2 { // a second client after the first leaves, same server
		c := dialStd(t, srv.Addr())
		c.Write(payload)
		got := make([]byte, len(payload))
		if _, err := io.ReadFull(c, got); err != nil || string(got) != string(payload) {
			t.Fatalf("client %d: got %q, %v", i+1, got, err)
		}
		c.Close()
	}
}

func TestConcurrentHundredClients(t *testing.T) {
	t.Parallel()
	srv := startServer(t, ServerConfig{Service: Calc})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := Dial(context.Background(), sock.Tracer{}, Calc, srv.Addr())
			if err != nil {
				errs <- err
				return
			}
			defer c.Close(context.Background())
			for j := range 20 {
				got, err := c.Calc(context.Background(), fmt.Sprintf("%d*%d", i, j))
				if err != nil || got != fmt.Sprint(i*j) {
					errs <- fmt.Errorf("client %d: %d*%d = %q, %v", i, i, j, got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// In sequential mode the second client is connected by the kernel (its
// handshake completes in the accept queue) but gets no answer until the
// first one leaves.
func TestSequentialServesOneAtATime(t *testing.T) {
	t.Parallel()
	srv := startServer(t, ServerConfig{Service: Calc})
	srv2 := startServer(t, ServerConfig{Service: Calc, Sequential: true})
	_ = srv
	a := dialStd(t, srv2.Addr())
	fmt.Fprint(a, "1+1\n")
	ra := bufio.NewReader(a)
	if l, _ := ra.ReadString('\n'); l != "2\n" {
		t.Fatalf("first client got %q", l)
	}
	b := dialStd(t, srv2.Addr())
	fmt.Fprint(b, "2+2\n")
	rb := bufio.NewReader(b)
	got := make(chan string, 1)
	go func() { l, _ := rb.ReadString('\n'); got <- l }()
	select {
	case l := <-got:
		t.Fatalf("second client answered (%q) while the first is still connected", l)
	case <-time.After(200 * time.Millisecond):
	}
	a.Close()
	if l := <-got; l != "4\n" {
		t.Fatalf("second client got %q after the first left", l)
	}
}

func TestAbruptDisconnectsDoNotHurtServer(t *testing.T) {
	t.Parallel()
	srv := startServer(t, ServerConfig{Service: Calc})
	for range 20 {
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte("1+"))
		c.(*net.TCPConn).SetLinger(0) // close with RST
		c.Close()
	}
	c := dialStd(t, srv.Addr())
	fmt.Fprint(c, "3*3\n")
	if l, _ := bufio.NewReader(c).ReadString('\n'); l != "9\n" {
		t.Fatalf("after resets got %q", l)
	}
}

func TestIdleTimeoutAndClientLimit(t *testing.T) {
	// Not parallel: the second client must arrive within the first's
	// 100 ms idle time.
	srv := startServer(t, ServerConfig{Service: Calc, IdleTimeout: 100 * time.Millisecond, MaxClients: 1})
	a := dialStd(t, srv.Addr())
	ra := bufio.NewReader(a)
	fmt.Fprint(a, "1\n")
	ra.ReadString('\n')
	b := dialStd(t, srv.Addr())
	if l, _ := bufio.NewReader(b).ReadString('\n'); !strings.HasPrefix(l, "error: server busy") {
		t.Fatalf("client over the limit got %q", l)
	}
	l, _ := ra.ReadString('\n')
	if !strings.Contains(l, "idle") {
		t.Fatalf("idle client got %q", l)
	}
	if _, err := ra.ReadByte(); err == nil {
		t.Fatal("idle client not closed")
	}
}

// The events carry what the kernel says: the server's port is the one
// getsockname reports to an independent observer (package net's client sees
// it as the remote port), and the accepted connection's remote port is the
// client's own local port.
func TestEventsCarryKernelAddresses(t *testing.T) {
	t.Parallel()
	log := event.NewLog(1000)
	srv := startServer(t, ServerConfig{Service: Echo, Tracer: sock.Tracer{Actor: "server", Sink: log}})
	c := dialStd(t, srv.Addr())
	c.Write([]byte("hi"))
	io.ReadFull(c, make([]byte, 2))
	clientLocal := netip.MustParseAddrPort(c.LocalAddr().String())
	var accept, listen event.Event
	for _, e := range log.Events() {
		switch {
		case e.Op == event.OpAccept && e.Kind == event.KindCall:
			accept = e
		case e.Op == event.OpListen:
			listen = e
		}
	}
	if listen.Local != srv.Addr() || listen.State != event.StateListen {
		t.Fatalf("listen event %+v", listen)
	}
	if accept.Remote != clientLocal || accept.Local != srv.Addr() {
		t.Fatalf("accept event remote %v local %v; client local %v server %v", accept.Remote, accept.Local, clientLocal, srv.Addr())
	}
}

// TestShuttingDownIsNotBusy: a connection the server accepts while it is
// shutting down is told so, not "server busy (limit N clients)", which
// sends a student to wait for a place that never frees.
func TestShuttingDownIsNotBusy(t *testing.T) {
	t.Parallel()
	srv := startServer(t, ServerConfig{Service: Calc, MaxClients: 100})
	// The moment between Close marking the server closed and closing its
	// listener, held open: the accept loop still takes connections.
	srv.mu.Lock()
	srv.closed = true
	srv.mu.Unlock()
	c := dialStd(t, srv.Addr())
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if l, _ := bufio.NewReader(c).ReadString('\n'); l != "error: server shutting down\n" {
		t.Fatalf("a client arriving as the server shuts down got %q", l)
	}
}
