//go:build unix

package bench

// The reliability suite: every test runs over loopback only, bounds its own
// duration (request counts, deadlines) and cleans up after itself; goleak
// (TestMain) checks that no goroutine outlives the package's tests.
//
//	go test -run Reliab -count=1 ./netlab/bench/          # full counts
//	go test -race -short -run Reliab ./netlab/bench/      # smaller counts

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/testrun"
	"github.com/socklab/socklab/netlab/service"
	"go.uber.org/goleak"
)

// 1000 concurrent calculator clients × 20 requests each: every reply right,
// none lost.
func TestReliabilityThousandClients(t *testing.T) {
	// 1000 clients at once is the claim; 10 requests each keep all of them
	// connected and asking together: with the server's limit at 950, 10
	// lose replies on every run as 20 do (5 passed one run in three: the
	// first clients were done before the last connected). 100 each took
	// 13 s of a loaded suite and proved nothing more; 20, twice the CPU.
	clients, requests := 1000, 10
	if !full() {
		clients = 200
	}
	if testrun.Alone(t) { // 2000 of its fds, and a load of its own
		return
	}
	needFDs(t, 2*clients+64)
	srv := startSocklab(t, service.ServerConfig{Service: service.Calc,
		// Both limits are raised on purpose: the default MaxClients (512)
		// would refuse half the class, and a backlog of 16 would drop SYNs
		// while 1000 clients connect at once (they would retry after 1 s).
		MaxClients: clients + 16, Backlog: 1024})
	r, err := Run(context.Background(), Config{Service: service.Calc, Addr: srv.Addr(), Clients: clients,
		Requests: requests, Duration: 3 * time.Minute, Grace: 30 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", r)
	if r.OK != uint64(clients*requests) || r.Wrong != 0 || r.Lost != 0 || r.DialErrs != 0 || r.Served != clients {
		t.Fatalf("want %d right replies from %d clients, nothing wrong or lost; got\n%s", clients*requests, clients, r)
	}
}

// Every malformed request gets exactly one "error:" line, and the same
// connection goes on answering: each bad line is followed by a good one
// whose answer must come next.
func TestReliabilityMalformedCorpus(t *testing.T) {
	t.Parallel() // waits on idle timeouts more than it computes; see main_test.go
	corpus := malformedCorpus(t, full() || !raceEnabled)
	if len(corpus) < 1000 {
		t.Fatalf("corpus has %d requests, want at least 1000", len(corpus))
	}
	srv := startSocklab(t, service.ServerConfig{Service: service.Calc})
	const conns = 4
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	kinds := map[string]int{}
	for _, m := range corpus {
		kinds[m.kind]++
	}
	for w := range conns {
		wg.Go(func() {
			c, rd := dialCalc(t, srv.Addr().String())
			for i := w; i < len(corpus); i += conns {
				if err := checkMalformed(c, rd, corpus[i], i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The server is still there for a newcomer, and still holds the four
	// connections that sent all of it.
	c, rd := dialCalc(t, srv.Addr().String())
	if got := ask(t, c, rd, "2**100"); got != "1267650600228229401496703205376" {
		t.Errorf("after the corpus a new client got %q", got)
	}
	t.Logf("%d malformed requests, each answered by one error line: %v", len(corpus), kinds)
}

func checkMalformed(c net.Conn, rd *bufio.Reader, m malformed, i int) error {
	want := string(mustAnswer(m.line))
	if len(m.line) > 4096 {
		want = "error: request too long (limit 4096 bytes)"
	}
	if !strings.HasPrefix(want, "error:") {
		return fmt.Errorf("corpus entry %d (%s) %q is not malformed: it is answered %q", i, m.kind, short(m.line), want)
	}
	probe, probeWant := fmt.Sprintf("%d*2", i), fmt.Sprint(i*2)
	msg := append(append(append([]byte(nil), m.line...), '\n'), probe+"\n"...)
	if _, err := c.Write(msg); err != nil {
		return fmt.Errorf("%s %q: send: %v", m.kind, short(m.line), err)
	}
	got, err := rd.ReadString('\n')
	if err != nil {
		return fmt.Errorf("%s %q: no reply: %v", m.kind, short(m.line), err)
	}
	if got = strings.TrimSuffix(got, "\n"); got != want {
		return fmt.Errorf("%s %q: got %q, want %q", m.kind, short(m.line), got, want)
	}
	got, err = rd.ReadString('\n')
	if err != nil {
		return fmt.Errorf("after %s %q the connection broke: %v", m.kind, short(m.line), err)
	}
	if got = strings.TrimSuffix(got, "\n"); got != probeWant {
		return fmt.Errorf("after %s %q, %s was answered %q (a second line for the bad request?)", m.kind, short(m.line), probe, got)
	}
	return nil
}

func mustAnswer(line []byte) []byte {
	r, _ := service.Answer(line)
	return r
}

func short(p []byte) string {
	if len(p) > 60 {
		return fmt.Sprintf("%s…(%d bytes)", p[:60], len(p))
	}
	return string(p)
}

// background runs a normal load next to a fault and checks it lost nothing.
func background(t *testing.T, svc string, ap netip.AddrPort) (wait func() *Result) {
	t.Helper()
	done := make(chan *Result, 1)
	go func() {
		r, err := Run(context.Background(), Config{Service: svc, Addr: ap, Clients: 8, Requests: 300,
			Duration: time.Minute}, nil)
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	return func() *Result {
		r := <-done
		if r != nil && (r.Wrong != 0 || r.Lost != 0 || r.OK != 8*300) {
			t.Errorf("the clients next to the fault suffered:\n%s", r)
		}
		return r
	}
}

// Clients that reset their connection in the middle of a request (close
// with SO_LINGER 0 sends RST) cost the server nothing: it forgets them and
// the others are served.
func TestReliabilityResetMidRequest(t *testing.T) {
	t.Parallel() // waits on idle timeouts more than it computes; see main_test.go
	for _, svc := range []string{service.Calc, service.Echo} {
		t.Run(svc, func(t *testing.T) {
			t.Parallel()
			srv := startSocklab(t, service.ServerConfig{Service: svc})
			wait := background(t, svc, srv.Addr())
			for i := range 50 {
				c, err := net.Dial("tcp", srv.Addr().String())
				if err != nil {
					t.Fatal(err)
				}
				part := []byte(fmt.Sprintf("%d*(3+", i)) // half a request
				if i%2 == 1 {
					part = bytes.Repeat([]byte("7"), 3000) // or part of a long one
				}
				if _, err := c.Write(part); err != nil {
					t.Fatal(err)
				}
				_ = c.(*net.TCPConn).SetLinger(0)
				c.Close()
			}
			wait()
			waitFor(t, 20*time.Second, "the server to drop the reset connections", func() bool { return len(srv.Conns()) == 0 })
		})
	}
}

// A client that vanishes without closing (it never reads nor sends again)
// is closed by the idle timeout, even while the server is blocked sending
// to it because it stopped reading.
func TestReliabilityVanishedClients(t *testing.T) {
	t.Parallel() // waits on idle timeouts more than it computes; see main_test.go
	for _, svc := range []string{service.Calc, service.Echo} {
		t.Run(svc, func(t *testing.T) {
			t.Parallel()
			// The clients next to the fault must never be silent for the
			// idle timeout: at 500 ms a background client's goroutine,
			// starved between a reply and its next request on a loaded
			// machine (load 13-19 on two cores), was, and the server
			// rightly closed it as idle (2 runs in 5 there). The vanished
			// clients are closed a second after their last request.
			idle := time.Second
			srv := startSocklab(t, service.ServerConfig{Service: svc, IdleTimeout: idle})
			wait := background(t, svc, srv.Addr())
			var held []net.Conn
			// A small receive buffer, set before connect so that the window
			// is small too, fills after a few KB: the server then blocks
			// in send at once instead of after megabytes of replies.
			d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
				return rc.Control(func(fd uintptr) {
					_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
				})
			}}
			for i := range 10 {
				c, err := d.Dial("tcp", srv.Addr().String())
				if err != nil {
					t.Fatal(err)
				}
				held = append(held, c)
				if i%2 == 0 {
					_, _ = c.Write([]byte("1+")) // silent from now on
					continue
				}
				// Floods requests and never reads a reply: the server's
				// send blocks once the client's receive buffer is full.
				go func() {
					_ = c.SetWriteDeadline(time.Now().Add(30 * time.Second))
					// Calc: a short request with a 2.9 KB answer fills the
					// server's send buffer fast. (9**30000's 28 KB cost the
					// server ~0.25 s of CPU more to fill it: a big number's
					// digits cost more each the longer it is.)
					req := bytes.Repeat([]byte("9**3000\n"), 640)
					if svc == service.Echo {
						req = bytes.Repeat([]byte("12345+1\n"), 8192)
					}
					for {
						if _, err := c.Write(req); err != nil {
							return
						}
					}
				}()
			}
			wait()
			waitFor(t, 30*time.Second, "the idle timeout to close the vanished clients", func() bool { return len(srv.Conns()) == 0 })
			for _, c := range held {
				c.Close()
			}
		})
	}
}

// Clients sending one byte a second are closed by the idle timeout (here
// shorter than a second) without delaying anyone else: the others' worst
// latency stays below the idle timeout, which is how long they would have
// waited had a slow client held the server.
func TestReliabilitySlowClients(t *testing.T) {
	idle := 700 * time.Millisecond
	srv := startSocklab(t, service.ServerConfig{Service: service.Calc, IdleTimeout: idle})
	const slow = 20
	var wg sync.WaitGroup
	closedBy := make(chan string, slow)
	for range slow {
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		wg.Go(func() {
			_ = c.SetDeadline(time.Now().Add(20 * time.Second))
			go func() {
				for _, b := range []byte("1+2+3+4+5+6+7+8+9\n") {
					if _, err := c.Write([]byte{b}); err != nil {
						return
					}
					time.Sleep(time.Second)
				}
			}()
			// Read until the server closes: the last line says why.
			all, err := io.ReadAll(c)
			if err != nil && !errors.Is(err, net.ErrClosed) && !isReset(err) {
				closedBy <- "read: " + err.Error()
				return
			}
			lines := strings.Split(strings.TrimSpace(string(all)), "\n")
			closedBy <- lines[len(lines)-1]
		})
	}
	wait := background(t, service.Calc, srv.Addr())
	r := wait()
	if r != nil && r.Latency.Max() >= idle {
		t.Errorf("normal clients waited up to %s next to the slow ones (idle timeout %s)", r.Latency.Max(), idle)
	}
	wg.Wait()
	close(closedBy)
	for why := range closedBy {
		if why != fmt.Sprintf("error: idle for %s, closing", idle) {
			t.Errorf("a slow client was closed with %q", why)
		}
	}
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}

// Over the client limit, a calculator client is told so in one line and
// closed; an echo client is closed at once. Neither hangs, and a place freed
// is given to the next one.
func TestReliabilityOverClientLimit(t *testing.T) {
	t.Parallel() // waits on idle timeouts more than it computes; see main_test.go
	for _, svc := range []string{service.Calc, service.Echo} {
		t.Run(svc, func(t *testing.T) {
			t.Parallel()
			const limit = 8
			srv := startSocklab(t, service.ServerConfig{Service: svc, MaxClients: limit})
			addr := srv.Addr().String()
			var first net.Conn
			for i := range limit {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if i == 0 {
					first = c
				}
				// A round trip proves the server took it in.
				if _, err := c.Write([]byte("1+1\n")); err != nil {
					t.Fatal(err)
				}
				_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
				if _, err := io.ReadFull(c, make([]byte, 2)); err != nil {
					t.Fatalf("client %d within the limit: %v", i, err)
				}
			}
			for range 5 {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
				got, err := io.ReadAll(c)
				c.Close()
				if err != nil && !isReset(err) {
					t.Fatalf("over the limit: %v (hung?)", err)
				}
				want := ""
				if svc == service.Calc {
					want = fmt.Sprintf("error: server busy (limit %d clients), try again later\n", limit)
				}
				if string(got) != want {
					t.Fatalf("over the limit got %q, want %q", got, want)
				}
			}
			first.Close()
			waitFor(t, 10*time.Second, "a freed place to be given to a new client", func() bool {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					return false
				}
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				if _, err := c.Write([]byte("6*7\n")); err != nil {
					return false
				}
				p := make([]byte, 3)
				_, err = io.ReadFull(c, p)
				return err == nil && (string(p) == "42\n" || string(p) == "6*7")
			})
		})
	}
}

// A server shut down under load exits cleanly: Serve returns nil, every
// client learns it (a lost request, never a wrong reply), and no goroutine
// or file descriptor is left behind.
func TestReliabilityShutdownUnderLoad(t *testing.T) {
	if testrun.Alone(t) { // it counts the process's goroutines and fds
		return
	}
	// The runtime's network poller opens its epoll and eventfd on first
	// use and keeps them: in a process of its own this test is that use.
	if l, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		l.Close()
	}
	for _, sequential := range []bool{false, true} {
		t.Run(fmt.Sprintf("sequential=%v", sequential), func(t *testing.T) {
			before := openFDs(t)
			srv, err := StartServer(context.Background(), service.ServerConfig{Service: service.Calc, Addr: loopback,
				Sequential: sequential, Backlog: 64})
			if err != nil {
				t.Fatal(err)
			}
			var live Live
			done := make(chan *Result, 1)
			go func() {
				r, err := Run(context.Background(), Config{Service: service.Calc, Addr: srv.Addr(), Clients: 50,
					Duration: time.Minute, Grace: 5 * time.Second}, &live)
				if err != nil {
					t.Error(err)
				}
				done <- r
			}()
			waitFor(t, 30*time.Second, "replies before the shutdown", func() bool { return live.OK.Load() >= 2000 })
			if err := srv.Close(); err != nil {
				t.Fatalf("Serve after Close: %v", err)
			}
			var r *Result
			select {
			case r = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("clients still running 30 s after the server closed")
			}
			if r.Wrong != 0 {
				t.Errorf("wrong replies during the shutdown:\n%s", r)
			}
			t.Logf("%s", r)
			goleak.VerifyNone(t)
			waitFor(t, 5*time.Second, fmt.Sprintf("fds back to %d (now %d)", before, openFDs(t)),
				func() bool { return openFDs(t) <= before })
		})
	}
}
