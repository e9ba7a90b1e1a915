//go:build !linux

package ui

// watchTerminal has no hang-up to watch for off Linux (not built there yet).
func watchTerminal(func()) (stop func()) { return func() {} }

// retireTerminalInput is Linux's only (see ttywatch_linux.go).
func retireTerminalInput() {}
