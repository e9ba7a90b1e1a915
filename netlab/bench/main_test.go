//go:build unix

package bench

import (
	"testing"

	"github.com/socklab/socklab/internal/testrun"
	"go.uber.org/goleak"
)

// Tests that wait on idle timeouts or the network and assert no timing run
// in parallel. TestReliabilitySlowClients stays sequential, so it runs
// before any parallel test is let go: the others' latency must stay under
// an idle timeout. TestReliabilityShutdownUnderLoad (it counts the
// process's goroutines and fds) and TestReliabilityThousandClients (2000
// fds, and a load of its own) each run in a process of their own
// (testrun.Alone), beside the parallel ones. The parallel ones run eight at
// a time (at two they queued behind each other's idle timeouts).
func TestMain(m *testing.M) {
	testrun.Parallel(8)
	goleak.VerifyTestMain(m)
}
