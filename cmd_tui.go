package main

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/internal/privnet"
	"github.com/socklab/socklab/lessons"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui"
)

// closeAll runs every closer and joins their errors.
func closeAll(closers []func() error) error {
	var errs []error
	for _, c := range closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// tuiDefaults are the options of the terminal UI when no flag says
// otherwise (socklab lesson N starts from them too).
func tuiDefaults() ui.Options {
	return ui.Options{Host: netip.AddrFrom4([4]byte{127, 0, 0, 1}), Theme: ui.ThemeAuto}
}

// addTUIFlags makes the root command (no arguments) open the terminal UI.
func addTUIFlags(root *cobra.Command, network privnet.Network) {
	var (
		port       uint16
		host       string
		pane       string
		theme      string
		lessonsDir string
		traceFile  string
		traceJSON  bool
		pcap       string
		anyAddr    bool
	)
	f := root.Flags()
	f.Uint16Var(&port, "port", 0, "server port of the first pane (0: the kernel picks one)")
	f.StringVar(&host, "host", "127.0.0.1", "address the servers bind (::1 for IPv6)")
	f.StringVar(&pane, "pane", "echo", "pane shown first: echo, calc or lessons")
	f.StringVar(&theme, "theme", "auto", "colours: auto, dark, light or high-contrast")
	f.StringVar(&lessonsDir, "lessons", "", "also load the lessons (*.md) in `DIR`, numbered after the built-in ones")
	f.StringVar(&traceFile, "trace-file", "", "write every call of the echo and calculator panes to this file, in causal order")
	f.BoolVar(&traceJSON, "json", false, "with --trace-file: JSON lines (docs/TRACE-FORMAT.md)")
	f.StringVar(&pcap, "pcap", "", "write the echo and calculator panes' captured segments to `FILE` (pcapng for Wireshark or tcpdump -r), each commented with its call")
	addHostNetworkFlag(root)
	addAnyAddressFlag(root, &anyAddr)
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
		th, err := themeFlag(theme)
		if err != nil {
			return err
		}
		opts := tuiDefaults()
		opts.Wire = network.Wire()
		opts.Host, opts.Port, opts.Pane, opts.Theme = addr.Unmap(), port, pane, th
		opts.Lessons.Dir = lessonsDir
		if lessonsDir != "" {
			// Read before the terminal is taken: a missing directory or
			// a bad file is one error with file:line, not a TTY message.
			if _, err := lessons.Catalog(lessonsDir); err != nil {
				return err
			}
		}
		opts.Lessons.Engine.Loopback = loopbackOnly(network, anyAddr)
		if traceJSON && traceFile == "" {
			return fmt.Errorf("--json needs --trace-file FILE (the screen is the terminal's)")
		}
		var closers []func() error
		var ps *output.Pcap
		if pcap != "" {
			if ps, err = output.OpenPcap(pcap, opts.Wire); err != nil {
				return err
			}
			closers = append(closers, ps.Close)
			defer ps.Drop() // a no-op once closed
		}
		if traceFile != "" {
			format := output.Text
			if traceJSON {
				format = output.JSON
			}
			tr, err := output.CreateTrace("--trace-file", traceFile, format, 1<<16)
			if err != nil {
				return err
			}
			closers = append(closers, func() error { return tr.Close(cmd.ErrOrStderr()) })
			opts.Trace = tr
		}
		if ps != nil {
			opts.Trace = event.Tee(opts.Trace, ps)
		}
		err = ui.Run(cmd.Context(), opts)
		// The files are closed after the UI (the labs' sockets are
		// closed by then); what could not be written is an error.
		return errors.Join(err, closeAll(closers))
	}
}
