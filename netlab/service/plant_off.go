//go:build !socklab_plant_panic

package service

// plantPanic is true only in a test binary built with the
// socklab_plant_panic tag: each served connection's goroutine then
// panics, so a test can check that the terminal UI recovers and restores
// the terminal. In every other build the check compiles away.
const plantPanic = false
