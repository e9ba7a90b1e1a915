// Package testhook holds the places where a test binary may plant a fault
// in socklab's own code. Nothing in socklab sets them: only the e2e test
// binary of package main does, when it runs as socklab (see
// e2e_main_test.go), to check that socklab survives the fault. Each is read
// without a lock: it is set before main runs and never changed after.
package testhook

// ServeConn, when set, runs first in the goroutine of each connection a
// lab's server serves (netlab/service): the e2e test plants a panic there
// to check that the terminal UI recovers and restores the terminal.
var ServeConn func()
