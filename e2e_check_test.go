package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2ECheckCalcServer: socklab check calc-server passes the calculator
// seed's server (exit status 0) and fails a C-style one, naming the
// answers that are not Python's, with exit status = failed checks.
func TestE2ECheckCalcServer(t *testing.T) {
	needTool(t, "python3")
	bin := seedsBinary(t)
	out, err := exec.Command(bin, "check", "calc-server", "--limit", "5s", "--",
		"python3", filepath.Join("testdata", "programs", "calc_server.py"), "0").CombinedOutput()
	if err != nil || strings.Count(string(out), "PASS  ") != 7 {
		t.Fatalf("the seed's calculator server: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "check", "calc-server", "--limit", "5s", "--",
		"python3", filepath.Join("testdata", "programs", "calc_server_c_style.py"), "0").CombinedOutput()
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
}

// TestE2ECheckCalcClientShowsTheRST: a calculator client that reads part
// of a reply fails "reads the whole reply", and with socklab's wire the
// evidence holds the RST its close sent over the unread bytes.
func TestE2ECheckCalcClientShowsTheRST(t *testing.T) {
	needTool(t, "python3")
	bin := seedsBinary(t)
	out, err := exec.Command(bin, "check", "calc-client", "--port", "0", "--limit", "5s", "--",
		"python3", filepath.Join("testdata", "programs", "calc_client_short_recv.py"), "{port}").CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("want exit status 1 (one failed check), got %v\n%s", err, out)
	}
	for _, w := range []string{"FAIL  reads the whole reply", "closed its socket with 16 bytes unread",
		"program → server  RST", "recvfrom(3, 8, 0) = 8"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("output does not say %q\n%s", w, out)
		}
	}
}
