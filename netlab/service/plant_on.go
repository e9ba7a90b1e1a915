//go:build socklab_plant_panic

package service

// plantPanic: see plant_off.go.
const plantPanic = true
