//go:build unix

package bench

import (
	"flag"
	"testing"

	"go.uber.org/goleak"
)

// Tests that wait on idle timeouts or the network and assert no timing run
// in parallel. Three stay sequential, so they run before any parallel test
// is let go: TestReliabilitySlowClients (the others' latency must stay under
// an idle timeout), TestReliabilityShutdownUnderLoad (it counts the
// process's goroutines and fds) and TestReliabilityThousandClients (1000
// clients at once is a load of its own). The parallel ones run eight at a
// time unless -parallel was given: at the default (the number of CPUs, 2
// here) they queued behind each other's idle timeouts.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "8")
	}
	goleak.VerifyTestMain(m)
}
