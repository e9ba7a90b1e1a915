//go:build linux && (amd64 || arm64)

package ptrace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
)

// Program is a running, traced program.
type Program struct {
	cfg  Config
	ctx  context.Context
	pid  int
	done chan struct{}
	exit Exit
	err  error

	// refused says why the program's calls are not traced (the wire only),
	// or "" when they are.
	refused  string
	execDone chan struct{} // closed once refused is known
	report   *os.File      // the launcher's report pipe, read at the program's exec

	mu       sync.Mutex
	inflight map[int]inCall // tid → the call it is inside, for "blocked in …"
	instants []*Instant     // moments a check will ask about
	live     int            // threads of the program now (threads' size, for Waiting)

	stops atomic.Uint64 // seccomp stops: what tracing cost this program

	copies  sync.WaitGroup
	closers []io.Closer

	// Owned by the tracer thread.
	threads map[int]*thread
	procs   map[int]*proc
	tracers map[event.Role]sock.Tracer
	execed  bool
}

type thread struct {
	tid  int
	proc *proc
	call *pending
	seen bool // its first stop (the SIGSTOP of a new tracee) happened
}

// proc is one process of the program (threads share it): its fds' roles,
// the non-blocking calls the kernel made wait, and a pidfd to copy fds.
type proc struct {
	tgid  int
	pidfd int
	roles map[int]event.Role
	waits map[waitKey]*sock.ExternalCall
}

type waitKey struct {
	fd int
	op event.Op
}

// Start runs the program under the tracer. It returns once the program is
// running (or could not be started: the error says why). When the kernel
// refuses ptrace itself, the program is started untraced and Refused says
// why; nothing of its calls is then reported.
func Start(cfg Config) (*Program, error) {
	if len(cfg.Argv) == 0 {
		return nil, errors.New("no program to run")
	}
	if cfg.Tracer == nil {
		return nil, errors.New("ptrace.Config.Tracer is not set")
	}
	p := &Program{cfg: cfg, ctx: cfg.Ctx, done: make(chan struct{}), inflight: map[int]inCall{},
		threads: map[int]*thread{}, procs: map[int]*proc{}, tracers: map[event.Role]sock.Tracer{},
		execDone: make(chan struct{})}
	if p.ctx == nil {
		p.ctx = context.Background()
	}
	files, err := p.stdio()
	if err != nil {
		return nil, err
	}
	started := make(chan error, 1)
	go p.run(files, started)
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// Stops counts the program's calls the filter stopped (socket calls, and
// reads, writes and closes of other fds, which stop but are not shown).
func (p *Program) Stops() uint64 { return p.stops.Load() }

// Pid is the program's process id.
func (p *Program) Pid() int { return p.pid }

// Refused says why the program's calls are not traced, or "".
func (p *Program) Refused() string {
	<-p.startedTracing()
	return p.refused
}

// startedTracing is closed once the program's exec was seen (the filter's
// fate is known) or the program ended.
func (p *Program) startedTracing() <-chan struct{} { return p.execDone }

// Done is closed when the program and all its children have ended.
func (p *Program) Done() <-chan struct{} { return p.done }

// Wait waits for the program to end and returns how.
func (p *Program) Wait() (Exit, error) {
	<-p.done
	p.copies.Wait()
	return p.exit, p.err
}

// Stop asks the program to end (SIGTERM to its process group) and kills
// it after grace if it has not.
func (p *Program) Stop(grace time.Duration) {
	_ = unix.Kill(-p.pid, unix.SIGTERM)
	select {
	case <-p.done:
		return
	case <-time.After(grace):
	}
	_ = unix.Kill(-p.pid, unix.SIGKILL)
	<-p.done
}

func (p *Program) stdio() ([]*os.File, error) {
	in, err := p.input(p.cfg.Stdin)
	if err != nil {
		return nil, err
	}
	out, err := p.output(p.cfg.Stdout)
	if err != nil {
		return nil, err
	}
	errf, err := p.output(p.cfg.Stderr)
	if err != nil {
		return nil, err
	}
	return []*os.File{in, out, errf}, nil
}

func (p *Program) input(r io.Reader) (*os.File, error) {
	if f, ok := r.(*os.File); ok {
		return f, nil
	}
	if r == nil {
		f, err := os.Open(os.DevNull)
		p.closers = append(p.closers, f)
		return f, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, pr)
	go func() { io.Copy(pw, r); pw.Close() }()
	return pr, nil
}

func (p *Program) output(w io.Writer) (*os.File, error) {
	if f, ok := w.(*os.File); ok {
		return f, nil
	}
	if w == nil {
		f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		p.closers = append(p.closers, f)
		return f, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, pw)
	p.copies.Add(1)
	go func() { defer p.copies.Done(); io.Copy(w, pr); pr.Close() }()
	return pw, nil
}

// options are set on the launcher and inherited by every tracee.
const options = unix.PTRACE_O_TRACESECCOMP | unix.PTRACE_O_TRACECLONE | unix.PTRACE_O_TRACEFORK |
	unix.PTRACE_O_TRACEVFORK | unix.PTRACE_O_TRACEEXEC | unix.PTRACE_O_EXITKILL | unix.PTRACE_O_TRACESYSGOOD

// run is the tracer thread: every ptrace request comes from it.
func (p *Program) run(files []*os.File, started chan<- error) {
	runtime.LockOSThread()
	// The thread stays locked and dies with the goroutine: a thread that
	// was a tracer must not run other goroutines' code later.
	defer close(p.done)
	execClosed := false
	markExec := func() {
		if !execClosed {
			execClosed = true
			close(p.execDone)
		}
	}
	defer markExec()
	defer func() {
		for _, c := range p.closers {
			c.Close()
		}
		for _, pr := range p.procs {
			p.endProc(pr)
		}
	}()

	rr, rw, err := os.Pipe()
	if err != nil {
		started <- err
		return
	}
	p.report = rr
	defer rr.Close()
	env := p.cfg.Env
	if env == nil {
		env = os.Environ()
	}
	exe, err := os.Executable()
	if err != nil {
		exe = "/proc/self/exe"
	}
	attr := &os.ProcAttr{Dir: p.cfg.Dir, Env: env, Files: append(files, rw),
		Sys: &syscall.SysProcAttr{Ptrace: true, Setpgid: true}}
	var proc *os.Process
	proc, err = os.StartProcess(exe, append([]string{launcherName}, p.cfg.Argv...), attr)
	rw.Close()
	if err != nil {
		if errors.Is(err, unix.EPERM) {
			// ptrace itself refused (yama ptrace_scope=3, a seccomp profile):
			// run untraced, say why.
			attr.Sys = &syscall.SysProcAttr{Setpgid: true}
			attr.Env = p.cfg.Env
			p.refused = "the kernel refused ptrace (" + err.Error() + ")" + yamaHint()
			p.runUntraced(attr, started, markExec)
			return
		}
		started <- fmt.Errorf("cannot start %s: %w", p.cfg.Argv[0], err)
		return
	}
	p.pid = proc.Pid
	var ws unix.WaitStatus
	if _, err := unix.Wait4(p.pid, &ws, unix.WALL, nil); err != nil || !ws.Stopped() {
		started <- fmt.Errorf("cannot start %s: the launcher did not stop for the tracer", p.cfg.Argv[0])
		return
	}
	if err := unix.PtraceSetOptions(p.pid, options); err != nil {
		unix.Kill(p.pid, unix.SIGKILL)
		unix.Wait4(p.pid, &ws, unix.WALL, nil)
		started <- fmt.Errorf("ptrace options refused: %w", err)
		return
	}
	p.addThread(&thread{tid: p.pid, proc: p.procOf(p.pid, p.pid), seen: true})
	started <- nil
	unix.PtraceCont(p.pid, 0)
	p.loop(markExec)
}

func yamaHint() string {
	if b, err := os.ReadFile("/proc/sys/kernel/yama/ptrace_scope"); err == nil {
		return "; kernel.yama.ptrace_scope=" + strings.TrimSpace(string(b))
	}
	return ""
}

// runUntraced runs the program without the tracer (the wire still shows
// its segments).
func (p *Program) runUntraced(attr *os.ProcAttr, started chan<- error, markExec func()) {
	attr.Files = attr.Files[:3]
	pr, err := os.StartProcess(lookPath(p.cfg.Argv[0]), p.cfg.Argv, attr)
	if err != nil {
		started <- fmt.Errorf("cannot start %s: %w", p.cfg.Argv[0], err)
		return
	}
	p.pid = pr.Pid
	started <- nil
	markExec()
	stop := make(chan struct{})
	defer close(stop)
	if p.cfg.OnListen != nil {
		go p.watchListen(stop)
	}
	st, err := pr.Wait()
	if err != nil {
		p.err = err
		return
	}
	p.exit = exitOf(st.Sys().(syscall.WaitStatus))
}

// watchListen finds, without ptrace, the sockets the program listens on:
// its fds' socket inodes (/proc/PID/fd) among the kernel's listeners
// (/proc/net/tcp, tcp6), looked at every 20 ms until it ends.
func (p *Program) watchListen(stop <-chan struct{}) {
	seen := map[string]bool{}
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		inodes := map[string]bool{}
		dir := "/proc/" + strconv.Itoa(p.pid) + "/fd"
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if l, err := os.Readlink(dir + "/" + e.Name()); err == nil && strings.HasPrefix(l, "socket:[") {
				inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
			}
		}
		for _, a := range listeners(inodes) {
			if !seen[a.String()] {
				seen[a.String()] = true
				p.cfg.OnListen(a)
			}
		}
	}
}

// listeners reads /proc/net/tcp and tcp6 for LISTEN sockets among inodes.
func listeners(inodes map[string]bool) []netip.AddrPort {
	var out []netip.AddrPort
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fl := strings.Fields(line)
			if len(fl) < 10 || fl[3] != "0A" || !inodes[fl[9]] {
				continue
			}
			if a, ok := procAddr(fl[1]); ok {
				out = append(out, a)
			}
		}
	}
	return out
}

// procAddr decodes /proc/net/tcp's "0100007F:1F90" (the address in the
// kernel's byte order, 32-bit words in host order).
func procAddr(s string) (netip.AddrPort, bool) {
	h, ps, ok := strings.Cut(s, ":")
	port, err := strconv.ParseUint(ps, 16, 16)
	if !ok || err != nil || (len(h) != 8 && len(h) != 32) {
		return netip.AddrPort{}, false
	}
	raw := make([]byte, len(h)/2)
	for i := range raw {
		v, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			return netip.AddrPort{}, false
		}
		raw[i] = byte(v)
	}
	for i := 0; i+4 <= len(raw); i += 4 { // each word little endian
		raw[i], raw[i+1], raw[i+2], raw[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	a, _ := netip.AddrFromSlice(raw)
	return netip.AddrPortFrom(a.Unmap(), uint16(port)), true
}

func lookPath(name string) string {
	if strings.Contains(name, "/") {
		return name
	}
	for _, dir := range strings.Split(os.Getenv("PATH"), ":") {
		if st, err := os.Stat(dir + "/" + name); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return dir + "/" + name
		}
	}
	return name
}

func exitOf(ws syscall.WaitStatus) Exit {
	if ws.Signaled() {
		return Exit{Code: 128 + int(ws.Signal()), Signal: unix.SignalName(ws.Signal())}
	}
	return Exit{Code: ws.ExitStatus()}
}

// loop waits on every tracee until none is left, handing each stop to
// the handler of its kind.
func (p *Program) loop(markExec func()) {
	for len(p.threads) > 0 {
		var ws unix.WaitStatus
		tid, err := unix.Wait4(-p.pid, &ws, unix.WALL, nil)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			if p.err == nil && err != unix.ECHILD {
				p.err = err
			}
			return
		}
		t := p.threads[tid]
		if t == nil {
			t = p.newThread(tid)
		}
		switch {
		case ws.Exited() || ws.Signaled():
			p.ended(t, ws)
		case ws.Stopped():
			p.stopped(t, ws, markExec)
			t.seen = true
		}
	}
}

// ended forgets a tracee that exited or was killed; the program's own
// end gives its exit status, and a launcher that ended before the exec
// says why in its report.
func (p *Program) ended(t *thread, ws unix.WaitStatus) {
	p.gone(t)
	if t.tid != p.pid {
		return
	}
	p.exit = exitOf(syscall.WaitStatus(ws))
	if !p.execed {
		if b, _ := io.ReadAll(p.report); len(b) > 0 {
			p.err = errors.New(string(b))
		}
	}
}

// stopped handles one ptrace stop and lets the tracee go on.
func (p *Program) stopped(t *thread, ws unix.WaitStatus, markExec func()) {
	tid := t.tid
	sig := ws.StopSignal()
	switch {
	case sig == unix.SIGTRAP|0x80:
		p.exitStop(t)
	case sig == unix.SIGTRAP:
		p.trapped(t, ws, markExec)
	case sig == unix.SIGSTOP && !t.seen:
		unix.PtraceCont(tid, 0)
	case sig == unix.SIGSTOP || sig == unix.SIGTSTP || sig == unix.SIGTTIN || sig == unix.SIGTTOU:
		// No job control under the tracer: a stop is not passed on (a
		// group-stop would otherwise report again and again).
		unix.PtraceCont(tid, 0)
	default:
		unix.PtraceCont(tid, int(sig))
	}
}

// trapped handles a SIGTRAP stop: a ptrace event (seccomp, exec, clone,
// fork) or a plain SIGTRAP, passed on to the program.
func (p *Program) trapped(t *thread, ws unix.WaitStatus, markExec func()) {
	tid := t.tid
	switch cause := ws.TrapCause(); {
	case cause == unix.PTRACE_EVENT_SECCOMP:
		p.entryStop(t)
	case cause == unix.PTRACE_EVENT_EXEC:
		// A thread other than the first that called execve now has the
		// process's id, and its own id ends without an exit report
		// (ptrace(2), "execve(2) under ptrace"): forget it here, or the
		// program keeps a thread that no longer runs (Waiting counted it).
		if msg, err := unix.PtraceGetEventMsg(tid); err == nil && int(msg) != tid {
			if old := p.threads[int(msg)]; old != nil {
				p.gone(old)
			}
		}
		if tid == p.pid && !p.execed {
			p.execed = true
			if b, _ := io.ReadAll(p.report); len(b) > 0 {
				p.refused = string(b)
			}
			markExec()
		}
		unix.PtraceCont(tid, 0)
	case cause > 0:
		// clone, fork, vfork: the new tracee reports its own first stop.
		if msg, err := unix.PtraceGetEventMsg(tid); err == nil && cause != unix.PTRACE_EVENT_CLONE {
			p.forked(t.proc, int(msg))
		}
		unix.PtraceCont(tid, 0)
	default:
		unix.PtraceCont(tid, int(unix.SIGTRAP))
	}
}

func (p *Program) newThread(tid int) *thread {
	tgid := tgidOf(tid)
	t := &thread{tid: tid, proc: p.procOf(tgid, tid)}
	p.addThread(t)
	return t
}

func (p *Program) procOf(tgid, tid int) *proc {
	if pr := p.procs[tgid]; pr != nil {
		return pr
	}
	pr := &proc{tgid: tgid, pidfd: -1, roles: map[int]event.Role{}, waits: map[waitKey]*sock.ExternalCall{}}
	if fd, err := unix.PidfdOpen(tgid, 0); err == nil {
		pr.pidfd = fd
	}
	p.procs[tgid] = pr
	return pr
}

// forked gives a new process a copy of its parent's fd roles.
func (p *Program) forked(parent *proc, pid int) {
	child := p.procOf(pid, pid)
	for fd, r := range parent.roles {
		if _, ok := child.roles[fd]; !ok {
			child.roles[fd] = r
		}
	}
}

func tgidOf(tid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return tid
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Tgid:"); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				return n
			}
		}
	}
	return tid
}

// gone forgets a thread that ended; a call it was inside never returns.
func (p *Program) gone(t *thread) {
	if t.call != nil && t.call.x != nil {
		t.call.x.Abandon()
	}
	p.leftCall(t.tid)
	delete(p.threads, t.tid)
	p.mu.Lock()
	p.live = len(p.threads)
	p.mu.Unlock()
	for _, o := range p.threads {
		if o.proc == t.proc {
			return
		}
	}
	p.endProc(t.proc)
	delete(p.procs, t.proc.tgid)
}

func (p *Program) endProc(pr *proc) {
	for k, x := range pr.waits {
		x.Abandon()
		delete(pr.waits, k)
	}
	if pr.pidfd >= 0 {
		unix.Close(pr.pidfd)
		pr.pidfd = -1
	}
}

func (p *Program) tracer(r event.Role) sock.Tracer {
	tr, ok := p.tracers[r]
	if !ok {
		tr = p.cfg.Tracer(r)
		p.tracers[r] = tr
	}
	return tr
}

// entryStop is a seccomp stop: a filtered call is about to enter the kernel.
func (p *Program) entryStop(t *thread) {
	p.stops.Add(1)
	r, err := getRegs(t.tid)
	if err != nil {
		unix.PtraceCont(t.tid, 0)
		return
	}
	c := p.decodeEntry(t, r)
	if c == nil {
		unix.PtraceCont(t.tid, 0)
		return
	}
	if !p.begin(t, c) {
		unix.PtraceCont(t.tid, 0)
		return
	}
	t.call = c
	p.enteredCall(t.tid, c.name()+"("+c.text+")", (c.op == event.OpRecv || c.op == event.OpRecvfrom) && c.willWait)
	unix.PtraceSyscall(t.tid, 0)
}

// exitStop is a syscall-exit stop of a call entryStop let through.
func (p *Program) exitStop(t *thread) {
	c := t.call
	t.call = nil
	p.leftCall(t.tid)
	if c != nil {
		if r, err := getRegs(t.tid); err == nil {
			p.finish(t, c, r)
		} else if c.x != nil {
			c.x.Abandon()
		}
	}
	unix.PtraceCont(t.tid, 0)
}
