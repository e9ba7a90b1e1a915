// Package ui is socklab's terminal program (Bubble Tea v2): one root model,
// panes as plain structs, pure renderers for the ladder diagram, the socket
// table and byte dumps. It only draws what netlab reports: every fd, port,
// byte count, errno and TCP state on screen comes from an Event or a
// Snapshot. See AGENTS.md for the rules panes follow.
//
// The same root model runs socklab class (one class pane: lanes drawn from
// service.Class snapshots) and socklab connect (one lab pane whose lab has a
// remote server).
//
// This package holds the root model, the lab, remote, program and class
// panes, and the layouts. Its sub-packages hold what can stand apart:
//
//   - theme: styles by role and the functions that fit styled text to
//     cells (Fit, Block, FitMemo); the leaf every other part draws with.
//   - common: what the root shares with every pane (common.Common: styles
//     and keys), the key map, the panes' IDs and Targeted messages.
//   - ladder: pure renderers from events to lines: the ladder diagram,
//     the socket tables, the byte dumps.
//   - feed: a pane's Feed of one lab (history, pending and blocked calls,
//     snapshots) as Bubble Tea messages.
//   - lessonpane: the lesson pane.
//   - exercise: socklab class's per-student exercises (rules over a
//     student's tally), parsed and checked; it draws nothing.
//   - progressview: socklab bench's progress bar (its own small program).
//   - internal/fixture: made-up events and a lesson for the tests.
//
// Imports go one way, down; no sub-package imports ui:
//
//	ui ─┬─► lessonpane ─┬─► ladder ──► theme
//	    │               └─► common ──► theme
//	    ├─► feed ─────────► common
//	    ├─► ladder, common, theme
//	    ├─► exercise (lessons/rules, netlab)
//	    └─► progressview (Bubble Tea only)
package ui
