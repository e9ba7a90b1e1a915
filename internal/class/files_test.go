package class

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/ui"
)

func TestReadExercisesRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "ex.txt")
	os.WriteFile(good, []byte("five: student.requests >= 5\nstudent.closed_cleanly\n"), 0o644)
	ex, err := ReadExercises(good)
	if err != nil || len(ex) != 2 || ex[0].Name != "five" {
		t.Fatalf("%+v, %v; want two exercises, the first named five", ex, err)
	}
	big := filepath.Join(dir, "big.txt")
	os.WriteFile(big, []byte(strings.Repeat("student.requests >= 5\n", MaxExercises/20)), 0o644)
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("student.requests >= 5\nstudent.nonsense >= 1\n"), 0o644)
	for path, want := range map[string]string{
		dir:                           "not a regular file",
		filepath.Join(dir, "missing"): "no such file",
		big:                           "more than 65536 bytes",
		bad:                           "line 2",
	} {
		if _, err := ReadExercises(path); err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "--exercise") {
			t.Errorf("%s: %v, want an --exercise error saying %q", filepath.Base(path), err, want)
		}
	}
}

func TestWriteSummaryNewFilesOnly(t *testing.T) {
	dir := t.TempDir()
	ex, err := readRules(t, dir, "five: student.requests >= 5\n")
	if err != nil {
		t.Fatal(err)
	}
	ts := []service.StudentTally{
		{Addr: netip.MustParseAddr("10.0.0.7"), Connections: 2, Requests: 6, ClosedClean: 1, BytesIn: 30, BytesOut: 40},
		{Addr: netip.MustParseAddr("10.0.0.8"), Connections: 1, Requests: 1},
	}
	prefix := filepath.Join(dir, "s")
	paths, err := WriteSummary(prefix, time.Date(2026, 12, 5, 4, 0, 0, 0, time.UTC), ts, ex)
	if err != nil || len(paths) != 2 {
		t.Fatalf("%v, %v", paths, err)
	}
	csv, _ := os.ReadFile(prefix + ".csv")
	want := "student,connections,requests,errors,closed_cleanly,bytes_in,bytes_out,exercises_done,five\n" +
		"10.0.0.7,2,6,0,1,30,40,1,true\n10.0.0.8,1,1,0,0,0,0,0,false\n"
	if string(csv) != want {
		t.Errorf("csv:\n%s\nwant:\n%s", csv, want)
	}
	var doc struct {
		Students []struct {
			Student   string          `json:"student"`
			Done      int             `json:"exercises_done"`
			Exercises map[string]bool `json:"exercises"`
		} `json:"students"`
	}
	b, _ := os.ReadFile(prefix + ".json")
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Students) != 2 || !doc.Students[0].Exercises["five"] || doc.Students[1].Done != 0 {
		t.Errorf("json %s (%v)", b, err)
	}
	// A second session with the same prefix must not overwrite the first.
	if _, err := WriteSummary(prefix, time.Now(), ts[:1], nil); err == nil {
		t.Error("an existing summary was overwritten")
	}
	if again, _ := os.ReadFile(prefix + ".csv"); string(again) != want {
		t.Errorf("the first summary changed:\n%s", again)
	}
}

// readRules reads rules through a file, as class does.
func readRules(t *testing.T, dir, src string) ([]ui.Exercise, error) {
	t.Helper()
	p := filepath.Join(dir, "rules")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return ReadExercises(p)
}
