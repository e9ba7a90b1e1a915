//go:build unix

package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// exitOf runs the binary and returns its exit code and combined output.
func exitOf(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	// A hang guard: a command that should have refused at once but runs.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

// TestE2ETraceFileReplacedAtomically: a trace file is written whole and
// renamed over the old one; the old one stays until then.
func TestE2ETraceFileReplacedAtomically(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin := seedsBinary(t)
	dir := t.TempDir()
	pcap := filepath.Join(dir, "old.pcapng")
	os.WriteFile(pcap, []byte("previous run\n"), 0o600)
	code, out := exitOf(t, bin, "trace", "3", "--pcap", pcap)
	if code != 0 {
		t.Fatalf("trace 3 --pcap: exit %d: %s", code, out)
	}
	b, _ := os.ReadFile(pcap)
	if len(b) < 32 || string(b[:4]) != "\x0a\x0d\x0d\x0a" {
		t.Fatalf("pcap not replaced by a pcapng (%d bytes: %q)", len(b), b[:min(len(b), 16)])
	}
	if fi, _ := os.Stat(pcap); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want the old file's 0600", fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
}

// TestE2EServeBlockedStdoutEndsOnSignal: socklab serve whose standard
// output nobody reads (serve | less, not scrolling) ends within 2 s of
// SIGINT or SIGTERM with exit 1 and a line saying how many trace lines
// were lost (it used to ignore both for good).
func TestE2EServeBlockedStdoutEndsOnSignal(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin := seedsBinary(t)
	// The two serves run at once, each waiting out its drain of its blocked
	// output, and the subtests then take their ends in turn. (As parallel
	// subtests they waited for a slot behind every other test of the
	// package, and ended it.)
	sigs := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}
	ends := make([]chan error, len(sigs))
	for i, sig := range sigs {
		ends[i] = make(chan error, 1)
		go func() { ends[i] <- blockedServeEnds(bin, sig) }()
	}
	for i, sig := range sigs {
		t.Run(sig.String(), func(t *testing.T) {
			if err := <-ends[i]; err != nil {
				t.Fatal(err)
			}
		})
	}
}

// blockedServeEnds starts socklab serve, makes traffic until its standard
// output (which nobody reads) is full, sends sig and says what was wrong
// with how serve ended, if anything.
func blockedServeEnds(bin string, sig syscall.Signal) error {
	cmd := exec.Command(bin, "serve", "echo", "--addr", "127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer cmd.Process.Kill()
	r := bufio.NewReader(stdout)
	line, _ := r.ReadString('\n')
	m := regexp.MustCompile(`listening on (\S+)`).FindStringSubmatch(line)
	if m == nil {
		return fmt.Errorf("first line %q", line)
	}
	// Nobody reads stdout from here on: traffic until the pipe is full.
	for i := 0; i < 400; i++ {
		c, err := net.Dial("tcp", m[1])
		if err != nil {
			return err
		}
		fmt.Fprint(c, strings.Repeat("x", 200))
		c.Read(make([]byte, 256))
		c.Close()
	}
	done := make(chan error, 1)
	cmd.Process.Signal(sig)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		ee, _ := err.(*exec.ExitError)
		if ee == nil || ee.ExitCode() != 1 || !regexp.MustCompile(`\d+ trace lines lost`).MatchString(stderr.String()) {
			return fmt.Errorf("exit %v, stderr %q; want 1 and \"N trace lines lost\"", err, stderr.String())
		}
		return nil
	case <-time.After(2 * time.Second):
		return fmt.Errorf("serve did not end within 2 s of %s with its output blocked", sig)
	}
}

// TestE2EHostNetworkLessonStaysOnLoopback: with --host-network a lesson
// file cannot reach a service on a non-loopback address of this machine
// (it could connect and show the reply); --any-address allows it, and
// lessons check warns about the address.
func TestE2EHostNetworkLessonStaysOnLoopback(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin := seedsBinary(t)
	var ip net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			ip = n.IP
			break
		}
	}
	if ip == nil {
		t.Skip("no non-loopback IPv4 address on this machine")
	}
	ln, err := net.Listen("tcp4", ip.String()+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan string, 8) // the peer address of each connection, in accept order
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c.RemoteAddr().String()
			c.Close()
		}
	}()
	dir := t.TempDir()
	src := "# Reach\n\n## S\n\n```lab\nc.socket tcp\nc.connect " + ln.Addr().String() + "\nexpect c.connect.ok\n```\n"
	os.WriteFile(filepath.Join(dir, "01-reach.md"), []byte(src), 0o644)

	code, out := exitOf(t, bin, "trace", "15", "--lessons", dir, "--host-network")
	if code != 1 || !strings.Contains(out, "not a loopback address") || strings.Contains(out, "connect(") {
		t.Fatalf("--host-network: exit %d, output:\n%s\nwant the connect refused before any call", code, out)
	}
	// A connection of our own, after the lesson's: the accept queue is in
	// order, so the first accepted is the lesson's if it connected.
	probe, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if first := <-accepted; first != probe.LocalAddr().String() {
		t.Fatalf("the host service accepted %s before the probe %s: the lesson reached it", first, probe.LocalAddr())
	}
	probe.Close()
	code, out = exitOf(t, bin, "trace", "15", "--lessons", dir, "--host-network", "--any-address")
	if code != 0 {
		t.Fatalf("--any-address: exit %d:\n%s", code, out)
	}
	<-accepted
	code, out = exitOf(t, bin, "lessons", "check", dir)
	if code != 0 || !strings.Contains(out, "warning: "+dir+"/01-reach.md:7: "+ip.String()+" is not a loopback address") {
		t.Fatalf("lessons check: exit %d, output %q", code, out)
	}
}

// TestE2EPcapRefusedWithoutWire: --pcap is refused at once, one line and
// exit 1, when the wire is off, and when root lacks CAP_NET_RAW (a
// container: it wrote an empty pcap and exited 0); no file is left.
func TestE2EPcapRefusedWithoutWire(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin, dir := buildForAnyone(t)
	pcap := filepath.Join(dir, "out.pcapng")
	for _, args := range [][]string{
		{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin, "trace", "3", "--host-network", "--pcap", pcap},
		{"setpriv", "--bounding-set=-net_raw", bin, "trace", "3", "--host-network", "--pcap", pcap},
	} {
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		ee, _ := err.(*exec.ExitError)
		if ee == nil || ee.ExitCode() != 1 || strings.Count(strings.TrimSpace(string(out)), "\n") != 0 || !strings.Contains(string(out), "--pcap needs the wire") {
			t.Errorf("%v: %v, output %q; want one line and exit 1", args, err, out)
		}
		if _, err := os.Stat(pcap); err == nil {
			t.Errorf("%v left %s", args, pcap)
		}
	}
}

// TestE2EBigLessonFileCostsLittle: a lesson file just under the 1 MiB
// limit costs at most 50 MB of memory to check and to open, whether it
// is refused (65536-byte repeats: it cost 2.3 GB) or plays (long prose).
// Memory is the kernel's peak RSS of the process and its copy.
func TestE2EBigLessonFileCostsLittle(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	needTool(t, "/usr/bin/time")
	bin := seedsBinary(t)
	head := "# Big\n\n## S\n\n```lab\ns.socket tcp\n"
	line := "s.send \"x\"*65536\n"
	sends := head + strings.Repeat(line, (1<<20-len(head)-8)/len(line)) + "```\n"
	prose := "# Big\n\n" + strings.Repeat("## Step\n\n"+strings.Repeat("Words of prose that a learner reads. ", 2800)+"\n\n```lab\ns.socket tcp\n```\n\n", 10)
	// The four commands run side by side (each peak is its own process's)
	// and are then checked in turn.
	type run struct {
		name    string
		args    []string
		code    int
		rssFile string
		wait    func() ([]byte, error)
	}
	var runs []run
	for _, tc := range []struct {
		name, src string
		code      int
	}{{"sends", sends, 1}, {"prose", prose, 0}} {
		dir := t.TempDir()
		if len(tc.src) > 1<<20 || len(tc.src) < 900<<10 {
			t.Fatalf("%s: %d bytes, want just under 1 MiB", tc.name, len(tc.src))
		}
		os.WriteFile(filepath.Join(dir, "01-big.md"), []byte(tc.src), 0o644)
		for i, args := range [][]string{{"lessons", "check", dir}, {"trace", "15", "--lessons", dir}} {
			// GNU time forks (a copy of its own small memory) and reports
			// socklab's peak. The rusage of a child this test starts itself
			// would not do: Go starts children with CLONE_VM, and the
			// kernel records the shared memory's high-water mark (this test
			// process's, 55 MiB under -race) as the child's at its exec.
			rssFile := filepath.Join(dir, "rss"+strconv.Itoa(i))
			cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M", "-o", rssFile, bin}, args...)...)
			runs = append(runs, run{tc.name, args, tc.code, rssFile, background(cmd, true)})
		}
	}
	for _, r := range runs {
		out, err := r.wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != r.code {
			t.Fatalf("%s %v: exit %d, want %d: %.300s", r.name, r.args, code, r.code, out)
		}
		b, err := os.ReadFile(r.rssFile)
		if err != nil {
			t.Fatal(err)
		}
		var rss int // KiB
		// The last line: time says "Command exited with non-zero
		// status N" first when it did.
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if _, err := fmt.Sscan(lines[len(lines)-1], &rss); err != nil {
			t.Fatalf("time -f %%M wrote %q: %v", b, err)
		}
		t.Logf("%s %v: peak RSS %d KiB", r.name, r.args, rss)
		if rss > 50<<10 {
			t.Errorf("%s %v: peak RSS %d MiB, want at most 50", r.name, r.args, rss>>10)
		}
	}
}

// TestE2EOutputWriteErrorExits1: a trace or pcap the disk cannot hold
// (here the file size limit, as a full disk would) is exit 1 with a line
// naming the file and the lines lost, also when SIGINT ended serve (it
// exited 0 with no message); the previous file stays as it was.
func TestE2EOutputWriteErrorExits1(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin := seedsBinary(t)
	if _, err := exec.LookPath("prlimit"); err != nil {
		t.Skip("prlimit (util-linux) not installed")
	}
	dir := t.TempDir()
	pcap := filepath.Join(dir, "old.pcapng")
	os.WriteFile(pcap, []byte("previous\n"), 0o644)
	code, out := exitOf(t, "prlimit", "--fsize=300", bin, "trace", "3", "--pcap", pcap)
	if code != 1 || !regexp.MustCompile(`--pcap \S+: \d+ segments lost \(.*file too large\)`).MatchString(out) {
		t.Fatalf("trace --pcap over the size limit: exit %d, output %q", code, out)
	}
	if b, _ := os.ReadFile(pcap); string(b) != "previous\n" {
		t.Fatalf("the previous pcap was changed: %q", b)
	}

	logf := filepath.Join(dir, "t.log")
	cmd := exec.Command("prlimit", "--fsize=300", bin, "serve", "echo", "--addr", "127.0.0.1:0", "--trace-file", logf)
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	m := regexp.MustCompile(`listening on (\S+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q", line)
	}
	for i := 0; i < 20; i++ {
		c, err := net.Dial("tcp", m[1])
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(c, "hello\n")
		c.Read(make([]byte, 16))
		c.Close()
	}
	cmd.Process.Signal(syscall.SIGINT) // prlimit execs: this is socklab
	err := cmd.Wait()
	ee, _ := err.(*exec.ExitError)
	if ee == nil || ee.ExitCode() != 1 || !regexp.MustCompile(`--trace-file \S+: \d+ trace lines lost \(.*file too large\)`).MatchString(stderr.String()) {
		t.Fatalf("serve over the size limit, then SIGINT: %v, stderr %q", err, stderr.String())
	}
	if _, err := os.Stat(logf); err == nil {
		t.Fatal("a partial trace file was left")
	}
}

// TestE2EFamilyMismatchIsAnErrno: a lesson that binds, connects and sends
// to IPv6 addresses from IPv4 sockets plays, each call answered by the
// kernel's errno (it panicked: "As4 called on IPv6 address").
func TestE2EFamilyMismatchIsAnErrno(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin := seedsBinary(t)
	dir := t.TempDir()
	src := "# Families\n\n## S\n\n```lab\na.socket tcp\na.bind [::1]:0\nb.socket tcp\nb.connect [::1]:9\nu.socket udp\nu.sendto [::1]:9 \"x\"\n" +
		"expect a.bind.errno == EAFNOSUPPORT\nexpect b.connect.failed\nexpect u.sendto.failed\n```\n"
	os.WriteFile(filepath.Join(dir, "01-fam.md"), []byte(src), 0o644)
	code, out := exitOf(t, bin, "trace", "15", "--lessons", dir)
	if code != 0 || strings.Contains(out, "panic") || !strings.Contains(out, "EAFNOSUPPORT") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}
