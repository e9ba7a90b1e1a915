//go:build linux

package wire

import (
	"bytes"
	"testing"
)

// TestFrameSlab checks the copies cut from one block: each holds its
// frame's bytes even after the source is reused (as the ring's slot and the
// recvmsg buffer are), and an append to one never writes over the next.
func TestFrameSlab(t *testing.T) {
	var s frameSlab
	src := make([]byte, 1500)
	var frames [][]byte
	var want [][]byte
	for i := range 200 { // several blocks' worth
		n := 40 + i*37%1400
		for j := range n {
			src[j] = byte(i + j)
		}
		frames = append(frames, s.copy(src[:n]))
		want = append(want, bytes.Clone(src[:n]))
		clear(src) // the source is written again before the copy is read
	}
	for i := range frames {
		_ = append(frames[i], 0xEE, 0xEE, 0xEE) // must not land in frames[i+1]
	}
	for i := range frames {
		if !bytes.Equal(frames[i], want[i]) {
			t.Fatalf("frame %d: %d bytes, differ from the %d copied", i, len(frames[i]), len(want[i]))
		}
	}
	big := bytes.Repeat([]byte{7}, slabLargest+1)
	b := s.copy(big)
	big[0] = 8
	if len(b) != len(big) || b[0] != 7 {
		t.Fatalf("a large frame was not copied whole")
	}
}
