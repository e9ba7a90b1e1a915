package sock

import (
	"net/netip"
	"sync"

	"github.com/socklab/socklab/netlab/event"
)

// Registry remembers a lab's sockets, closed ones included, because a closed
// TCP connection lives on in the kernel (FIN_WAIT2, TIME_WAIT) and lessons
// show that.
type Registry struct {
	mu    sync.Mutex
	socks []*Socket
}

// maxClosedKept bounds how many closed sockets a registry remembers.
const maxClosedKept = 64

func (r *Registry) add(s *Socket) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.socks = append(r.socks, s)
	closed := 0
	for _, x := range r.socks {
		if x.Closed() {
			closed++
		}
	}
	if closed > maxClosedKept {
		kept := r.socks[:0]
		for _, x := range r.socks {
			if x.Closed() && closed > maxClosedKept {
				closed--
				continue
			}
			kept = append(kept, x)
		}
		r.socks = kept
	}
}

// SockInfo is what the kernel says about one socket at snapshot time.
type SockInfo struct {
	Actor     string
	Role      event.Role
	FD        int
	Type      Type
	Listening bool // a listening socket (state LISTEN)
	Accepted  bool // made by accept
	Local     netip.AddrPort
	Remote    netip.AddrPort
	State     event.TCPState // StateNone after close once the kernel forgot the connection
	Closed    bool           // close() was called on the fd
	BytesIn   uint64
	BytesOut  uint64
}

// Snapshot is every socket the registry holds, with its kernel state now.
func (r *Registry) Snapshot() []SockInfo {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	socks := append([]*Socket(nil), r.socks...)
	r.mu.Unlock()
	out := make([]SockInfo, 0, len(socks))
	var gone []*Socket
	for _, s := range socks {
		st := s.State()
		if s.Closed() && (st == event.StateNone || st == event.StateClosed) {
			gone = append(gone, s)
		}
		out = append(out, SockInfo{Actor: s.Actor(), Role: s.role, FD: s.fd, Type: s.typ, Listening: st == event.StateListen,
			Accepted: s.accepted, Local: s.LocalAddr(), Remote: s.RemoteAddr(), State: st,
			Closed: s.Closed(), BytesIn: s.BytesIn(), BytesOut: s.BytesOut()})
	}
	if len(gone) > 0 {
		// Reported once as gone, then forgotten.
		r.mu.Lock()
		kept := r.socks[:0]
		for _, s := range r.socks {
			drop := false
			for _, g := range gone {
				drop = drop || g == s
			}
			if !drop {
				kept = append(kept, s)
			}
		}
		r.socks = kept
		r.mu.Unlock()
	}
	return out
}
