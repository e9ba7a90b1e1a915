package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// Run starts the program and blocks until the user quits or ctx ends. Every
// socket is closed before it returns.
func Run(ctx context.Context, opts Options, progOpts ...tea.ProgramOption) error {
	m := NewModel(opts)
	defer m.Close()
	// Signals reach the program through ctx (the command line turns SIGINT,
	// SIGTERM and SIGHUP into its cancellation), so Bubble Tea's own handler
	// is off: one way out, which restores the terminal every time.
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithoutSignalHandler()}, progOpts...)...)
	_, err := p.Run()
	if ctx.Err() != nil {
		return nil // stopped from outside: not a failure of the program
	}
	return err
}
