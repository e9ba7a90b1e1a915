//go:build unix

package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestE2ESignalsRestoreTerminal sends SIGHUP, SIGTERM and SIGINT from
// outside to the TUI: each time the program exits with the documented code,
// the terminal leaves the alternate screen, and typed text is echoed again
// (canonical mode and echo restored).
func TestE2ESignalsRestoreTerminal(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	cases := []struct {
		sig  syscall.Signal
		code string
	}{
		{syscall.SIGHUP, "129"},
		{syscall.SIGTERM, "0"},
		{syscall.SIGINT, "0"},
	}
	// The three socklabs start at once, each in its own tmux server, and
	// the subtests then take them in turn. (Parallel subtests would wait
	// for a slot behind every other test of the package, and end it.)
	var ss []tmuxSession
	for range cases {
		ss = append(ss, startTUI(t, 100, 30, "--pane", "echo"))
	}
	for i, tc := range cases {
		t.Run(tc.sig.String(), func(t *testing.T) {
			s := ss[i]
			s.t = t
			s.waitFor(regexp.MustCompile(`server 127\.0\.0\.1:\d+`))
			if on := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{alternate_on}")); on != "1" {
				t.Fatalf("alternate screen not on while running: %q", on)
			}
			if err := syscall.Kill(s.pid(), tc.sig); err != nil {
				t.Fatal(err)
			}
			code := s.exitCode()
			if code != tc.code {
				t.Fatalf("exit code %s after %s, want %s", code, tc.sig, tc.code)
			}
			if on := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{alternate_on}")); on != "0" {
				t.Fatalf("still in the alternate screen after %s", tc.sig)
			}
			s.keys("typed-after-exit")
			s.waitForEcho("typed-after-exit")
			if strings.Contains(s.screen(), "context canceled") || strings.Contains(s.screen(), "program was") {
				t.Fatalf("noise on exit:\n%s", s.screen())
			}
		})
	}
}

// exitCode waits for the binary to end and returns its exit code.
func (s tmuxSession) exitCode() string {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		rc, err := os.ReadFile(s.rcFile)
		if err == nil && len(rc) > 0 {
			return strings.TrimSpace(string(rc))
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("socklab did not exit; screen:\n%s\n%s", s.screen(), s.stacks())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stacks makes every process under the pane's shell print its goroutines
// (SIGQUIT) and returns the pane's scrollback, so that a hang names where
// it hung instead of showing a blank screen.
func (s tmuxSession) stacks() string {
	s.t.Helper()
	shell := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{pane_pid}"))
	pids := descendants(shell)
	var quit []string
	for _, p := range pids {
		// socklab, and its child in the private network (named "exe", as
		// it runs /proc/self/exe); not the shell's tee.
		if comm, _ := os.ReadFile("/proc/" + p + "/comm"); strings.TrimSpace(string(comm)) != "tee" {
			quit = append(quit, p)
			_ = exec.Command("kill", "-QUIT", p).Run()
		}
	}
	time.Sleep(time.Second)
	out, _ := os.ReadFile(s.stderrFile)
	return "socklab processes under the pane: " + strings.Join(quit, " ") + "; their stderr after SIGQUIT:\n" + string(out)
}

// descendants lists the processes under pid, children first.
func descendants(pid string) []string {
	var pids []string
	for next := []string{pid}; len(next) > 0; {
		out, _ := exec.Command("pgrep", "-P", strings.Join(next, ",")).Output()
		next = strings.Fields(string(out))
		pids = append(pids, next...)
	}
	return pids
}

// running reports whether process pid has not ended: it exists and is not
// a zombie (which runs nothing, and can write nothing).
func running(pid string) bool {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command's closing parenthesis.
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}
