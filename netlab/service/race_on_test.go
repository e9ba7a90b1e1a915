//go:build race

package service

// raceOn: the race detector slows socket loops about tenfold; load tests
// run fewer rounds under it.
const raceOn = true
