package service

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/testrun"
)

// TestCalcRepliesNeverMisalign pipelines requests over many connections
// while goroutines burn the CPU and the server's reads come late (the test
// seam delays some reads past the no-newline pause): every reply must answer
// its own request. A server that answers half a line because its goroutine
// reached the read after the pause timer fired fails this.
func TestCalcRepliesNeverMisalign(t *testing.T) {
	// In a process of its own: it burns every CPU of its process (in the
	// package's process it had to run before the parallel tests were let
	// go, and it held them 0.7 s); beside them the kernel shares the CPUs
	// between the two processes, and the waiting tests only wait.
	if testrun.Alone(t) {
		return
	}
	conns, perConn := 32, 120
	if testing.Short() || raceOn {
		conns, perConn = 8, 60
	}
	var reads atomic.Uint64
	// Every third read of the server comes 150 ms late, longer than the
	// 100 ms pause, as a starved goroutine would.
	srv := startServerWith(t, ServerConfig{Service: Calc, MaxClients: conns * 2}, func(s *Server) {
		s.beforeRead = func() {
			if reads.Add(1)%3 == 0 {
				time.Sleep(150 * time.Millisecond)
			}
		}
	})
	stop := make(chan struct{})
	var burn sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		burn.Add(1)
		go func() {
			defer burn.Done()
			x := 1
			for {
				select {
				case <-stop:
					return
				default:
					for i := range 100000 {
						x ^= i * x
					}
				}
			}
		}()
	}
	defer func() { close(stop); burn.Wait() }()

	var wg sync.WaitGroup
	wrong := make(chan string, conns)
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			c := dialStd(t, srv.Addr())
			c.SetDeadline(time.Now().Add(60 * time.Second))
			var reqs []string
			var batch strings.Builder
			for range perConn {
				// Lines of varied length, so reads end mid-line.
				a, b, k := rng.IntN(1_000_000_000), rng.IntN(1_000_000_000), rng.IntN(999)
				q := fmt.Sprintf("(%d + %d) * %d - %d", a, b, k, rng.IntN(1000))
				reqs = append(reqs, q)
				batch.WriteString(q + "\n")
			}
			if _, err := c.Write([]byte(batch.String())); err != nil {
				wrong <- err.Error()
				return
			}
			r := bufio.NewReader(c)
			for _, q := range reqs {
				line, err := r.ReadString('\n')
				if err != nil {
					wrong <- fmt.Sprintf("after %q: %v", q, err)
					return
				}
				want, _ := Answer([]byte(q))
				if got := strings.TrimSuffix(line, "\n"); got != string(want) {
					wrong <- fmt.Sprintf("%q was answered %q, want %q", q, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(wrong)
	for w := range wrong {
		t.Error(w)
	}
}

// TestCalcQuietMeansNothingQueued: a client that has sent no newline yet
// is answered once it has been quiet for the pause, and quiet means the
// kernel holds nothing more from it. Here the server's read comes after
// the pause has passed (a starved goroutine), and the rest of the line
// is already in the kernel: it must join the part read before, as one
// request. Answering the part alone would misalign every reply after it
// (TestCalcRepliesNeverMisalign's clients send newlines, so they never
// reach this rule: a server without it passed every test).
func TestCalcQuietMeansNothingQueued(t *testing.T) {
	t.Parallel()
	const pause = 100 * time.Millisecond
	var reads atomic.Int32
	partRead := make(chan struct{})
	srv := startServerWith(t, ServerConfig{Service: Calc, Pause: pause}, func(s *Server) {
		s.beforeRead = func() {
			// The second read comes once the first part is pending and
			// its pause armed: it is late by twice the pause.
			if reads.Add(1) == 2 {
				close(partRead)
				time.Sleep(2 * pause)
			}
		}
	})
	c := dialStd(t, srv.Addr())
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprint(c, "1234")
	<-partRead
	fmt.Fprint(c, "+1\n")
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "1235\n" {
		t.Fatalf("\"1234\" then \"+1\\n\" in the kernel before the late read: answered %q, %v; want \"1235\\n\"", line, err)
	}
}
