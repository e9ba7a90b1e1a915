package main

import (
	"fmt"
	"time"

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

// themeFlag parses --theme.
func themeFlag(s string) (ui.Theme, error) {
	th, ok := ui.ParseTheme(s)
	if !ok {
		return th, fmt.Errorf("--theme %q: want auto, dark, light or high-contrast", s)
	}
	return th, nil
}
