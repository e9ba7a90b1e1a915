package lessonpane

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test runs in parallel (a pane, a lab on port 0 and a progress file
// of its own): a serial test holds back every parallel one, and
// TestPredictionScreensNameNoAnswer's copy in a private network, the
// package's longest wait (lesson 8's SYN sent again), started only once
// the serial tests had ended.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
