package privnet

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

// copyEnv marks the test binary that Enter runs again as the copy.
const copyEnv = "SOCKLAB_PRIVNET_TEST_COPY"

// Exit codes of the copy, so the parent's test reads what the copy saw.
const (
	copyPrivate  = 42 // Enter said private, and the copy's netns differs
	copyNotCopy  = 43 // Enter did not take this process for the copy
	copyBadNetns = 44 // said private, but in the parent's netns
	copyLoopback = 45 // said private, but lo is not up
)

// TestEnterCopyHelper is the copy of TestEnterRunsCopyInPrivateNetwork: it
// runs only when that test starts it, and reports by its exit code.
func TestEnterCopyHelper(t *testing.T) {
	parentNetns := os.Getenv(copyEnv)
	if parentNetns == "" {
		t.Skip("runs only as the copy started by TestEnterRunsCopyInPrivateNetwork")
	}
	// Were this process not taken for the copy, Enter would run yet
	// another copy: with these arguments it runs no test and exits 0.
	n, _, ran := Enter([]string{"-test.run=^$"})
	switch own, _ := os.Readlink("/proc/self/ns/net"); {
	case ran || !n.Private():
		os.Exit(copyNotCopy)
	case own == parentNetns:
		os.Exit(copyBadNetns)
	case !loopbackUp(t):
		os.Exit(copyLoopback)
	}
	os.Exit(copyPrivate)
}

func loopbackUp(t *testing.T) bool {
	b, err := os.ReadFile("/sys/class/net/lo/operstate")
	if err != nil {
		t.Log(err)
		return false
	}
	// lo reports "unknown" when up (it has no carrier), "down" when down.
	return strings.TrimSpace(string(b)) != "down"
}

// TestEnterRunsCopyInPrivateNetwork: Enter runs this binary again in a new
// network namespace, the copy knows it is the copy (by fd 3, checked with
// the kernel), brings lo up, and its exit code comes back to the parent.
func TestEnterRunsCopyInPrivateNetwork(t *testing.T) {
	own, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Skip("no /proc/self/ns/net:", err)
	}
	t.Setenv(copyEnv, own)
	n, code, ran := Enter([]string{"-test.run=^TestEnterCopyHelper$", "-test.count=1"})
	if !ran {
		// A kernel that refuses user namespaces is the one case where
		// the copy cannot run; it must say why and what would help.
		if n.Private() || n.reason == "" || n.hint == "" {
			t.Fatalf("no copy ran, yet no reason and hint: %+v", n)
		}
		t.Skip("this kernel refuses user namespaces:", n.reason)
	}
	if code != copyPrivate {
		t.Fatalf("the copy exited %d, want %d (43: not taken for the copy, 44: parent's netns, 45: lo down)", code, copyPrivate)
	}
	// Enter locked this goroutine's thread for the parent-death signal;
	// the test's goroutine ends with it, and its thread with it.
}

func TestIsPrivateCopyRefusesWhatIsNotAnotherNetns(t *testing.T) {
	own, err := os.Open("/proc/self/ns/net")
	if err != nil {
		t.Skip("no /proc/self/ns/net:", err)
	}
	defer own.Close()
	if isPrivateCopy(int(own.Fd())) {
		t.Error("this process's own network namespace taken for the parent's")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if isPrivateCopy(int(r.Fd())) {
		t.Error("a pipe taken for a network namespace")
	}
	if isPrivateCopy(1 << 20) {
		t.Error("a closed fd taken for a network namespace")
	}
}

func TestNamespaceHint(t *testing.T) {
	for _, tc := range []struct {
		settings map[string]string
		want     string
	}{
		{map[string]string{"/proc/sys/kernel/apparmor_restrict_unprivileged_userns": "1"}, "AppArmor"},
		{map[string]string{"/proc/sys/kernel/unprivileged_userns_clone": "0"}, "unprivileged_userns_clone=1"},
		{map[string]string{"/proc/sys/user/max_user_namespaces": "0"}, "max_user_namespaces is 0"},
		{map[string]string{"/proc/sys/kernel/unprivileged_userns_clone": "1"}, "seccomp=unconfined"},
	} {
		got := namespaceHint(func(p string) string { return tc.settings[p] })
		if !strings.Contains(got, tc.want) {
			t.Errorf("%v: hint %q, want it to say %q", tc.settings, got, tc.want)
		}
	}
}

func TestStartErrorNamesTheErrno(t *testing.T) {
	if got := startError(&os.SyscallError{Syscall: "clone", Err: syscall.EPERM}); !strings.HasPrefix(got, "eperm: ") {
		t.Errorf("startError(EPERM) = %q, want the errno's name first", got)
	}
}
