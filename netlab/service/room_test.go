package service

import (
	"bufio"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// dialFrom connects from a chosen loopback source (127.0.0.2, …): one
// machine stands for several students.
func dialFrom(t *testing.T, src string, addr netip.AddrPort) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	c, err := d.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c
}

// ask sends one calculator line and reads one reply line.
func ask(t *testing.T, c net.Conn, r *bufio.Reader, line string) string {
	t.Helper()
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		t.Fatal(err)
	}
	got, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("reply to %q: %v (got %q)", line, err, got)
	}
	return strings.TrimSuffix(got, "\n")
}

// told reads what a refused connection is told before the close.
func told(t *testing.T, c net.Conn) string {
	t.Helper()
	b, _ := io.ReadAll(c) // EOF after the line
	return string(b)
}

func TestClassPerStudentCapAndRemove(t *testing.T) {
	t.Parallel()
	c := startClass(t, ClassConfig{Server: ServerConfig{Service: Calc, PerStudent: 3, MaxClients: 5}})
	var hog []net.Conn
	for range 3 {
		h := dialFrom(t, "127.0.0.2", c.Addr())
		if got := ask(t, h, bufio.NewReader(h), "1+1"); got != "2" {
			t.Fatalf("hog's own connection: %q", got)
		}
		hog = append(hog, h)
	}
	for range 3 {
		h := dialFrom(t, "127.0.0.2", c.Addr())
		if got := told(t, h); !strings.Contains(got, "error: you already have 3 connections open") {
			t.Fatalf("a hog's 4th+ connection was told %q", got)
		}
	}
	// The hog's refusals took no place of the room's: two students still fit.
	for _, src := range []string{"127.0.0.3", "127.0.0.4"} {
		s := dialFrom(t, src, c.Addr())
		if got := ask(t, s, bufio.NewReader(s), "6*7"); got != "42" {
			t.Fatalf("student %s: %q", src, got)
		}
	}
	snap := waitSnap(t, c, "three per-student refusals", func(s ClassSnapshot) bool {
		return s.RefusedBy[RefusePerStudent] == 3 && s.Connected == 5
	})
	if snap.PerStudent != 3 || snap.RefusedBy[RefuseBusy] != 0 {
		t.Errorf("snapshot: per-student %d, refused %v", snap.PerStudent, snap.RefusedBy)
	}

	if n := c.Remove(netip.MustParseAddr("127.0.0.2"), true); n != 3 {
		t.Fatalf("Remove closed %d connections, want the hog's 3", n)
	}
	for _, h := range hog {
		if _, err := h.Read(make([]byte, 1)); err == nil {
			t.Fatal("a removed connection is still open")
		}
	}
	snap = waitSnap(t, c, "the hog's lanes ended as removed", func(s ClassSnapshot) bool {
		n := 0
		for _, l := range s.Lanes {
			if l.Remote.Addr() == netip.MustParseAddr("127.0.0.2") && !l.Open() && l.Why == "removed by the instructor" {
				n++
			}
		}
		return n == 3 && s.Connected == 2
	})
	if len(snap.Banned) != 1 || snap.Banned[0] != netip.MustParseAddr("127.0.0.2") {
		t.Errorf("banned: %v", snap.Banned)
	}
	back := dialFrom(t, "127.0.0.2", c.Addr())
	if got := told(t, back); !strings.Contains(got, "error: you were removed from this session") {
		t.Fatalf("the removed student coming back was told %q", got)
	}
	waitSnap(t, c, "the refusal of the removed student", func(s ClassSnapshot) bool { return s.RefusedBy[RefuseRemoved] == 1 })
}

// TestServePerStudentRemoveWithoutBan: without ban the student may come
// back; IPv4-mapped sources count as their IPv4 address.
func TestServerRemoveWithoutBan(t *testing.T) {
	t.Parallel()
	c := startClass(t, ClassConfig{Server: ServerConfig{Service: Calc, PerStudent: 1}})
	a := dialFrom(t, "127.0.0.5", c.Addr())
	ask(t, a, bufio.NewReader(a), "1")
	if n := c.Remove(netip.MustParseAddr("::ffff:127.0.0.5"), false); n != 1 {
		t.Fatalf("Remove by the mapped address closed %d", n)
	}
	waitSnap(t, c, "the removal", func(s ClassSnapshot) bool { return s.Connected == 0 })
	b := dialFrom(t, "127.0.0.5", c.Addr())
	if got := ask(t, b, bufio.NewReader(b), "2+2"); got != "4" {
		t.Fatalf("after a removal without ban: %q", got)
	}
}

// TestClassTallies: a student's session totals outlive their lanes: two
// connections, five requests, one error, one closed by the student.
func TestClassTallies(t *testing.T) {
	t.Parallel()
	c := startClass(t, ClassConfig{Server: ServerConfig{Service: Calc}, Linger: 100 * time.Millisecond})
	a := dialFrom(t, "127.0.0.7", c.Addr())
	ra := bufio.NewReader(a)
	for _, q := range []string{"1+1", "2+2", "1/0"} {
		ask(t, a, ra, q)
	}
	a.Close()
	b := dialFrom(t, "127.0.0.7", c.Addr())
	rb := bufio.NewReader(b)
	ask(t, b, rb, "3+3")
	ask(t, b, rb, "4+4")
	s := waitSnap(t, c, "the first connection's lane dropped, its tally kept", func(s ClassSnapshot) bool {
		return len(s.Lanes) == 1 && len(s.Tallies) == 1 && s.Tallies[0].ClosedClean == 1
	})
	got := s.Tallies[0]
	if got.Addr != netip.MustParseAddr("127.0.0.7") || got.Connections != 2 || got.Open != 1 || got.Requests != 5 || got.Errors != 1 {
		t.Fatalf("tally %+v: want 2 connections (1 open), 5 requests, 1 error", got)
	}
	if got.BytesIn != uint64(len("1+1\n2+2\n1/0\n3+3\n4+4\n")) || got.BytesOut == 0 {
		t.Fatalf("tally bytes: %+v", got)
	}
}
