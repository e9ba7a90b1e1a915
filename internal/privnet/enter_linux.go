package privnet

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/wire"
)

// hostNetFD is where the copy finds its parent's network namespace (the
// first of exec's ExtraFiles). That is how the copy knows it is the copy,
// and it checks the claim with the kernel: the fd must be a network
// namespace other than its own. No environment variable says so: one set by
// hand would make socklab report a private network it is not in (and bring
// up the host's lo as root).
const hostNetFD = 3

// isPrivateCopy reports whether this process is the copy Enter started: fd
// is a network namespace ("net:[inode]", as the kernel names namespace
// files), and not the one this process is in. It closes fd when so.
func isPrivateCopy(fd int) bool {
	parent, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil || !strings.HasPrefix(parent, "net:[") {
		return false
	}
	own, err := os.Readlink("/proc/self/ns/net")
	if err != nil || own == parent {
		return false
	}
	unix.Close(fd)
	return true
}

// Enter runs this same program again with args inside a new user and
// network namespace. The copy keeps the terminal, the environment, the
// working directory and the user's own uid and gid, so files it writes
// belong to the user as before.
//
// In the parent, when the copy ran, ran is true and code is the copy's exit
// status, which the parent must exit with (it holds its thread locked for
// the parent-death signal; see below). When ran is false this process goes
// on itself, in the network n: the copy's private one, or the host's when
// the kernel refused the namespace (n says why and what would help).
func Enter(args []string) (n Network, code int, ran bool) {
	if isPrivateCopy(hostNetFD) {
		// The copy: bring lo up, then say so.
		if err := wire.LoopbackUp(); err != nil {
			return Host("could not bring up lo in the private network: "+err.Error(), ""), 0, false
		}
		return Network{private: true}, 0, false
	}
	hostNet, err := os.Open("/proc/self/ns/net")
	if err != nil {
		return Host("cannot read this process's network namespace: "+err.Error(), ""), 0, false
	}
	defer hostNet.Close()
	uid, gid := os.Getuid(), os.Getgid()
	cmd := exec.Command("/proc/self/exe", args...)
	cmd.Args[0] = os.Args[0]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{hostNet} // fd 3 in the copy: see isPrivateCopy
	// The copy gets SIGHUP when this process dies, even by SIGKILL, and
	// ends as for a lost terminal, restoring it; left alone it would run
	// on, drawing on a terminal the shell has taken back. The signal is
	// tied to the thread that starts the copy, so that thread stays this
	// goroutine's until the process exits (the caller exits with code).
	// Go's fork checks getppid after the prctl: a parent already gone is
	// seen.
	runtime.LockOSThread()
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Pdeathsig:   syscall.SIGHUP,
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
		return Host("user namespaces refused ("+startError(err)+")", namespaceHint(readSetting)), 0, false
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
	err = cmd.Wait()
	close(done)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return Network{}, 128 + int(ws.Signal()), true
		}
		return Network{}, ee.ExitCode(), true
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "socklab:", err)
		return Network{}, 1, true
	}
	return Network{}, 0, true
}

func startError(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return strings.ToLower(event.ErrnoName(errno)) + ": " + errno.Error()
	}
	return err.Error()
}

// readSetting is a kernel setting under /proc/sys, "" when unreadable.
func readSetting(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// namespaceHint says what would let this system make the namespace, from
// the settings (read by read) that refuse it on the common distributions.
func namespaceHint(read func(path string) string) string {
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
