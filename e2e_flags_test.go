//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestE2EBadFlagsOneLine runs the binary with an out-of-range value of
// each command: one line naming the flag on stderr, exit status 1,
// nothing started. TestBadFlagsOneLine checks every flag in this process.
func TestE2EBadFlagsOneLine(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin := seedsBinary(t)
	for _, args := range [][]string{
		{"serve", "echo", "--max-clients", "0"},
		{"bench", "echo", "--clients", "20000"},
		{"class", "calc", "--allow", "10.0.0.0/33"},
	} {
		cmd := exec.Command(bin, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 {
			t.Errorf("%v: exit %v, want 1; output %q %q", args, err, stdout.String(), stderr.String())
			continue
		}
		oneLineNamingFlag(t, args, stderr.String())
		if stdout.Len() != 0 {
			t.Errorf("%v: wrote %q on stdout", args, stdout.String())
		}
	}
}

// TestE2EBenchFailsWhenNobodyServed: bench against a port where nothing
// listens reports the failure with exit status 1.
func TestE2EBenchFailsWhenNobodyServed(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin := seedsBinary(t)
	out, err := exec.Command(bin, "bench", "echo", "127.0.0.1", "1", "--duration", "300ms").CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "no client was served") {
		t.Fatalf("exit %v, output %q", err, out)
	}
}

// TestE2ETUITraceFileJSON: the TUI's --trace-file F --json writes the echo
// pane's calls as JSON lines, a typed message's send and recv among them.
func TestE2ETUITraceFileJSON(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	out := filepath.Join(t.TempDir(), "trace.jsonl")
	s := startTUI(t, 100, 30, "--pane", "echo", "--trace-file", out, "--json")
	s.waitFor(regexp.MustCompile(`server 127\.0\.0\.1:\d+`))
	s.clientReady()
	s.keys("i")
	s.keys("traced", "Enter")
	s.waitFor(regexp.MustCompile(`‹ traced`))
	s.keys("C-c")
	s.waitExit()
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var sends, recvs int
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e struct {
			V        int
			Kind, Op string
			DataText *string `json:"data_text"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil || e.V != 1 {
			t.Fatalf("not a JSON trace line: %q (%v)", line, err)
		}
		if e.Kind == "call" && e.DataText != nil && *e.DataText == "traced" {
			switch e.Op {
			case "send":
				sends++
			case "recv":
				recvs++
			}
		}
	}
	if sends != 2 || recvs != 2 { // the client's and the server's
		t.Fatalf("sends %d, recvs %d of \"traced\"; want 2 and 2", sends, recvs)
	}
}
