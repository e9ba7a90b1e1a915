//go:build linux

package ptrace

import "golang.org/x/sys/unix"

const auditArch = unix.AUDIT_ARCH_AARCH64

// arm64 has only the p-variants (ppoll, pselect6, epoll_pwait).
var archRules []rule

// ntPrstatus is NT_PRSTATUS, the general registers' regset.
const ntPrstatus = 1

// getRegs reads the arm64 system call convention: the number in x8,
// arguments in x0-x5, the result in x0 (which overwrites the first
// argument: the tracer keeps the arguments from the entry stop).
func getRegs(tid int) (regs, error) {
	var r unix.PtraceRegsArm64
	if err := unix.PtraceGetRegSetArm64(tid, ntPrstatus, &r); err != nil {
		return regs{}, err
	}
	return regs{nr: r.Regs[8], args: [6]uint64{r.Regs[0], r.Regs[1], r.Regs[2], r.Regs[3], r.Regs[4], r.Regs[5]}, ret: int64(r.Regs[0])}, nil
}

var archNames = map[uint64]string{}
