//go:build linux && (amd64 || arm64)

package ptrace

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// launcherName is the launcher's argv[0]. It, with the report pipe on fd 3
// and a tracer already attached, is how the copy knows it is the launcher:
// no environment variable, which a user could set by hand and which the
// program would inherit.
const launcherName = "socklab-launch"

// reportFD is the pipe the launcher says on whether the filter is in place:
// "" (closed by the exec) when it is, or one line saying what failed.
const reportFD = 3

// Launch turns this process into the launcher when it was started as one,
// and never returns then; otherwise it returns at once. Call it first thing
// in main (and in TestMain of packages that start programs): the launcher
// must not run anything else of socklab.
//
// The launcher is already traced (its parent set PTRACE_TRACEME). It sets
// no_new_privs (so an unprivileged process may install a filter), installs
// the seccomp filter on this thread and execve's the program from the same
// thread: the program inherits the filter, and its socket calls stop.
func Launch() {
	if !isLauncher() {
		return
	}
	runtime.LockOSThread()
	fail := func(code int, msg string) {
		unix.Write(reportFD, []byte(msg))
		os.Exit(code)
	}
	if len(os.Args) < 2 {
		fail(2, "launcher: no program to run")
	}
	path, err := exec.LookPath(os.Args[1])
	if err != nil {
		fail(127, err.Error())
	}
	unix.CloseOnExec(reportFD)
	if err := installFilter(); err != nil {
		// The program still runs: socklab shows the wire only and says why.
		unix.Write(reportFD, []byte("seccomp filter refused: "+err.Error()))
	}
	err = unix.Exec(path, os.Args[1:], os.Environ())
	fail(126, "cannot run "+os.Args[1]+": "+strings.TrimPrefix(err.Error(), "exec: "))
}

func installFilter() error {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return err
	}
	prog := filter()
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if _, _, e := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&fprog))); e != 0 {
		return e
	}
	return nil
}

// isLauncher: started as the launcher (argv[0]), with the report pipe as
// fd 3 and a tracer attached (PTRACE_TRACEME was made before the exec).
func isLauncher() bool {
	if len(os.Args) == 0 || os.Args[0] != launcherName {
		return false
	}
	var st unix.Stat_t
	if unix.Fstat(reportFD, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return false
	}
	status, err := os.ReadFile("/proc/self/status")
	return err == nil && tracerAttached(string(status))
}

// tracerAttached reads /proc/self/status's TracerPid line.
func tracerAttached(status string) bool {
	for line := range strings.Lines(status) {
		if v, ok := strings.CutPrefix(line, "TracerPid:"); ok {
			return strings.TrimSpace(v) != "0"
		}
	}
	return false
}
