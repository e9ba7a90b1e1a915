package main

import (
	"fmt"
	"os"
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

// openPcap starts the --pcap file for labs with wire w. close writes what
// is queued, closes the file and returns the first error, naming the file.
func openPcap(path string, w netlab.WireConfig) (sink *netlab.PcapSink, close func() error, err error) {
	if !w.Capture {
		return nil, nil, fmt.Errorf("--pcap needs the wire, which is off: %s", netlab.WireStatus{Why: w.Off, Hint: w.Hint})
	}
	file, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	if sink, err = netlab.NewPcapSink(file); err != nil {
		file.Close()
		return nil, nil, err
	}
	return sink, func() error {
		err := sink.Close()
		if cerr := file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("--pcap %s: %w", path, err)
		}
		return nil
	}, nil
}
