package sock

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// sendFD is send(2) exactly as Python's socket.send makes it: on Linux that is
// sendto(fd, buf, len, flags, NULL, 0), which golang.org/x/sys does not
// expose with its byte count, hence the raw call.
func sendFD(fd int, p []byte, flags int) (int, error) {
	var zero byte
	ptr := unsafe.Pointer(&zero)
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	n, _, e := unix.Syscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(ptr), uintptr(len(p)), uintptr(flags), 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

// recvFD is recv(2) as Python's socket.recv makes it:
// recvfrom(fd, buf, len, flags, NULL, NULL). Asking for no address also
// spares the kernel copying one out for every read of a TCP stream.
func recvFD(fd int, p []byte, flags int) (int, error) {
	var zero byte
	ptr := unsafe.Pointer(&zero)
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	n, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(ptr), uintptr(len(p)), uintptr(flags), 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}
