package sock

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"os"
	"strconv"

	"github.com/socklab/socklab/netlab/event"
)

// procState finds a TCP connection by its 4-tuple in /proc/net/tcp{,6}.
// It is how socklab reads the state of a connection whose fd is already
// closed (FIN_WAIT2, TIME_WAIT): the kernel keeps the connection, but no fd
// is left to ask with TCP_INFO. It is only used after close and shutdown.
func procState(local, remote netip.AddrPort) event.TCPState {
	if !local.IsValid() || !remote.IsValid() {
		return event.StateNone
	}
	file := "/proc/net/tcp"
	if local.Addr().Is6() && !local.Addr().Is4In6() {
		file = "/proc/net/tcp6"
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return event.StateNone
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Scan() // header
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) < 4 {
			continue
		}
		l, ok1 := parseProcAddr(string(f[1]))
		r, ok2 := parseProcAddr(string(f[2]))
		if !ok1 || !ok2 || l != local || r != remote {
			continue
		}
		st, err := strconv.ParseUint(string(f[3]), 16, 8)
		if err != nil {
			return event.StateNone
		}
		return fromKernelState(uint8(st))
	}
	return event.StateNone
}

// parseProcAddr decodes "0100007F:0439" (IPv4) or the 32-hex-digit IPv6
// form, in which each 32-bit word is in host (little-endian) order.
func parseProcAddr(s string) (netip.AddrPort, bool) {
	i := bytes.IndexByte([]byte(s), ':')
	if i < 0 {
		return netip.AddrPort{}, false
	}
	raw, err := hex.DecodeString(s[:i])
	if err != nil {
		return netip.AddrPort{}, false
	}
	port, err := strconv.ParseUint(s[i+1:], 16, 16)
	if err != nil {
		return netip.AddrPort{}, false
	}
	for w := 0; w+4 <= len(raw); w += 4 {
		binary.BigEndian.PutUint32(raw[w:], binary.LittleEndian.Uint32(raw[w:]))
	}
	var addr netip.Addr
	switch len(raw) {
	case 4:
		addr = netip.AddrFrom4([4]byte(raw))
	case 16:
		addr = netip.AddrFrom16([16]byte(raw)).Unmap()
	default:
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(addr, uint16(port)), true
}
