//go:build unix

package service

import (
	"bufio"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/sock"
)

// connPair is a connected TCP pair: the server's accepted socket and the
// client's.
func connPair(t *testing.T) (conn, client *sock.Socket) {
	t.Helper()
	ctx := context.Background()
	ls, err := sock.Open(ctx, sock.Tracer{}, sock.IPv4, sock.Stream)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close(ctx) })
	if err := ls.Bind(ctx, loop4); err != nil {
		t.Fatal(err)
	}
	if err := ls.Listen(ctx, 1); err != nil {
		t.Fatal(err)
	}
	client, err = sock.Open(ctx, sock.Tracer{}, sock.IPv4, sock.Stream)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(ctx) })
	if err := client.Connect(ctx, ls.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	if conn, err = ls.Accept(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return conn, client
}

// TestIdleSinceAsksTheKernel: a fired idle deadline means idle only when
// the client's last request is a whole timeout old and nothing it sent
// waits in the kernel's receive queue (a request that arrived while the
// server's goroutine waited for a CPU is not idleness).
func TestIdleSinceAsksTheKernel(t *testing.T) {
	t.Parallel()
	const idle = time.Second
	s := &Server{cfg: ServerConfig{IdleTimeout: idle}}
	conn, client := connPair(t)
	var armed time.Time
	if !s.idleSince(conn, time.Now().Add(-2*idle), &armed) {
		t.Fatal("a client silent for two timeouts, nothing queued: not called idle")
	}
	if s.idleSince(conn, time.Now().Add(-idle/2), &armed) {
		t.Fatal("a client heard half a timeout ago was called idle")
	}
	if armed.IsZero() {
		t.Fatal("the deadline for the rest of the timeout was not set again")
	}
	if _, err := client.Send(context.Background(), []byte("1+1\n")); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if q, _ := conn.Readable(); q > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the request never reached the server's receive queue")
		}
	}
	if s.idleSince(conn, time.Now().Add(-2*idle), &armed) {
		t.Fatal("a client whose request waits in the receive queue was called idle")
	}
}

// TestIdleCloseNeverEarly: the server re-arms its idle deadline at most
// every sixteenth of the timeout, so a request right after one arming left
// the deadline a little short of a whole timeout after it. The client must
// still have been silent for the whole timeout when it is told "idle".
func TestIdleCloseNeverEarly(t *testing.T) {
	t.Parallel()
	const idle = 1600 * time.Millisecond // a sixteenth: 100 ms
	for _, svc := range []string{Echo, Calc} {
		t.Run(svc, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, ServerConfig{Service: svc, IdleTimeout: idle})
			c := dialStd(t, srv.Addr())
			r := bufio.NewReader(c)
			var last time.Time
			for i := range 2 { // the second 50 ms on: inside the sixteenth after the first's arming
				if i > 0 {
					time.Sleep(50 * time.Millisecond)
				}
				// Taken before the write: the server can read the request
				// before this goroutine runs again after write(2) (by 13 ms
				// under -race on a loaded machine), never before it began.
				last = time.Now()
				fmt.Fprint(c, "1\n")
				if l, err := r.ReadString('\n'); err != nil || l != map[string]string{Echo: "1\n", Calc: "1\n"}[svc] {
					t.Fatalf("request %d: %q, %v", i+1, l, err)
				}
			}
			for {
				if _, err := r.ReadByte(); err != nil {
					break
				}
			}
			if silent := time.Since(last); silent < idle {
				t.Errorf("closed as idle %v after the client began its last request, before the %v timeout", silent.Round(time.Millisecond), idle)
			}
		})
	}
}
