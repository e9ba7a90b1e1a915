package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/socklab/socklab/internal/privnet"
)

// TestBadFlagsOneLine runs the command line with each out-of-range value,
// in this process: one line naming the flag, exit status 1, nothing
// started. (TestE2EBadFlagsOneLine checks a few through the binary: the
// line on stderr, the exit status.) Each case as a process of its own
// cost ~50 ms of CPU, ~1.3 s for the table.
func TestBadFlagsOneLine(t *testing.T) {
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
		{"class", "calc", "--rate", "-1"},
		{"class", "calc", "--allow", "10.0.0.0/33"},
		{"class", "calc", "--allow", "classroom"},
		{"class", "echo", "--max-clients", "0"},
		{"class", "echo", "--linger", "0"},
		{"class", "calc", "--rate", "NaN"},
		{"class", "calc", "--rate", "Inf"},
		{"class", "calc", "--rate", "0.001"},
		{"class", "calc", "--rate-bytes", "10"},
		{"class", "calc", "--per-student", "-1"},
		{"class", "calc", "--exercise", "/nonexistent/rules"},
		{"serve", "calc", "--per-student", "-1"},
		{"connect", "127.0.0.1", "1081", "--service", "http"},
	} {
		var out bytes.Buffer
		if code := runTo(context.Background(), args, privnet.Host("test", ""), &out); code != 1 {
			t.Errorf("%v: exit %d, want 1; output %q", args, code, out.String())
			continue
		}
		oneLineNamingFlag(t, args, out.String())
	}
}

// oneLineNamingFlag checks that out is one line naming the flag of args
// (the one before the last word).
func oneLineNamingFlag(t *testing.T, args []string, out string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	flag := strings.TrimLeft(args[len(args)-2], "-")
	if len(lines) != 1 || !strings.Contains(lines[0], "--"+flag) {
		t.Errorf("%v: want one line naming --%s, got %q", args, flag, out)
	}
}
