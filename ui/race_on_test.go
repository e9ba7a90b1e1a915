//go:build race

package ui

// raceOn: the race detector slows socket loops about tenfold and caps
// goroutines; load tests use fewer clients under it.
const raceOn = true
