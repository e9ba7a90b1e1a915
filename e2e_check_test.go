//go:build unix

package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestE2ECheckCalcServer: socklab check calc-server passes the calculator
// seed's server (exit status 0) and fails a C-style one, naming the
// answers that are not Python's, with exit status = failed checks.
func TestE2ECheckCalcServer(t *testing.T) {
	needTool(t, "python3")
	bin := seedsBinary(t)
	// The two programs are checked side by side, each on its own port,
	// started here: as parallel subtests they waited for a slot behind
	// every other test and ended the package ~3 s after the rest. They
	// start before t.Parallel, when the package starts: most of their
	// time is the check's wait (half its limit) on a sequential server,
	// and started late they held the package's end ~2.5 s.
	seed := background(exec.Command(bin, "check", "calc-server", "--limit", "5s", "--",
		"python3", filepath.Join("testdata", "programs", "calc_server.py"), "0"), true)
	cStyle := background(exec.Command(bin, "check", "calc-server", "--limit", "5s", "--",
		"python3", filepath.Join("testdata", "programs", "calc_server_c_style.py"), "0"), true)
	t.Parallel() // see e2e_main_test.go
	t.Run("seed", func(t *testing.T) {
		out, err := seed()
		if err != nil || strings.Count(string(out), "PASS  ") != 7 {
			t.Fatalf("the seed's calculator server: %v\n%s", err, out)
		}
	})
	t.Run("c-style", func(t *testing.T) {
		out, err := cStyle()
		ee, ok := err.(*exec.ExitError)
		failed := strings.Count(string(out), "FAIL  ")
		if !ok || failed == 0 || ee.ExitCode() != failed {
			t.Fatalf("C-style server: %v, %d FAIL lines\n%s", err, failed, out)
		}
		for _, w := range []string{`7/2: your server answered "3", Python says 3.5`, "ZeroDivisionError"} {
			if !strings.Contains(string(out), w) {
				t.Errorf("output does not say %q\n%s", w, out)
			}
		}
	})
}

// TestE2ECheckCalcClientShowsTheRST: a calculator client that reads part
// of a reply fails "reads the whole reply", and with socklab's wire the
// evidence holds the RST its close sent over the unread bytes.
func TestE2ECheckCalcClientShowsTheRST(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	needTool(t, "python3")
	bin := seedsBinary(t)
	// A client's limit covers its interpreter's start under ptrace, which
	// took over 5 s beside the rest of the suite; the program ends on its
	// own, long before 30 s, and the verdicts do not depend on the limit.
	out, err := exec.Command(bin, "check", "calc-client", "--port", "0", "--limit", "30s", "--",
		"python3", filepath.Join("testdata", "programs", "calc_client_short_recv.py"), "{port}").CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("want exit status 1 (one failed check), got %v\n%s", err, out)
	}
	for _, w := range []string{"FAIL  reads the whole reply", "bytes unread: on such a close the kernel sends RST",
		"program → server  RST", "recvfrom(3, 8, 0) = 8"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("output does not say %q\n%s", w, out)
		}
	}
	// The server's replies to the program's last two lines (4 bytes each)
	// race the program's close: 34, 38 or 42 bytes sent, all but the 26
	// read left unread (see TestCheckFailsACalculatorClientThatReadsPartOfAReply).
	m := regexp.MustCompile(`which sent (\d+) back; your program received 26 of them.* closed its socket with (\d+) bytes unread`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no reply size and unread count:\n%s", out)
	}
	if sent, unread := m[1], m[2]; !(sent == "34" && unread == "8" || sent == "38" && unread == "12" || sent == "42" && unread == "16") {
		t.Errorf("the server sent %s bytes, %s of them unread; want 34/8, 38/12 or 42/16\n%s", sent, unread, out)
	}
}

// TestE2ERunFormatMarkdown: socklab run --format md writes a handout with
// the program's calls, its output and a Mermaid diagram; a program whose
// output holds a fence and HTML cannot end a code block: every such line
// stays inside one.
func TestE2ERunFormatMarkdown(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	needTool(t, "python3")
	bin := seedsBinary(t)
	// The two handouts are made side by side, started here (see
	// TestE2ECheckCalcServer).
	hostile := "print('```\\n<img src=x onerror=alert(1)>\\n````\\n# not a heading')"
	echo := background(exec.Command(bin, "run", "--format", "md", "--timeout", "60s", "--send", "hello", "--",
		"python3", filepath.Join("testdata", "programs", "echo_server.py"), "0", "1"), false)
	hostileRun := background(exec.Command(bin, "run", "--format", "md", "--timeout", "60s", "--", "python3", "-c", hostile), false)
	t.Run("echo server", func(t *testing.T) {
		out, err := echo()
		if err != nil {
			t.Fatalf("socklab run --format md: %v\n%s", err, out)
		}
		md := string(out)
		for _, w := range []string{"# socklab run: ` python3 ", "## The calls and segments\n\n```text\n",
			`sendto(4, "hello\n", 6, 0, NULL, 0) = 6`, "## The program's output\n\n```text\nport ", "```mermaid\nsequenceDiagram\n",
			"lab       -- the program ended: exit status 0"} {
			if !strings.Contains(md, w) {
				t.Errorf("the handout does not hold %q", w)
			}
		}
		if t.Failed() {
			t.Logf("handout:\n%s", md)
		}
	})
	t.Run("hostile output", func(t *testing.T) {
		out, err := hostileRun()
		if err != nil {
			t.Fatalf("socklab run --format md: %v\n%s", err, out)
		}
		fence := ""
		for i, l := range strings.Split(string(out), "\n") {
			switch {
			case i == 0:
				// The command line is a code span as long as its longest run
				// of backticks needs.
				if !strings.HasPrefix(l, "# socklab run: ````` python3 -c ") || !strings.HasSuffix(l, " `````") {
					t.Errorf("title: %q", l)
				}
			case fence == "" && strings.HasPrefix(l, "```"):
				fence = strings.TrimRight(l, "abcdefghijklmnopqrstuvwxyz")
			case fence != "" && l == fence:
				fence = ""
			case fence == "" && (strings.Contains(l, "<img") || strings.Contains(l, "not a heading")):
				t.Errorf("the program's output escaped its code block: %q\n%s", l, out)
			}
		}
		if !strings.Contains(string(out), "<img src=x") {
			t.Errorf("the program's output is not in the handout:\n%s", out)
		}
	})
}

// background starts cmd and returns a wait for what it wrote (stdout, and
// stderr too when combined) and how it ended.
func background(cmd *exec.Cmd, combined bool) func() ([]byte, error) {
	type result struct {
		out []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		if combined {
			r.out, r.err = cmd.CombinedOutput()
		} else {
			r.out, r.err = cmd.Output()
		}
		done <- r
	}()
	return sync.OnceValues(func() ([]byte, error) {
		r := <-done
		return r.out, r.err
	})
}
