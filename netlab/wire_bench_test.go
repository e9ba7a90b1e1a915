//go:build linux

package netlab

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/wire"
)

// BenchmarkLabEchoRoundTrip is one traced echo round trip (a 64-byte
// message from a lab client to the lab's echo server and back), with the
// wire off and on: the difference is what capture, decoding and linking
// add to a round trip. Wire on needs CAP_NET_RAW (root), or runs skipped.
// wire=recvmsg forces reading with recvmsg instead of the lab's TPACKET_V2
// ring, so the two ways of reading stay comparable.
func BenchmarkLabEchoRoundTrip(b *testing.B) {
	for _, name := range []string{"wire=off", "wire=on", "wire=recvmsg"} {
		on := name != "wire=off"
		b.Run(name, func(b *testing.B) {
			read := wire.ReadRing
			if name == "wire=recvmsg" {
				read = wire.ReadRecvmsg
			}
			lab := NewLab(LabConfig{History: 1000, Wire: WireConfig{Capture: on, Off: "benchmark", Read: read}})
			defer lab.Close()
			if on && !lab.WireOn() {
				b.Skipf("no capture here: %s", lab.Wire())
			}
			sub := lab.Log.Subscribe(1 << 16) // a reader, as the UI is, so events flow
			defer sub.Close()
			done := make(chan struct{})
			defer close(done)
			go func() {
				for {
					select {
					case <-sub.C():
					case <-done:
						return
					}
				}
			}()
			if err := lab.StartServer(service.ServerConfig{Service: service.Echo, Addr: loop4}); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			addr, err := lab.ServerAddr(ctx)
			if err != nil {
				b.Fatal(err)
			}
			cl, err := service.Dial(ctx, lab.Tracer("client 1", event.RoleClient), service.Echo, addr)
			if err != nil {
				b.Fatal(err)
			}
			defer cl.Close(ctx)
			msg := make([]byte, 64)
			cpu0 := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				if _, err := cl.Echo(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			// The machine is shared: CPU time is steadier than the wall
			// clock when other processes take the cores.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
			if on {
				drops, read := lab.Wire().Dropped, lab.Wire().Read
				b.ReportMetric(float64(read)/float64(b.N), "frames/op")
				b.ReportMetric(float64(drops), "dropped")
			}
		})
	}
}

// BenchmarkCaptureOpenClose is what a lab (and every lesson replay, which
// makes a new lab) pays to open a capture and close it again, with and
// without a ring. Most of it is the kernel waiting for RCU grace periods
// (synchronize_net), so it is latency more than CPU.
func BenchmarkCaptureOpenClose(b *testing.B) {
	for _, read := range []wire.Read{wire.ReadRecvmsg, wire.ReadRing} {
		name := "recvmsg"
		if read == wire.ReadRing {
			name = "ring"
		}
		b.Run(name, func(b *testing.B) {
			var open, close time.Duration
			for b.Loop() {
				t0 := time.Now()
				c, err := wire.OpenCaptureReading(read)
				if err != nil {
					b.Skipf("no capture here: %v", err)
				}
				t1 := time.Now()
				c.Close()
				open, close = open+t1.Sub(t0), close+time.Since(t1)
			}
			b.ReportMetric(float64(open.Microseconds())/float64(b.N), "open-µs/op")
			b.ReportMetric(float64(close.Microseconds())/float64(b.N), "close-µs/op")
		})
	}
}

// cpuTime is the user and system time the whole process has used so far:
// every goroutine of the lab, the client and the capture.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLabWireOpenClose is a lab with the wire on made and closed
// again, as each lesson replay does: the capture's setup and teardown with
// everything else a lab starts.
func BenchmarkLabWireOpenClose(b *testing.B) {
	for b.Loop() {
		lab := NewLab(LabConfig{History: 1000, Wire: WireConfig{Capture: true, Off: "benchmark"}})
		if !lab.WireOn() {
			b.Skipf("no capture here: %s", lab.Wire())
		}
		lab.Close()
	}
}
