//go:build !race

package netlab

const raceOn = false
