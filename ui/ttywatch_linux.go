//go:build linux

package ui

import (
	"os"

	"golang.org/x/sys/unix"
)

// watchTerminal calls lost once the terminal on stdin (or stdout) hangs
// up: poll(2) reports POLLHUP for a tty whose other side is gone, whatever
// events are asked for, so the goroutine sleeps in the kernel until then
// (no timer). stop ends the watch and waits for the goroutine.
func watchTerminal(lost func()) (stop func()) {
	fd := -1
	for _, f := range []*os.File{os.Stdin, os.Stdout} {
		if _, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err == nil {
			fd = int(f.Fd())
			break
		}
	}
	if fd < 0 {
		return func() {}
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fds := []unix.PollFd{{Fd: int32(fd)}, {Fd: int32(p[0]), Events: unix.POLLIN}}
		for {
			_, err := unix.Poll(fds, -1)
			if err == unix.EINTR {
				continue
			}
			if fds[1].Revents != 0 || err != nil {
				return
			}
			if fds[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
				lost()
				return
			}
		}
	}()
	return func() {
		unix.Write(p[1], []byte{0})
		<-done
		unix.Close(p[0])
		unix.Close(p[1])
	}
}
