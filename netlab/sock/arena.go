package sock

import (
	"unsafe"
)

// arenaChunk is the size of the blocks a traced socket copies its calls'
// payloads into, and arenaMax the largest copy that goes in one: a bigger
// one gets its own allocation, so a block is never mostly one payload.
const (
	arenaChunk = 4 << 10
	arenaMax   = 512
)

// copyData copies p into the socket's current block (under s.mu) and
// returns the copy, capped to its length so that an append to it cannot
// reach the next payload. A traced server copies two payloads per request;
// a block holds dozens of them, one allocation instead of one each. A block
// lives as long as any event that holds a payload in it, which is no
// longer than the copies it replaces, plus at most one block per socket.
func (s *sockCore) copyData(p []byte) []byte {
	if len(p) > arenaMax {
		c := make([]byte, len(p))
		copy(c, p)
		return c
	}
	if len(p) > cap(s.arena)-len(s.arena) {
		s.arena = make([]byte, 0, arenaChunk)
	}
	start := len(s.arena)
	s.arena = append(s.arena, p...)
	return s.arena[start:len(s.arena):len(s.arena)]
}

// copyText is copyData for a call's text. Bytes in a block are never
// written again once copied there, so the string may be the block's bytes
// themselves: the immutability a string needs holds.
func (s *sockCore) copyText(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	s.mu.Lock()
	c := s.copyData(b)
	s.mu.Unlock()
	return unsafe.String(unsafe.SliceData(c), len(c))
}
