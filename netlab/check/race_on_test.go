//go:build race

package check

// raceDetector: this test binary was built with -race.
const raceDetector = true
