//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildForAnyone puts the socklab binary where an unprivileged user can run
// it and write beside it (CI runs as root; the wire must work without root).
func buildForAnyone(t *testing.T) (bin, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run socklab as user nobody (CI runs as root)")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv (util-linux) not installed")
	}
	dir, err := os.MkdirTemp("", "socklab-wire-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	// A hard link where the file system allows one (its own path, the
	// same 13 MB file), else a copy.
	if bin = filepath.Join(dir, "socklab"); os.Link(socklabBin, bin) == nil {
		return bin, dir
	}
	return copyBinary(t, dir), dir
}

// asNobody runs socklab as uid/gid 65534 with no supplementary groups.
func asNobody(t *testing.T, env []string, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("setpriv", append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", bin}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = filepath.Dir(bin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("socklab %s as nobody: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// nobodyBackground starts what asNobody runs and returns a wait for its
// output, which fails the test as asNobody does.
func nobodyBackground(env []string, bin string, args ...string) func(t *testing.T) string {
	cmd := exec.Command("setpriv", append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", bin}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = filepath.Dir(bin)
	wait := background(cmd, true)
	return func(t *testing.T) string {
		t.Helper()
		out, err := wait()
		if err != nil {
			t.Fatalf("socklab %s as nobody: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
}

// lineIndex is the index of the first line at or after from matching re, or -1.
func lineIndex(lines []string, from int, re string) int {
	r := regexp.MustCompile(re)
	for i := max(from, 0); i < len(lines); i++ {
		if r.MatchString(lines[i]) {
			return i
		}
	}
	return -1
}

// TestE2EWireUnprivileged: as user nobody, socklab makes its private
// network and captures there. Lesson 3's trace shows SYN, SYN-ACK and ACK
// after the connect that sent the SYN and before the accept; lesson 9's
// shows close's FIN and the peer's ACK; lesson 10's unread-data close a RST.
func TestE2EWireUnprivileged(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin, _ := buildForAnyone(t)
	// The three lessons play side by side (each in its own private
	// network) and are then read in turn: they wait on the kernel's
	// timers more than they compute.
	three, nine, ten := nobodyBackground(nil, bin, "trace", "3"), nobodyBackground(nil, bin, "trace", "9"), nobodyBackground(nil, bin, "trace", "10")

	out := three(t)
	if !strings.Contains(out, "wire: on (private network)") {
		t.Fatalf("trace 3 as nobody: wire not on:\n%s", out)
	}
	lines := strings.Split(out, "\n")
	conn := lineIndex(lines, 0, `^  client +connect\(`)
	syn := lineIndex(lines, conn, `^  wire +client → server  SYN seq 0 .*\(sent by connect\)`)
	synack := lineIndex(lines, syn, `^  wire +server → client  SYN,ACK seq 0 ack 1 .*the kernel answers the SYN`)
	ack := lineIndex(lines, synack, `^  wire +client → server  ACK seq 1 ack 1 `)
	accept := lineIndex(lines, ack, `^  server +accept\(`)
	if conn < 0 || syn < 0 || synack < 0 || ack < 0 || accept < 0 {
		t.Fatalf("trace 3: want connect, SYN, SYN-ACK, ACK, accept in that order (lines %d %d %d %d %d):\n%s", conn, syn, synack, ack, accept, out)
	}

	out = nine(t)
	lines = strings.Split(out, "\n")
	cl := lineIndex(lines, 0, `^  client +close\(`)
	fin := lineIndex(lines, cl, `^  wire +client → server  FIN,ACK .*\(sent by close\)`)
	peer := lineIndex(lines, fin, `^  wire +server → client  ACK seq 1 ack 2 `)
	if cl < 0 || fin < 0 || peer < 0 {
		t.Fatalf("trace 9: want close, its FIN, the peer's ACK of it:\n%s", out)
	}

	out = ten(t)
	if !regexp.MustCompile(`(?m)^  wire +server → talker  RST,ACK .*sent by close: unread data`).MatchString(out) {
		t.Fatalf("trace 10: no RST sent by the unread-data close:\n%s", out)
	}
}

// TestE2EWirePcap: the pcapng socklab writes is read back by tcpdump with
// the same flags, ports and lengths as the trace printed.
func TestE2EWirePcap(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin, dir := buildForAnyone(t)
	if _, err := exec.LookPath("tcpdump"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tcpdump is required in CI")
		}
		t.Skip("tcpdump not installed")
	}
	pcap := filepath.Join(dir, "lesson3.pcapng")
	out := asNobody(t, nil, bin, "trace", "3", "--pcap", pcap)
	dump, err := exec.Command("tcpdump", "-nn", "-r", pcap).CombinedOutput()
	if err != nil {
		t.Fatalf("tcpdump -r: %v\n%s", err, dump)
	}
	// Every segment line of the trace has its line in the dump, in order:
	// same source and destination, same flags, same payload length.
	seg := regexp.MustCompile(`(?m)^  wire +\S+ → \S+  (\S+)(?: len=(\d+))? .*  (\d+\.\d+\.\d+\.\d+):(\d+) > (\d+\.\d+\.\d+\.\d+):(\d+)`)
	tcpdumpFlags := map[string]string{"SYN": "[S]", "SYN,ACK": "[S.]", "ACK": "[.]", "FIN,ACK": "[F.]", "PSH,ACK": "[P.]", "RST,ACK": "[R.]", "RST": "[R]"}
	dumpLines := strings.Split(strings.TrimSpace(string(dump)), "\n")
	if len(dumpLines) > 0 && strings.HasPrefix(dumpLines[0], "reading from file") {
		dumpLines = dumpLines[1:]
	}
	segs := seg.FindAllStringSubmatch(out, -1)
	if len(segs) < 3 {
		t.Fatalf("trace printed %d segments:\n%s", len(segs), out)
	}
	if len(dumpLines) < len(segs) {
		t.Fatalf("tcpdump read %d packets, the trace printed %d:\n%s\n%s", len(dumpLines), len(segs), dump, out)
	}
	for i, m := range segs {
		length := m[2]
		if length == "" {
			length = "0"
		}
		want := m[3] + "." + m[4] + " > " + m[5] + "." + m[6] + ": Flags " + tcpdumpFlags[m[1]]
		if !strings.Contains(dumpLines[i], want) || !strings.HasSuffix(dumpLines[i], "length "+length) {
			t.Fatalf("packet %d: tcpdump says\n  %s\nthe trace says %s (want %q, length %s)", i+1, dumpLines[i], m[0], want, length)
		}
	}
}

// TestE2EWireRefused: where the kernel refuses a user namespace (here a
// user namespace whose user.max_user_namespaces is 0, as a hardened system
// or a container sets it), socklab says why and how to enable it, draws no
// segment, and still plays the lesson; the predictions that need the wire
// are skipped, not failed.
func TestE2EWireRefused(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin, _ := buildForAnyone(t)
	check := func(t *testing.T, out, why string) {
		t.Helper()
		if !strings.Contains(out, "wire: off — user namespaces refused ("+why) {
			t.Fatalf("no reason on the wire status line:\n%s", out)
		}
		if regexp.MustCompile(`(?m)^  wire `).MatchString(out) {
			t.Fatalf("segments printed with the wire off:\n%s", out)
		}
		if !strings.Contains(out, "predict (not asked: it needs the wire") || !strings.Contains(out, "every expectation held") {
			t.Fatalf("the lesson did not play through with its wire prediction skipped:\n%s", out)
		}
	}
	t.Run("max_user_namespaces=0", func(t *testing.T) {
		if _, err := exec.LookPath("unshare"); err != nil {
			t.Skip("unshare (util-linux) not installed")
		}
		cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
			"unshare", "--user", "--map-root-user", "sh", "-c", "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" trace 3", bin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		check(t, string(out), "enospc")
		if !strings.Contains(string(out), "sysctl user.max_user_namespaces=") {
			t.Fatalf("no hint naming the setting:\n%s", out)
		}
	})
}
