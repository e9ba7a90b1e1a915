package event

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"syscall"
	"time"
	"unicode/utf8"
)

// Kind says where an Event comes from: a socket call (returned, waiting at
// the gate, or blocked in the kernel), a note or change of the lab's own,
// or a segment captured on lo.
type Kind uint8

const (
	// KindCall is a socket call that returned (successfully or not), or a
	// state read (TCP_INFO, sock_diag, a sysctl).
	KindCall Kind = iota
	// KindPending is a call waiting at the step gate for permission.
	KindPending
	// KindBlocked is a call that entered the kernel and is waiting there
	// (the kernel answered EAGAIN: accept with an empty queue, recv with no
	// data; EINPROGRESS: a connect whose SYN is on its way).
	KindBlocked
	// KindNote is a lab-level message (a service decision, a limit enforced),
	// never a kernel fact.
	KindNote
	// KindLab is a change of the lab itself: an actor started or ended, step
	// mode switched. Op says which.
	KindLab
	// KindPacket is a TCP segment or UDP datagram captured on lo (Pkt).
	KindPacket
)

var kindNames = [...]string{KindCall: "call", KindPending: "pending", KindBlocked: "blocked", KindNote: "note", KindLab: "lab", KindPacket: "packet"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Args are a call's arguments as values, beside the display text in
// Event.Text: what a lesson rule, a grader or the UI may read.
type Args struct {
	Addr    netip.AddrPort // bind, connect, sendto: the address asked for
	Size    int            // send/sendto: bytes offered; recv/recvfrom: the buffer size
	Backlog int            // listen
	Option  string         // setsockopt: "SO_REUSEADDR"; shutdown: "SHUT_WR"
	Value   int            // setsockopt's value
	Path    string         // a file read (sysctl)
}

// Event is one fact reported by the kernel (or, for KindPending, KindNote
// and KindLab, by the lab about itself).
type Event struct {
	Seq  uint64 // position in the log it was released to, from 1
	Kind Kind
	Op   Op
	// TextLater says Text (below) was left empty for the trace writer to make:
	// a send reported to socklab serve's trace file, whose text (the fd,
	// the payload quoted, its size) is made from FD, Data and Args.Size
	// when the line is written, off the server's data path (AppendSendArgs;
	// docs/PERFORMANCE.md). CallText gives the text either way.
	// It sits here, beside the other small fields, to keep the Event
	// 8 bytes smaller.
	TextLater bool
	CallID    CallID
	Role      Role   // the role of the socket the call was made on
	Actor     string // display name: "server", "client 1", …
	Args      Args
	Text      string // the call's arguments as a C programmer would write them
	FD        int    // the fd the call was made on; -1 when there is none yet
	// Result is the call's return value: a new fd (socket, accept), a byte
	// count (send, recv) or 0; -1 when the call failed.
	Result int
	Errno  syscall.Errno // 0 when the call succeeded or failed without an errno
	Err    string        // a failure that is not a kernel errno (timeout, cancelled)
	Local  netip.AddrPort
	Remote netip.AddrPort
	// State is the TCP state of FD after the call, read from the kernel.
	// StateNone for UDP sockets, closed fds and failed lookups.
	State TCPState
	// StateAt is when the kernel's answer for State was in (the read
	// ended): a segment captured before it may already be in State, one
	// captured after it is not. Zero when no state was read.
	StateAt time.Time
	// NewState is the TCP state of the fd a call created (accept's new socket).
	NewState TCPState
	// Segs are the socket's segment counters read with State (TCP_INFO).
	Segs Segs
	Data []byte // bytes sent or received (a copy, capped at DataCap)
	Note string // a one-line explanation for KindNote/KindPending/KindLab/KindPacket
	// Pkt is the decoded segment of a KindPacket event (Data holds its
	// frame's first bytes).
	Pkt *Packet
	// Syscall is the system call's own name when it is not Op's: a traced
	// program's write(2) on a socket is OpSend with Syscall "write", its
	// accept4 is OpAccept with Syscall "accept4" (netlab/ptrace).
	Syscall string

	// Enter is when the call first entered the kernel and Return when it
	// returned (both read from the same clock, time.Now). At is the moment
	// the event is ordered by: see the package doc. For events that are not
	// calls all three are the moment the lab reported them.
	Enter, Return, At time.Time
}

// Dur is how long the call took, including time blocked in the kernel.
func (e Event) Dur() time.Duration {
	if e.Enter.IsZero() || e.Return.IsZero() {
		return 0
	}
	return e.Return.Sub(e.Enter)
}

// Call returns the call's name as a C programmer writes it ("accept").
func (e Event) Call() string { return e.Op.String() }

// DataCap bounds the bytes copied into an Event so a flood of large
// messages cannot grow the log without bound.
const DataCap = 4096

// Failed reports whether the call failed.
func (e Event) Failed() bool { return e.Errno != 0 || e.Err != "" }

// ErrnoName returns the symbolic name of the errno ("ECONNREFUSED"), or "".
func (e Event) ErrnoName() string { return ErrnoName(e.Errno) }

// ErrText returns "ECONNREFUSED (connection refused)" or the non-kernel
// error text, or "" when the call succeeded.
func (e Event) ErrText() string { return errText(e.Errno, e.Err) }

// errText is ErrText of the two fields it reads.
func errText(errno syscall.Errno, err string) string {
	if errno != 0 {
		return ErrnoName(errno) + " (" + errno.Error() + ")"
	}
	return err
}

// String renders the event as one strace-like trace line, without the time:
//
//	server    accept(3) = 4  [127.0.0.1:1081 <-> 127.0.0.1:51234] LISTEN new fd ESTABLISHED
func (e Event) String() string { return string(e.AppendTo(nil)) }

// AppendTo appends the trace line of String to b. It avoids fmt because a
// traced server writes one line per call and formatting was the largest cost
// of tracing to a file.
func (e Event) AppendTo(b []byte) []byte {
	var (
		r    LineRec
		who  LineWho
		more LineMore
	)
	r.Set(&e, &who, &more)
	return appendLine(b, &r, nil)
}

// appendLine is AppendTo for the line's record (a text trace writer's
// batch holds records: none is made into an Event again to be written),
// with the writer's cache of connections' address texts (nil: none).
func appendLine(b []byte, e *LineRec, addrs *addrTexts) []byte {
	who, more := e.who(), e.more()
	actor := who.Actor
	if e.Kind == KindPacket {
		actor = "wire"
	}
	b = append(b, actor...)
	for i := len(actor); i < 9; i++ {
		b = append(b, ' ')
	}
	b = append(b, ' ')
	switch e.Kind {
	case KindNote, KindLab:
		return append(append(b, "-- "...), more.Note...)
	case KindPacket:
		return appendPacket(b, more.Pkt)
	case KindPending:
		return append(appendCall(b, e), " ... waiting for step"...)
	case KindBlocked:
		return append(appendCall(b, e), " ... blocked in kernel"...)
	}
	b = appendCall(b, e)
	b = append(b, " = "...)
	b = strconv.AppendInt(b, int64(e.Result), 10)
	if e.Errno != 0 || more.Err != "" {
		b = append(append(b, ' '), errText(e.Errno, more.Err)...)
	}
	if who.Local.IsValid() || who.Remote.IsValid() {
		b = addrs.appendTo(b, who.Local, who.Remote)
	}
	if e.State != StateNone {
		b = append(append(b, ' '), e.State.String()...)
	}
	if e.NewState != StateNone {
		b = append(append(b, " new fd "...), e.NewState.String()...)
	}
	// send's bytes are already in its arguments; show what recv got.
	if len(e.Data) > 0 && e.Op.Takes() {
		b = appendQuote(append(b, ' '), e.Data, 40)
	}
	return b
}

func appendCall(b []byte, e *LineRec) []byte {
	if sc := e.more().Syscall; sc != "" {
		b = append(b, sc...)
	} else {
		b = append(b, e.Op.String()...)
	}
	b = append(b, '(')
	b = appendCallText(b, e.Text, e.TextLater, e.FD, e.Data, e.Size)
	return append(b, ')')
}

// appendText appends the call's arguments: Text, or, for a send that left
// them to the writer (TextLater), the text its socket would have made.
func (e *Event) appendText(b []byte) []byte {
	return appendCallText(b, e.Text, e.TextLater, e.FD, e.Data, e.Args.Size)
}

// appendCallText is appendText of the fields it reads.
func appendCallText(b []byte, text string, later bool, fd int, data []byte, size int) []byte {
	if later {
		return AppendSendArgs(b, fd, data, size)
	}
	return append(b, text...)
}

// CallText returns the call's arguments as a C programmer writes them:
// Text, or the text a send left to the trace writer (TextLater).
func (e *Event) CallText() string {
	if e.TextLater {
		return string(e.appendText(nil))
	}
	return e.Text
}

// SendQuote is how many bytes of a send's payload its text shows.
const SendQuote = 24

// AppendSendArgs appends the argument text of send(fd, p, size, 0) to b:
// the fd, the payload quoted (its first SendQuote bytes, and its size when
// it is longer) and its size. p may be a prefix of the size bytes offered,
// as long as it holds the bytes the text shows (min(size, SendQuote)).
func AppendSendArgs(b []byte, fd int, p []byte, size int) []byte {
	b = strconv.AppendInt(b, int64(fd), 10)
	b = appendQuotePrefix(append(b, ", "...), p, size, SendQuote)
	b = strconv.AppendInt(append(b, ", "...), int64(size), 10)
	return append(b, ", 0"...)
}

// Quote renders bytes as a short Go-quoted string, eliding the end of long
// payloads.
func Quote(p []byte, max int) string { return string(appendQuote(nil, p, max)) }

// AppendQuote is Quote appending to b, for a call's text built without
// fmt on a traced socket's data path.
func AppendQuote(b, p []byte, max int) []byte { return appendQuote(b, p, max) }

func appendQuote(b, p []byte, max int) []byte { return appendQuotePrefix(b, p, len(p), max) }

// appendQuotePrefix is appendQuote for a payload of total bytes of which p
// is the start (at least min(total, max) bytes of it).
func appendQuotePrefix(b, p []byte, total, max int) []byte {
	if total > max {
		b = appendQuoted(b, p[:max])
		b = append(b, "…("...)
		b = strconv.AppendInt(b, int64(total), 10)
		return append(b, " bytes)"...)
	}
	return appendQuoted(b, p[:total])
}

// appendQuoted is strconv.AppendQuote(b, string(p)), byte for byte. A
// traced server quotes every payload twice (a send's text, a recv's line),
// and strconv converts the bytes to a string (an allocation past 32 bytes)
// and looks each rune up. Here plain ASCII goes in runs, other ASCII and
// bytes that are not UTF-8 are escaped directly, and printable runes are
// copied; only a rune strconv escapes as \u or \U (rare: bidi controls, a
// no-break space) sends the whole payload to strconv.
func appendQuoted(b, p []byte) []byte {
	start := len(b)
	b = append(b, '"')
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			if !plainASCII(c) {
				b = appendEscapedASCII(b, c)
				i++
				continue
			}
			j := i + 1
			for j < len(p) && plainASCII(p[j]) {
				j++
			}
			b = append(b, p[i:j]...)
			i = j
			continue
		}
		if c < 0xc2 || c > 0xf4 || i+1 == len(p) || p[i+1]&0xc0 != 0x80 {
			// A continuation byte, a lead byte no valid UTF-8 uses, or a
			// lead byte without a continuation byte after it: never the
			// start of a rune, no decoding needed (a load generator's
			// payload is mostly such bytes).
			b = append(b, '\\', 'x', lowerHex[c>>4], lowerHex[c&0xf])
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, '\\', 'x', lowerHex[c>>4], lowerHex[c&0xf])
		case strconv.IsPrint(r):
			b = append(b, p[i:i+size]...)
		default:
			return strconv.AppendQuote(b[:start], string(p))
		}
		i += size
	}
	return append(b, '"')
}

// plainASCII reports whether strconv.Quote writes c as it is.
func plainASCII(c byte) bool { return c >= ' ' && c < 0x7f && c != '"' && c != '\\' }

const lowerHex = "0123456789abcdef"

// appendEscapedASCII escapes c as strconv.Quote does.
func appendEscapedASCII(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\a':
		return append(b, `\a`...)
	case '\b':
		return append(b, `\b`...)
	case '\f':
		return append(b, `\f`...)
	case '\n':
		return append(b, `\n`...)
	case '\r':
		return append(b, `\r`...)
	case '\t':
		return append(b, `\t`...)
	case '\v':
		return append(b, `\v`...)
	}
	return append(b, '\\', 'x', lowerHex[c>>4], lowerHex[c&0xf])
}

// ErrnoOf extracts the kernel errno from err, or 0.
func ErrnoOf(err error) syscall.Errno {
	var en syscall.Errno
	if errors.As(err, &en) {
		return en
	}
	return 0
}

// EndsPeerOf reports whether e is the other end's close or shutdown of
// c's connection: the call whose FIN (or RST) changes c's side. A state
// of c read after e may be e's doing, so a trace draws it below e (the
// ladder, the lessons' trace, socklab run's lines).
func (e *Event) EndsPeerOf(c *Event) bool {
	return e.Kind == KindCall && (e.Op == OpClose || e.Op == OpShutdown) && e.Local == c.Remote && e.Remote == c.Local
}
