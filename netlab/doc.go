// Package netlab drives real sockets one system call at a time and reports
// every call as an Event carrying what the kernel answered: the fd, the
// result, the errno, the addresses from getsockname/getpeername and the TCP
// state from TCP_INFO (Linux) or TCP_CONNECTION_INFO (macOS).
//
// It also holds the two services socklab teaches, echo and the remote
// calculator, and the Lab that runs a scenario's actors (a server and its
// clients) in goroutines, either freely (run mode) or one call at a time
// behind a gate (step mode).
//
// netlab never imports UI code: headless commands, lessons and the TUI all
// consume the same events.
package netlab
