package lessons

import (
	"os"
	"testing"

	"github.com/socklab/socklab/internal/testrun"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The lesson plays wait on the kernel's timers far more than they
	// compute: 6 at a time. Not many more: on 2 busy cores, 14 captured
	// lessons at once starved a lesson's server past the engine's quiet
	// time (30 ms) and a step ended before its reply (ui/lessonpane, 3
	// runs in 10).
	testrun.Parallel(6)
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
