//go:build race

package netlab

// raceOn: the race detector slows socket loops about tenfold; load tests
// run fewer rounds under it.
const raceOn = true
