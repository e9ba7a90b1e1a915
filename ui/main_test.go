package ui

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test runs in parallel: each has a model and labs of its own, on
// ports the kernel chooses, and reads nothing process-wide but goleak's
// count at the end; the one test that bounds the heap runs in a process
// of its own (testrun.Alone). A serial test held every parallel one
// until it ended: 36 of them, 1.2 s, before the two that wait.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
