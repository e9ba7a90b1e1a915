package netlab

import (
	"context"
	"io"
	"net/netip"
	"syscall"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/netlab/wire"
)

// This file is temporary. The names below moved out of netlab into the
// packages that now hold them (see doc.go); ui/ and the root package still
// use them through netlab, and these aliases keep both compiling unchanged
// until they are rewritten to the new names, when this file is deleted.
// Nothing in netlab or below it uses these aliases.

// From event.

type (
	Args        = event.Args
	CallID      = event.CallID
	Event       = event.Event
	Holding     = event.Holding
	Op          = event.Op
	Origin      = event.Origin
	Packet      = event.Packet
	PanicError  = event.PanicError
	Reason      = event.Reason
	Role        = event.Role
	Rule        = event.Rule
	Segs        = event.Segs
	Sink        = event.Sink
	Sub         = event.Sub
	TCPState    = event.TCPState
	TraceWriter = event.TraceWriter
)

const (
	KindBlocked           = event.KindBlocked
	KindCall              = event.KindCall
	KindLab               = event.KindLab
	KindNote              = event.KindNote
	KindPacket            = event.KindPacket
	KindPending           = event.KindPending
	OpAccept              = event.OpAccept
	OpActorEnd            = event.OpActorEnd
	OpActorStart          = event.OpActorStart
	OpBind                = event.OpBind
	OpClose               = event.OpClose
	OpConnect             = event.OpConnect
	OpListen              = event.OpListen
	OpNone                = event.OpNone
	OpRecv                = event.OpRecv
	OpRecvfrom            = event.OpRecvfrom
	OpSend                = event.OpSend
	OpSendto              = event.OpSendto
	OpShutdown            = event.OpShutdown
	OpSocket              = event.OpSocket
	OpStepMode            = event.OpStepMode
	OpWire                = event.OpWire
	OriginCall            = event.OriginCall
	OriginKernel          = event.OriginKernel
	OriginOutside         = event.OriginOutside
	ReasonAck             = event.ReasonAck
	ReasonHeld            = event.ReasonHeld
	ReasonNone            = event.ReasonNone
	ReasonPortUnreachable = event.ReasonPortUnreachable
	RoleClient            = event.RoleClient
	RoleConn              = event.RoleConn
	RoleLab               = event.RoleLab
	RoleServer            = event.RoleServer
	RuleBytes             = event.RuleBytes
	RuleKind              = event.RuleKind
	RuleNone              = event.RuleNone
	RuleTiming            = event.RuleTiming
	StateCloseWait        = event.StateCloseWait
	StateClosed           = event.StateClosed
	StateClosing          = event.StateClosing
	StateEstablished      = event.StateEstablished
	StateFinWait1         = event.StateFinWait1
	StateFinWait2         = event.StateFinWait2
	StateLastAck          = event.StateLastAck
	StateListen           = event.StateListen
	StateNone             = event.StateNone
	StateTimeWait         = event.StateTimeWait
)

// ErrnoName is event.ErrnoName.
func ErrnoName(e syscall.Errno) string { return event.ErrnoName(e) }

// Explain is event.Explain.
func Explain(op event.Op) string { return event.Explain(op) }

// NewJSONTraceWriter is event.NewJSONTraceWriter.
func NewJSONTraceWriter(w io.Writer, queue int) *event.TraceWriter {
	return event.NewJSONTraceWriter(w, queue)
}

// NewLog is event.NewLog.
func NewLog(capacity int) *event.Log { return event.NewLog(capacity) }

// NewTraceWriter is event.NewTraceWriter.
func NewTraceWriter(w io.Writer, queue int) *event.TraceWriter { return event.NewTraceWriter(w, queue) }

// OnPanic is event.OnPanic.
func OnPanic(h func(*event.PanicError)) (restore func()) { return event.OnPanic(h) }

// OpByKey is event.OpByKey.
func OpByKey(key string) (event.Op, bool) { return event.OpByKey(key) }

// OptionsText is event.OptionsText.
func OptionsText(o event.Options) string { return event.OptionsText(o) }

// Tee is event.Tee.
func Tee(sinks ...event.Sink) event.Sink { return event.Tee(sinks...) }

// From wire.

type (
	PcapSink = wire.PcapSink
)

// LoopbackUp is wire.LoopbackUp.
func LoopbackUp() error { return wire.LoopbackUp() }

// NewPcapSink is wire.NewPcapSink.
func NewPcapSink(w io.Writer) (*wire.PcapSink, error) { return wire.NewPcapSink(w) }

// OpenCapture is wire.OpenCapture.
func OpenCapture() (*wire.Capture, error) { return wire.OpenCapture() }

// From sock.

type (
	AcceptQueue = sock.AcceptQueue
	CallError   = sock.CallError
	SockInfo    = sock.SockInfo
	Tracer      = sock.Tracer
)

// ConnectTarget is sock.ConnectTarget.
func ConnectTarget(addr netip.AddrPort) netip.AddrPort { return sock.ConnectTarget(addr) }

// IsLoopback is sock.IsLoopback.
func IsLoopback(addr netip.Addr) bool { return sock.IsLoopback(addr) }

// NewSequencer is sock.NewSequencer.
func NewSequencer(out event.Sink) *sock.Sequencer { return sock.NewSequencer(out) }

// ParseAddr is sock.ParseAddr.
func ParseAddr(s string) (netip.AddrPort, error) { return sock.ParseAddr(s) }

// ResolveHostPort is sock.ResolveHostPort.
func ResolveHostPort(host, port string) (netip.AddrPort, error) {
	return sock.ResolveHostPort(host, port)
}

// From service.

type (
	AcceptErrors  = service.AcceptErrors
	AcceptFailure = service.AcceptFailure
	AllowList     = service.AllowList
	Class         = service.Class
	ClassConfig   = service.ClassConfig
	ClassNote     = service.ClassNote
	ClassSnapshot = service.ClassSnapshot
	HoldState     = service.HoldState
	Lane          = service.Lane
	ListenDrops   = service.ListenDrops
	ServerConfig  = service.ServerConfig
	StudentTally  = service.StudentTally
)

const (
	Calc             = service.Calc
	Echo             = service.Echo
	NoteArrived      = service.NoteArrived
	NoteLeft         = service.NoteLeft
	NoteRefused      = service.NoteRefused
	RefusePerStudent = service.RefusePerStudent
)

var (
	ErrClosedByPeer = service.ErrClosedByPeer
)

// DefaultPort is service.DefaultPort.
func DefaultPort(serviceArg string) uint16 { return service.DefaultPort(serviceArg) }

// Dial is service.Dial.
func Dial(ctx context.Context, tr sock.Tracer, serviceArg string, addr netip.AddrPort) (*service.Client, error) {
	return service.Dial(ctx, tr, serviceArg, addr)
}

// Listen is service.Listen.
func Listen(ctx context.Context, cfg service.ServerConfig) (*service.Server, error) {
	return service.Listen(ctx, cfg)
}

// ListenClass is service.ListenClass.
func ListenClass(ctx context.Context, cfg service.ClassConfig) (*service.Class, error) {
	return service.ListenClass(ctx, cfg)
}

// ParseAllow is service.ParseAllow.
func ParseAllow(s string) (netip.Prefix, error) { return service.ParseAllow(s) }

// ReachableAddrs is service.ReachableAddrs.
func ReachableAddrs(bind netip.Addr) []netip.Addr { return service.ReachableAddrs(bind) }

// ServiceForPort is service.ServiceForPort.
func ServiceForPort(port uint16) string { return service.ServiceForPort(port) }
