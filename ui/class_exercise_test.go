package ui

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/ui/exercise"
	"github.com/socklab/socklab/ui/theme"
)

// TestExercisesDoneInRoom: ✓ marks per student and "N/M done" over every
// student of the session, the departed too.
func TestExercisesDoneInRoom(t *testing.T) {
	t.Parallel()
	ex, err := exercise.Parse("student.requests >= 5\nstudent.connections >= 2\nstudent.closed_cleanly\n")
	if err != nil {
		t.Fatal(err)
	}
	tal := func(a string, conns, reqs, clean uint64) service.StudentTally {
		return service.StudentTally{Addr: netip.MustParseAddr(a), Connections: conns, Requests: reqs, ClosedClean: clean}
	}
	s := roomSnap()
	s.Tallies = []service.StudentTally{
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
