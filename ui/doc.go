// Package ui is socklab's terminal program (Bubble Tea v2): one root model,
// panes as plain structs, pure renderers for the ladder diagram, the socket
// table and byte dumps. It only draws what netlab reports: every fd, port,
// byte count, errno and TCP state on screen comes from an Event or a
// Snapshot. See AGENTS.md for the rules panes follow.
//
// The same root model runs socklab class (one class pane: lanes drawn from
// netlab.Class snapshots) and socklab connect (one lab pane whose lab has a
// remote server).
package ui
