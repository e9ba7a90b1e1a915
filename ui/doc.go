// Package ui is socklab's terminal program (Bubble Tea v2): one root model,
// panes as plain structs, pure renderers for the ladder diagram, the socket
// table and byte dumps. It only draws what netlab reports: every fd, port,
// byte count, errno and TCP state on screen comes from an Event or a
// Snapshot. See AGENTS.md for the rules panes follow.
package ui
