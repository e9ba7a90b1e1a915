//go:build unix && race

package bench

// raceEnabled: the race detector slows socket-heavy tests about tenfold, so
// the reliability suite uses smaller counts under -race (the full counts run
// in the plain pass of CI).
const raceEnabled = true
