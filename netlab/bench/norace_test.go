//go:build unix && !race

package bench

const raceEnabled = false
