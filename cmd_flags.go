package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/ui"
)

// Flag checks: a value out of range is one clear line and exit 1, never a
// server that runs with no useful meaning.

func intIn(flag string, v, lo, hi int, what string) error {
	if v < lo || v > hi {
		return fmt.Errorf("--%s %d: want %s from %d to %d", flag, v, what, lo, hi)
	}
	return nil
}

func durationIn(flag string, v, lo, hi time.Duration, what string) error {
	if v < lo || v > hi {
		return fmt.Errorf("--%s %s: want %s from %s to %s", flag, v, what, lo, hi)
	}
	return nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// themeFlag parses --theme.
func themeFlag(s string) (ui.Theme, error) {
	th, ok := ui.ParseTheme(s)
	if !ok {
		return th, fmt.Errorf("--theme %q: want auto, dark, light or high-contrast", s)
	}
	return th, nil
}

// errDropped drops an output file of a command that did not run.
var errDropped = errors.New("not written: the command did not run")

// openPcap starts the --pcap file for labs with wire w. close writes what
// is queued, closes the file and returns the first error, naming the file.
// A wire that is off, or a capture the kernel refuses (root without
// CAP_NET_RAW, in a container), is refused before anything runs: a pcap
// that could hold nothing is not written.
//
// close(false) drops the file: the command did not run.
func openPcap(path string, w netlab.WireConfig) (sink *netlab.PcapSink, close func(keep bool) error, err error) {
	if !w.Capture {
		return nil, nil, fmt.Errorf("--pcap needs the wire, which is off: %s", netlab.WireStatus{Why: w.Off, Hint: w.Hint})
	}
	if !w.Private {
		c, err := netlab.OpenCapture()
		if err != nil {
			return nil, nil, fmt.Errorf("--pcap needs the wire, and the kernel refused a capture on lo: %v", err)
		}
		c.Close()
	}
	out, err := createOutput("--pcap", path)
	if err != nil {
		return nil, nil, err
	}
	if sink, err = netlab.NewPcapSink(out); err != nil {
		out.finish(err)
		return nil, nil, fmt.Errorf("--pcap %s: %w", path, err)
	}
	return sink, func(keep bool) error {
		err := sink.Close()
		if !keep {
			err = errDropped
		}
		return out.finish(err)
	}, nil
}
