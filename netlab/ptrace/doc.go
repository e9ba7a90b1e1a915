// Package ptrace runs a student's own program (any Linux executable:
// Python, C, Go, …) and reports its socket calls as the same typed netlab
// events socklab's own sockets report, so the ladder, the wire's links,
// step mode, the trace writers and the exports work unchanged.
//
// How it watches (Linux only; Start returns ErrUnsupported elsewhere):
//
//   - The program is started through a tiny launcher: socklab itself,
//     re-executed with an environment mark (Launch, called first thing in
//     main). The launcher is the traced child (PTRACE_TRACEME, from Go's
//     SysProcAttr.Ptrace); it sets no_new_privs, installs a classic-BPF
//     seccomp filter and execve's the program, which inherits the filter.
//   - The filter returns SECCOMP_RET_TRACE only for the socket system calls
//     (and read/write/readv/writev on fds above 2, close, and
//     poll/select/epoll_wait with a timeout), so the thousands of other
//     calls a Python program makes never stop it.
//   - One locked OS thread is the tracer (ptrace requests must come from
//     the thread that attached). Threads and children are followed with
//     PTRACE_O_TRACECLONE/FORK/VFORK; PTRACE_O_EXITKILL ends the program if
//     socklab dies. Each seccomp stop is a call's entry: its arguments are
//     read from the registers and the program's memory (process_vm_readv);
//     PTRACE_SYSCALL then stops it again at the exit, where the result and
//     errno are read.
//   - What the kernel says about a socket (addresses, TCP state and
//     counters) is read from a copy of the program's fd taken with
//     pidfd_getfd, closed again before the program runs on (a copy left
//     open would keep close(2) from sending the FIN).
//
// Only fds that are sockets (readlink /proc/TID/fd/N says "socket:[…]") are
// reported; a read of a file costs a stop but shows nothing. A non-blocking
// call the kernel answers EAGAIN is reported once as blocked, not as a
// stream of EAGAIN; when it is tried again and succeeds, its returned event
// carries the same CallID. The tracer waits only on the program's process
// group: a child that leaves it (setsid) is not followed.
package ptrace
