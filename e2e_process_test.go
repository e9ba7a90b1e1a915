//go:build unix

package main

import (
	"bufio"
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

// gone waits up to limit for pid to leave /proc (a zombie counts as gone:
// it runs no code and holds no terminal) and reports whether it did.
func gone(pid int, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true
		}
		if f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:])); len(f) > 0 && f[0] == "Z" {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// childOf is the one process whose parent is pid (socklab's copy).
func childOf(t *testing.T, pid int) int {
	t.Helper()
	var kids []int
	deadline := time.Now().Add(10 * time.Second)
	for {
		kids = childrenOf(pid, "") // the copy runs /proc/self/exe: its name is "exe"
		if len(kids) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(kids) != 1 {
		t.Fatalf("no socklab child of %d: %v", pid, kids)
	}
	return kids[0]
}

// childrenOf lists the processes whose parent is pid and, unless comm is
// "", whose name is comm, as pgrep -P would; read from /proc in this
// process: a pgrep is a process of its own, ~15 ms of CPU on this VM.
func childrenOf(pid int, comm string) []int {
	var kids []int
	for _, p := range procs() {
		if ppid, name, ok := procStat(p); ok && ppid == pid && (comm == "" || name == comm) {
			kids = append(kids, p)
		}
	}
	return kids
}

// procs lists the process ids in /proc.
func procs() []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, n)
		}
	}
	return pids
}

// procStat reads pid's parent and name from /proc/PID/stat.
func procStat(pid int) (ppid int, comm string, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, "", false
	}
	s := string(b)
	i, j := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if i < 0 || j < i {
		return 0, "", false
	}
	f := strings.Fields(s[j+1:]) // state, ppid, …
	if len(f) < 2 {
		return 0, "", false
	}
	ppid, err = strconv.Atoi(f[1])
	return ppid, s[i+1 : j], err == nil
}

// runningFrom lists the processes whose command line starts with path
// (pgrep -f "^path").
func runningFrom(path string) []int {
	var pids []int
	for _, p := range procs() {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(p) + "/cmdline")
		if err == nil && strings.HasPrefix(strings.ReplaceAll(string(b), "\x00", " "), path) {
			pids = append(pids, p)
		}
	}
	return pids
}

// TestE2EKill9OuterEndsInner: kill -9 of socklab leaves no copy drawing
// on the terminal: the copy in the private network gets its parent-death
// signal, ends within 1 s and gives the terminal back (it ran on with
// ppid 1, in the alternate screen and raw mode).
func TestE2EKill9OuterEndsInner(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	s := startTUI(t, 100, 30, "--pane", "echo")
	s.waitFor(regexp.MustCompile(`server 127\.0\.0\.1:\d+`))
	outer := s.pid()
	inner := childOf(t, outer)
	if err := syscall.Kill(outer, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if !gone(inner, time.Second) {
		syscall.Kill(inner, syscall.SIGKILL)
		t.Fatalf("the private-network copy %d ran on after kill -9 of %d", inner, outer)
	}
	if code := s.exitCode(); code != "137" {
		t.Fatalf("exit code %s, want 137 (SIGKILL)", code)
	}
	if on := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{alternate_on}")); on != "0" {
		t.Fatalf("still in the alternate screen after the copy ended")
	}
	s.keys("typed-after-kill")
	s.waitForEcho("typed-after-kill")
}

// TestE2ELostTerminalEndsTUI: socklab started through su (which passes
// no SIGHUP on) ends within 1 s of its terminal going away with the tmux
// server (it ran on for 30 minutes with its terminal deleted).
func TestE2ELostTerminalEndsTUI(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin, dir := buildForAnyone(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	if _, err := exec.LookPath("su"); err != nil {
		t.Skip("su not installed")
	}
	sock := filepath.Join(dir, "tmux.sock")
	// The shell ignores the hang-up so that it lives to record the exit code.
	rcFile := filepath.Join(dir, "rc")
	run := "su nobody -s /bin/sh -c 'trap \"\" HUP; TERM=xterm-256color HOME=" + dir + " XDG_CONFIG_HOME=" + dir + "/config " + bin + " --pane echo; echo $? > " + rcFile + "'"
	// Its commands through the server's control client (tmuxCtlFor), whose
	// cleanup also kills the server; the kill that ends the terminal below
	// is a tmux process of its own, as a user's would be.
	ctl := tmuxCtlFor(t, sock)
	if out, err := ctl.run("new-session", "-d", "-s", "edges-su", "-x", "100", "-y", "30", run); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	// Every process running this test's own binary (its path is unique).
	var pids []int
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr, _ := ctl.run("capture-pane", "-p", "-t", "edges-su")
		pids = runningFrom(bin)
		if regexp.MustCompile(`server 127\.0\.0\.1:\d+`).MatchString(scr) && len(pids) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("socklab did not start under su; screen:\n%s", scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := exec.Command("tmux", "-S", sock, "kill-server").Run(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if !gone(pid, time.Second) {
			for _, p := range pids {
				syscall.Kill(p, syscall.SIGKILL)
			}
			t.Fatalf("socklab %d ran on for 1 s after its terminal went away", pid)
		}
	}
	deadline = time.Now().Add(5 * time.Second)
	for {
		rc, err := os.ReadFile(rcFile)
		if err == nil && len(rc) > 0 {
			if code := strings.TrimSpace(string(rc)); code != "129" {
				t.Fatalf("exit code %s, want 129 (as for SIGHUP)", code)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no exit code recorded")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestE2ENoPrivateNetworkClaimedWithoutOne: where the kernel refuses the
// namespace, nothing a user can set makes socklab claim a private network:
// not the old SOCKLAB_PRIVATE_NETWORK variable, not fd 3 opened on the
// network namespace it is in (it said "wire: on (private network)" in the
// host's network).
func TestE2ENoPrivateNetworkClaimedWithoutOne(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin, _ := buildForAnyone(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare (util-linux) not installed")
	}
	cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
		"unshare", "--user", "--map-root-user", "sh", "-c",
		"echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" trace 3 3</proc/self/ns/net", bin)
	cmd.Env = append(os.Environ(), "SOCKLAB_PRIVATE_NETWORK=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.Contains(string(out), "private network") || !strings.Contains(string(out), "wire: off — user namespaces refused") {
		t.Fatalf("claimed a private network, or no refusal said:\n%s", out)
	}
}

// TestE2EPanicInLabGoroutineRestoresTerminal: a panic in a goroutine of
// a lab (here planted, through testhook, in the echo server's connection
// goroutine of this test binary run as socklab) ends the TUI with the
// terminal restored and the panic said, exit 1 (it left the alternate
// screen and raw mode, rc 2).
func TestE2EPanicInLabGoroutineRestoresTerminal(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	// The echo pane's first client connects at once: the panic comes
	// while the UI runs, in the server's goroutine for that connection.
	// (The shell reads the assignment before the binary's path.)
	bin := plantPanicEnv + "=1 " + socklabBin
	s := startTUIBinary(t, bin, 100, 30, "--pane", "echo")
	if code := s.exitCode(); code != "1" {
		t.Fatalf("exit code %s, want 1; screen:\n%s", code, s.screen())
	}
	if on := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{alternate_on}")); on != "0" {
		t.Fatalf("still in the alternate screen after the panic")
	}
	s.waitFor(regexp.MustCompile(`a lab goroutine panicked: planted`))
	s.keys("typed-after-panic")
	s.waitForEcho("typed-after-panic")
}

// TestE2ETUIBadLessonFileSaysWhere: the TUI given a lesson file that
// crashed it (recv 2^63-1: a makeslice panic, the terminal left raw) says
// the file and line and leaves the terminal as it was, exit 1.
func TestE2ETUIBadLessonFileSaysWhere(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	dir := t.TempDir()
	src := "# Bad\n\n## S\n\n```lab\nserver.socket tcp\nclient.socket tcp\nconn = server.accept\n\nconn.recv 9223372036854775807\n```\n"
	os.WriteFile(filepath.Join(dir, "01-bad.md"), []byte(src), 0o644)
	// Both started first, then waited for: each its own tmux server.
	var ss []tmuxSession
	all := [][]string{{"--lessons", dir, "--pane", "lessons"}, {"lesson", "15", "--lessons", dir}}
	for _, args := range all {
		ss = append(ss, startTUI(t, 120, 30, args...))
	}
	for i, args := range all {
		s := ss[i]
		if code := s.exitCode(); code != "1" {
			t.Fatalf("%v: exit code %s, want 1", args, code)
		}
		s.waitFor(regexp.MustCompile(`01-bad\.md:10: conn\.recv`))
		if on := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{alternate_on}")); on != "0" {
			t.Fatalf("%v: left in the alternate screen", args)
		}
		if strings.Contains(s.screen(), "panic") {
			t.Fatalf("%v: panicked:\n%s", args, s.screen())
		}
	}
}

// TestE2EKill9TraceEndsCopy: kill -9 of socklab trace ends its copy in
// the private network too (it played on, with ppid 1).
func TestE2EKill9TraceEndsCopy(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin := seedsBinary(t)
	dir := t.TempDir()
	src := "# Long\n\n## S\n\n```lab\ns.socket tcp\ns.idle 1m\n```\n"
	os.WriteFile(filepath.Join(dir, "01-long.md"), []byte(src), 0o644)
	cmd := exec.Command(bin, "trace", "15", "--lessons", dir)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	inner := childOf(t, cmd.Process.Pid)
	// The copy has started playing once it printed the lesson's title.
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if !strings.Contains(line, "Lesson 15: Long") {
		t.Fatalf("first line %q", line)
	}
	cmd.Process.Kill()
	if !gone(inner, time.Second) {
		syscall.Kill(inner, syscall.SIGKILL)
		t.Fatalf("the copy %d of socklab trace ran on after kill -9 of its parent", inner)
	}
}

// TestE2ETUITraceWriteErrorExits1: the TUI whose --trace-file cannot be
// written (the file size limit, as a full disk) says so when it quits, and exits
// 1 (the error was ignored, exit 0); no partial file is left.
func TestE2ETUITraceWriteErrorExits1(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin := seedsBinary(t)
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("prlimit (util-linux) not installed")
	}
	logf := filepath.Join(t.TempDir(), "t.log")
	s := startTUIBinary(t, prlimit, 250, 30, "--fsize=200", bin, "--pane", "echo", "--trace-file", logf)
	// The pane's first client has made its calls: far more than 200 bytes.
	s.waitFor(regexp.MustCompile(`server 127\.0\.0\.1:\d+ .* \d\d+ events`))
	s.keys("C-c") // the TUI's quit key (raw mode: not a signal)
	if code := s.exitCode(); code != "1" {
		t.Fatalf("exit code %s, want 1; screen:\n%s", code, s.screen())
	}
	s.waitFor(regexp.MustCompile(`--trace-file \S+: \d+ trace lines lost \(.*file too large\)`))
	if _, err := os.Stat(logf); err == nil {
		t.Fatal("a partial trace file was left")
	}
}
