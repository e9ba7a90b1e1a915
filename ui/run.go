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
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx)}, progOpts...)...)
	_, err := p.Run()
	return err
}
