//go:build linux

package wire

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestHtonsIsNetworkOrder: the packet socket reads its protocol number as
// two bytes in network order, so htons's result must hold v's big-endian
// bytes in memory, whatever the host's byte order (a plain byte swap is
// right only on little-endian hosts).
func TestHtonsIsNetworkOrder(t *testing.T) {
	for _, v := range []uint16{unix.ETH_P_ALL, 0x0102, 0x8100} {
		n := htons(v)
		got := *(*[2]byte)(unsafe.Pointer(&n))
		if want := [2]byte{byte(v >> 8), byte(v)}; got != want {
			t.Errorf("htons(%#04x) is % x in memory, want % x", v, got[:], want[:])
		}
	}
}
