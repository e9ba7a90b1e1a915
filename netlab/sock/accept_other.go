//go:build unix && !linux

package sock

import "golang.org/x/sys/unix"

// macOS has no accept4: the new fd is made non-blocking right after accept.
func acceptFD(fd int) (int, unix.Sockaddr, error) {
	nfd, sa, err := unix.Accept(fd)
	if err != nil {
		return -1, nil, err
	}
	unix.CloseOnExec(nfd)
	if err := unix.SetNonblock(nfd, true); err != nil {
		unix.Close(nfd)
		return -1, nil, err
	}
	return nfd, sa, nil
}
