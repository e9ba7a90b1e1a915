// Package lessonpane is the lesson pane: a lesson's text step by step, its
// code in Python and Go, the predictions asked before a step runs (never
// answered before), and the step's ladder drawn from the events of a real
// lab the pane owns. It is a pane of the root model (ui), built with New
// and driven through the same methods as every pane (Init, Update, View,
// Help, Close); its messages carry common.PaneLessons.
//
// It imports lessons (the engine), netlab, ui/common, ui/theme and
// ui/ladder; never ui.
package lessonpane
