//go:build socklab_plant_panic

package netlab

// plantPanic: see plant_off.go.
const plantPanic = true
