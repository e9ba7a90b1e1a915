//go:build linux

package ptrace

import "golang.org/x/sys/unix"

const auditArch = unix.AUDIT_ARCH_X86_64

var archRules = []rule{
	{unix.SYS_POLL, 2, nonzeroWait},
	{unix.SYS_SELECT, -1, always},
	{unix.SYS_EPOLL_WAIT, 3, nonzeroWait},
}

// getRegs reads the x86-64 system call convention: the number in orig_rax,
// arguments in rdi, rsi, rdx, r10, r8, r9, the result in rax.
func getRegs(tid int) (regs, error) {
	var r unix.PtraceRegs
	if err := unix.PtraceGetRegs(tid, &r); err != nil {
		return regs{}, err
	}
	return regs{nr: r.Orig_rax, args: [6]uint64{r.Rdi, r.Rsi, r.Rdx, r.R10, r.R8, r.R9}, ret: int64(r.Rax)}, nil
}

var archNames = map[uint64]string{unix.SYS_POLL: "poll", unix.SYS_SELECT: "select", unix.SYS_EPOLL_WAIT: "epoll_wait"}
