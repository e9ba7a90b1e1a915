package event

import "net/netip"

// addrTexts remembers the "  [local <-> remote]" text of the connections a
// trace writer wrote last. A server's lines repeat their connection's two
// addresses call after call, and formatting them was a tenth of what
// tracing a request cost; a slot per remote port (64 of them) keeps the
// texts of a server's many connections, and a miss only formats anew.
// A nil *addrTexts formats every time.
type addrTexts struct {
	slots [64]addrText
}

type addrText struct {
	local, remote netip.AddrPort
	text          []byte
}

func (c *addrTexts) appendTo(b []byte, local, remote netip.AddrPort) []byte {
	if c == nil {
		return appendAddrs(b, local, remote)
	}
	s := &c.slots[remote.Port()%uint16(len(c.slots))]
	if s.text == nil || s.local != local || s.remote != remote {
		s.local, s.remote = local, remote
		s.text = appendAddrs(s.text[:0], local, remote)
	}
	return append(b, s.text...)
}

// appendAddrs appends "  [local <-> remote]", either address left out when
// it is not valid.
func appendAddrs(b []byte, local, remote netip.AddrPort) []byte {
	b = append(b, "  ["...)
	if local.IsValid() {
		b = local.AppendTo(b)
	}
	if remote.IsValid() {
		b = remote.AppendTo(append(b, " <-> "...))
	}
	return append(b, ']')
}
