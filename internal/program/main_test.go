package program

import (
	"os"
	"testing"

	"github.com/socklab/socklab/internal/testrun"
	"github.com/socklab/socklab/netlab/ptrace"
)

func TestMain(m *testing.M) {
	ptrace.Launch()     // a traced program's launcher is this test binary
	testrun.Parallel(8) // each test waits on its Python programs
	os.Exit(m.Run())
}
