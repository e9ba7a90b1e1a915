//go:build unix

package sock

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// SetLingerZero makes setsockopt(SO_LINGER, {on, 0}): the socket's next
// close is abortive, a RST instead of a FIN (socklab check's client that
// resets). The event carries Option SO_LINGER, Value 0, which the wire's
// linker reads to explain the RST.
func (s *Socket) SetLingerZero(ctx context.Context) error {
	var text string
	if s.traced() {
		text = fmt.Sprintf("%d, SOL_SOCKET, SO_LINGER, {on, 0}", s.fd)
	}
	c, err := s.begin(ctx, event.OpSetsockopt, text, event.Args{Option: "SO_LINGER", Value: 0})
	if err != nil {
		return err
	}
	c.attempt()
	var serr error
	if cerr := s.rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptLinger(int(fd), unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
	}); cerr != nil {
		serr = cerr
	}
	s.report(&c, 0, serr, nil)
	return wrap("setsockopt", netip.AddrPort{}, serr)
}
