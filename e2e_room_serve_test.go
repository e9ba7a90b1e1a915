//go:build unix

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestE2EServePerStudent: the seeds' slow-client gap (issue 17) closed in
// serve by the room's cap: dribblers from one address hold at most
// --per-student connections, the next is told why, and another address is
// still served.
func TestE2EServePerStudent(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	port, _ := startServe(t, "calc", "127.0.0.1", "0", "--quiet", "--per-student", "3")
	addr := "127.0.0.1:" + port
	for i := range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		// A dribbler: a request begun and never finished keeps its slot
		// until the request timeout; it must not keep others' slots.
		fmt.Fprintf(c, "%d", i)
	}
	// accept takes connections in the order their handshakes finished, and
	// the dials above each returned before the next began.
	over, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	over.SetDeadline(time.Now().Add(10 * time.Second))
	b, _ := io.ReadAll(over)
	if !strings.Contains(string(b), "error: you already have 3 connections open (limit per student)") {
		t.Fatalf("a 4th connection from one address was told %q", b)
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
	other, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(other, "6*7\n")
	if line, err := bufio.NewReader(other).ReadString('\n'); err != nil || line != "42\n" {
		t.Fatalf("another address: %q %v", line, err)
	}
}
