package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real socklab binary in a real terminal.
type tmuxSession struct {
	t    *testing.T
	name string
}

func (s tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", args...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

func (s tmuxSession) keys(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

func (s tmuxSession) screen() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-t", s.name)
}

// waitFor polls the screen until re matches, with a deadline instead of
// fixed sleeps; it returns the submatches.
func (s tmuxSession) waitFor(re *regexp.Regexp) []string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		if m := re.FindStringSubmatch(scr); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %v; screen:\n%s", re, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestE2ETUICalculator(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is required in CI")
		}
		t.Skip("tmux not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "socklab")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v: %s", err, out)
	}
	rcFile := filepath.Join(dir, "rc")
	s := tmuxSession{t: t, name: "socklab-e2e-" + strconv.Itoa(os.Getpid())}
	// The shell records the exit code, then waits so the pane stays readable.
	cmd := bin + "; echo $? > " + rcFile + "; sleep 30"
	s.tmux("new-session", "-d", "-s", s.name, "-x", "100", "-y", "30", "TERM=xterm-256color "+cmd)
	t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", s.name).Run() })

	s.waitFor(regexp.MustCompile(`server 127\.0\.0\.1:\d+`))
	s.keys("Tab")
	s.waitFor(regexp.MustCompile(`Calculator`))
	s.keys("2+3*4", "Enter")
	s.waitFor(regexp.MustCompile(`‹ 14`))

	// The port on screen is the one the kernel lists for this process.
	m := s.waitFor(regexp.MustCompile(`server 127\.0\.0\.1:(\d+)\s+(RUN|STEP)`))
	shown := m[1]
	pid := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{pane_pid}"))
	childPid := strings.TrimSpace(string(must(exec.Command("pgrep", "-P", pid, "-x", "socklab").Output())))
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
	s.waitFor(regexp.MustCompile(`i type`))
	s.keys("+")
	clients := regexp.MustCompile(`(?:client |c)\d+ fd \d+ (?:127\.0\.0\.1)?:(\d+)`)
	deadline := time.Now().Add(15 * time.Second)
	for {
		ports := map[string]bool{}
		for _, m := range clients.FindAllStringSubmatch(s.screen(), -1) {
			ports[m[1]] = true
		}
		if len(ports) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no two client ports on screen:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}

	s.keys("q")
	deadline = time.Now().Add(15 * time.Second)
	for {
		rc, err := os.ReadFile(rcFile)
		if err == nil && len(rc) > 0 {
			if strings.TrimSpace(string(rc)) != "0" {
				t.Fatalf("exit code %s", rc)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("socklab did not exit on q; screen:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		return nil
	}
	return b
}
