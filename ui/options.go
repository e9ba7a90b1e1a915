package ui

import (
	"context"
	"io"
	"net/netip"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/ui/exercise"
	"github.com/socklab/socklab/ui/lessonpane"
	"github.com/socklab/socklab/ui/progressview"
	"github.com/socklab/socklab/ui/theme"
)

// Options are what the command line chooses.
type Options struct {
	Host  netip.Addr // address the servers bind; default 127.0.0.1
	Port  uint16     // server port of the first pane shown; 0: the kernel chooses
	Pane  string     // "echo", "calc" or "lessons": the pane shown first
	Theme theme.Theme
	// Lessons: which lesson the lesson pane opens (Number 0: the last one
	// opened, or the list) and an instructor's lesson directory.
	Lessons lessonpane.Options
	// Trace, if set, gets every event of the lab panes in causal order (the
	// command line's --trace-file writes it; the UI does no I/O itself).
	Trace event.Sink
	// Wire says whether the labs capture the segments on lo, or why not.
	Wire netlab.WireConfig

	// Class, when set, makes the program socklab class: one pane following
	// the instructor's server. Connect, when set, makes it socklab connect:
	// one lab pane whose clients talk to a server elsewhere.
	Class   *ClassOptions
	Connect *ConnectOptions
	// Program, when set, makes it socklab run: one pane showing a
	// student's program (program_pane.go).
	Program *ProgramOptions
}

// ClassOptions are what socklab class hands the UI.
type ClassOptions struct {
	// Server listens already and is served by the command, which also closes
	// it: the pane only looks at it (Snapshot) and holds or frees its accept.
	Server *service.Class
	// Reach are the addresses students can type (service.ReachableAddrs).
	Reach []netip.Addr
	// Exercises are checked per student (class --exercise): a ✓ column
	// each and "N/M done" in the room.
	Exercises []exercise.Exercise
	// Banner starts on the join banner (class --banner); b toggles it.
	Banner bool
}

// ConnectOptions are what socklab connect hands the UI.
type ConnectOptions struct {
	Addr    netip.AddrPort // the server, on another machine (or this one)
	Service string         // service.Echo or service.Calc
	// ServiceWhy says how the service was chosen ("--service calc", "port
	// 1081 is the calculator's"): shown, so a wrong guess is plain.
	ServiceWhy string
}

// Theme, its values and ParseTheme are the command line's names for
// theme's: the commands choose a theme through Options and never import
// the UI's sub-packages.
type Theme = theme.Theme

const (
	ThemeAuto         = theme.ThemeAuto
	ThemeDark         = theme.ThemeDark
	ThemeLight        = theme.ThemeLight
	ThemeHighContrast = theme.ThemeHighContrast
)

// ParseTheme maps a --theme value to a Theme.
func ParseTheme(s string) (Theme, bool) { return theme.ParseTheme(s) }

// LessonOptions are what socklab lesson hands the lesson pane (which
// lesson opens, an instructor's directory, where progress is saved).
type LessonOptions = lessonpane.Options

// ProgressSample and RunProgress are socklab bench's progress display
// (ui/progressview), named here so the commands import only ui.
type ProgressSample = progressview.Sample

// RunProgress shows a progress bar on out until done is closed (see
// progressview.Run).
func RunProgress(ctx context.Context, out io.Writer, title string, sample func() ProgressSample, done <-chan struct{}, cancel func()) error {
	return progressview.Run(ctx, out, title, sample, done, cancel)
}

// Exercise, ParseExercises and ExercisesDone are socklab class's exercises
// (ui/exercise), named here so the commands import only ui.
type Exercise = exercise.Exercise

// ParseExercises reads an exercise file (see exercise.Parse).
func ParseExercises(src string) ([]Exercise, error) { return exercise.Parse(src) }

// ExercisesDone checks every exercise for every student (see exercise.Done).
func ExercisesDone(ex []Exercise, ts []service.StudentTally) (all int, each [][]bool) {
	return exercise.Done(ex, ts)
}
