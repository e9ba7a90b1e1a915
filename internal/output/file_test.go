package output

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// onlyFiles is the names in dir: a temporary file left behind shows here.
func onlyFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func writeFile(t *testing.T, path, s string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func TestFinishPutsTheFileInPlaceWithItsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trace.txt")
	writeFile(t, path, "old\n", 0o600)
	f, err := Create("--trace-file", path)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Fatalf("the path changed before Finish: %q", b)
	}
	f.WriteString("new\n")
	if err := f.Finish(nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if string(b) != "new\n" || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Errorf("after Finish: %q, mode %v; want \"new\\n\", the old file's 0600", b, fi.Mode().Perm())
	}
	if names := onlyFiles(t, dir); len(names) != 1 {
		t.Errorf("files left: %v", names)
	}
	if err := f.Finish(errors.New("late")); err != nil {
		t.Errorf("a second Finish: %v, want nil", err)
	}
}

func TestFailedOrDroppedFileLeavesThePreviousOne(t *testing.T) {
	for _, end := range []struct {
		name string
		do   func(*File) error
		want string
	}{
		{"write error", func(f *File) error { return f.Finish(errors.New("disk full")) }, "disk full"},
		{"drop", func(f *File) error { return f.Drop("not written: the command did not run") }, "did not run"},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "out.pcapng")
		writeFile(t, path, "previous", 0o644)
		f, err := Create("--pcap", path)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("half a file")
		err = end.do(f)
		if !IsError(err) || !strings.Contains(err.Error(), end.want) || !strings.Contains(err.Error(), "--pcap "+path) {
			t.Errorf("%s: %v; want an Error naming --pcap, the path and %q", end.name, err, end.want)
		}
		if b, _ := os.ReadFile(path); string(b) != "previous" {
			t.Errorf("%s: the previous file became %q", end.name, b)
		}
		if names := onlyFiles(t, dir); len(names) != 1 {
			t.Errorf("%s: files left: %v", end.name, names)
		}
	}
}

func TestCreateRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "precious")
	writeFile(t, target, "keep me", 0o644)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if _, err := Create("--trace-file", link); err == nil || !strings.Contains(err.Error(), "does not follow it") {
		t.Errorf("a link: %v, want it refused, saying socklab does not follow links", err)
	}
	if _, err := Create("--trace-file", dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory: %v, want it refused", err)
	}
	if runtime.GOOS != "windows" {
		if _, err := Create("--trace-file", os.DevNull); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("%s: %v, want it refused", os.DevNull, err)
		}
	}
	if _, err := Create("--trace-file", filepath.Join(dir, "no", "such", "dir", "f")); err == nil {
		t.Error("a path in a missing directory accepted")
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("the link's target became %q", b)
	}
	if names := onlyFiles(t, dir); len(names) != 2 {
		t.Errorf("files left: %v", names)
	}
}
