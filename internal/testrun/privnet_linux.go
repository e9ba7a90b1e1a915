package testrun

import (
	"os"
	"os/exec"
	"syscall"
)

// InPrivateNetwork makes cmd start in a user and network namespace of its
// own, the caller's uid and gid mapped into it, with caps (CAP_NET_ADMIN to
// bring lo up, CAP_NET_RAW to capture on it): the private network socklab
// makes for itself, for a test's child process that captures or plays on
// an lo no other test shares.
func InPrivateNetwork(cmd *exec.Cmd, caps ...uintptr) {
	uid, gid := os.Getuid(), os.Getgid()
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}},
		AmbientCaps: caps,
	}
}
