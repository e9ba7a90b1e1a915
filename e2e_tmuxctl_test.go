//go:build unix

package main

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// tmuxCtl is one tmux client in control mode (tmux -C) on a test's tmux
// server: every command of the test's sessions goes through its stdin and
// its answer comes back between %begin and %end. A tmux command run as a
// process of its own costs ~10 ms of CPU on this 2-core VM (loading,
// connecting), and the e2e tests ran some 500 of them per suite.
//
// The client sits in a session of its own (_ctl, a shell waiting on a
// FIFO: holdFifo), so the sessions the tests draw in have no client
// attached and keep the size they were made with.
type tmuxCtl struct {
	mu   sync.Mutex
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	dead error // the client is gone: every later command fails with this
}

var (
	ctlsMu sync.Mutex
	ctls   = map[string]*tmuxCtl{}
)

// tmuxCtlFor returns the control client of the tmux server at sock,
// starting the server and the client on first use; the test that started
// them kills the server when it ends.
func tmuxCtlFor(t *testing.T, sock string) *tmuxCtl {
	t.Helper()
	ctlsMu.Lock()
	defer ctlsMu.Unlock()
	if c := ctls[sock]; c != nil {
		return c
	}
	// The session's shell is tmux's default shell: a POSIX read, no -t;
	// the kill-server below ends it.
	cmd := exec.Command("tmux", "-S", sock, "-C", "new-session", "-s", "_ctl", "-x", "20", "-y", "5", "read x <> "+holdFifo(t, filepath.Dir(sock)))
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("tmux -C: %v", err)
	}
	c := &tmuxCtl{cmd: cmd, in: in, out: bufio.NewReaderSize(stdout, 64<<10)}
	// The answer to the new-session the client was started with.
	if _, err := c.answer(); err != nil {
		t.Fatalf("tmux -C: %v", err)
	}
	ctls[sock] = c
	t.Cleanup(func() {
		ctlsMu.Lock()
		delete(ctls, sock)
		ctlsMu.Unlock()
		_, _ = c.run("kill-server")
		in.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	return c
}

// run sends one command (its words quoted for tmux's parser) and returns
// what it printed, or its error message.
func (c *tmuxCtl) run(args ...string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead != nil {
		return "", c.dead
	}
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tmuxQuote(a))
	}
	b.WriteByte('\n')
	if _, err := io.WriteString(c.in, b.String()); err != nil {
		c.dead = fmt.Errorf("tmux -C: %w", err)
		return "", c.dead
	}
	out, err := c.answer()
	if err != nil && !strings.HasPrefix(err.Error(), "tmux: ") {
		c.dead = err
	}
	return out, err
}

// answer reads up to the next %end or %error block, skipping the
// notifications (%output, %window-add, …) that come between blocks.
func (c *tmuxCtl) answer() (string, error) {
	var body strings.Builder
	in := false
	for {
		line, err := c.out.ReadString('\n')
		if err != nil {
			return "", fmt.Errorf("tmux -C ended: %w", err)
		}
		switch {
		case !in && strings.HasPrefix(line, "%begin "):
			in = true
		case in && strings.HasPrefix(line, "%end "):
			return body.String(), nil
		case in && strings.HasPrefix(line, "%error "):
			return "", fmt.Errorf("tmux: %s", strings.TrimSpace(body.String()))
		case in:
			body.WriteString(line)
		case strings.HasPrefix(line, "%exit"):
			return "", fmt.Errorf("tmux -C exited: %s", strings.TrimSpace(line))
		}
	}
}

// tmuxQuote quotes a word for tmux's command parser: in double quotes,
// where \, " and $ are the characters with a meaning.
func tmuxQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`)
	return `"` + r.Replace(s) + `"`
}
