//go:build unix

package sock

import (
	"golang.org/x/sys/unix"

	"github.com/socklab/socklab/netlab/event"
)

// Ready asks the kernel, without waiting, whether a call of op blocked on
// fd would now go on: data, a FIN or a pending connection for accept, recv
// and recvfrom; room in the send buffer for send and sendto; the handshake
// finished (or failed) for connect. A lesson's step is not over while a
// call the kernel said waits is already free to return: its goroutine has
// only not run yet.
func Ready(fd int, op event.Op) bool {
	if fd < 0 {
		return false
	}
	want := int16(unix.POLLIN)
	switch op {
	case event.OpSend, event.OpSendto, event.OpConnect:
		want = unix.POLLOUT
	}
	p := []unix.PollFd{{Fd: int32(fd), Events: want}}
	n, err := unix.Poll(p, 0)
	if err != nil || n == 0 || p[0].Revents&unix.POLLNVAL != 0 {
		return false
	}
	return p[0].Revents&(want|unix.POLLERR|unix.POLLHUP) != 0
}
