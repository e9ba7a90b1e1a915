//go:build unix

package sock

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// BenchmarkServeRoundTrip is one request of socklab serve's echo loop on
// the server's side, as the compare's "trace to file" runs it: a served
// socket in a goroutine of its own receives 64 bytes (blocking first, as a
// server waiting for the next request does) and sends them back, while
// the benchmark's client writes and reads with plain system calls. Traced,
// it reports through a Sequencer into a trace writer (to io.Discard) with
// serve's state pace; untraced, no sink. The difference is what the trace
// costs per request: three events (the blocked recv, the recv, the send).
//
//	go test ./netlab/sock -run '^$' -bench ServeRoundTrip -benchmem -count 6
func BenchmarkServeRoundTrip(b *testing.B) {
	for _, name := range []string{"untraced", "traced"} {
		b.Run(name, func(b *testing.B) {
			var tr Tracer
			var tw *event.TraceWriter
			if name == "traced" {
				tw = event.NewTraceWriter(io.Discard, 1<<16)
				tr = NewSequencer(tw).Tracer("server", event.RoleServer)
				tr.StatePace = ServeStatePace
			}
			c, s := connectedPair(b, Tracer{})
			s.tr = tr
			if err := unix.SetsockoptInt(c.fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background() // serve's: the fast path that cannot be cancelled
			served := make(chan error, 1)
			go func() {
				buf := make([]byte, 1024)
				for {
					n, err := s.RecvInto(ctx, buf)
					if err != nil || n == 0 {
						served <- err
						return
					}
					if err := s.SendAll(ctx, buf[:n]); err != nil {
						served <- err
						return
					}
				}
			}()
			msg, reply := make([]byte, 64), make([]byte, 64)
			b.ReportAllocs()
			cpu0 := processCPU(b)
			for b.Loop() {
				if _, err := unix.Write(c.fd, msg); err != nil {
					b.Fatal(err)
				}
				for got := 0; got < len(reply); {
					n, err := unix.Read(c.fd, reply[got:])
					if err == unix.EAGAIN {
						waitReadable(b, c.fd)
						continue
					}
					if err != nil || n == 0 {
						b.Fatalf("read: %d, %v", n, err)
					}
					got += n
				}
			}
			b.StopTimer()
			// The process's CPU per request: steadier than the wall time on
			// a shared machine, where the wake-ups wait for a free core.
			b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
			unix.Shutdown(c.fd, unix.SHUT_WR)
			if err := <-served; err != nil {
				b.Fatal(err)
			}
			if tw != nil {
				if err := tw.Close(); err != nil || tw.Lost() > 0 {
					b.Fatalf("trace: %v, %d lost", err, tw.Lost())
				}
			}
		})
	}
}

// waitReadable blocks in poll(2) until fd has something to read: the
// client side of the benchmark stays out of Go's poller, so its cost is the
// same traced or not.
func waitReadable(b *testing.B, fd int) {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, -1)
		if err == nil {
			return
		}
		if err != unix.EINTR {
			b.Fatal(err)
		}
	}
}

// processCPU is the CPU time (user and system) this process has used, in
// nanoseconds.
func processCPU(b *testing.B) int64 {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkServeTracePath is the trace's own work for one served request,
// without the system calls it describes: the recv that blocks and then
// returns 64 bytes, and the send of them back, each begun, attempted and
// reported through a Sequencer into a trace writer (io.Discard) with
// serve's state pace, on a real connected socket (its fd and addresses).
// cpu-ns/op includes the writer goroutine's formatting. The requests come
// in bursts of a busy server's trace window (1 800 events in 10 ms, some
// 60 000 requests a second): unpaced, the loop outruns the writer, whose
// batch then grows to the queue's bound and the figure is that growth's.
//
//	go test ./netlab/sock -run '^$' -bench ServeTracePath -benchtime 100000x -count 6
func BenchmarkServeTracePath(b *testing.B) {
	tw := event.NewTraceWriter(io.Discard, 1<<16)
	tr := NewSequencer(tw).Tracer("server", event.RoleServer)
	tr.StatePace = ServeStatePace
	_, s := connectedPair(b, Tracer{})
	s.tr = tr
	ctx := context.Background()
	buf := make([]byte, 1024)
	copy(buf, "GET /index.html HTTP/1.0 and some more bytes of a 64-byte request")
	b.ReportAllocs()
	cpu0 := processCPU(b)
	n := 0
	for b.Loop() {
		if n++; n%600 == 0 {
			b.StopTimer()
			time.Sleep(12 * time.Millisecond) // the writer's window: it takes the burst
			b.StartTimer()
		}
		traceRequest(ctx, s, buf, 64)
	}
	b.StopTimer()
	if err := tw.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
	if tw.Dropped() > 0 {
		b.ReportMetric(float64(tw.Dropped())/float64(b.N), "dropped/op")
	}
}

// traceRequest reports, on s, what serving one request of n bytes reports:
// the recv that blocks and then returns buf[:n], and the send of it back.
func traceRequest(ctx context.Context, s *Socket, buf []byte, n int) {
	rop := s.takeOp(&s.recvOp, false)
	rop.c, _ = s.begin(ctx, event.OpRecv, s.recvCallText(s.fd, len(buf)), event.Args{Size: len(buf)})
	rop.c.attempt()
	rop.c.notYet(s.base)
	rop.c.attempt()
	s.report(&rop.c, n, nil, buf[:n])
	s.putOp(&s.recvOp, rop)
	wop := s.takeOp(&s.sendOp, true)
	var text string
	later := s.tr.textLater() // as Send: the trace writer makes the text
	if !later {
		text = s.sendCallText(s.fd, buf[:n])
	}
	wop.c, _ = s.begin(ctx, event.OpSend, text, event.Args{Size: n})
	wop.c.textLater = later
	wop.c.attempt()
	s.report(&wop.c, n, nil, buf[:n])
	s.putOp(&s.sendOp, wop)
}
