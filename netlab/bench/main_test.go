//go:build unix

package bench

import (
	"testing"

	"go.uber.org/goleak"
)

// Tests that wait on idle timeouts or the network and assert no timing run
// in parallel. Three stay sequential, so they run before any parallel test
// is let go: TestReliabilitySlowClients (the others' latency must stay under
// an idle timeout), TestReliabilityShutdownUnderLoad (it counts the
// process's goroutines and fds) and TestReliabilityThousandClients (1000
// clients at once is a load of its own).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
