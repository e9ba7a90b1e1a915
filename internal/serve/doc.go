// Package serve runs `socklab serve`: socklab's echo or calculator server
// for other programs (the seeds' clients, nc, socklab client) to talk to,
// with a trace line for each of its socket calls. Its "listening on" line
// comes first on the standard output, before the trace of the calls that
// led to it: the trace is held until the line is written, then released in
// causal order.
package serve
