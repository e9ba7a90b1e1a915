package ui

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/ui/theme"
)

func TestParseExercises(t *testing.T) {
	ex, err := ParseExercises("# lab 1\nfive: student.requests >= 5\n\nstudent.connections >= 2 && student.errors == 0\nstudent.closed_cleanly\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 3 || ex[0].Name != "five" || ex[1].Name != "E2" || ex[2].Src != "student.closed_cleanly" {
		t.Fatalf("parsed %+v", ex)
	}
	for src, want := range map[string]string{
		"student.requestz >= 1":                  `line 1: reference student.requestz.ok: unknown call "requestz"`,
		"ok\nclient.connect.port > 1":            "line 2: reference client.connect.port: unknown call",
		"other.requests > 1":                     "an exercise speaks of student.FIELD",
		"# nothing\n":                            "no rule",
		"student.requests > 1\x1b[2J":            "line 1: control character U+001B",
		strings.Repeat("student.open > 0\n", 10): "10 rules: at most 9",
	} {
		if _, err := ParseExercises(src); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}

// TestExercisesDoneInRoom: ✓ marks per student and "N/M done" over every
// student of the session, the departed too.
func TestExercisesDoneInRoom(t *testing.T) {
	ex, err := ParseExercises("student.requests >= 5\nstudent.connections >= 2\nstudent.closed_cleanly\n")
	if err != nil {
		t.Fatal(err)
	}
	tal := func(a string, conns, reqs, clean uint64) netlab.StudentTally {
		return netlab.StudentTally{Addr: netip.MustParseAddr(a), Connections: conns, Requests: reqs, ClosedClean: clean}
	}
	s := roomSnap()
	s.Tallies = []netlab.StudentTally{
		tal("10.91.0.3", 2, 7, 1),   // all three
		tal("10.91.0.5", 1, 7, 0),   // requests only
		tal("10.91.0.9", 5, 500, 0), // requests and connections
		tal("10.91.0.20", 3, 9, 1),  // departed, all three
	}
	m := NewModel(Options{Theme: theme.ThemeDark, Class: &ClassOptions{Exercises: ex}})
	m.inited[0] = true
	m.Update(tea_WindowSize(120, 36))
	m.Update(classSnapMsg{to: 0, snap: s})
	defer m.Close()
	scr := ansi.Strip(m.render())
	for _, want := range []string{"10.91.0.3         1 ✓✓✓", "10.91.0.5         1 ✓··", "10.91.0.9     +  5! ✓✓·", "2/4 done", "DONE"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
}
