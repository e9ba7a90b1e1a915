package lessons

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/socklab/socklab/internal/testrun"
	"github.com/socklab/socklab/netlab/wire"
	"golang.org/x/sys/unix"
)

// fuzzNetnsEnv marks the copy of the test binary that runs in the private
// network (test code only: the shipped binary has no such variable).
const fuzzNetnsEnv = "SOCKLAB_LESSONS_FUZZ_NETNS"

// inPrivateNetwork is true in that copy once lo is up.
var inPrivateNetwork bool

// fuzzInPrivateNetwork runs this test binary again, with the same
// arguments, in a new user and network namespace, and returns its exit
// code; ran is false when this process must go on itself (it is the copy,
// or the kernel refused the namespace: then plays are limited to
// loopback, see playable).
func fuzzInPrivateNetwork() (code int, ran bool) {
	if os.Getenv(fuzzNetnsEnv) != "" {
		inPrivateNetwork = wire.LoopbackUp() == nil
		return 0, false
	}
	cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
	cmd.Args[0] = os.Args[0]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), fuzzNetnsEnv+"=1")
	testrun.InPrivateNetwork(cmd, unix.CAP_NET_ADMIN)
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "fuzz: no private network, plays limited to loopback port 0:", err)
		return 0, false
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), true
	}
	if err != nil {
		return 1, true
	}
	return 0, true
}
