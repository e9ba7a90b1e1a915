package client

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/socklab/socklab/netlab/service"
)

// server runs socklab's own server for service on loopback until the test
// ends.
func server(t *testing.T, svc string) netip.AddrPort {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := service.Listen(ctx, service.ServerConfig{Service: svc, Addr: netip.MustParseAddrPort("127.0.0.1:0")})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ctx) }()
	t.Cleanup(func() { cancel(); srv.Close(); <-done })
	return srv.Addr()
}

func TestREPLEcho(t *testing.T) {
	addr := server(t, service.Echo)
	var out, trace bytes.Buffer
	err := REPL(context.Background(), Config{Service: service.Echo, Addr: addr,
		In: strings.NewReader("hello\r\nworld\nquit\nnot sent\n"), Out: &out, Trace: &trace})
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello\nworld\n" {
		t.Errorf("replies %q, want the two lines before quit, each once (a CR of the input dropped)", out.String())
	}
	// The client's own calls, as the kernel answered them: its connect and
	// the sends of both lines; nothing of the line after quit.
	tr := trace.String()
	for _, want := range []string{"connect(", "send(", "close("} {
		if !strings.Contains(tr, want) {
			t.Errorf("trace has no %s line:\n%s", want, tr)
		}
	}
	if n := strings.Count(tr, "send("); n != 2 {
		t.Errorf("%d send lines in the trace, want 2 (quit is not sent):\n%s", n, tr)
	}
}

func TestREPLCalcPromptsOnATerminal(t *testing.T) {
	addr := server(t, service.Calc)
	var out bytes.Buffer
	err := REPL(context.Background(), Config{Service: service.Calc, Addr: addr,
		In: strings.NewReader("2+3*4\n2**10\n"), Out: &out, Prompt: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "calc> 14\ncalc> 1024\ncalc> "; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestREPLCalcQuitIsSentAndAnswered(t *testing.T) {
	addr := server(t, service.Calc)
	var out bytes.Buffer
	err := REPL(context.Background(), Config{Service: service.Calc, Addr: addr,
		In: strings.NewReader("1+1\nquit\n3+3\n"), Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "2\nbye\n" {
		t.Errorf("got %q, want the server's answers to 1+1 and quit, and nothing after", out.String())
	}
}

// signalWriter reports its first write on wrote.
type signalWriter struct {
	once  sync.Once
	wrote chan struct{}
	bytes.Buffer
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.wrote) })
	return w.Buffer.Write(p)
}

// TestREPLEndsOnCancelWhileWaiting: ctrl+c (the context) ends the client
// while it waits for a line that never comes.
func TestREPLEndsOnCancelWhileWaiting(t *testing.T) {
	addr := server(t, service.Echo)
	in, feed := io.Pipe()
	defer feed.Close() // ends the reader goroutine after the test
	out := &signalWriter{wrote: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- REPL(ctx, Config{Service: service.Echo, Addr: addr, In: in, Out: out, Prompt: true}) }()
	<-out.wrote // the prompt: it waits for the first line
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("cancelled while waiting: %v, want nil", err)
	}
}

func TestREPLReadErrorIsReturned(t *testing.T) {
	addr := server(t, service.Echo)
	// A last line without its newline, then the error: the reader hands
	// over the line, and while the loop sends it and waits for the echo,
	// the error and the end of the lines both come. The loop must return
	// the error whichever of the two it sees first (it lost it once in a
	// suite series of 20; here, half the time).
	for range 20 {
		in := io.MultiReader(strings.NewReader("last line"), iotest.ErrReader(io.ErrUnexpectedEOF))
		err := REPL(context.Background(), Config{Service: service.Echo, Addr: addr, In: in, Out: io.Discard})
		if err != io.ErrUnexpectedEOF {
			t.Fatalf("got %v, want the reader's error", err)
		}
	}
}

// TestREPLServerClosesBeforeReplying: a server that takes the request and
// closes is one plain error, not an errno the student has to decode.
func TestREPLServerClosesBeforeReplying(t *testing.T) {
	for _, svc := range []string{service.Echo, service.Calc} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		accepted := make(chan struct{})
		go func() {
			defer close(accepted)
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Read(make([]byte, 100))
			c.Close()
		}()
		err = REPL(context.Background(), Config{Service: svc, Addr: netip.MustParseAddrPort(ln.Addr().String()),
			In: strings.NewReader("2+2\n"), Out: io.Discard})
		ln.Close()
		<-accepted
		if err == nil || !strings.Contains(err.Error(), "the server closed the connection before replying") {
			t.Errorf("%s: got %v, want the server closed the connection before replying", svc, err)
		}
	}
}
