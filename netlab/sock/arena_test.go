package sock

import (
	"bytes"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

// TestCopyDataIsACopy: each payload copy holds its bytes, whatever the
// caller's buffer and the later copies do (an append to one reallocates
// instead of writing over the next), and big payloads are copied alone.
func TestCopyDataIsACopy(t *testing.T) {
	var s sockCore
	buf := make([]byte, 2*arenaMax)
	var copies, wants [][]byte
	for i := range 300 {
		n := []int{1, 64, 100, arenaMax, arenaMax + 1, 2 * arenaMax}[i%6]
		for j := range buf[:n] {
			buf[j] = byte(i + j)
		}
		copies, wants = append(copies, s.copyData(buf[:n])), append(wants, bytes.Clone(buf[:n]))
		clear(buf) // the caller reuses its buffer
	}
	for _, c := range copies {
		_ = append(c, 0xee) // a consumer's append must not land in the next copy
	}
	for i := range copies {
		if !bytes.Equal(copies[i], wants[i]) {
			t.Fatalf("copy %d changed: %x, want %x", i, copies[i], wants[i])
		}
	}
}

// TestCopyDataSharesBlocks: small payloads cost no allocation of their own
// (the point of the arena: a traced server copies two per request).
func TestCopyDataSharesBlocks(t *testing.T) {
	var s sockCore
	p := make([]byte, 64)
	if n := testing.AllocsPerRun(1000, func() { s.copyData(p) }); n != 0 {
		t.Errorf("%v allocations per 64-byte copy, want 0 (one block per %d bytes)", n, arenaChunk)
	}
}

// TestSendCallTextKeepsItsBytes: a send's text made in the payload block
// is AppendSendArgs', and stays so while the block fills with payloads and
// other texts after it.
func TestSendCallTextKeepsItsBytes(t *testing.T) {
	var s sockCore
	var texts []string
	var payloads [][]byte
	p := make([]byte, 40)
	for i := range 400 {
		for j := range p {
			p[j] = byte('a' + (i+j)%26)
		}
		payloads = append(payloads, bytes.Clone(p[:i%40]))
		texts = append(texts, s.sendCallText(7, p[:i%40]))
		s.mu.Lock()
		s.copyData(p)
		s.mu.Unlock()
	}
	for i, text := range texts {
		if want := string(event.AppendSendArgs(nil, 7, payloads[i], len(payloads[i]))); text != want {
			t.Fatalf("send %d: text %q, want %q", i, text, want)
		}
	}
}
