package service

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

func TestParseAllow(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"192.168.1.0/24", "192.168.1.0/24"},
		{"192.168.1.77/24", "192.168.1.0/24"}, // masked: the network, as typed loosely
		{"10.0.0.5", "10.0.0.5/32"},
		{"fd00::/8", "fd00::/8"},
		{"::1", "::1/128"},
		{"::ffff:10.0.0.0/104", "10.0.0.0/8"},
	} {
		p, err := ParseAllow(tc.in)
		if err != nil || p.String() != tc.want {
			t.Errorf("ParseAllow(%q) = %v, %v; want %s", tc.in, p, err, tc.want)
		}
	}
	for _, bad := range []string{"", "10.0.0.0/33", "example.com", "fe80::1%eth0", "::ffff:0.0.0.0/64"} {
		if _, err := ParseAllow(bad); err == nil {
			t.Errorf("ParseAllow(%q) accepted", bad)
		}
	}
}

func TestAllowList(t *testing.T) {
	var all AllowList
	if !all.Allows(netip.MustParseAddr("203.0.113.9")) {
		t.Fatal("an empty list must allow everyone")
	}
	l := AllowList{netip.MustParsePrefix("10.77.0.0/24"), netip.MustParsePrefix("fd00::/8")}
	for addr, want := range map[string]bool{
		"10.77.0.11":        true,
		"10.77.0.255":       true,
		"10.77.1.11":        false,
		"10.78.0.5":         false,
		"::ffff:10.77.0.12": true, // an IPv4 client of a dual-stack listener
		"fd12::1":           true,
		"2001:db8::1":       false,
		"127.0.0.1":         false,
	} {
		if got := l.Allows(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Allows(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestBucket(t *testing.T) {
	t0 := time.Unix(1000, 0)
	b := NewBucket(20, 20, t0)
	n := 0
	for b.Allow(t0) {
		n++
	}
	if n != 20 {
		t.Fatalf("a full bucket allowed %d at once, want the burst of 20", n)
	}
	// 50 ms later one token has come back (20 a second), not two.
	if !b.Allow(t0.Add(50*time.Millisecond)) || b.Allow(t0.Add(50*time.Millisecond)) {
		t.Fatal("want exactly one token after 50ms at 20/s")
	}
	// Never more than the burst, however long it rested.
	n = 0
	for b.Allow(t0.Add(time.Hour)) {
		n++
	}
	if n != 20 {
		t.Fatalf("after an hour's rest %d allowed, want 20", n)
	}
	// Reserve spaces requests 1/rate apart once the burst is spent.
	r := NewBucket(10, 1, t0)
	if d := r.Reserve(t0); d != 0 {
		t.Fatalf("first reserve waits %v", d)
	}
	for i := 1; i <= 3; i++ {
		want := time.Duration(i) * 100 * time.Millisecond
		if d := r.Reserve(t0); d < want-time.Millisecond || d > want+time.Millisecond {
			t.Fatalf("reserve %d waits %v, want %v", i, d, want)
		}
	}
}

// startClass runs a class server on a loopback port chosen by the kernel.
func startClass(t *testing.T, cfg ClassConfig) *Class {
	t.Helper()
	return startClassWith(t, cfg, nil)
}

// startClassWith is startClass with before run between listen and serve.
func startClassWith(t *testing.T, cfg ClassConfig, before func(*Class)) *Class {
	t.Helper()
	if !cfg.Server.Addr.IsValid() {
		cfg.Server.Addr = loop4
	}
	c, err := ListenClass(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(c)
	}
	done := make(chan error, 1)
	go func() { done <- c.Serve(context.Background()) }()
	t.Cleanup(func() {
		c.Close()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return c
}

// waitSnap takes snapshots until cond holds (10 s at most).
func waitSnap(t *testing.T, c *Class, what string, cond func(ClassSnapshot) bool) ClassSnapshot {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := c.Snapshot()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; last snapshot: %+v", what, s)
		}
		select {
		case <-c.Changed():
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func laneOf(s ClassSnapshot, remote netip.AddrPort) (Lane, bool) {
	for _, l := range s.Lanes {
		if l.Remote == remote {
			return l, true
		}
	}
	return Lane{}, false
}

func TestClassLanes(t *testing.T) {
	t.Parallel()
	c := startClass(t, ClassConfig{Server: ServerConfig{Service: Calc}, Linger: 300 * time.Millisecond})
	conns := askLaneRequests(t, c, 3)
	// The server counts a request, its reply and the bytes sent at
	// different moments (the bytes after the send the client has already
	// read), so the test waits until every lane says it all (on timeout,
	// the last snapshot shows what was still wrong).
	s := waitSnap(t, c, "three lanes with their requests, replies and bytes", func(s ClassSnapshot) bool {
		return s.Connected == 3 && s.Requests == 6 && lanesWrong(s, conns, c.Addr()) == nil
	})
	if s.Total != 3 || s.States[event.StateEstablished] != 3 || s.Lanes[0].ID != 1 || s.Lanes[2].ID != 3 {
		t.Errorf("summary: total %d, states %v", s.Total, s.States)
	}
	if !s.Queue.Valid || s.Queue.Len != 0 || s.Queue.Max <= 0 {
		t.Errorf("accept queue: %+v", s.Queue)
	}
	checkLaneLeaves(t, c, conns[1])
}

// askLaneRequests connects n clients to the class, then client i (from 0) asks
// i+1 products, "i+1*j+10" for j from 0 to i, reading each answer.
func askLaneRequests(t *testing.T, c *Class, n int) []net.Conn {
	t.Helper()
	var conns []net.Conn
	for range n {
		conns = append(conns, dialStd(t, c.Addr()))
	}
	for i, cn := range conns {
		rd := bufio.NewReader(cn)
		for j := 0; j <= i; j++ {
			fmt.Fprintf(cn, "%d*%d\n", i+1, j+10)
			if _, err := rd.ReadString('\n'); err != nil {
				t.Fatal(err)
			}
		}
	}
	return conns
}

// lanesWrong says what a snapshot's lanes do not yet say about the
// clients of askLaneRequests, or nil when each lane says it all.
func lanesWrong(s ClassSnapshot, conns []net.Conn, server netip.AddrPort) error {
	for i, cn := range conns {
		// The lane's address is the client's own (its ephemeral port), as
		// the client's getsockname reports it.
		local := netip.MustParseAddrPort(cn.LocalAddr().String())
		l, ok := laneOf(s, local)
		if !ok {
			return fmt.Errorf("no lane for client %s in %+v", local, s.Lanes)
		}
		if err := laneWrong(l, i, server); err != nil {
			return fmt.Errorf("lane %s: %w", local, err)
		}
	}
	return nil
}

// laneWrong checks the lane of client i of askLaneRequests.
func laneWrong(l Lane, i int, server netip.AddrPort) error {
	if l.Requests != uint64(i+1) || l.State != event.StateEstablished || !l.Open() {
		return fmt.Errorf("%+v", l)
	}
	wantReq, wantReply := fmt.Sprintf("%d*%d", i+1, i+10), fmt.Sprint((i+1)*(i+10))
	if string(l.LastReq) != wantReq || string(l.LastReply) != wantReply {
		return fmt.Errorf("last %q → %q, want %q → %q", l.LastReq, l.LastReply, wantReq, wantReply)
	}
	if l.BytesIn == 0 || l.BytesOut == 0 || l.Local != server {
		return fmt.Errorf("bytes %d/%d, local %s", l.BytesIn, l.BytesOut, l.Local)
	}
	return nil
}

// checkLaneLeaves closes one student's connection: the lane says so,
// with a note of the departure, then goes after Linger.
func checkLaneLeaves(t *testing.T, c *Class, cn net.Conn) {
	t.Helper()
	leaving := netip.MustParseAddrPort(cn.LocalAddr().String())
	cn.Close()
	// The lane ends and the note of the departure is added at different
	// moments: wait for both.
	s := waitSnap(t, c, "the lane of the client that left to end, and a note of it", func(s ClassSnapshot) bool {
		l, ok := laneOf(s, leaving)
		return ok && !l.Open() && notedLeft(s, leaving)
	})
	l, _ := laneOf(s, leaving)
	if !strings.Contains(l.Why, "client closed") || s.Connected != 2 || s.NextExpiry.IsZero() {
		t.Errorf("ended lane: %+v (connected %d)", l, s.Connected)
	}
	waitSnap(t, c, "the ended lane to be dropped after Linger", func(s ClassSnapshot) bool {
		_, ok := laneOf(s, leaving)
		return !ok && len(s.Lanes) == 2
	})
}

// notedLeft says the snapshot's recent notes tell of remote's departure.
func notedLeft(s ClassSnapshot, remote netip.AddrPort) bool {
	for _, n := range s.Recent {
		if n.Kind == NoteLeft && n.Remote == remote {
			return true
		}
	}
	return false
}

func TestClassAllowRefuses(t *testing.T) {
	t.Parallel()
	c := startClass(t, ClassConfig{Server: ServerConfig{Service: Calc,
		Allow: AllowList{netip.MustParsePrefix("10.77.0.0/24")}}})
	cn := dialStd(t, c.Addr()) // the kernel completes the handshake: connect succeeds
	// The refused are told why where the protocol allows (issue 20): the
	// calculator's error line, then the close.
	b, _ := io.ReadAll(cn)
	if string(b) != "error: your address 127.0.0.1 is not admitted by this server (--allow)\n" {
		t.Fatalf("a refused client was told %q", b)
	}
	s := waitSnap(t, c, "the refusal", func(s ClassSnapshot) bool { return s.Refused == 1 })
	local := netip.MustParseAddrPort(cn.LocalAddr().String())
	if len(s.Lanes) != 0 || s.Total != 0 || s.Requests != 0 {
		t.Errorf("a refused client got a lane: %+v", s)
	}
	n := s.Recent[len(s.Recent)-1]
	if n.Kind != NoteRefused || n.Remote != local || n.Why != "not in --allow" {
		t.Errorf("refusal note: %+v, want from %s", n, local)
	}
}

func TestClassRateLimitCalc(t *testing.T) {
	t.Parallel()
	c := startClass(t, ClassConfig{Server: ServerConfig{Service: Calc, Rate: 5, Burst: 5}})
	loud := dialStd(t, c.Addr())
	quiet := dialStd(t, c.Addr())
	// 40 requests in one write: the first 5 (the burst) are evaluated, the
	// next is answered with an error, and the rest of that second get no
	// reply (error lines are limited too: issue 20), counted as dropped.
	var b strings.Builder
	for i := range 40 {
		fmt.Fprintf(&b, "%d+1\n", i)
	}
	if _, err := io.WriteString(loud, b.String()); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(loud)
	ok := 0
	for i := 0; ; i++ {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		if line == fmt.Sprintf("%d\n", i+1) {
			ok++
			continue
		}
		if !strings.HasPrefix(line, "error: rate limit: at most 5 requests a second per client") {
			t.Fatalf("reply %d: %q", i, line)
		}
		break
	}
	if ok < 5 || ok > 6 {
		t.Fatalf("%d answered; want the burst of 5 answered", ok)
	}
	limited := 40 - ok
	// The other student's bucket is full: answered at once.
	fmt.Fprintf(quiet, "6*7\n")
	if line, err := bufio.NewReader(quiet).ReadString('\n'); err != nil || line != "42\n" {
		t.Fatalf("quiet client: %q %v", line, err)
	}
	// quit is never limited. Before its bye come the error lines still
	// owed: one for the last over-limit request of each read, a second
	// apart, so a client waiting for its reply never hangs.
	fmt.Fprintf(loud, "quit\n")
	errLines := 1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("before bye: %v", err)
		}
		if line == "bye\n" {
			break
		}
		if !strings.HasPrefix(line, "error: rate limit") {
			t.Fatalf("before bye: %q", line)
		}
		errLines++
	}
	if errLines < 2 {
		t.Errorf("the last over-limit request of the batch was never answered")
	}
	s := waitSnap(t, c, "the limited count", func(s ClassSnapshot) bool {
		return s.Limited == uint64(limited) && s.Dropped == uint64(limited-errLines)
	})
	if l, _ := laneOf(s, netip.MustParseAddrPort(quiet.LocalAddr().String())); l.Limited != 0 || l.Requests != 1 {
		t.Errorf("quiet lane: %+v", l)
	}
}

func TestClassRateLimitEchoDelays(t *testing.T) {
	t.Parallel()
	// 5 a second: a token comes back 200 ms after it is spent, so a round
	// trip faster than that (any, even with the race detector beside other
	// tests; at 50 a second one run took over 20 ms each) is delayed.
	c := startClass(t, ClassConfig{Server: ServerConfig{Service: Echo, Rate: 5, Burst: 1}})
	cn := dialStd(t, c.Addr())
	// Each message waits for its echo, so each is one recv on the server.
	for i := range 5 {
		msg := fmt.Sprintf("message %d\n", i)
		io.WriteString(cn, msg)
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(cn, got); err != nil || string(got) != msg {
			t.Fatalf("echo %d: %q %v", i, got, err)
		}
	}
	s := waitSnap(t, c, "delayed echoes counted", func(s ClassSnapshot) bool { return s.Requests == 5 })
	if s.Limited == 0 {
		t.Fatalf("5 echoes at once with a burst of 1: none was delayed: %+v", s)
	}
}

func TestClassHoldAccept(t *testing.T) {
	t.Parallel()
	// Held before the server runs: a hold set while accept is already
	// blocked in the kernel applies from the next accept on (the first
	// student's arrival ends the blocked one), which is not this test.
	c := startClassWith(t, ClassConfig{Server: ServerConfig{Service: Calc}}, func(c *Class) { c.SetHeld(true) })
	waitSnap(t, c, "the server to wait at the hold", func(s ClassSnapshot) bool { return s.Hold.Held && s.Hold.AtGate })
	var conns []net.Conn
	for range 3 {
		// connect returns: the kernel finished the handshake without accept.
		conns = append(conns, dialStd(t, c.Addr()))
	}
	s := waitSnap(t, c, "three connections in the accept queue", func(s ClassSnapshot) bool { return s.Queue.Len == 3 })
	if len(s.Lanes) != 0 {
		t.Fatalf("lanes while accept is held: %+v", s.Lanes)
	}
	if !c.Release() {
		t.Fatal("release refused")
	}
	s = waitSnap(t, c, "one accept", func(s ClassSnapshot) bool { return len(s.Lanes) == 1 && s.Hold.AtGate })
	if s.Queue.Len != 2 {
		t.Errorf("queue after one accept: %+v", s.Queue)
	}
	// The first in the queue is the first accepted.
	if want := netip.MustParseAddrPort(conns[0].LocalAddr().String()); s.Lanes[0].Remote != want {
		t.Errorf("accepted %s first, want %s", s.Lanes[0].Remote, want)
	}
	c.SetHeld(false)
	waitSnap(t, c, "the rest accepted", func(s ClassSnapshot) bool { return len(s.Lanes) == 3 && s.Queue.Len == 0 })
}
