//go:build unix && !linux

package netlab

import "golang.org/x/sys/unix"

// sendFD is send(2); sendmsg with no address is its portable spelling.
func sendFD(fd int, p []byte, flags int) (int, error) {
	return unix.SendmsgN(fd, p, nil, nil, flags)
}
