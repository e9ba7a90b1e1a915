package main

import (
	"fmt"
	"net/netip"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/ui"
)

// tuiDefaults are the options of the terminal UI when no flag says
// otherwise (socklab lesson N starts from them too).
func tuiDefaults() ui.Options {
	return ui.Options{Host: netip.AddrFrom4([4]byte{127, 0, 0, 1}), Theme: ui.ThemeAuto}
}

// addTUIFlags makes the root command (no arguments) open the terminal UI.
func addTUIFlags(root *cobra.Command) {
	var (
		port       uint16
		host       string
		pane       string
		theme      string
		lessonsDir string
	)
	f := root.Flags()
	f.Uint16Var(&port, "port", 0, "server port of the first pane (0: the kernel picks one)")
	f.StringVar(&host, "host", "127.0.0.1", "address the servers bind (::1 for IPv6)")
	f.StringVar(&pane, "pane", "echo", "pane shown first: echo, calc or lessons")
	f.StringVar(&theme, "theme", "auto", "colours: auto, dark, light or high-contrast")
	f.StringVar(&lessonsDir, "lessons", "", "also load the lessons (*.md) in `DIR`, numbered after the built-in ones")
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		addr, err := netip.ParseAddr(host)
		if err != nil {
			return fmt.Errorf("--host %q is not an IP address (try 127.0.0.1 or ::1)", host)
		}
		switch pane {
		case "echo", "calc", "lessons":
		default:
			return fmt.Errorf("--pane %q: want echo, calc or lessons", pane)
		}
		th, ok := ui.ParseTheme(theme)
		if !ok {
			return fmt.Errorf("--theme %q: want auto, dark, light or high-contrast", theme)
		}
		opts := tuiDefaults()
		opts.Host, opts.Port, opts.Pane, opts.Theme = addr.Unmap(), port, pane, th
		opts.Lessons.Dir = lessonsDir
		return ui.Run(cmd.Context(), opts)
	}
}
