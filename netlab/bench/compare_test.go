//go:build unix

package bench

import (
	"context"
	"flag"
	"os"
	"testing"
	"time"
)

// compareRounds is the rounds per mode of BenchmarkCompare. The same code
// gives ratios some 0.1 apart from one three-round run to the next on this
// machine; the median of more rounds settles a figure against a goal:
//
//	go test -run '^$' -bench 'Compare$' -benchtime 1x ./netlab/bench/ -args -compare.rounds 11
var compareRounds = flag.Int("compare.rounds", 3, "BenchmarkCompare: rounds per mode")

// BenchmarkCompare puts socklab's echo server (trace off, trace to a file,
// sequential) beside a bare net-package echo server, at 1 and 64 clients,
// in interleaved rounds, and reports each mode's throughput as a ratio of
// the bare server's. Run it once: -benchtime 1x.
//
//	go test -run '^$' -bench Compare -benchtime 1x ./netlab/bench/
func BenchmarkCompare(b *testing.B) {
	compareBench(b, EchoModes)
}

// BenchmarkCompareCalc does the same for the calculator (no bare yardstick:
// its figures are absolute).
func BenchmarkCompareCalc(b *testing.B) {
	compareBench(b, CalcModes)
}

func compareBench(b *testing.B, modes []Mode) {
	round := 2 * time.Second
	if testing.Short() {
		round = 300 * time.Millisecond
	}
	for b.Loop() {
		rows, err := Compare(context.Background(), CompareConfig{Modes: modes, Round: round, Rounds: *compareRounds, TempDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		// Printed, not logged: the test runner cuts long benchmark logs.
		WriteTable(os.Stdout, rows)
		for _, r := range rows {
			if r.Wrong > 0 {
				b.Errorf("%s at %d clients: %d wrong replies", r.Mode, r.Clients, r.Wrong)
			}
		}
	}
}
