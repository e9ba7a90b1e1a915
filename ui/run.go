package ui

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/netlab/event"
)

// ErrTerminalLost is Run's error when the terminal went away (a hang-up,
// a read that fails with EIO) with or without a SIGHUP: the command exits
// 129, as for SIGHUP.
var ErrTerminalLost = errors.New("the terminal went away")

// Run starts the program and blocks until the user quits or ctx ends. Every
// socket is closed before it returns.
//
// Run always gives the terminal back: a panic in a lab goroutine (a
// server's connection, a lesson's call) is recovered, the program is
// stopped and its terminal restored, and the panic is Run's error; a
// terminal that went away ends the program with ErrTerminalLost, since a
// program started through su, or whose SIGHUP was lost, would otherwise run
// on without one, holding its sockets.
func Run(ctx context.Context, opts Options, progOpts ...tea.ProgramOption) error {
	var (
		panicked atomic.Pointer[event.PanicError]
		p        *tea.Program
		started  = make(chan struct{}) // the program's event loop runs
		ran      = make(chan struct{}) // p.Run returned
	)
	// Kill is only safe once Run has set the terminal up: a Kill that
	// comes first (a lab's first connection panics while Init starts
	// it) tears down what is not built yet, and Run then leaves the
	// terminal raw in the alternate screen, and the process hung.
	kill := func() {
		go func() {
			select {
			case <-started:
				p.Kill()
			case <-ran:
			}
		}()
	}
	// After a panic the program is asked to quit, and killed only if it
	// has not ended within a second (its Update may wait on a lock the
	// panicking goroutine held). Bubble Tea's Kill closes its terminal
	// reader without waiting for the goroutine reading it, which can stay
	// blocked on the terminal for good and take the next bytes that
	// arrive: the reply to the background-colour query fang sends to
	// print the error. The query then waited its 2 s, or for ever when
	// the reader took the bytes after fang's poll saw them (1 exit in
	// 60 hung so). A quit waits for the reader first.
	quit := func() {
		go func() {
			select {
			case <-started:
			case <-ran:
				return
			}
			p.Quit()
			t := time.NewTimer(time.Second)
			defer t.Stop()
			select {
			case <-ran:
			case <-t.C:
				p.Kill()
			}
		}()
	}
	defer event.OnPanic(func(pe *event.PanicError) {
		if panicked.CompareAndSwap(nil, pe) {
			quit()
		}
	})()
	m := NewModel(opts)
	defer func() {
		if panicked.Load() == nil {
			m.Close()
			return
		}
		// After a panic a lock may be held for ever: the sockets get a
		// moment to close, then the process's exit closes them.
		done := make(chan struct{})
		go func() { defer close(done); m.Close() }()
		t := time.NewTimer(2 * time.Second)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
		}
	}()
	// Signals reach the program through ctx (the command line turns SIGINT,
	// SIGTERM and SIGHUP into its cancellation), so Bubble Tea's own handler
	// is off: one way out, which restores the terminal every time.
	p = tea.NewProgram(startSignal{m, started}, append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithoutSignalHandler()}, progOpts...)...)
	var lost atomic.Bool
	stopWatch := watchTerminal(func() {
		lost.Store(true)
		kill()
	})
	_, err := p.Run()
	close(ran)
	stopWatch()
	if errors.Is(err, tea.ErrProgramKilled) {
		// A killed program may have left its reader on the terminal
		// (see quit): nothing of socklab reads the terminal after its
		// TUI, so stdin becomes /dev/null and the reader, if it wakes,
		// takes nothing from the terminal.
		retireTerminalInput()
	}
	if pe := panicked.Load(); pe != nil {
		return fmt.Errorf("%w\n%s", pe, pe.Stack)
	}
	if lost.Load() {
		return ErrTerminalLost
	}
	if ctx.Err() != nil {
		return nil // stopped from outside: not a failure of the program
	}
	return err
}

// startSignal closes started from the program's first command: Bubble
// Tea runs commands once its event loop runs, after the terminal is set
// up. The first Update returns the model it wraps, so it only wraps Init.
type startSignal struct {
	*Model
	started chan struct{}
}

func (s startSignal) Init() tea.Cmd {
	return tea.Batch(func() tea.Msg { close(s.started); return nil }, s.Model.Init())
}
