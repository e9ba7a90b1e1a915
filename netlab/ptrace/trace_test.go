//go:build linux && (amd64 || arm64)

package ptrace

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/testpython"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	Launch() // the launcher of a traced program is this test binary
	if os.Getenv(goEchoEnv) == "1" {
		os.Exit(goEchoServer(os.Args[1:])) // and so is the Go program traced
	}
	// An fd the test's own parent left open (GNU time -o, a CI runner's
	// pipe) would be inherited by strace's program but not by socklab's,
	// whose launcher puts its report pipe on fd 3: the same program would
	// get other fd numbers under the oracle. Neither inherits any.
	_ = unix.CloseRange(3, math.MaxUint32, unix.CLOSE_RANGE_CLOEXEC)
	os.Exit(m.Run())
}

// collector keeps every event the sequencer releases.
type collector struct {
	mu sync.Mutex
	ev []event.Event
}

func (c *collector) Emit(e event.Event) {
	c.mu.Lock()
	c.ev = append(c.ev, e)
	c.mu.Unlock()
}

func (c *collector) events() []event.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]event.Event(nil), c.ev...)
}

func programs(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../testdata/programs")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func compileC(t *testing.T, src string) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("gcc is needed in CI")
		}
		t.Skip("no gcc")
	}
	bin := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(src), ".c"))
	if out, err := exec.Command("gcc", "-O1", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return bin
}

// talk connects to addr and sends each line, reading its echo whole.
func talk(t *testing.T, addr netip.AddrPort, lines ...string) {
	t.Helper()
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, l := range lines {
		if _, err := c.Write([]byte(l)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, len(l))
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatalf("echo of %q: %v", l, err)
		}
		if string(buf) != l {
			t.Fatalf("echo of %q: got %q", l, buf)
		}
	}
}

// traceServer runs argv (a server taking port 0 and one client) under the
// tracer, talks to it, waits for it to end and returns its events.
func traceServer(t *testing.T, argv []string, lines ...string) []event.Event {
	t.Helper()
	return traceServerWith(t, Config{Argv: argv}, func(a netip.AddrPort) { talk(t, a, lines...) })
}

// traceServerWith is traceServer with cfg's other fields and client as
// the client.
func traceServerWith(t *testing.T, cfg Config, client func(netip.AddrPort)) []event.Event {
	t.Helper()
	col := &collector{}
	seq := sock.NewSequencer(col)
	listening := make(chan netip.AddrPort, 4)
	cfg.Role = event.RoleServer
	cfg.Tracer = func(r event.Role) sock.Tracer { return seq.Tracer("program", r) }
	cfg.OnListen = func(a netip.AddrPort) { listening <- a }
	p, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if why := p.Refused(); why != "" {
		t.Fatalf("tracing refused on this machine: %s", why)
	}
	select {
	case a := <-listening:
		waitBlockedAccept(t, col, p)
		client(a)
	case <-p.Done():
		t.Fatal("the program ended before it listened")
	}
	ex, err := p.Wait()
	if err != nil || ex.Code != 0 {
		t.Fatalf("program ended with %v, %v", ex, err)
	}
	return col.events()
}

// waitBlockedAccept waits until the program sits in accept (a blocked
// event), so that the client's SYN comes while it waits.
func waitBlockedAccept(t *testing.T, col *collector, p *Program) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range col.events() {
			if e.Kind == event.KindBlocked && e.Op == event.OpAccept {
				return
			}
		}
		select {
		case <-p.Done():
			t.Fatal("the program ended before it accepted")
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatal("no blocked accept within 30 s")
}

// calls renders the returned call events as "name(fd)=result".
func calls(ev []event.Event) []string {
	var out []string
	for _, e := range ev {
		if e.Kind != event.KindCall || e.Op == event.OpWait {
			continue
		}
		name := e.Syscall
		if name == "" {
			name = e.Op.String()
		}
		fd := e.FD
		out = append(out, fmt.Sprintf("%s(%d)=%d", name, fd, e.Result))
	}
	return out
}

// straceCalls runs argv under strace -f -e trace=network,close, talks to it
// like traceServer does, and renders the socket calls the same way.
func straceCalls(t *testing.T, argv []string, lines ...string) []string {
	t.Helper()
	if _, err := exec.LookPath("strace"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("strace is needed in CI")
		}
		t.Skip("no strace")
	}
	log := filepath.Join(t.TempDir(), "strace.log")
	cmd := exec.Command("strace", append([]string{"-f", "--seccomp-bpf", "-qq", "-e", "trace=network,close,read,write", "-o", log}, argv...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("strace'd program: %v", err)
	}
	var port uint16
	fmt.Sscanf(line, "port %d", &port)
	talk(t, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port), lines...)
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	return parseStrace(string(b))
}

var straceLine = regexp.MustCompile(`^(?:\d+ +)?(\w+)\((\d+)?.*\) += (-?\d+)`)

// parseStrace keeps the calls socklab reports: those on IP sockets (strace
// shows every close, read and write; only fds that socket or accept
// returned count).
func parseStrace(s string) []string {
	socks := map[string]bool{}
	var out []string
	for _, l := range strings.Split(s, "\n") {
		m := straceLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		name, fd, res := m[1], m[2], m[3]
		switch name {
		case "socket":
			if !strings.Contains(l, "AF_INET") {
				continue
			}
			socks[res] = true
			out = append(out, fmt.Sprintf("socket(-1)=%s", res))
			continue
		case "accept", "accept4":
			if socks[fd] && res != "-1" {
				socks[res] = true
			}
		}
		if !socks[fd] {
			continue
		}
		out = append(out, fmt.Sprintf("%s(%s)=%s", name, fd, res))
		if name == "close" {
			delete(socks, fd)
		}
	}
	return out
}

func TestTraceCEchoServerMatchesStrace(t *testing.T) {
	t.Parallel()
	bin := compileC(t, filepath.Join(programs(t), "echo_server.c"))
	argv := []string{bin, "0", "1"}
	ev := traceServer(t, argv, "hello\n", "world\n")
	got := calls(ev)
	want := straceCalls(t, argv, "hello\n", "world\n")
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("socklab saw\n  %s\nstrace saw\n  %s", strings.Join(got, " "), strings.Join(want, " "))
	}
	for _, e := range ev {
		t.Log(e.String())
	}
	checkEcho(t, ev, "hello\nworld\n")
}

func TestTracePythonEchoServerMatchesStrace(t *testing.T) {
	t.Parallel()
	argv := testpython.Argv(t, filepath.Join(programs(t), "echo_server.py"), "0", "1")
	ev := traceServer(t, argv, "hello\n", "world\n")
	got := calls(ev)
	want := straceCalls(t, argv, "hello\n", "world\n")
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("socklab saw\n  %s\nstrace saw\n  %s", strings.Join(got, " "), strings.Join(want, " "))
	}
	for _, e := range ev {
		t.Log(e.String())
	}
	checkEcho(t, ev, "hello\nworld\n")
}

// checkEcho checks what the kernel said beyond names and fds: the
// listening port, the accepted connection's addresses and the bytes.
func checkEcho(t *testing.T, ev []event.Event, want string) {
	t.Helper()
	var listen, accept *event.Event
	var recvd, sent strings.Builder
	for i, e := range ev {
		if e.Kind != event.KindCall {
			continue
		}
		switch {
		case e.Op == event.OpListen:
			listen = &ev[i]
		case e.Op == event.OpAccept:
			accept = &ev[i]
		case e.Op == event.OpRecv:
			recvd.Write(e.Data)
		case e.Op == event.OpSend:
			sent.Write(e.Data)
		}
	}
	if listen == nil || listen.State != event.StateListen || listen.Local.Port() == 0 {
		t.Fatalf("listen event: %+v", listen)
	}
	if accept == nil || accept.Local != listen.Local || !accept.Remote.IsValid() || accept.NewState != event.StateEstablished {
		t.Fatalf("accept event %+v (listening on %v)", accept, listen.Local)
	}
	if accept.Role != event.RoleServer || accept.Actor != "program" {
		t.Fatalf("accept reported as %v/%q", accept.Role, accept.Actor)
	}
	if recvd.String() != want || sent.String() != want {
		t.Fatalf("recv got %q, send gave %q", recvd.String(), sent.String())
	}
	// Every state the tracer read says when: at the exit stop, after the
	// call entered the kernel (a trace draws it below the segments
	// captured before the read).
	for _, e := range ev {
		if e.Kind == event.KindCall && e.Actor == "program" && e.State != event.StateNone && e.Remote.IsValid() &&
			(e.StateAt.IsZero() || e.StateAt.Before(e.Enter)) {
			t.Fatalf("%s: state read at %v, entered at %v", e, e.StateAt, e.Enter)
		}
	}
}

func TestTraceStopsAProgramThatHangs(t *testing.T) {
	t.Parallel()
	p, err := Start(Config{Argv: []string{"sleep", "60"}, Tracer: func(r event.Role) sock.Tracer { return sock.Tracer{} }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go p.Stop(5 * time.Second)
	select {
	case <-p.Done():
	case <-ctx.Done():
		t.Fatal("Stop did not end the program")
	}
	ex, _ := p.Wait()
	if ex.Signal != "SIGTERM" {
		t.Fatalf("exit %v, want killed by SIGTERM", ex)
	}
}

func TestTraceReportsAProgramThatCannotRun(t *testing.T) {
	t.Parallel()
	p, err := Start(Config{Argv: []string{"/nonexistent/program"}, Tracer: func(r event.Role) sock.Tracer { return sock.Tracer{} }})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := p.Wait()
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/program") || ex.Code != 127 {
		t.Fatalf("exit %v, err %v", ex, err)
	}
}

func TestTraceGoEchoServerShowsAWaitNotEAGAIN(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ev := traceServerWith(t, Config{Argv: []string{self, "0", "1"}, Env: append(os.Environ(), goEchoEnv+"=1")},
		func(a netip.AddrPort) { talk(t, a, "hello\n") })
	var blocked, accepted event.CallID
	waits := 0
	for _, e := range ev {
		if e.Errno == 11 && e.Kind == event.KindCall {
			t.Fatalf("an EAGAIN was reported as a returned call: %s", e)
		}
		switch {
		case e.Kind == event.KindBlocked && e.Op == event.OpAccept && blocked == 0:
			blocked = e.CallID
		case e.Kind == event.KindCall && e.Op == event.OpAccept && e.Result >= 0:
			accepted = e.CallID
		case e.Op == event.OpWait:
			// Entered, blocked or returned: the runtime's last wait may still
			// be blocked in the kernel when the program exits (under load,
			// once, no returned wait was left to count).
			waits++
		}
	}
	if blocked == 0 || blocked != accepted {
		for _, e := range ev {
			t.Log(e.String())
		}
		t.Fatalf("accept blocked as call %d, returned as call %d: want one call, blocked then returned", blocked, accepted)
	}
	if waits == 0 {
		t.Fatal("the Go runtime's epoll wait was not shown")
	}
	checkEcho(t, ev, "hello\n")
}

// TestInFlightAtKeepsACallThatReturnedLater: where a program was at a
// moment is what it was inside then, though the call returned before the
// question was asked (a check's limit runs out, the check closes its
// client, the server's recv returns; the report must still say recv).
func TestInFlightAtKeepsACallThatReturnedLater(t *testing.T) {
	t.Parallel()
	col := &collector{}
	seq := sock.NewSequencer(col)
	listening := make(chan netip.AddrPort, 4)
	p, err := Start(Config{Argv: testpython.Argv(t, filepath.Join(programs(t), "echo_silent.py"), "0"), Role: event.RoleServer,
		Tracer:   func(r event.Role) sock.Tracer { return seq.Tracer("program", r) },
		OnListen: func(a netip.AddrPort) { listening <- a }})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop(time.Second)
	if why := p.Refused(); why != "" {
		t.Fatalf("tracing refused on this machine: %s", why)
	}
	var addr netip.AddrPort
	select {
	case addr = <-listening:
	case <-p.Done():
		t.Fatal("the program ended before it listened")
	}
	before := p.InFlightAt(time.Now().Add(-time.Hour))
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !hasBlocked(col.events(), event.OpRecv) {
		if time.Now().After(deadline) {
			t.Fatal("no blocked recv within 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	at := time.Now().Add(20 * time.Millisecond)
	in := p.InFlightAt(at)
	time.Sleep(time.Until(at) + 20*time.Millisecond)
	c.Close() // the recv returns 0, and the program spins on recv
	for !hasReturned(col.events(), event.OpRecv) {
		if time.Now().After(deadline) {
			t.Fatal("no recv returned within 30 s of the close")
		}
		time.Sleep(5 * time.Millisecond)
	}
	got := in.Calls()
	if len(got) != 1 || !strings.HasPrefix(got[0], "recvfrom(4, 1024") {
		t.Fatalf("in flight at the moment: %q, want the recvfrom it was blocked in", got)
	}
	if got := before.Calls(); len(got) != 0 {
		t.Fatalf("in flight before it ran: %q, want nothing", got)
	}
}

func hasReturned(ev []event.Event, op event.Op) bool {
	for _, e := range ev {
		if e.Kind == event.KindCall && e.Op == op {
			return true
		}
	}
	return false
}

func hasBlocked(ev []event.Event, op event.Op) bool {
	for _, e := range ev {
		if e.Kind == event.KindBlocked && e.Op == op {
			return true
		}
	}
	return false
}

// TestTraceSignalInsideACallIsNoErrno: a program ended by SIGTERM while
// blocked in accept has, at the call's exit stop, the kernel's internal
// ERESTARTSYS (512), which no program ever sees; the trace says the call
// was interrupted by a signal instead of "= -1 errno 512".
func TestTraceSignalInsideACallIsNoErrno(t *testing.T) {
	t.Parallel()
	col := &collector{}
	seq := sock.NewSequencer(col)
	p, err := Start(Config{Argv: testpython.Argv(t, filepath.Join(programs(t), "echo_silent.py"), "0"), Role: event.RoleServer,
		Tracer: func(r event.Role) sock.Tracer { return seq.Tracer("program", r) }})
	if err != nil {
		t.Fatal(err)
	}
	if why := p.Refused(); why != "" {
		p.Stop(time.Second)
		t.Fatalf("tracing refused on this machine: %s", why)
	}
	waitBlockedAccept(t, col, p)
	p.Stop(5 * time.Second)
	if ex, _ := p.Wait(); ex.Signal != "SIGTERM" {
		t.Fatalf("exit %v, want killed by SIGTERM", ex)
	}
	noted := false
	for _, e := range col.events() {
		if e.Kind == event.KindCall && e.Op == event.OpAccept {
			t.Fatalf("the interrupted accept was reported as returned: %s", e)
		}
		if e.Kind == event.KindNote && strings.Contains(e.Note, "accept4(3, SOCK_CLOEXEC) was interrupted by a signal") {
			noted = true
		}
	}
	if !noted {
		t.Fatal("no note that the accept was interrupted by a signal")
	}
}
