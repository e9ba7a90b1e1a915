//go:build !linux

package sock

// AcceptQueueOf: only Linux reports a listener's accept queue without
// privilege (TCP_INFO on a LISTEN socket); elsewhere it is not shown.
func AcceptQueueOf(*Socket) AcceptQueue { return AcceptQueue{} }
