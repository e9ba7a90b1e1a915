//go:build unix

package bench

import (
	"bufio"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// full reports whether the reliability suite runs at full size: not under
// -short and not under -race.
func full() bool { return !testing.Short() && !raceEnabled }

// openFDs counts this process's open file descriptors.
func openFDs(t testing.TB) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// needFDs makes sure the process may open n more descriptors, raising the
// soft limit to the hard one if it must (Go already does so at start-up on
// Linux; this says clearly what is wrong where it cannot).
func needFDs(t testing.TB, n int) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	want := uint64(openFDs(t) + n)
	if lim.Cur >= want {
		return
	}
	if lim.Max >= want {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil {
			return
		}
	}
	t.Fatalf("this test needs %d open files and RLIMIT_NOFILE allows %d (hard %d): raise it with ulimit -n", want, lim.Cur, lim.Max)
}

// waitFor polls cond until it holds or the generous limit passes. It is not
// a timing assertion: the limit only keeps a broken server from hanging the
// suite.
func waitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after %s: %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// dialCalc connects a plain net client to a calculator.
func dialCalc(t testing.TB, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	return c, bufio.NewReader(c)
}

// ask sends one line and returns the reply line without its newline.
func ask(t testing.TB, c net.Conn, rd *bufio.Reader, line string) string {
	t.Helper()
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		t.Fatalf("send %q: %v", line, err)
	}
	reply, err := rd.ReadString('\n')
	if err != nil {
		t.Fatalf("reply to %q: %v", line, err)
	}
	return strings.TrimSuffix(reply, "\n")
}
