package testpython

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInterpreterSkipsShims: a python3 script first on PATH (a version
// manager's shim) is passed over for the interpreter behind it, and what
// is found runs Python 3.
func TestInterpreterSkipsShims(t *testing.T) {
	dir := t.TempDir()
	shim := filepath.Join(dir, "python3")
	if err := os.WriteFile(shim, []byte("#!/bin/sh\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if program(shim) {
		t.Fatal("a script taken for an interpreter")
	}
	p, err := Interpreter()
	if err != nil {
		t.Skip("no python3")
	}
	if p != "python3" && !program(p) {
		t.Fatalf("Interpreter() = %s, a script", p)
	}
	out, err := exec.Command(p, "-S", "-c", "import sys; print(sys.version_info[0])").Output()
	if err != nil || strings.TrimSpace(string(out)) != "3" {
		t.Fatalf("%s: %v %q", p, err, out)
	}
}
