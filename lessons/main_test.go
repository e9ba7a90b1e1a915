package lessons

import (
	"flag"
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	flag.Parse()
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
