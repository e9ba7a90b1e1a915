package output

import (
	"testing"

	"go.uber.org/goleak"
)

// A trace's writer runs in its own goroutine: Close and Drop must end it.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
