package sock

import "golang.org/x/sys/unix"

// accept4 sets SOCK_NONBLOCK and SOCK_CLOEXEC on the new fd in the same call,
// so the accepted socket can join Go's poller with no extra step to explain.
func acceptFD(fd int) (int, unix.Sockaddr, error) {
	return unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
}
