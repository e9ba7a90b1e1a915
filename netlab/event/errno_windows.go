package event

import (
	"strconv"
	"syscall"
)

// winErrnoNames maps the Windows Sockets error codes (and the few Win32
// codes Go's net package passes through from completed overlapped I/O) to
// the POSIX names the lessons, hints and traces use, so "ECONNREFUSED" means
// the same thing on every platform. The message text still comes from
// Windows (Errno.Error()).
var winErrnoNames = map[syscall.Errno]string{
	10004: "EINTR",           // WSAEINTR
	10009: "EBADF",           // WSAEBADF
	10013: "EACCES",          // WSAEACCES
	10014: "EFAULT",          // WSAEFAULT
	10022: "EINVAL",          // WSAEINVAL
	10024: "EMFILE",          // WSAEMFILE
	10035: "EAGAIN",          // WSAEWOULDBLOCK
	10036: "EINPROGRESS",     // WSAEINPROGRESS
	10037: "EALREADY",        // WSAEALREADY
	10038: "ENOTSOCK",        // WSAENOTSOCK
	10039: "EDESTADDRREQ",    // WSAEDESTADDRREQ
	10040: "EMSGSIZE",        // WSAEMSGSIZE
	10041: "EPROTOTYPE",      // WSAEPROTOTYPE
	10042: "ENOPROTOOPT",     // WSAENOPROTOOPT
	10043: "EPROTONOSUPPORT", // WSAEPROTONOSUPPORT
	10044: "ESOCKTNOSUPPORT", // WSAESOCKTNOSUPPORT
	10045: "EOPNOTSUPP",      // WSAEOPNOTSUPP
	10046: "EPFNOSUPPORT",    // WSAEPFNOSUPPORT
	10047: "EAFNOSUPPORT",    // WSAEAFNOSUPPORT
	10048: "EADDRINUSE",      // WSAEADDRINUSE
	10049: "EADDRNOTAVAIL",   // WSAEADDRNOTAVAIL
	10050: "ENETDOWN",        // WSAENETDOWN
	10051: "ENETUNREACH",     // WSAENETUNREACH
	10052: "ENETRESET",       // WSAENETRESET
	10053: "ECONNABORTED",    // WSAECONNABORTED
	10054: "ECONNRESET",      // WSAECONNRESET
	10055: "ENOBUFS",         // WSAENOBUFS
	10056: "EISCONN",         // WSAEISCONN
	10057: "ENOTCONN",        // WSAENOTCONN
	10058: "ESHUTDOWN",       // WSAESHUTDOWN
	10059: "ETOOMANYREFS",    // WSAETOOMANYREFS
	10060: "ETIMEDOUT",       // WSAETIMEDOUT
	10061: "ECONNREFUSED",    // WSAECONNREFUSED
	10062: "ELOOP",           // WSAELOOP
	10063: "ENAMETOOLONG",    // WSAENAMETOOLONG
	10064: "EHOSTDOWN",       // WSAEHOSTDOWN
	10065: "EHOSTUNREACH",    // WSAEHOSTUNREACH

	// Win32 codes seen on sockets through overlapped I/O completions.
	5:    "EACCES",       // ERROR_ACCESS_DENIED
	64:   "ECONNRESET",   // ERROR_NETNAME_DELETED: the peer reset the connection
	109:  "EPIPE",        // ERROR_BROKEN_PIPE
	121:  "ETIMEDOUT",    // ERROR_SEM_TIMEOUT
	1225: "ECONNREFUSED", // ERROR_CONNECTION_REFUSED
	1231: "ENETUNREACH",  // ERROR_NETWORK_UNREACHABLE
	1232: "EHOSTUNREACH", // ERROR_HOST_UNREACHABLE
	1234: "ECONNREFUSED", // ERROR_PORT_UNREACHABLE
	1236: "ECONNABORTED", // ERROR_CONNECTION_ABORTED

	// Go's syscall package invents POSIX errnos on Windows for errors that
	// have no Windows code; they can surface from the net package.
	syscall.EINVAL:       "EINVAL",
	syscall.EAFNOSUPPORT: "EAFNOSUPPORT",
	syscall.EADDRINUSE:   "EADDRINUSE",
	syscall.ECONNREFUSED: "ECONNREFUSED",
	syscall.ECONNRESET:   "ECONNRESET",
	syscall.EPIPE:        "EPIPE",
	syscall.ENOTCONN:     "ENOTCONN",
	syscall.EISCONN:      "EISCONN",
}

// ErrnoName returns the POSIX name of a Windows socket error, e.g.
// "ECONNREFUSED" for WSAECONNREFUSED (10061).
func ErrnoName(e syscall.Errno) string {
	if e == 0 {
		return ""
	}
	if n, ok := winErrnoNames[e]; ok {
		return n
	}
	return "error " + strconv.Itoa(int(e))
}
