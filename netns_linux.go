package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/socklab/socklab/netlab"
)

// netnsEnv marks the copy of socklab that runs inside the private network,
// so it does not try again.
const netnsEnv = "SOCKLAB_PRIVATE_NETWORK"

// refuseEnv is a test seam: when set, socklab behaves as if the kernel had
// refused the namespace with this reason (the fallback path's tests run on
// machines that would allow it).
const refuseEnv = "SOCKLAB_TEST_REFUSE_NAMESPACE"

// enterPrivateNetwork runs this same command again inside a new user and
// network namespace (what `unshare -Urn` makes), where an unprivileged user
// owns the loopback interface and may capture on it. The copy keeps the
// terminal, the environment, the working directory and the user's own uid
// and gid, so files it writes belong to the user as before. It returns the
// copy's exit code and true when the copy ran; false when this process must
// go on itself, with the network it is in described by the returned wire.
func enterPrivateNetwork(args []string) (int, bool, network) {
	if os.Getenv(netnsEnv) != "" {
		// The copy: bring lo up, then say so.
		if err := netlab.LoopbackUp(); err != nil {
			return 0, false, network{reason: "could not bring up lo in the private network: " + err.Error()}
		}
		return 0, false, network{private: true}
	}
	if reason := os.Getenv(refuseEnv); reason != "" {
		return 0, false, network{reason: "user namespaces refused (" + reason + ")", hint: namespaceHint()}
	}
	uid, gid := os.Getuid(), os.Getgid()
	cmd := exec.Command("/proc/self/exe", args...)
	cmd.Args[0] = os.Args[0]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), netnsEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}},
		// The user keeps their uid inside, so the two capabilities the
		// private network needs (bring lo up, open a packet socket) are
		// passed on as ambient capabilities, valid only in that namespace.
		AmbientCaps: []uintptr{unix.CAP_NET_ADMIN, unix.CAP_NET_RAW},
	}
	// Signals sent to this process are passed on to the copy, which ends
	// the way q does and restores the terminal.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return 0, false, network{reason: "user namespaces refused (" + startError(err) + ")", hint: namespaceHint()}
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				// A ctrl+c from the terminal reached the copy too; a
				// second one changes nothing. A kill aimed at this
				// process reaches the copy only this way.
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), true, network{}
		}
		return ee.ExitCode(), true, network{}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "socklab:", err)
		return 1, true, network{}
	}
	return 0, true, network{}
}

func startError(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return strings.ToLower(netlab.ErrnoName(errno)) + ": " + errno.Error()
	}
	return err.Error()
}

// namespaceHint says what would let this system make the namespace, from
// the settings that refuse it on the common distributions.
func namespaceHint() string {
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	switch {
	case read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1":
		return "AppArmor restricts unprivileged user namespaces: sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0, or run socklab as root with --host-network"
	case read("/proc/sys/kernel/unprivileged_userns_clone") == "0":
		return "sudo sysctl kernel.unprivileged_userns_clone=1, or run socklab as root with --host-network"
	case read("/proc/sys/user/max_user_namespaces") == "0":
		return "user.max_user_namespaces is 0: sudo sysctl user.max_user_namespaces=15000, or run socklab as root with --host-network"
	}
	return "allow unprivileged user namespaces (containers often need --security-opt seccomp=unconfined), or run socklab as root with --host-network"
}
