// Package ladder holds the pure renderers of what a lab did: the ladder
// diagram (Render, Lines: calls on the lifelines, captured segments between
// them, states where the kernel reported them), the socket tables
// (RenderServerSockets, RenderClientSockets) and the byte dumps
// (RenderBytes, RenderPacket). Each is a function from events or SockInfos
// to styled lines of an exact size: no state, no I/O; a pane may keep a
// Cache so a frame redraws only the rows that changed.
//
// It imports netlab (the events it draws) and ui/theme, never ui or a pane.
package ladder
