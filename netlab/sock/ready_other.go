//go:build !unix

package sock

import "github.com/socklab/socklab/netlab/event"

// Ready: this system's sockets are not polled by fd here; a blocked call
// is taken as still waiting.
func Ready(fd int, op event.Op) bool { return false }
