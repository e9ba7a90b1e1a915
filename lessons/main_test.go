package lessons

import (
	"os"
	"testing"

	"github.com/socklab/socklab/internal/testrun"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// Go lets every parallel test go on; the package's own gate lets 6
	// run at a time, the slow lessons first (order_test.go).
	testrun.Parallel(goParallel)
	// The tests run in a private network, as socklab does by default: a
	// fuzz run plays lessons with addresses the fuzzer made up, which there
	// reach nothing of the host's; and the wire's tests capture only their
	// own lo, not the loopback traffic of the other packages' tests running
	// beside them (as root on the host's lo, a burst of it overflowed the
	// capture and a lesson's step missed a segment, 3 runs in 38).
	if code, ran := fuzzInPrivateNetwork(); ran {
		os.Exit(code)
	}
	goleak.VerifyTestMain(m)
}
