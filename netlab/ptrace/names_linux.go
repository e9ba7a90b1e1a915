//go:build linux && (amd64 || arm64)

package ptrace

import (
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// sysNames names the system calls the filter stops on.
var sysNames = func() map[uint64]string {
	m := map[uint64]string{
		unix.SYS_SOCKET: "socket", unix.SYS_BIND: "bind", unix.SYS_LISTEN: "listen",
		unix.SYS_ACCEPT: "accept", unix.SYS_ACCEPT4: "accept4", unix.SYS_CONNECT: "connect",
		unix.SYS_SENDTO: "sendto", unix.SYS_SENDMSG: "sendmsg", unix.SYS_SENDMMSG: "sendmmsg",
		unix.SYS_RECVFROM: "recvfrom", unix.SYS_RECVMSG: "recvmsg", unix.SYS_RECVMMSG: "recvmmsg",
		unix.SYS_SHUTDOWN: "shutdown", unix.SYS_CLOSE: "close", unix.SYS_SETSOCKOPT: "setsockopt",
		unix.SYS_GETSOCKNAME: "getsockname", unix.SYS_GETPEERNAME: "getpeername",
		unix.SYS_READ: "read", unix.SYS_WRITE: "write", unix.SYS_READV: "readv", unix.SYS_WRITEV: "writev",
		unix.SYS_PPOLL: "ppoll", unix.SYS_PSELECT6: "pselect6", unix.SYS_EPOLL_PWAIT: "epoll_pwait",
		unix.SYS_EPOLL_PWAIT2: "epoll_pwait2",
	}
	for nr, name := range archNames {
		m[nr] = name
	}
	return m
}()

func domainName(d int) string {
	switch d {
	case unix.AF_INET:
		return "AF_INET"
	case unix.AF_INET6:
		return "AF_INET6"
	}
	return strconv.Itoa(d)
}

func typeName(t int) string {
	var s string
	switch t &^ (unix.SOCK_CLOEXEC | unix.SOCK_NONBLOCK) {
	case unix.SOCK_STREAM:
		s = "SOCK_STREAM"
	case unix.SOCK_DGRAM:
		s = "SOCK_DGRAM"
	default:
		s = strconv.Itoa(t &^ (unix.SOCK_CLOEXEC | unix.SOCK_NONBLOCK))
	}
	if f := sockFlags(t); f != "" {
		s += "|" + f
	}
	return s
}

func sockFlags(t int) string {
	var f []string
	if t&unix.SOCK_CLOEXEC != 0 {
		f = append(f, "SOCK_CLOEXEC")
	}
	if t&unix.SOCK_NONBLOCK != 0 {
		f = append(f, "SOCK_NONBLOCK")
	}
	return strings.Join(f, "|")
}

func msgFlags(fl int) string {
	if fl == 0 {
		return "0"
	}
	var f []string
	for _, n := range []struct {
		bit  int
		name string
	}{{unix.MSG_DONTWAIT, "MSG_DONTWAIT"}, {unix.MSG_NOSIGNAL, "MSG_NOSIGNAL"}, {unix.MSG_PEEK, "MSG_PEEK"}, {unix.MSG_WAITALL, "MSG_WAITALL"}} {
		if fl&n.bit != 0 {
			f = append(f, n.name)
			fl &^= n.bit
		}
	}
	if fl != 0 {
		f = append(f, "0x"+strconv.FormatInt(int64(fl), 16))
	}
	return strings.Join(f, "|")
}

func shutHow(h int) string {
	switch h {
	case unix.SHUT_RD:
		return "SHUT_RD"
	case unix.SHUT_WR:
		return "SHUT_WR"
	case unix.SHUT_RDWR:
		return "SHUT_RDWR"
	}
	return strconv.Itoa(h)
}

func sockoptName(level, opt int) (string, string) {
	switch level {
	case unix.SOL_SOCKET:
		names := map[int]string{unix.SO_REUSEADDR: "SO_REUSEADDR", unix.SO_REUSEPORT: "SO_REUSEPORT",
			unix.SO_KEEPALIVE: "SO_KEEPALIVE", unix.SO_RCVBUF: "SO_RCVBUF", unix.SO_SNDBUF: "SO_SNDBUF",
			unix.SO_LINGER: "SO_LINGER", unix.SO_BROADCAST: "SO_BROADCAST",
			// A receive timeout ends a blocked recv by itself (check's
			// two-at-once reads it).
			unix.SO_RCVTIMEO: "SO_RCVTIMEO", unix.SO_RCVTIMEO_NEW: "SO_RCVTIMEO_NEW",
			unix.SO_SNDTIMEO: "SO_SNDTIMEO", unix.SO_SNDTIMEO_NEW: "SO_SNDTIMEO_NEW"}
		return "SOL_SOCKET", nameOr(names, opt)
	case unix.IPPROTO_TCP:
		return "IPPROTO_TCP", nameOr(map[int]string{unix.TCP_NODELAY: "TCP_NODELAY"}, opt)
	case unix.IPPROTO_IPV6:
		return "IPPROTO_IPV6", nameOr(map[int]string{unix.IPV6_V6ONLY: "IPV6_V6ONLY"}, opt)
	}
	return strconv.Itoa(level), strconv.Itoa(opt)
}

func nameOr(m map[int]string, v int) string {
	if s, ok := m[v]; ok {
		return s
	}
	return strconv.Itoa(v)
}
