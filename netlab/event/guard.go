package event

import (
	"fmt"
	"runtime/debug"
	"sync/atomic"
)

// PanicError is a panic recovered in one of a lab's goroutines (a server's
// connection, the wire, a trace writer, a lesson's call).
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("socklab bug: a lab goroutine panicked: %v", e.Value)
}

var panicHandler atomic.Pointer[func(*PanicError)]

// OnPanic makes a panic in a lab goroutine call h (from that goroutine)
// instead of ending the process, until restore is called. The terminal UI
// sets it: a panic in a goroutine it does not run would otherwise end the
// process with the terminal left in raw mode and the alternate screen.
func OnPanic(h func(*PanicError)) (restore func()) {
	old := panicHandler.Swap(&h)
	return func() { panicHandler.Store(old) }
}

// Recover is deferred first by every goroutine a lab starts: it passes a
// panic to the OnPanic handler, or, with none set, panics again with the
// first stack (the process ends as it would have).
func Recover() {
	v := recover()
	if v == nil {
		return
	}
	pe := &PanicError{Value: v, Stack: debug.Stack()}
	if h := panicHandler.Load(); h != nil && *h != nil {
		(*h)(pe)
		return
	}
	panic(fmt.Sprintf("%v\n\n%s", v, pe.Stack))
}
