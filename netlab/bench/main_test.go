//go:build unix

package bench

import (
	"testing"

	"github.com/socklab/socklab/internal/testrun"
	"go.uber.org/goleak"
)

// Tests that wait on idle timeouts or the network and assert no timing run
// in parallel. Three stay sequential, so they run before any parallel test
// is let go: TestReliabilitySlowClients (the others' latency must stay under
// an idle timeout), TestReliabilityShutdownUnderLoad (it counts the
// process's goroutines and fds) and TestReliabilityThousandClients (1000
// clients at once is a load of its own). The parallel ones run eight at a
// time (at two they queued behind each other's idle timeouts).
func TestMain(m *testing.M) {
	testrun.Parallel(8)
	goleak.VerifyTestMain(m)
}
