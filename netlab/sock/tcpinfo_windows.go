package sock

import (
	"encoding/binary"
	"net/netip"
	"syscall"
	"unsafe"

	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/windows"
)

// Windows has two sources of TCP state, both asked here and nothing guessed:
// WSAIoctl(SIO_TCP_INFO) on an open socket (Windows 10 1703 and later), the
// counterpart of Linux's TCP_INFO; and the connection table of iphlpapi
// (GetTcpTable2/GetTcp6Table2, what netstat reads) for a socket that is
// already closed, the counterpart of /proc/net/tcp. Either failing gives
// StateNone. (tcpstate_other.go's tcpState/stateByTuple also compile on
// Windows; the Windows Socket calls these instead.)

// sioTCPInfo is SIO_TCP_INFO, _WSAIORW(IOC_VENDOR, 39) in mstcpip.h.
const sioTCPInfo = windows.IOC_INOUT | windows.IOC_VENDOR | 39

// tcpInfoV0 is TCP_INFO_v0 of mstcpip.h; only State is read, but the
// kernel wants room for the whole structure.
type tcpInfoV0 struct {
	State             uint32 // TCPSTATE
	Mss               uint32
	ConnectionTimeMs  uint64
	TimestampsEnabled uint8
	RttUs             uint32
	MinRttUs          uint32
	BytesInFlight     uint32
	Cwnd              uint32
	SndWnd            uint32
	RcvWnd            uint32
	RcvBuf            uint32
	BytesOut          uint64
	BytesIn           uint64
	BytesReordered    uint32
	BytesRetrans      uint32
	FastRetrans       uint32
	DupAcksIn         uint32
	TimeoutEpisodes   uint32
	SynRetrans        uint8
}

// The C structure is 88 bytes; a layout mistake fails the build.
var _ [88]byte = [unsafe.Sizeof(tcpInfoV0{})]byte{}

// tcpStates maps the TCPSTATE enum of mstcpip.h onto TCPState.
var tcpStates = [...]event.TCPState{
	0:  event.StateClosed,
	1:  event.StateListen,
	2:  event.StateSynSent,
	3:  event.StateSynRecv,
	4:  event.StateEstablished,
	5:  event.StateFinWait1,
	6:  event.StateFinWait2,
	7:  event.StateCloseWait,
	8:  event.StateClosing,
	9:  event.StateLastAck,
	10: event.StateTimeWait,
}

// sockTCPState reads the state of an open TCP socket with SIO_TCP_INFO.
func sockTCPState(h syscall.Handle) event.TCPState {
	var (
		version uint32 // TCP_INFO_v0
		info    tcpInfoV0
		n       uint32
	)
	err := syscall.WSAIoctl(h, sioTCPInfo, (*byte)(unsafe.Pointer(&version)), uint32(unsafe.Sizeof(version)),
		(*byte)(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)), &n, nil, 0)
	if err != nil || n < 4 || int(info.State) >= len(tcpStates) {
		return event.StateNone
	}
	return tcpStates[info.State]
}

// mibStates maps MIB_TCP_STATE (tcpmib.h, 1-based) onto TCPState;
// MIB_TCP_STATE_DELETE_TCB (12) is a connection being removed: none.
var mibStates = [...]event.TCPState{
	1:  event.StateClosed,
	2:  event.StateListen,
	3:  event.StateSynSent,
	4:  event.StateSynRecv,
	5:  event.StateEstablished,
	6:  event.StateFinWait1,
	7:  event.StateFinWait2,
	8:  event.StateCloseWait,
	9:  event.StateClosing,
	10: event.StateLastAck,
	11: event.StateTimeWait,
}

var (
	iphlpapi      = windows.NewLazySystemDLL("iphlpapi.dll")
	getTcpTable2  = iphlpapi.NewProc("GetTcpTable2")
	getTcp6Table2 = iphlpapi.NewProc("GetTcp6Table2")
)

// Row sizes of MIB_TCPROW2 (7 DWORDs) and MIB_TCP6ROW2; each table starts
// with a DWORD count.
const (
	tcpRow2Len  = 28
	tcp6Row2Len = 60
)

// tupleTCPState finds a connection by its two endpoints in the kernel's
// connection table, so a closed socket's FIN_WAIT2 or TIME_WAIT shows. A
// listening socket (no remote) matches the LISTEN row of its local address.
func tupleTCPState(local, remote netip.AddrPort) event.TCPState {
	if !local.IsValid() {
		return event.StateNone
	}
	v6 := local.Addr().Is6() && !local.Addr().Is4In6()
	proc, rowLen := getTcpTable2, tcpRow2Len
	if v6 {
		proc, rowLen = getTcp6Table2, tcp6Row2Len
	}
	if proc.Find() != nil {
		return event.StateNone
	}
	tab := tcpTable(proc)
	if len(tab) < 4 {
		return event.StateNone
	}
	count := int(binary.LittleEndian.Uint32(tab))
	for i := 0; i < count && 4+(i+1)*rowLen <= len(tab); i++ {
		row := tab[4+i*rowLen : 4+(i+1)*rowLen]
		var (
			la, ra netip.AddrPort
			state  uint32
		)
		if v6 {
			la = netip.AddrPortFrom(netip.AddrFrom16([16]byte(row[0:16])), binary.BigEndian.Uint16(row[20:22]))
			ra = netip.AddrPortFrom(netip.AddrFrom16([16]byte(row[24:40])), binary.BigEndian.Uint16(row[44:46]))
			state = binary.LittleEndian.Uint32(row[48:52])
		} else {
			state = binary.LittleEndian.Uint32(row[0:4])
			la = netip.AddrPortFrom(netip.AddrFrom4([4]byte(row[4:8])), binary.BigEndian.Uint16(row[8:10]))
			ra = netip.AddrPortFrom(netip.AddrFrom4([4]byte(row[12:16])), binary.BigEndian.Uint16(row[16:18]))
		}
		if !sameEndpoint(la, local) {
			continue
		}
		st := event.StateNone
		if int(state) < len(mibStates) {
			st = mibStates[state]
		}
		// A LISTEN row's remote fields are meaningless, so a listener is
		// matched by its local address alone.
		if remote.IsValid() && st != event.StateListen && sameEndpoint(ra, remote) || !remote.IsValid() && st == event.StateListen {
			return st
		}
	}
	return event.StateNone
}

// tcpTable calls GetTcpTable2 or GetTcp6Table2 until the buffer is large
// enough; nil on failure.
func tcpTable(proc *windows.LazyProc) []byte {
	size := uint32(4096)
	for range 4 {
		buf := make([]byte, size)
		r, _, _ := proc.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&size)), 0)
		switch syscall.Errno(r) {
		case 0:
			return buf
		case syscall.ERROR_INSUFFICIENT_BUFFER:
			size += 1024 // the table may grow between the two calls
			continue
		}
		return nil
	}
	return nil
}

func sameEndpoint(a, b netip.AddrPort) bool {
	return a.Port() == b.Port() && a.Addr().Unmap() == b.Addr().Unmap()
}
