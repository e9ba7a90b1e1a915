//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/privnet"
)

// The command lines below are refused before anything starts (a flag, a
// file, a lesson file out of bounds): they run in this process, through
// the command line's own code (runTo), with the host's network. As
// processes of their own (and with a private network each, a second
// process) they cost ~0.5 s of CPU per test; the exit status and the line
// on stderr of a real process are checked by TestE2EBadFlagsOneLine and
// TestE2ETUIBadLessonFileSaysWhere.

// refusalOf runs socklab's command line with args in this process and
// returns its exit code and output.
func refusalOf(t *testing.T, args ...string) (int, string) {
	t.Helper()
	// A hang guard: a command that should have refused at once but runs.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	code := runTo(ctx, args, privnet.Host("test", ""), &out)
	if ctx.Err() != nil {
		t.Fatalf("%v ran for 30 s instead of being refused", args)
	}
	return code, out.String()
}

func TestRunBadInvocations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--serve", "chat", "--", "true"}, `--serve "chat": want echo or calc`},
		{[]string{"run", "--port", "70000", "--serve", "echo", "--", "true"}, "--port 70000"},
		{[]string{"run", "--", "/nonexistent/prog"}, "/nonexistent/prog"},
		{[]string{"run", "--format", "html", "--", "true"}, `--format "html": want text, json or md`},
		{[]string{"check", "calc-sever", "--", "true"}, `unknown exercise "calc-sever": want echo-server, echo-client, calc-server, calc-client`},
		{[]string{"run", "--trace", "--", "true", "--"}, "two programs: socklab run [flags] -- SERVER [ARGS...] -- CLIENT [ARGS...]"},
		{[]string{"run", "--trace", "--send", "hi", "--", "true", "--", "true"}, "two programs talk to each other: --serve and --send are for one program"},
	} {
		code, out := refusalOf(t, tc.args...)
		if code == 0 || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, output %q; want an error with %q", tc.args, code, out, tc.want)
		}
	}
}

// TestOutputFilesRefused: --trace-file and --pcap write only regular
// files: a symbolic link is refused (it used to truncate its target), and
// so are /dev/full and a FIFO (a FIFO with no reader made socklab
// unkillable); one line, exit 1, the link's target untouched.
func TestOutputFilesRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim, link, fifo := filepath.Join(dir, "victim"), filepath.Join(dir, "link"), filepath.Join(dir, "fifo")
	os.WriteFile(victim, []byte("precious\n"), 0o644)
	os.Symlink(victim, link)
	syscall.Mkfifo(fifo, 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "echo", "--addr", "127.0.0.1:0", "--trace-file", link}, "symbolic link"},
		{[]string{"serve", "echo", "--addr", "127.0.0.1:0", "--trace-file", "/dev/full"}, "character device, not a regular file"},
		{[]string{"serve", "echo", "--addr", "127.0.0.1:0", "--trace-file", fifo}, "FIFO (named pipe), not a regular file"},
		{[]string{"trace", "1", "--pcap", link}, "symbolic link"},
		{[]string{"--trace-file", link}, "symbolic link"},
		{[]string{"--trace-file", fifo}, "FIFO (named pipe), not a regular file"},
		{[]string{"--pcap", "/dev/full"}, "character device, not a regular file"},
	} {
		code, out := refusalOf(t, tc.args...)
		if code != 1 || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, output %q; want one line with %q and exit 1", tc.args, code, out, tc.want)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Fatalf("the link's target was changed: %q", b)
	}
}

// TestLessonBoundsRefused: the lesson files that crashed socklab
// (recv 2^63-1: makeslice panic; recv 10^12: out of memory) and the one
// whose sends cost gigabytes are refused with file:line by lessons check
// and by trace, exit 1.
func TestLessonBoundsRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ line, want string }{
		{"conn.recv 9223372036854775807", "01-bad.md:10:"},
		{"conn.recv 1000000000000", "01-bad.md:10:"},
		{"conn.echo 9223372036854775807", "01-bad.md:10:"},
		{strings.Repeat("client.send \"x\"*65536\n", 300), "sends more than"},
	} {
		dir := t.TempDir()
		src := "# Bad\n\n## S\n\n```lab\nserver.socket tcp\nclient.socket tcp\nconn = server.accept\n\n" + tc.line + "\n```\n"
		os.WriteFile(filepath.Join(dir, "01-bad.md"), []byte(src), 0o644)
		for _, args := range [][]string{{"lessons", "check", dir}, {"trace", "15", "--lessons", dir}} {
			code, out := refusalOf(t, args...)
			if code != 1 || !strings.Contains(out, tc.want) || strings.Contains(out, "panic") {
				t.Errorf("%v on %.30q: exit %d, output %q; want 1 and %q", args, tc.line, code, out, tc.want)
			}
		}
	}
}

// TestSmallerEdges: each of the smaller reproductions is one clear
// line and exit 1.
func TestSmallerEdges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.Symlink("/dev/zero", filepath.Join(dir, "01-zero.md"))
	for _, tc := range []struct {
		args      []string
		want, not string
	}{
		{[]string{"class", "calc", "--rate", "NaN"}, "--rate NaN", ""},
		{[]string{"serve", "echo", "--json", "--quiet"}, "--quiet prints no trace; it cannot go with --json", ""},
		{[]string{"trace", "3", "--format", "md", "--json"}, "cannot go with --format md", ""},
		{[]string{"lessons", "check", "/etc/passwd"}, "/etc/passwd: a regular file, not a directory", "open ."},
		{[]string{"lessons", "check", dir}, "not a regular file (a character device)", "Dc"},
		{[]string{"bench", "echo", "127.0.0.1", "1", "--duration", "300ms"}, "no client was served", ""},
		{[]string{"--lessons", "/missing"}, "lessons directory /missing", "TTY"},
	} {
		code, out := refusalOf(t, tc.args...)
		if code != 1 || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, tc.want) || (tc.not != "" && strings.Contains(out, tc.not)) {
			t.Errorf("%v: exit %d, output %q; want one line with %q", tc.args, code, out, tc.want)
		}
	}
}
