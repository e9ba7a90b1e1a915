package client

import (
	"testing"

	"go.uber.org/goleak"
)

// The REPL reads its input in a goroutine and dials a real socket: none of
// it may outlive REPL.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
