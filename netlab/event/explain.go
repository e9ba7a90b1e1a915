package event

import "syscall"

// Explain returns one line on what a call does, shown next to a call that
// waits at the step gate or is blocked in the kernel.
func Explain(op Op) string {
	switch op {
	case OpSocket:
		return "socket() asks the kernel for a new endpoint and returns its file descriptor"
	case OpSetsockopt:
		return "setsockopt() changes an option of the socket in the kernel"
	case OpBind:
		return "bind() attaches the socket to a local IP address and port"
	case OpListen:
		return "listen() turns the socket into a listening socket with an accept queue"
	case OpAccept:
		return "accept() waits until a finished connection is queued, then returns it as a new fd"
	case OpConnect:
		return "connect() sends a SYN and waits for the three-way handshake to finish"
	case OpSend:
		return "send() copies bytes into the kernel's send buffer; the kernel puts them on the wire"
	case OpRecv:
		return "recv() waits for bytes in the receive buffer; it returns 0 when the peer has closed"
	case OpSendto:
		return "sendto() sends one datagram to an address, no connection needed"
	case OpRecvfrom:
		return "recvfrom() waits for one datagram and says who sent it"
	case OpShutdown:
		return "shutdown() closes one direction: SHUT_WR sends a FIN but keeps receiving"
	case OpClose:
		return "close() releases the fd; for TCP the kernel sends a FIN to the peer"
	}
	return ""
}

// Hint suggests what to do about an errno.
func Hint(e syscall.Errno) string {
	switch ErrnoName(e) {
	case "EADDRINUSE":
		return "another socket already uses this address and port: stop it, or choose another port (0 lets the kernel choose)"
	case "EACCES":
		return "ports below 1024 are reserved for privileged programs: use a port from 1024 to 65535"
	case "ECONNREFUSED":
		return "nothing is listening there: start the server first (socklab serve …) and check host and port"
	case "EADDRNOTAVAIL":
		return "this machine has no such address: use 127.0.0.1, ::1 or 0.0.0.0"
	case "ECONNRESET":
		return "the peer closed the connection abruptly (RST)"
	case "EPIPE":
		return "the peer has closed: nothing more can be sent on this connection"
	case "ETIMEDOUT":
		return "no answer from the peer in time"
	case "ENETUNREACH", "EHOSTUNREACH":
		return "no route to that address from this machine"
	case "EAFNOSUPPORT":
		return "this address family is not available here (is IPv6 disabled?)"
	}
	return ""
}
