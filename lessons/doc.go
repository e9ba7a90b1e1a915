// Package lessons holds socklab's curriculum and the engine that plays it.
//
// A lesson is a Markdown file (see README.md in this directory for the
// authoring guide): an introduction, then steps, each with prose, a `lab`
// block of real socket actions and expectations, the same step as Python
// and Go code, and optionally a prediction the learner answers before the
// step runs. The built-in lessons are embedded with go:embed; an
// instructor's own lessons are loaded from a directory and validated with
// Check.
//
// The engine (Run) performs every action as one real call on a netlab
// socket in a netlab.Lab, so each fact it reports (fd, port, byte count,
// errno, TCP state) is what the kernel answered. Expectations and the
// rules behind prediction choices are evaluated against those recorded
// outcomes, never against canned values. Going back a step replays the
// lesson from scratch, because bytes once sent cannot be unsent.
//
// The package imports no UI code: `socklab trace N` plays a lesson headless
// and the TUI's lesson pane renders the same Run.
package lessons
