//go:build unix && !linux

package sock

import "golang.org/x/sys/unix"

// sendFD is send(2); sendmsg with no address is its portable spelling.
func sendFD(fd int, p []byte, flags int) (int, error) {
	return unix.SendmsgN(fd, p, nil, nil, flags)
}

// recvFD is recv(2).
func recvFD(fd int, p []byte, flags int) (int, error) {
	n, _, err := unix.Recvfrom(fd, p, flags)
	return n, err
}
