//go:build !linux

package netlab

// acceptQueue: only Linux reports a listener's accept queue without
// privilege (TCP_INFO on a LISTEN socket); elsewhere it is not shown.
func acceptQueue(*Socket) AcceptQueue { return AcceptQueue{} }
