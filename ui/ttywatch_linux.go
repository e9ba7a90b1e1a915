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

// retireTerminalInput puts /dev/null on stdin when stdin is a terminal.
// It runs once a killed Bubble Tea program may have left a goroutine
// blocked on the terminal (see Run): that goroutine then reads from
// /dev/null, and whatever the terminal sends next (the reply to a query
// of the error's printer, the user's keys) stays for whoever asked.
func retireTerminalInput() {
	if _, err := unix.IoctlGetTermios(0, unix.TCGETS); err != nil {
		return
	}
	null, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(null)
	_ = unix.Dup3(null, 0, 0)
}
