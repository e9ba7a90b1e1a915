package serve

import (
	"testing"

	"go.uber.org/goleak"
)

// Run owns a server and a trace writer: neither may outlive it.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
