//go:build linux && (amd64 || arm64)

package ptrace

import "golang.org/x/sys/unix"

// rule is how the filter treats one system call.
type rule struct {
	nr  uint32
	arg int    // -1: always stop; else the argument tested
	how testOp // what the argument must be for the call to stop
}

type testOp uint8

const (
	always      testOp = iota
	fdAbove2           // read/write on stdin/out/err never stop (print())
	nonzeroWait        // a timeout of 0 is a peek (Go's scheduler), not a wait
)

// seccomp_data: int nr; u32 arch; u64 ip; u64 args[6] (little endian, so
// an argument's low 32 bits are at its own offset).
const (
	offNr   = 0
	offArch = 4
	offArgs = 16
)

func bpfStmt(code uint16, k uint32) unix.SockFilter {
	return unix.SockFilter{Code: code, K: k}
}

func bpfJump(code uint16, k uint32, jt, jf uint8) unix.SockFilter {
	return unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k}
}

const (
	ldW  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	jeqK = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	jgeK = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
	retK = unix.BPF_RET | unix.BPF_K
)

// filter is the classic BPF program: SECCOMP_RET_TRACE for the rules,
// SECCOMP_RET_ALLOW for everything else (including another ABI's calls:
// a 32-bit call has other numbers, and it is allowed untraced).
func filter() []unix.SockFilter {
	allow := bpfStmt(retK, unix.SECCOMP_RET_ALLOW)
	trace := bpfStmt(retK, unix.SECCOMP_RET_TRACE)
	p := []unix.SockFilter{
		bpfStmt(ldW, offArch),
		bpfJump(jeqK, auditArch, 1, 0),
		allow,
	}
	for _, r := range rules() {
		var body []unix.SockFilter
		switch r.how {
		case always:
			body = []unix.SockFilter{trace}
		case fdAbove2:
			body = []unix.SockFilter{bpfStmt(ldW, uint32(offArgs+8*r.arg)), bpfJump(jgeK, 3, 0, 1), trace, allow}
		case nonzeroWait:
			body = []unix.SockFilter{bpfStmt(ldW, uint32(offArgs+8*r.arg)), bpfJump(jeqK, 0, 0, 1), allow, trace}
		}
		p = append(p, bpfStmt(ldW, offNr), bpfJump(jeqK, r.nr, 0, uint8(len(body))))
		p = append(p, body...)
	}
	return append(p, allow)
}
