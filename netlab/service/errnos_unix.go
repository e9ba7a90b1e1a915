//go:build unix

package service

import "golang.org/x/sys/unix"

// Errnos the accept loop tells apart, by identity rather than by name.
var (
	errConnAborted   error = unix.ECONNABORTED
	errInterrupted   error = unix.EINTR
	errTooManyFiles  error = unix.EMFILE
	errFileTableFull error = unix.ENFILE
)
