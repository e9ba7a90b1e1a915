package netlab

import (
	"context"
	"testing"
)

// BenchmarkLabEchoRoundTrip is one traced echo round trip (a 64-byte
// message from a lab client to the lab's echo server and back), with the
// wire off and on: the difference is what capture, decoding and linking
// add to a round trip. Wire on needs CAP_NET_RAW (root), or runs skipped.
func BenchmarkLabEchoRoundTrip(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "wire=off"
		if on {
			name = "wire=on"
		}
		b.Run(name, func(b *testing.B) {
			lab := NewLab(LabConfig{History: 1000, Wire: WireConfig{Capture: on, Off: "benchmark"}})
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
			if err := lab.StartServer(ServerConfig{Service: Echo, Addr: loop4}); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			addr, err := lab.ServerAddr(ctx)
			if err != nil {
				b.Fatal(err)
			}
			cl, err := Dial(ctx, lab.Tracer("client 1", RoleClient), Echo, addr)
			if err != nil {
				b.Fatal(err)
			}
			defer cl.Close(ctx)
			msg := make([]byte, 64)
			b.ResetTimer()
			for b.Loop() {
				if _, err := cl.Echo(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if on {
				drops, read := lab.Wire().Dropped, lab.Wire().Read
				b.ReportMetric(float64(read)/float64(b.N), "frames/op")
				b.ReportMetric(float64(drops), "dropped")
			}
		})
	}
}
