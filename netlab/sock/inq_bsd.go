//go:build unix && !linux

package sock

// inqRequest is FIONREAD, _IOR('f', 127, int) in the BSDs' and macOS' sys/filio.h
// (golang.org/x/sys/unix does not name it there).
const inqRequest = 0x4004667f
