package ui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/socklab/socklab/ui/theme"
)

func tea_WindowSize(w, h int) tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} }

// goldenSizes are a laptop's, a projector's and two large screens' sizes.
var goldenSizes = [][2]int{{80, 24}, {120, 36}, {160, 48}, {200, 60}}

// TestGoldenScreens renders the calculator pane from the fixed event log at
// every size in every theme: each fills the window exactly, and says the
// same text as the dark theme (a theme changes colours, never words, so
// TestGoldenNoColor's text goldens hold for all three). The colours are
// pinned by one golden per theme, at 120x36: a layout change then touches
// three coloured files, not twelve. Run with -update to regenerate after a
// deliberate change, then look at them.
func TestGoldenScreens(t *testing.T) {
	t.Parallel()
	for _, size := range goldenSizes {
		dark := fixtureModel(theme.ThemeDark, size[0], size[1])
		text := ansi.Strip(dark.render())
		dark.Close()
		for _, theme := range []theme.Theme{theme.ThemeDark, theme.ThemeLight, theme.ThemeHighContrast} {
			t.Run(fmt.Sprintf("%dx%d_%s", size[0], size[1], theme), func(t *testing.T) {
				m := fixtureModel(theme, size[0], size[1])
				defer m.Close()
				out := m.render()
				checkSize(t, out, size[0], size[1])
				if got := ansi.Strip(out); got != text {
					t.Fatalf("the %s theme says other words than the dark one:\n%s\n--- dark:\n%s", theme, got, text)
				}
				if size == [2]int{120, 36} {
					golden.RequireEqual(t, out)
				}
			})
		}
	}
}

// TestGoldenNoColor is the screen with the styling removed, at every size:
// what a NO_COLOR terminal shows must still say everything (markers, not
// colours). The larger screens also show that no ladder row is cut there.
func TestGoldenNoColor(t *testing.T) {
	t.Parallel()
	for _, size := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := fixtureModel(theme.ThemeDark, size[0], size[1])
			defer m.Close()
			golden.RequireEqual(t, ansi.Strip(m.render()))
		})
	}
}

func checkSize(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := splitLines(out)
	if len(lines) != h {
		t.Fatalf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
}
