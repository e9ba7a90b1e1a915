package event

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/socklab/socklab/netlab/safetext"
)

// JSONVersion is the version of the JSON trace schema (docs/TRACE-FORMAT.md).
// Fields are only ever added; a change of meaning bumps it.
const JSONVersion = 1

// AppendJSON appends e as one line of the JSON trace schema (without the
// newline). Fields come in a fixed order; empty ones are left out, except
// those a reader always needs (v, seq, kind, op, actor, role, result,
// enter_ns, return_ns, at_ns). It is written by hand, with strconv and a
// caller's buffer, so a traced call costs no allocation here: the lines
// are exactly those encoding/json made, with safetext's escapes (the
// reference encoder in json_ref_test.go checks it).
func (e Event) AppendJSON(b []byte) []byte {
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, JSONVersion, 10)
	b = strconv.AppendUint(append(b, `,"seq":`...), e.Seq, 10)
	b = jsonString(append(b, `,"kind":`...), e.Kind.String())
	b = jsonString(append(b, `,"op":`...), e.Op.Key())
	b = jsonOmit(b, `,"syscall":`, e.Syscall)
	b = jsonString(append(b, `,"role":`...), e.Role.String())
	b = jsonString(append(b, `,"actor":`...), e.Actor)
	if e.CallID != 0 {
		b = strconv.AppendUint(append(b, `,"call":`...), uint64(e.CallID), 10)
	}
	if e.Kind != KindNote && e.Kind != KindLab {
		b = strconv.AppendInt(append(b, `,"fd":`...), int64(e.FD), 10)
	}
	if e.TextLater {
		var text [192]byte // the longest send text: 24 bytes escaped as \xNN, an fd and two sizes
		b = jsonString(append(b, `,"text":`...), e.appendText(text[:0]))
	} else {
		b = jsonOmit(b, `,"text":`, e.Text)
	}
	if e.Args.Addr.IsValid() {
		b = jsonAddr(append(b, `,"addr":`...), e.Args.Addr)
	}
	b = jsonInt(b, `,"size":`, e.Args.Size)
	b = jsonInt(b, `,"backlog":`, e.Args.Backlog)
	b = jsonOmit(b, `,"option":`, e.Args.Option)
	if e.Op == OpSetsockopt {
		b = strconv.AppendInt(append(b, `,"value":`...), int64(e.Args.Value), 10)
	}
	b = jsonOmit(b, `,"path":`, e.Args.Path)
	b = strconv.AppendInt(append(b, `,"result":`...), int64(e.Result), 10)
	b = jsonOmit(b, `,"errno":`, ErrnoName(e.Errno))
	if e.Errno != 0 {
		b = jsonString(append(b, `,"error":`...), e.Errno.Error())
	} else {
		b = jsonOmit(b, `,"error":`, e.Err)
	}
	if e.Local.IsValid() {
		b = jsonAddr(append(b, `,"local":`...), e.Local)
	}
	if e.Remote.IsValid() {
		b = jsonAddr(append(b, `,"remote":`...), e.Remote)
	}
	b = jsonOmit(b, `,"state":`, e.State.String())
	b = jsonOmit(b, `,"new_state":`, e.NewState.String())
	if e.Segs.Valid {
		b = strconv.AppendUint(append(b, `,"segs":{"out":`...), e.Segs.Out, 10)
		b = strconv.AppendUint(append(b, `,"in":`...), e.Segs.In, 10)
		b = strconv.AppendUint(append(b, `,"retrans":`...), e.Segs.Retrans, 10)
		b = append(b, '}')
	}
	b = jsonInt(b, `,"bytes":`, len(e.Data))
	if len(e.Data) > 0 {
		b = append(b, `,"data":"`...)
		b = append(base64.StdEncoding.AppendEncode(b, e.Data), '"')
		if utf8.Valid(e.Data) {
			b = jsonString(append(b, `,"data_text":`...), e.Data)
		}
	}
	b = jsonOmit(b, `,"note":`, e.Note)
	if e.Pkt != nil {
		b = e.Pkt.appendJSON(append(b, `,"pkt":`...))
	}
	b = strconv.AppendInt(append(b, `,"enter_ns":`...), unixNano(e.Enter), 10)
	b = strconv.AppendInt(append(b, `,"return_ns":`...), unixNano(e.Return), 10)
	b = strconv.AppendInt(append(b, `,"at_ns":`...), unixNano(e.At), 10)
	return append(b, '}')
}

// appendJSON is a captured segment (kind "packet"). Numbers are as on the
// wire; rel_seq and rel_ack count from each direction's first sequence
// number, as Wireshark shows them.
func (p *Packet) appendJSON(b []byte) []byte {
	s := &p.Seg
	b = jsonString(append(b, `{"proto":`...), s.Proto)
	b = jsonAddr(append(b, `,"src":`...), s.Src)
	b = jsonAddr(append(b, `,"dst":`...), s.Dst)
	b = jsonOmit(b, `,"from":`, p.From)
	b = jsonOmit(b, `,"to":`, p.To)
	b = jsonOmit(b, `,"flags":`, s.Flags.String())
	b = strconv.AppendUint(append(b, `,"seq":`...), uint64(s.Seq), 10)
	b = strconv.AppendUint(append(b, `,"ack":`...), uint64(s.Ack), 10)
	b = strconv.AppendUint(append(b, `,"rel_seq":`...), uint64(s.RelSeq), 10)
	b = strconv.AppendUint(append(b, `,"rel_ack":`...), uint64(s.RelAck), 10)
	b = strconv.AppendUint(append(b, `,"win":`...), uint64(s.Win), 10)
	b = strconv.AppendInt(append(b, `,"win_shift":`...), int64(s.WinShift), 10)
	b = jsonInt(b, `,"mss":`, s.Opts.MSS)
	if s.Opts.WScale >= 0 {
		b = strconv.AppendInt(append(b, `,"wscale":`...), int64(s.Opts.WScale), 10)
	}
	if s.Opts.SACKPerm {
		b = append(b, `,"sack_perm":true`...)
	}
	b = strconv.AppendInt(append(b, `,"len":`...), int64(s.Len), 10)
	b = strconv.AppendInt(append(b, `,"frame_len":`...), int64(p.Frame), 10)
	if s.Retrans {
		b = append(b, `,"retrans":true`...)
	}
	if p.Cause != 0 {
		b = strconv.AppendUint(append(b, `,"cause":`...), uint64(p.Cause), 10)
		b = jsonOmit(b, `,"cause_op":`, p.CauseOp.Key())
	}
	b = jsonOmit(b, `,"why":`, p.Why)
	b = jsonOmit(b, `,"origin":`, p.Origin.String())
	b = jsonOmit(b, `,"rule":`, p.Rule.String())
	b = jsonOmit(b, `,"reason":`, p.Reason.String())
	if s.IsICMP() {
		// An ICMP error's type and code and the datagram it quotes.
		q := s.ICMP.Quoted
		b = strconv.AppendUint(append(b, `,"icmp":{"type":`...), uint64(s.ICMP.Type), 10)
		b = strconv.AppendUint(append(b, `,"code":`...), uint64(s.ICMP.Code), 10)
		b = jsonOmit(b, `,"quoted_proto":`, q.Proto)
		b = jsonAddr(append(b, `,"quoted_src":`...), q.Src)
		b = jsonAddr(append(b, `,"quoted_dst":`...), q.Dst)
		b = append(b, '}')
	}
	return append(b, '}')
}

func jsonInt(b []byte, key string, v int) []byte {
	if v == 0 {
		return b
	}
	return strconv.AppendInt(append(b, key...), int64(v), 10)
}

func jsonOmit(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return jsonString(append(b, key...), s)
}

// jsonAddr writes an address as a JSON string. It is printed in place and
// escaped only in the rare case it needs it (an IPv6 zone is a name that
// may hold anything).
func jsonAddr(b []byte, a netip.AddrPort) []byte {
	if !a.Addr().IsValid() {
		return jsonString(b, a.String()) // "invalid AddrPort", a constant
	}
	start := len(b)
	b = a.AppendTo(append(b, '"'))
	for _, c := range b[start+1:] {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			s := string(b[start+1:])
			return jsonString(b[:start], s)
		}
	}
	return append(b, '"')
}

// jsonString writes s as a JSON string, escaped as encoding/json escapes
// (", \, control characters, <, > and &, U+2028 and U+2029, invalid UTF-8
// as U+FFFD) and, as safetext.JSON does, with every other unsafe rune (DEL,
// C1, bidi and zero-width characters, …) as a \uXXXX escape, so that a
// trace never carries a raw control or reordering character.
func jsonString[S []byte | string](b []byte, s S) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		// A cast of at most 4 bytes stays on the stack (as in encoding/json).
		r, n := utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029' || (r != utf8.RuneError && safetext.Unsafe(r)):
			b = append(b, s[start:i]...)
			if r > 0xffff {
				r -= 0x10000
				b = jsonU(b, 0xd800+(r>>10)&0x3ff)
				b = jsonU(b, 0xdc00+r&0x3ff)
			} else {
				b = jsonU(b, r)
			}
		default:
			i += n
			continue
		}
		i += n
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonU writes r (at most 0xffff) as \uXXXX.
func jsonU(b []byte, r rune) []byte {
	const hexDigits = "0123456789abcdef"
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// unixNano is t in ns since 1970 (wall clock, the same clock packet
// timestamps use), 0 for no time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// DroppedJSON is the line a JSON trace carries where n events were lost
// because the output could not keep up.
func DroppedJSON(b []byte, n uint64) []byte {
	return append(append(append(b, `{"v":`...), strconv.Itoa(JSONVersion)+`,"kind":"dropped","count":`...), strconv.FormatUint(n, 10)+"}"...)
}
