//go:build unix

package sock

import "golang.org/x/sys/unix"

// Readable asks the kernel how many bytes wait in the socket's receive
// queue (ioctl FIONREAD, SIOCINQ on Linux). The calculator asks it before
// answering a line that has no newline: a client is quiet only when the
// kernel holds nothing more from it, whatever the server's timers say. It
// is bookkeeping of the server, not a call of the conversation: no event.
func (s *Socket) Readable() (int, error) {
	if s.closed.Load() {
		return 0, unix.EBADF
	}
	return unix.IoctlGetInt(s.fd, inqRequest)
}
