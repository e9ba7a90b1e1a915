// Package testhook holds the places where a test binary may plant a fault
// in socklab's own code. Nothing in socklab sets them, only tests: the e2e
// test binary of package main, when it runs as socklab (see
// e2e_main_test.go), to check that socklab survives the fault, and a test
// of package lessons that must run alone while it holds one. Each is read
// without a lock: it is set before anything that reads it starts.
package testhook

// ServeConn, when set, runs first in the goroutine of each connection a
// lab's server serves (netlab/service): the e2e test plants a panic there
// to check that the terminal UI recovers and restores the terminal; the
// lessons test a delay, to check that a step waits for a slow server.
var ServeConn func()
