package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestE2EBadFlagsOneLine runs the binary with each out-of-range value: one
// line naming the flag on stderr, exit status 1, nothing started.
func TestE2EBadFlagsOneLine(t *testing.T) {
	bin := seedsBinary(t)
	for _, args := range [][]string{
		{"serve", "echo", "--max-clients", "0"},
		{"serve", "echo", "--max-clients", "-5"},
		{"serve", "calc", "--idle-timeout", "-1s"},
		{"serve", "calc", "--backlog", "-1"},
		{"serve", "calc", "--request-timeout", "0"},
		{"bench", "echo", "--clients", "0"},
		{"bench", "echo", "--clients", "-3"},
		{"bench", "echo", "--clients", "20000"},
		{"bench", "echo", "--duration", "0"},
		{"bench", "echo", "--duration", "-1s"},
		{"bench", "echo", "--size", "0"},
		{"bench", "echo", "--size", "-1"},
	} {
		cmd := exec.Command(bin, args...)
		out, err := cmd.CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 {
			t.Errorf("%v: exit %v, want 1; output %q", args, err, out)
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		flag := strings.TrimLeft(args[2], "-")
		if len(lines) != 1 || !strings.Contains(lines[0], "--"+flag) {
			t.Errorf("%v: want one line naming --%s, got %q", args, flag, out)
		}
	}
}

// TestE2EBenchFailsWhenNobodyServed: bench against a port where nothing
// listens reports the failure with exit status 1.
func TestE2EBenchFailsWhenNobodyServed(t *testing.T) {
	bin := seedsBinary(t)
	out, err := exec.Command(bin, "bench", "echo", "127.0.0.1", "1", "--duration", "300ms").CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "no client was served") {
		t.Fatalf("exit %v, output %q", err, out)
	}
}
