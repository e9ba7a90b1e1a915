// Package theme is the UI's leaf: the styles by role (Styles, built by
// NewStyles for a Theme on a Background) and the functions that fit styled
// text to cells (Fit, FitRight, Block, SideBySide, WrapLines, Printable;
// FitMemo keeps fitted lines from one frame to the next). Every other
// ui package draws with it; it imports no ui package and nothing of netlab
// but safetext, so any renderer or pane can share it without a cycle.
package theme
