//go:build unix

package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestE2ERunPythonEchoServer is the first "done when": seed 002's
// server (made to take a port) under `socklab run --trace`, socklab's
// client sending two lines. Every call of the program is shown with its
// real fds and ports, and the segments between them are linked to the
// program's calls.
func TestE2ERunPythonEchoServer(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	needTool(t, "python3")
	bin := seedsBinary(t)
	pcap := filepath.Join(t.TempDir(), "run.pcapng")
	cmd := exec.Command(bin, "run", "--timeout", "60s", "--pcap", pcap, "--send", "hello", "--send", "world", "--",
		"python3", filepath.Join("testdata", "programs", "echo_server.py"), "0", "1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("socklab run: %v\n%s\n%s", err, out, stderr.String())
	}
	trace := string(out)
	if !strings.Contains(trace, "wire: on") {
		t.Skipf("the wire is off on this machine:\n%s", trace)
	}
	listen := regexp.MustCompile(`(?m)^program +listen\(3, 1\) = 0  \[127\.0\.0\.1:(\d+)\] LISTEN$`).FindStringSubmatch(trace)
	if listen == nil {
		t.Fatalf("no listen(3, 1) with the program's port:\n%s", trace)
	}
	port := listen[1]
	want := []string{
		`(?m)^program +socket\(AF_INET, SOCK_STREAM\|SOCK_CLOEXEC, 0\) = 3`,
		`(?m)^program +bind\(3, 127\.0\.0\.1:0\) = 0  \[127\.0\.0\.1:` + port + `\]`,
		`(?m)^program +accept4\(3, SOCK_CLOEXEC\) = 4  \[127\.0\.0\.1:` + port + ` <-> 127\.0\.0\.1:\d+\] LISTEN new fd ESTABLISHED`,
		`(?m)^program +recvfrom\(4, 1024, 0\) = 6 .* "hello\\n"$`,
		`(?m)^program +sendto\(4, "hello\\n", 6, 0, NULL, 0\) = 6`,
		`(?m)^program +recvfrom\(4, 1024, 0\) = 6 .* "world\\n"$`,
		`(?m)^program +recvfrom\(4, 1024, 0\) = 0`,
		`(?m)^program +close\(4\) = 0`,
		`(?m)^program +close\(3\) = 0`,
		// the segments, each linked to the program's call that sent it
		`(?m)^wire +program → client 1  PSH,ACK len=6 .*127\.0\.0\.1:` + port + ` > .*\(all 6 bytes of send #1\)$`,
		`(?m)^wire +program → client 1  FIN,ACK .*\(sent by close\)$`,
		`(?m)^wire +program → client 1  SYN,ACK .*\(the kernel answers the SYN: no accept\(\) needed\)$`,
		`(?m)^lab +-- the program ended: exit status 0$`,
	}
	for _, w := range want {
		if !regexp.MustCompile(w).MatchString(trace) {
			t.Errorf("missing %s", w)
		}
	}
	if t.Failed() {
		t.Logf("trace:\n%s", trace)
	}
	// The program's order: a line of the trace never comes before the call it depends on.
	i := strings.Index(trace, "recvfrom(4, 1024, 0) = 6")
	j := strings.Index(trace, `sendto(4, "hello\n"`)
	if i < 0 || j < i {
		t.Errorf("sendto of the echo drawn before the recvfrom it answers")
	}
	// No row shows a state before the segment that caused it: the
	// program's CLOSE_WAIT only below client 1's FIN (a state read at a
	// call's exit stop after the FIN came is drawn on a row of its own).
	fin := regexp.MustCompile(`(?m)^wire +client 1 → program  FIN`).FindStringIndex(trace)
	for _, m := range regexp.MustCompile(`(?m)^program .*CLOSE_WAIT.*$`).FindAllStringIndex(trace, -1) {
		if fin == nil || m[0] < fin[0] {
			t.Errorf("CLOSE_WAIT drawn above the FIN that caused it: %q\n%s", trace[m[0]:m[1]], trace)
		}
	}
	if !strings.Contains(stderr.String(), "port "+port) {
		t.Errorf("the program's own output is not passed on: %q", stderr.String())
	}
	// --pcap: the same segments, for tcpdump -r.
	if _, err := exec.LookPath("tcpdump"); err == nil {
		dump, err := exec.Command("tcpdump", "-nr", pcap).Output()
		if err != nil {
			t.Fatalf("tcpdump -r: %v", err)
		}
		if n := strings.Count(string(dump), "."+port+" > "); n < 4 {
			t.Errorf("--pcap holds %d segments from the program's port:\n%s", n, dump)
		}
	}
}

// TestE2ECheckJSONExitStatus: one JSON object per check, and the exit
// status is the number of failed checks.
func TestE2ECheckJSONExitStatus(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	needTool(t, "python3")
	bin := seedsBinary(t)
	cmd := exec.Command(bin, "check", "echo-server", "--json", "--limit", "5s", "--",
		"python3", filepath.Join("testdata", "programs", "echo_once.py"), "0")
	out, err := cmd.Output()
	ee, ok := err.(*exec.ExitError)
	if !ok {
		t.Fatalf("want a failing exit status, got %v\n%s", err, out)
	}
	var failed, total int
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r struct {
			Check  string `json:"check"`
			Pass   bool   `json:"pass"`
			Detail string `json:"detail"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		total++
		if !r.Pass {
			failed++
		}
		if r.Check == "serves a second client without restarting" && (r.Pass || !strings.Contains(r.Detail, "accept() once")) {
			t.Errorf("second client: %+v", r)
		}
	}
	if total != 7 || failed == 0 || ee.ExitCode() != failed {
		t.Fatalf("%d checks, %d failed, exit status %d\n%s", total, failed, ee.ExitCode(), out)
	}
}

// TestE2ERunTUIStepsTheProgram: socklab run in a terminal holds the
// program's calls in step mode (▶ NEXT names the program's next call
// before it enters the kernel), runs it with s, shows its exit status,
// and q ends socklab.
func TestE2ERunTUIStepsTheProgram(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	needTool(t, "python3")
	server, err := filepath.Abs(filepath.Join("testdata", "programs", "echo_server.py"))
	if err != nil {
		t.Fatal(err)
	}
	s := startTUI(t, 160, 40, "run", "--step", "--send", "hi", "--", "python3", server, "0", "1")
	s.waitFor(regexp.MustCompile(`▶ NEXT socket\(\)`))
	s.keys("n")
	s.waitFor(regexp.MustCompile(`socket\(\) = 3`))
	s.waitFor(regexp.MustCompile(`▶ NEXT setsockopt`))
	if strings.Contains(s.screen(), "bind(3") {
		t.Fatalf("bind ran before it was stepped:\n%s", s.screen())
	}
	s.keys("s") // run mode: everything flows, socklab's client sends "hi"
	s.waitFor(regexp.MustCompile(`program output · ended: exit status 0`))
	// The program's end can be drawn before the last of its calls reach
	// the screen (one run in twenty here): each is waited for.
	for _, want := range []string{"listen(3, 1) = 0 LISTEN", "accept(3) = 4", `recv(4) = 3 "hi\n"`, "port "} {
		s.waitFor(regexp.MustCompile(regexp.QuoteMeta(want)))
	}
	s.keys("q")
	s.waitExit()
}

// TestE2ERunSeedClientAgainstServe: seed 002's client, written against
// localhost:65432, just works under `socklab run --serve echo`, and its
// calls are shown as the client's beside socklab's server.
func TestE2ERunSeedClientAgainstServe(t *testing.T) {
	holdSeedPort(t)
	needTool(t, "python3")
	bin := seedsBinary(t)
	cmd := exec.Command(bin, "run", "--trace", "--timeout", "60s", "--serve", "echo", "--",
		"python3", filepath.Join("testdata", "seeds", "echo_client.py"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("socklab run: %v\n%s\n%s", err, out, stderr.String())
	}
	for _, w := range []string{
		`(?m)^server +listen\(\d+, \d+\) = 0  \[127\.0\.0\.1:65432\] LISTEN$`,
		// connect is placed where it sent its SYN; its state, read at the
		// exit stop after the handshake, on a row below the handshake's ACK
		`(?m)^program +connect\(3, 127\.0\.0\.1:65432\) = 0  \[127\.0\.0\.1:\d+ <-> 127\.0\.0\.1:65432\]$`,
		`(?m)^wire +program → server  ACK seq 1 ack 1 .*\n(.*\n)*?program +-- state now ESTABLISHED \(read when connect\(3\) returned, after the segments above\)$`,
		`(?m)^program +sendto\(3, "Hello, Server!", 14, 0, NULL, 0\) = 14`,
		`(?m)^program +recvfrom\(3, 1024, 0\) = 14 .*"Hello, Server!"$`,
		`(?m)^program +close\(3\) = 0`,
	} {
		if !regexp.MustCompile(w).Match(out) {
			t.Errorf("missing %s", w)
		}
	}
	if !strings.Contains(stderr.String(), "Received: Hello, Server!") {
		t.Errorf("the client's own output: %q", stderr.String())
	}
	if t.Failed() {
		t.Logf("trace:\n%s", out)
	}
}

// TestE2ERunSeedServerAndClient: the seeds' exercise with both halves the
// student's own, as typed from the blog post: one command traces the echo
// server and the echo client talking to each other on localhost:65432.
func TestE2ERunSeedServerAndClient(t *testing.T) {
	holdSeedPort(t)
	needTool(t, "python3")
	bin := seedsBinary(t)
	cmd := exec.Command(bin, "run", "--trace", "--timeout", "60s", "--",
		"python3", filepath.Join("testdata", "seeds", "echo_server.py"), "--",
		"python3", filepath.Join("testdata", "seeds", "echo_client.py"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("socklab run: %v\n%s\n%s", err, out, stderr.String())
	}
	want := regexp.MustCompile(`(?s)program 1 listen\(3, 1\) = 0  \[127\.0\.0\.1:65432\] LISTEN\n` +
		`.*program 2 connect\(3, 127\.0\.0\.1:65432\) = 0` +
		`.*wire +program 2 → program 1  SYN ` +
		`.*program 1 recvfrom\(4, 1024, 0\) = 14 .*"Hello, Server!"` +
		`.*program 2 recvfrom\(3, 1024, 0\) = 14 .*"Hello, Server!"` +
		`.*program 2 -- ended: exit status 0\n.*program 1 -- ended: exit status 0\n`)
	if !want.Match(out) {
		t.Errorf("the trace does not show both programs' calls in order:\n%s", out)
	}
	for _, w := range []string{"[program 1] Received: Hello, Server!", "[program 2] Received: Hello, Server!"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("no %q in the programs' output: %q", w, stderr.String())
		}
	}
}

// TestE2ERunTUITwoPrograms: the terminal UI shows both of the student's
// programs on one ladder, the client's calls named, both outputs below,
// and says the end only once both have ended.
func TestE2ERunTUITwoPrograms(t *testing.T) {
	t.Parallel() // see e2e_main_test.go; the server's port is the kernel's choice
	needTool(t, "python3")
	dir, err := filepath.Abs(filepath.Join("testdata", "programs"))
	if err != nil {
		t.Fatal(err)
	}
	s := startTUI(t, 160, 50, "run", "--", "python3", filepath.Join(dir, "echo_server.py"), "0", "1", "--",
		"python3", filepath.Join(dir, "echo_client.py"), "{port}")
	s.waitFor(regexp.MustCompile(`program output · ended: program 1 exit status 0; program 2 exit status 0`))
	for _, want := range []string{"program 2 is the client, started once program 1 listened on 127.0.0.1:", "┬server (program 1)",
		`program 2 send(3) = 14 "Hello, Server!"`, `recv(4) = 14 "Hello, Server!"`, "[program 2] Received: Hello, Server!", "[program 1] port "} {
		s.waitFor(regexp.MustCompile(regexp.QuoteMeta(want)))
	}
	s.keys("q")
	s.waitExit()
}

// TestE2ERunWhereTracingIsRefused: where the kernel refuses ptrace, run
// says so with the reason and still runs the program, showing the wire
// only; nothing of the program's calls is guessed.
func TestE2ERunWhereTracingIsRefused(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	needTool(t, "python3")
	needTool(t, "strace")
	bin := seedsBinary(t)
	// A real refusal, not a seam: strace makes every ptrace() of socklab
	// and its children fail with EPERM, as a container's seccomp profile
	// does, so the launcher's PTRACE_TRACEME is refused by the kernel path
	// socklab meets in the field. (--seccomp-bpf: only ptrace calls stop
	// under strace, not every call of socklab, its client and Python.)
	cmd := exec.Command("strace", "-f", "--seccomp-bpf", "-qq", "-o", "/dev/null", "-e", "trace=ptrace", "-e", "inject=ptrace:error=EPERM",
		bin, "run", "--trace", "--timeout", "60s", "--send", "hello", "--",
		"python3", filepath.Join("testdata", "programs", "echo_server.py"), "0", "1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("socklab run: %v\n%s", err, out)
	}
	trace := string(out)
	if !regexp.MustCompile(`the program's calls are not traced \(the kernel refused ptrace \(.*operation not permitted\)`).MatchString(trace) {
		t.Errorf("no reason on screen:\n%s", trace)
	}
	if regexp.MustCompile(`(?m)^program +\w+\(`).MatchString(trace) {
		t.Errorf("a call of the untraced program was shown:\n%s", trace)
	}
	if !regexp.MustCompile(`(?m)^client 1 +recv\(\d+, 1024, 0\) = 6 .*"hello\\n"$`).MatchString(trace) {
		t.Errorf("the program did not run (no echo):\n%s", trace)
	}
}
