package service

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/sock"
)

// TestReadLinePauseUnderADeadline: a reply with no newline is returned
// once the server has been silent for Pause, also when the caller's
// context has a deadline far away (that deadline used to replace the
// pause, and the read waited for it).
func TestReadLinePauseUnderADeadline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	held := make(chan struct{})
	defer close(held)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Write([]byte("3.5")) // the tutorial's server: str(result), no newline
		<-held
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := Dial(ctx, sock.Tracer{}, Calc, ln.Addr().(*net.TCPAddr).AddrPort())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	c.Pause = 50 * time.Millisecond
	got := make(chan string, 1)
	go func() {
		line, err := c.ReadLine(ctx)
		if err != nil {
			line = "error: " + err.Error()
		}
		got <- line
	}()
	select {
	case line := <-got:
		if line != "3.5" {
			t.Fatalf("ReadLine = %q, want the partial reply", line)
		}
	case <-time.After(20 * time.Second): // the pause is 50 ms; the deadline a minute
		t.Fatal("ReadLine waited past its pause for the context's deadline")
	}
}
