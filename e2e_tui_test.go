//go:build unix

package main

import (
	"errors"
	"io/fs"
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

// tmuxSession drives the real socklab binary in a real terminal, on a tmux
// server of its own (a socket in a temp dir) so tests never meet each other.
type tmuxSession struct {
	t          *testing.T
	sock       string
	name       string
	rcFile     string // the binary's exit code is written here when it ends
	stderrFile string // a copy of what it wrote to stderr
	// outFile grows with everything the pane's program writes (tmux
	// pipe-pane): a wait looks at the screen only when it grew. On this
	// 2-core machine a capture-pane is a process costing ~11 ms of CPU,
	// and polling every 50 ms made the e2e tests' waiting their main cost.
	outFile string
	ctl     *tmuxCtl // the server's control client: every command goes through it
}

func (s tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := s.ctl.run(args...)
	if err != nil {
		s.t.Fatalf("tmux %v: %v", args, err)
	}
	return out
}

func (s tmuxSession) keys(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

func (s tmuxSession) screen() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-t", s.name)
}

// screenWait bounds a wait for a screen or an exit. It only bounds a
// failure: a passing test waits as long as its condition takes, however
// slowly a machine running the whole suite beside other builds (a load of
// 15 on 2 cores was seen here) draws.
const screenWait = 45 * time.Second

// waitFor waits until re matches the screen, with a deadline instead of
// fixed sleeps; it returns the submatches.
func (s tmuxSession) waitFor(re *regexp.Regexp) []string {
	s.t.Helper()
	var m []string
	s.until(re.String(), false, func(scr string) bool {
		m = re.FindStringSubmatch(scr)
		return m != nil
	})
	return m
}

// until returns the first screen ok accepts, looking again each time the
// pane has written since the last look (at most every 50 ms, at least once
// a second); it fails the test after screenWait. joined reads wrapped
// lines joined (-J).
func (s tmuxSession) until(what string, joined bool, ok func(screen string) bool) string {
	s.t.Helper()
	if s.outFile == "" {
		// Without the pane's output every wait would look once a second:
		// the class tests' sessions had none and waited ~1 s per step.
		s.t.Fatal("tmuxSession without an outFile (pipe-pane)")
	}
	deadline := time.Now().Add(screenWait)
	seen := int64(-1)
	var looked time.Time
	var scr string
	for {
		// The size is read before the screen: output that comes after the
		// look grows the file again, so no change is missed.
		// At most one look per 50 ms: a pane that never stops writing (the
		// flood's counters) costs what the old fixed polling did.
		if size := fileSize(s.outFile); (size != seen && time.Since(looked) >= 50*time.Millisecond) || time.Since(looked) >= time.Second {
			seen, looked = size, time.Now()
			if joined {
				scr = s.tmux("capture-pane", "-p", "-J", "-t", s.name)
			} else {
				scr = s.screen()
			}
			if ok(scr) {
				return scr
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s; screen:\n%s", what, scr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// holdFifo is a FIFO in dir that a shell reads to wait, instead of
// running sleep: read on a FIFO it opened for reading and writing never
// sees data nor an end. (A sleep process cost ~11 ms of CPU on this VM,
// and the suite ran one per tmux server and one per session.)
func holdFifo(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "hold")
	if err := syscall.Mkfifo(p, 0o600); err != nil && !errors.Is(err, fs.ErrExist) {
		t.Fatal(err)
	}
	return p
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return fi.Size()
}

// waitForEcho waits until the terminal echoed text typed at a shell
// after socklab ended. The echo starts where the shell's "Killed" line (a
// command line holding random temp paths) left the cursor, so it may wrap
// at the pane's edge: the screen is read with wrapped lines joined.
func (s tmuxSession) waitForEcho(text string) {
	s.t.Helper()
	s.until("the echo of "+strconv.Quote(text), true, func(scr string) bool { return strings.Contains(scr, text) })
}

// clientReady waits until the pane's first client is connected. A line
// typed before that is refused with "no client: …" (rightly: there is none
// yet), and a test waiting for its reply would wait in vain; on a loaded
// machine the client connects after the server line shows.
func (s tmuxSession) clientReady() {
	s.t.Helper()
	s.waitFor(regexp.MustCompile(`c1 fd \d+ \S+ ESTABLISHED`))
}

// pid is the process id of the socklab binary running in the session (the
// pane's process is the shell that records its exit code).
func (s tmuxSession) pid() int {
	s.t.Helper()
	shell, err := strconv.Atoi(strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{pane_pid}")))
	if err != nil {
		s.t.Fatal(err)
	}
	pids := childrenOf(shell, "socklab")
	if len(pids) != 1 {
		s.t.Fatalf("no socklab process under shell %d: %v", shell, pids)
	}
	return pids[0]
}

// waitExit waits for the binary to end and fails unless it exited 0.
func (s tmuxSession) waitExit() {
	s.t.Helper()
	deadline := time.Now().Add(screenWait)
	for {
		rc, err := os.ReadFile(s.rcFile)
		if err == nil && len(rc) > 0 {
			if strings.TrimSpace(string(rc)) != "0" {
				s.t.Fatalf("exit code %s", rc)
			}
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("socklab did not exit; screen:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startTUI runs socklab with args in a cols x rows tmux
// window. Without tmux it skips, unless CI is set (then tmux is required).
func startTUI(t *testing.T, cols, rows int, args ...string) tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is required in CI")
		}
		t.Skip("tmux not installed")
	}
	return startTUIBinary(t, socklabBin, cols, rows, args...)
}

// startTUIBinary is startTUI with another binary (one built with a test's
// build tag).
func startTUIBinary(t *testing.T, bin string, cols, rows int, args ...string) tmuxSession {
	t.Helper()
	dir := t.TempDir()
	s := tmuxSession{t: t, sock: filepath.Join(dir, "tmux.sock"), name: "socklab-e2e", rcFile: filepath.Join(dir, "rc")}
	s.ctl = tmuxCtlFor(t, s.sock)
	// The shell records the exit code, then waits so the pane stays readable.
	// Its own config dir: a test never reads or writes the user's progress.
	cmd := "{ TERM=xterm-256color XDG_CONFIG_HOME=" + filepath.Join(dir, "config") + " " + bin
	for _, a := range args {
		cmd += " '" + a + "'"
	}
	// Its stderr is also kept in a file: the goroutines a hung socklab
	// prints on SIGQUIT (stacks) land in the alternate screen otherwise.
	// The group's redirection makes tee the shell's child, not socklab's.
	s.stderrFile = filepath.Join(dir, "stderr")
	cmd += "; echo $? > " + s.rcFile + "; } 2> >(tee " + s.stderrFile + " >&2); read -t 30 x <> " + holdFifo(t, dir)
	s.outFile = filepath.Join(dir, "out")
	s.tmux("new-session", "-d", "-s", s.name, "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), "bash", "-c", cmd)
	s.tmux("pipe-pane", "-o", "-t", s.name, "cat >> "+s.outFile)
	return s
}

func TestE2ETUICalculator(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	// The host's network: ss, run outside, must see the listener.
	s := startTUI(t, 100, 30, "--pane", "echo", "--host-network")
	s.waitFor(regexp.MustCompile(`server 127\.0\.0\.1:\d+`))
	s.keys("Tab")
	s.waitFor(regexp.MustCompile(`Calculator`))
	s.keys("i")
	s.waitFor(regexp.MustCompile(`type an expression`))
	s.clientReady()
	s.keys("2+3*4", "Enter")
	s.waitFor(regexp.MustCompile(`‹ 14`))

	// The port on screen is the one the kernel lists for this process.
	m := s.waitFor(regexp.MustCompile(`server 127\.0\.0\.1:(\d+)\s+(RUN|STEP)`))
	shown := m[1]
	childPid := strconv.Itoa(s.pid())
	ss, err := exec.Command("ss", "-ltnpH").Output()
	if err != nil {
		t.Fatalf("ss: %v", err)
	}
	found := false
	for _, line := range strings.Split(string(ss), "\n") {
		if strings.Contains(line, "pid="+childPid+",") && strings.Contains(line, "127.0.0.1:"+shown+" ") {
			found = true
		}
	}
	if !found {
		t.Fatalf("ss -ltnp shows no listener on port %s for pid %s:\n%s", shown, childPid, ss)
	}

	// A second client: two client ports on screen.
	// esc alone first: esc and + in one write would read as alt+plus.
	s.keys("Escape")
	s.waitFor(regexp.MustCompile(`i/enter type`))
	s.keys("+")
	clients := regexp.MustCompile(`(?:client |c)\d+ fd \d+ (?:127\.0\.0\.1)?:(\d+)`)
	s.until("two client ports", false, func(scr string) bool {
		ports := map[string]bool{}
		for _, m := range clients.FindAllStringSubmatch(scr, -1) {
			ports[m[1]] = true
		}
		return len(ports) >= 2
	})

	s.keys("q")
	s.waitExit()
}

// TestE2EFirstScreenKeys: on the first screen, before anything is typed,
// the tab bar's keys work: 3 lands on the calculator and 2 on echo (each
// proven by the hint its own field shows once i takes it).
func TestE2EFirstScreenKeys(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	s := startTUI(t, 100, 30, "--pane", "echo")
	s.waitFor(regexp.MustCompile(`server 127\.0\.0\.1:\d+`))
	s.keys("3")
	s.keys("i")
	s.waitFor(regexp.MustCompile(`type an expression like 2\+3\*4`))
	s.keys("Escape")
	s.waitFor(regexp.MustCompile(`i/enter type`))
	s.keys("2")
	s.keys("i")
	s.waitFor(regexp.MustCompile(`type a message, Enter sends it`))
	s.keys("Escape")
	s.waitFor(regexp.MustCompile(`i/enter type`))
	s.keys("1")
	s.waitFor(regexp.MustCompile(`Lesson \d+/\d+ ·|Endpoints: an IP address and a port`)) // the list, or the lesson opened last
	s.keys("q")
	s.waitExit()
}
