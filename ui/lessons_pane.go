package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// lessonsPane is a placeholder until the lessons work (issue 4) lands; that
// work owns this file from now on.
type lessonsPane struct {
	c *Common
}

func newLessonsPane(c *Common) *lessonsPane { return &lessonsPane{c: c} }

func (p *lessonsPane) Title() string              { return "Lessons" }
func (p *lessonsPane) Init() tea.Cmd              { return nil }
func (p *lessonsPane) Update(msg tea.Msg) tea.Cmd { return nil }
func (p *lessonsPane) Status() string             { return "lessons" }
func (p *lessonsPane) Typing() bool               { return false }
func (p *lessonsPane) Close()                     {}

func (p *lessonsPane) View(width, height int) string {
	st := p.c.Styles
	msg := strings.Join([]string{
		st.Title.Render("Lessons"),
		"",
		st.Muted.Render("The guided lessons are not here yet."),
		st.Muted.Render("Press 2 for the echo pane or 3 for the calculator."),
	}, "\n")
	return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, msg)
}
