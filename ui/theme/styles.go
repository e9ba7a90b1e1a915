package theme

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Theme picks the palette. ThemeAuto follows the terminal's background.
type Theme int

const (
	ThemeAuto Theme = iota
	ThemeDark
	ThemeLight
	ThemeHighContrast
)

// ParseTheme maps a --theme value to a Theme.
func ParseTheme(s string) (Theme, bool) {
	switch s {
	case "", "auto":
		return ThemeAuto, true
	case "dark":
		return ThemeDark, true
	case "light":
		return ThemeLight, true
	case "high-contrast", "hc":
		return ThemeHighContrast, true
	}
	return ThemeAuto, false
}

func (t Theme) String() string {
	switch t {
	case ThemeDark:
		return "dark"
	case ThemeLight:
		return "light"
	case ThemeHighContrast:
		return "high-contrast"
	}
	return "auto"
}

// Styles holds every style the UI uses, by role. Build it with NewStyles;
// panes receive it through their shared *Common and never make their own
// colours, so one theme switch restyles everything.
type Styles struct {
	IsDark bool
	Theme  Theme

	// Roles.
	Server lipgloss.Style // the server actor and its sockets
	Client lipgloss.Style // client actors and their sockets
	Kernel lipgloss.Style // facts from the kernel: fds, states, return values
	Wire   lipgloss.Style // bytes that travel: arrows, counts, payloads
	Error  lipgloss.Style // errnos and failures
	Muted  lipgloss.Style // secondary text, notes, lifelines

	// Furniture.
	Title      lipgloss.Style // section titles inside a pane
	TabActive  lipgloss.Style
	TabIdle    lipgloss.Style
	TabBar     lipgloss.Style
	Status     lipgloss.Style // the status line
	StatusMode lipgloss.Style // "RUN" / "STEP" badge
	Pending    lipgloss.Style // the call waiting for a step
	Blocked    lipgloss.Style // a call blocked in the kernel
	Selected   lipgloss.Style // the selected ladder row
	Overlay    lipgloss.Style // help overlay box
	Prompt     lipgloss.Style
	Text       lipgloss.Style

	// Colours the bubbles widgets need.
	HelpKey, HelpDesc, HelpSep color.Color
	Accent                     color.Color
}

// Background is the terminal's background, as far as it is known: what
// ThemeAuto (and the high-contrast theme) follow.
type Background bool

const (
	LightBackground Background = false
	DarkBackground  Background = true
)

// NewStyles builds the styles for a theme on a background (which matters
// for ThemeAuto and ThemeHighContrast): NewStyles(ThemeAuto, DarkBackground).
func NewStyles(theme Theme, bg Background) *Styles {
	isDark := bool(bg)
	switch theme {
	case ThemeDark:
		isDark = true
	case ThemeLight:
		isDark = false
	case ThemeHighContrast:
		return highContrast(isDark)
	}
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	s := &Styles{IsDark: isDark, Theme: theme}
	server := c("#B4400F", "#FF9E64")
	client := c("#0B5FA5", "#7DCFFF")
	kernel := c("#7A5A00", "#E0AF68")
	wire := c("#1B7A2F", "#9ECE6A")
	errc := c("#C0142B", "#F7768E")
	muted := c("#6B6F7E", "#8088A8")
	fg := c("#1F2335", "#C8CFEA")
	accent := c("#6B3FC4", "#BB9AF7")
	bgSel := c("#DCE3F5", "#2E3552")
	bgPend := c("#FFE9B0", "#4A3B12")

	s.Server = lipgloss.NewStyle().Foreground(server)
	s.Client = lipgloss.NewStyle().Foreground(client)
	s.Kernel = lipgloss.NewStyle().Foreground(kernel)
	s.Wire = lipgloss.NewStyle().Foreground(wire)
	s.Error = lipgloss.NewStyle().Foreground(errc).Bold(true)
	s.Muted = lipgloss.NewStyle().Foreground(muted)
	s.Text = lipgloss.NewStyle().Foreground(fg)
	s.Title = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.TabActive = lipgloss.NewStyle().Foreground(fg).Bold(true).Underline(true).Padding(0, 1)
	s.TabIdle = lipgloss.NewStyle().Foreground(muted).Padding(0, 1)
	s.TabBar = lipgloss.NewStyle()
	s.Status = lipgloss.NewStyle().Foreground(fg)
	s.StatusMode = lipgloss.NewStyle().Bold(true).Reverse(true).Padding(0, 1)
	s.Pending = lipgloss.NewStyle().Background(bgPend).Foreground(fg).Bold(true)
	s.Blocked = lipgloss.NewStyle().Foreground(kernel).Italic(true)
	s.Selected = lipgloss.NewStyle().Background(bgSel).Bold(true)
	s.Overlay = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.Prompt = lipgloss.NewStyle().Foreground(client).Bold(true)
	s.HelpKey, s.HelpDesc, s.HelpSep, s.Accent = fg, muted, muted, accent
	return s
}

// highContrast is for projectors: pure colours, bold text, reverse video
// for highlights so they survive washed-out screens.
func highContrast(isDark bool) *Styles {
	fgHex, bgHex := "#FFFFFF", "#000000"
	if !isDark {
		fgHex, bgHex = bgHex, fgHex
	}
	fg, bg := lipgloss.Color(fgHex), lipgloss.Color(bgHex)
	pick := func(light, dark string) color.Color {
		if isDark {
			return lipgloss.Color(dark)
		}
		return lipgloss.Color(light)
	}
	s := &Styles{IsDark: isDark, Theme: ThemeHighContrast}
	b := lipgloss.NewStyle().Bold(true)
	s.Server = b.Foreground(pick("#A00000", "#FF8700"))
	s.Client = b.Foreground(pick("#0000C0", "#00FFFF"))
	s.Kernel = b.Foreground(pick("#600060", "#FFFF00"))
	s.Wire = b.Foreground(pick("#005F00", "#00FF00"))
	s.Error = b.Foreground(pick("#C00000", "#FF0000")).Underline(true)
	s.Muted = lipgloss.NewStyle().Foreground(fg)
	s.Text = lipgloss.NewStyle().Foreground(fg)
	s.Title = b.Foreground(fg).Underline(true)
	s.TabActive = b.Reverse(true).Padding(0, 1)
	s.TabIdle = lipgloss.NewStyle().Foreground(fg).Padding(0, 1)
	s.TabBar = lipgloss.NewStyle()
	s.Status = lipgloss.NewStyle().Foreground(fg)
	s.StatusMode = b.Reverse(true).Padding(0, 1)
	s.Pending = b.Reverse(true)
	s.Blocked = b.Foreground(pick("#600060", "#FFFF00")).Italic(true)
	s.Selected = b.Underline(true)
	s.Overlay = lipgloss.NewStyle().Border(lipgloss.ThickBorder()).BorderForeground(fg).Padding(0, 1)
	s.Prompt = b.Foreground(fg)
	s.HelpKey, s.HelpDesc, s.HelpSep, s.Accent = fg, fg, fg, fg
	_ = bg
	return s
}
