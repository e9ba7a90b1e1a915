package service

import "syscall"

// Errnos the accept loop tells apart, by identity rather than by name.
var (
	errConnAborted   error = syscall.WSAECONNABORTED
	errInterrupted   error = syscall.EINTR
	errTooManyFiles  error = syscall.Errno(10024) // WSAEMFILE
	errFileTableFull error = syscall.ENFILE
)
