package sock

// AcceptQueue is the listening socket's accept queue as the kernel reports
// it: connections whose handshake is complete, waiting for accept.
type AcceptQueue struct {
	Len, Max int
	Valid    bool // the platform reported it (Linux)
}
