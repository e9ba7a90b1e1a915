//go:build linux && (amd64 || arm64)

package ptrace

import "golang.org/x/sys/unix"

// The system calls every Linux architecture has under these names; the
// per-architecture files add the older ones (poll, select, epoll_wait).
var commonRules = []rule{
	{unix.SYS_SOCKET, -1, always},
	{unix.SYS_BIND, -1, always},
	{unix.SYS_LISTEN, -1, always},
	{unix.SYS_ACCEPT, -1, always},
	{unix.SYS_ACCEPT4, -1, always},
	{unix.SYS_CONNECT, -1, always},
	{unix.SYS_SENDTO, -1, always},
	{unix.SYS_SENDMSG, -1, always},
	{unix.SYS_SENDMMSG, -1, always},
	{unix.SYS_RECVFROM, -1, always},
	{unix.SYS_RECVMSG, -1, always},
	{unix.SYS_RECVMMSG, -1, always},
	{unix.SYS_SHUTDOWN, -1, always},
	{unix.SYS_CLOSE, -1, always},
	{unix.SYS_SETSOCKOPT, -1, always},
	{unix.SYS_GETSOCKNAME, -1, always},
	{unix.SYS_GETPEERNAME, -1, always},
	{unix.SYS_READ, 0, fdAbove2},
	{unix.SYS_WRITE, 0, fdAbove2},
	{unix.SYS_READV, 0, fdAbove2},
	{unix.SYS_WRITEV, 0, fdAbove2},
	{unix.SYS_PPOLL, -1, always},
	{unix.SYS_PSELECT6, -1, always},
	{unix.SYS_EPOLL_PWAIT, 3, nonzeroWait},
	{unix.SYS_EPOLL_PWAIT2, -1, always},
}

func rules() []rule { return append(append([]rule(nil), commonRules...), archRules...) }

// regs are a stopped thread's system call registers, architecture-free.
type regs struct {
	nr   uint64
	args [6]uint64
	ret  int64 // valid at a syscall-exit stop only
}

// result splits a raw return value into the result and the errno.
func (r regs) result() (int, unix.Errno) {
	if r.ret < 0 && r.ret >= -4095 {
		return -1, unix.Errno(-r.ret)
	}
	return int(r.ret), 0
}
