//go:build !linux

package main

// enterPrivateNetwork never runs a copy off Linux: private network
// namespaces and packet capture on lo are Linux's.
func enterPrivateNetwork([]string) (int, bool, network) {
	return 0, false, network{reason: "the wire needs Linux (a private network namespace and AF_PACKET on lo)"}
}
