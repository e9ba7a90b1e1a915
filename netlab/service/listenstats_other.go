//go:build !linux

package service

// listenStats: only Linux reports the listen queue's drops.
func listenStats() (overflows, drops uint64, ok bool) { return 0, 0, false }
