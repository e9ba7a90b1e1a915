//go:build unix

package lessons

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCheckRefusesWhatIsNotALessonFile: a FIFO named 01.md (which would
// block a reader for ever), a link to /dev/zero (endless), an oversized
// file and invalid UTF-8 each get a problem with the file's name, at once;
// a missing directory names the path the user gave.
func TestCheckRefusesWhatIsNotALessonFile(t *testing.T) {
	parallel(t, rankOther)
	good := readmeExample(t)
	for _, tc := range []struct {
		name string
		make func(path string) error
		want string
	}{
		{"fifo", func(p string) error { return syscall.Mkfifo(p, 0o644) }, "not a regular file"},
		{"devzero", func(p string) error { return os.Symlink("/dev/zero", p) }, "not a regular file"},
		{"huge", func(p string) error { return os.WriteFile(p, []byte(strings.Repeat("x", MaxLessonFile+1)), 0o644) }, "at most"},
		{"utf8", func(p string) error { return os.WriteFile(p, []byte("# T\n\nok\n\xff\xfe\n"), 0o644) }, ":4: invalid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "00-good.md"), []byte(good), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := tc.make(filepath.Join(dir, "01.md")); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, err := Check(dir); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "01.md") || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Check: %v; want a problem in 01.md saying %q", err, tc.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Check is stuck reading 01.md")
			}
		})
	}
	_, err := Check("/no/such/lessons")
	if err == nil || !strings.Contains(err.Error(), "/no/such/lessons") {
		t.Fatalf("missing dir: %v", err)
	}
}
