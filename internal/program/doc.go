// Package program runs a student's own program (Python, C, Go, any Linux
// executable) traced inside socklab's lab, for `socklab run` and `socklab
// check`: socklab plays the other side of the conversation (its server for
// a client program, its client for a server program) and shows each of the
// program's socket calls and segments as the kernel answered them, in the
// terminal UI (Show), as trace lines or a Markdown handout (Trace), or as
// an exercise's graded checks (Check).
package program
