//go:build race

package main

// raceDetector: this test binary was built with -race (see e2e_main_test.go).
const raceDetector = true
