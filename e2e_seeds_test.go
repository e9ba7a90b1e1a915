//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// seedsBinary is the binary TestMain built (the name stays for the tests
// that call it).
func seedsBinary(t *testing.T) string {
	t.Helper()
	return socklabBin
}

func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required in CI (.ci/run installs it)", name)
		}
		t.Skipf("%s not installed", name)
	}
}

// startServe runs `socklab serve ARGS…` and returns the port from its
// "listening on" line and a channel of the trace lines that follow.
func startServe(t *testing.T, args ...string) (port string, lines <-chan string) {
	t.Helper()
	cmd := exec.Command(seedsBinary(t), append([]string{"serve"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 10000)
	sc := bufio.NewScanner(out)
	first := make(chan string, 1)
	go func() {
		defer close(ch)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) // Ctrl-C: serve must close everything and exit 0
		if err := cmd.Wait(); err != nil {
			t.Errorf("serve did not exit cleanly on SIGINT: %v", err)
		}
	})
	select {
	case l := <-first:
		m := regexp.MustCompile(`^listening on .*:(\d+) `).FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("first line %q", l)
		}
		return m[1], ch
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	return "", nil
}

// seedPort is held by each test that listens on the seeds' fixed port,
// 65432, on this machine's loopback or in socklab run's network: they run
// beside the other tests, one of them at a time.
var seedPort sync.Mutex

// holdSeedPort makes t a parallel test that holds the seeds' port until
// everything it started has stopped (its cleanups run first).
func holdSeedPort(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	seedPort.Lock()
	t.Cleanup(seedPort.Unlock)
}

func TestE2ESeedEchoClientAgainstServe(t *testing.T) {
	holdSeedPort(t)
	needTool(t, "python3")
	startServe(t, "echo", "--quiet") // the seed's port, 65432
	out, err := exec.Command("python3", "testdata/seeds/echo_client.py").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Received: Hello, Server!") {
		t.Fatalf("seed client: %v\n%s", err, out)
	}
}

func TestE2EClientAgainstSeedEchoServer(t *testing.T) {
	holdSeedPort(t)
	needTool(t, "python3")
	srv := exec.Command("python3", "-u", "testdata/seeds/echo_server.py")
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), "Waiting for a connection") {
	}
	cmd := exec.Command(seedsBinary(t), "client", "echo")
	cmd.Stdin = strings.NewReader("Hello, Server!\nsecond line\n")
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "Hello, Server!\nsecond line\n" {
		t.Fatalf("client: %v\n%q", err, out)
	}
	srv.Wait()
}

func TestE2ECalcPipeAndTutorialClient(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	needTool(t, "python3")
	port, _ := startServe(t, "calc", "127.0.0.1", "0", "--quiet")
	cmd := exec.Command(seedsBinary(t), "client", "calc", "127.0.0.1", port)
	cmd.Stdin = strings.NewReader("2+3*4\n2**100\n7/2\n1/0\n")
	out, err := cmd.Output()
	want := "14\n1267650600228229401496703205376\n3.5\nerror: division by zero\n"
	if err != nil || string(out) != want {
		t.Fatalf("client calc: %v\n%q", err, out)
	}
	py, err := exec.Command("python3", "testdata/seeds/calc_client.py", "127.0.0.1", port, "2+3", "quit").CombinedOutput()
	if err != nil || string(py) != "5\nbye\n" {
		t.Fatalf("tutorial-style client: %v\n%q", err, py)
	}
}

// The trace's fds, ports and states are the kernel's: compare with ss.
func TestE2ETraceMatchesSS(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	needTool(t, "python3")
	needTool(t, "ss")
	port, lines := startServe(t, "calc", "127.0.0.1", "0")
	// A client that connects, asks once, then stays connected.
	py := exec.Command("python3", "-c", `
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"1+1\n"); s.recv(1024)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
`, port)
	stdin, _ := py.StdinPipe()
	pyOut, _ := py.StdoutPipe()
	if err := py.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); py.Wait() }()
	sc := bufio.NewScanner(pyOut)
	if !sc.Scan() {
		t.Fatal("python client failed")
	}
	clientPort := strings.TrimSpace(sc.Text())

	var accept string
	deadline := time.After(10 * time.Second)
	for accept == "" {
		select {
		case l := <-lines:
			if strings.Contains(l, "accept(") && strings.Contains(l, " = ") && !strings.Contains(l, "= -1") {
				accept = l
			}
		case <-deadline:
			t.Fatal("no accept line")
		}
	}
	if !strings.Contains(accept, "127.0.0.1:"+port+" <-> 127.0.0.1:"+clientPort) ||
		!strings.Contains(accept, "LISTEN new fd ESTABLISHED") {
		t.Fatalf("accept line %q (client port %s)", accept, clientPort)
	}
	ss, err := exec.Command("ss", "-tan", "state", "established", "( sport = :"+port+" )").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ss), "127.0.0.1:"+clientPort) {
		t.Fatalf("ss does not show the connection the trace shows:\n%s", ss)
	}
	ssl, _ := exec.Command("ss", "-ltn", "( sport = :"+port+" )").Output()
	if !strings.Contains(string(ssl), "127.0.0.1:"+port) {
		t.Fatalf("ss shows no listener on %s:\n%s", port, ssl)
	}
}

func TestE2EErrorsAreOneLine(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin := seedsBinary(t)
	port, _ := startServe(t, "echo", "127.0.0.1", "0", "--quiet")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "echo", "127.0.0.1", port}, "EADDRINUSE"},
		{[]string{"serve", "calc", "127.0.0.1", "70000"}, "out of range"},
		{[]string{"serve", "calc", "no.such.host.invalid", "1"}, "cannot resolve"},
		{[]string{"serve", "ftp"}, "unknown service"},
	} {
		cmd := exec.Command(bin, c.args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 {
			t.Errorf("%v: exit %v", c.args, err)
		}
		s := strings.TrimSpace(stderr.String())
		if strings.Count(s, "\n") != 0 || !strings.Contains(s, c.want) {
			t.Errorf("%v: stderr %q, want one line with %q", c.args, s, c.want)
		}
	}
}
