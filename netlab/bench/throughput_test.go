//go:build unix

package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/service"
)

// BenchmarkEcho measures one server mode at a time, b.N requests spread over
// the clients, for benchstat and for profiling (-cpuprofile). The ratios
// belong to BenchmarkCompare, which interleaves the modes.
func BenchmarkEcho(b *testing.B) {
	for _, m := range []Mode{ModeBare, ModeSocklab, ModeTraceFile, ModeSequential} {
		for _, n := range []int{1, 64} {
			b.Run(fmt.Sprintf("server=%s/clients=%d", slug(m), n), func(b *testing.B) {
				benchServer(b, m, service.Echo, n)
			})
		}
	}
}

// BenchmarkCalc measures the calculator server with the generated
// expressions of the load generator (each reply checked).
func BenchmarkCalc(b *testing.B) {
	for _, m := range []Mode{ModeCalc, ModeCalcTrace} {
		for _, n := range []int{1, 64} {
			b.Run(fmt.Sprintf("server=%s/clients=%d", slug(m), n), func(b *testing.B) {
				benchServer(b, m, service.Calc, n)
			})
		}
	}
}

func slug(m Mode) string {
	switch m {
	case ModeBare:
		return "bare"
	case ModeSocklab, ModeCalc:
		return "socklab"
	case ModeTraceFile, ModeCalcTrace:
		return "trace-file"
	case ModeSequential, ModeCalcSequent:
		return "sequential"
	}
	return string(m)
}

func benchServer(b *testing.B, m Mode, svc string, clients int) {
	if m == ModeSequential && clients > 1 {
		b.Skip("a sequential server serves one client at a time: see BenchmarkCompare")
	}
	// The server a comparison measures, traced as socklab serve traces:
	// a profile of this benchmark is a profile of that path.
	addr, stop, err := StartMode(context.Background(), m, clients, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	per := max(1, b.N/clients)
	b.ResetTimer()
	r, err := Run(context.Background(), Config{Service: svc, Addr: addr, Clients: clients, Requests: per,
		Duration: 10 * time.Minute}, nil)
	b.StopTimer()
	if serr := stop(r); err == nil {
		err = serr
	}
	if err != nil {
		b.Fatal(err)
	}
	if r.Wrong > 0 || r.Lost > 0 {
		b.Fatalf("%s", r)
	}
	b.ReportMetric(r.RPS(), "req/s")
	b.ReportMetric(float64(r.Latency.Quantile(0.99).Microseconds()), "p99-µs")
}
