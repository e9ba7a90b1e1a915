package event

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/socklab/socklab/netlab/safetext"
)

// The encoder AppendJSON replaced (encoding/json, then safetext.JSON), kept
// as the reference the new one is compared with byte for byte.

// jsonEvent is one line of a JSON trace. Empty fields are left out, except
// those a reader always needs (v, seq, kind, op, actor, role, result).
type jsonEvent struct {
	V        int       `json:"v"`
	Seq      uint64    `json:"seq"`
	Kind     string    `json:"kind"`
	Op       string    `json:"op"`
	Syscall  string    `json:"syscall,omitempty"`
	Role     string    `json:"role"`
	Actor    string    `json:"actor"`
	Call     uint64    `json:"call,omitempty"`
	FD       *int      `json:"fd,omitempty"`
	Text     string    `json:"text,omitempty"`
	Addr     string    `json:"addr,omitempty"`
	Size     int       `json:"size,omitempty"`
	Backlog  int       `json:"backlog,omitempty"`
	Option   string    `json:"option,omitempty"`
	Value    *int      `json:"value,omitempty"`
	Path     string    `json:"path,omitempty"`
	Result   int       `json:"result"`
	Errno    string    `json:"errno,omitempty"`
	ErrText  string    `json:"error,omitempty"`
	Local    string    `json:"local,omitempty"`
	Remote   string    `json:"remote,omitempty"`
	State    string    `json:"state,omitempty"`
	NewState string    `json:"new_state,omitempty"`
	Segs     *jsonSegs `json:"segs,omitempty"`
	Bytes    int       `json:"bytes,omitempty"`
	Data     string    `json:"data,omitempty"`
	DataText *string   `json:"data_text,omitempty"`
	Note     string    `json:"note,omitempty"`
	Pkt      *jsonPkt  `json:"pkt,omitempty"`
	Enter    int64     `json:"enter_ns"`
	Return   int64     `json:"return_ns"`
	At       int64     `json:"at_ns"`
}

// jsonPkt is a captured segment (kind "packet"). Numbers are as on the
// wire; rel_seq and rel_ack count from each direction's first sequence
// number, as Wireshark shows them.
type jsonPkt struct {
	Proto    string    `json:"proto"`
	Src      string    `json:"src"`
	Dst      string    `json:"dst"`
	From     string    `json:"from,omitempty"`
	To       string    `json:"to,omitempty"`
	Flags    string    `json:"flags,omitempty"`
	Seq      uint32    `json:"seq"`
	Ack      uint32    `json:"ack"`
	RelSeq   uint32    `json:"rel_seq"`
	RelAck   uint32    `json:"rel_ack"`
	Win      uint16    `json:"win"`
	WinShift int       `json:"win_shift"`
	MSS      int       `json:"mss,omitempty"`
	WScale   *int      `json:"wscale,omitempty"`
	SACKPerm bool      `json:"sack_perm,omitempty"`
	Len      int       `json:"len"`
	FrameLen int       `json:"frame_len"`
	Retrans  bool      `json:"retrans,omitempty"`
	Cause    uint64    `json:"cause,omitempty"`
	CauseOp  string    `json:"cause_op,omitempty"`
	Why      string    `json:"why,omitempty"`
	Origin   string    `json:"origin,omitempty"`
	Rule     string    `json:"rule,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	ICMP     *jsonICMP `json:"icmp,omitempty"`
}

// jsonICMP is an ICMP error's type and code and the datagram it quotes.
type jsonICMP struct {
	Type      uint8  `json:"type"`
	Code      uint8  `json:"code"`
	QuotedPro string `json:"quoted_proto,omitempty"`
	QuotedSrc string `json:"quoted_src"`
	QuotedDst string `json:"quoted_dst"`
}

type jsonSegs struct {
	Out     uint64 `json:"out"`
	In      uint64 `json:"in"`
	Retrans uint64 `json:"retrans"`
}

func appendJSONRef(e Event, b []byte) []byte {
	j := jsonEvent{V: JSONVersion, Seq: e.Seq, Kind: e.Kind.String(), Op: e.Op.Key(), Syscall: e.Syscall, Role: e.Role.String(),
		Actor: e.Actor, Call: uint64(e.CallID), Text: e.Text, Size: e.Args.Size, Backlog: e.Args.Backlog,
		Option: e.Args.Option, Path: e.Args.Path, Result: e.Result, Errno: ErrnoName(e.Errno), Note: e.Note,
		State: e.State.String(), NewState: e.NewState.String(), Bytes: len(e.Data),
		Enter: unixNano(e.Enter), Return: unixNano(e.Return), At: unixNano(e.At)}
	if e.Kind != KindNote && e.Kind != KindLab {
		fd := e.FD
		j.FD = &fd
	}
	if e.Segs.Valid {
		j.Segs = &jsonSegs{Out: e.Segs.Out, In: e.Segs.In, Retrans: e.Segs.Retrans}
	}
	if e.Errno != 0 {
		j.ErrText = e.Errno.Error()
	} else if e.Err != "" {
		j.ErrText = e.Err
	}
	if e.Args.Addr.IsValid() {
		j.Addr = e.Args.Addr.String()
	}
	if e.Op == OpSetsockopt {
		v := e.Args.Value
		j.Value = &v
	}
	if e.Local.IsValid() {
		j.Local = e.Local.String()
	}
	if e.Remote.IsValid() {
		j.Remote = e.Remote.String()
	}
	if len(e.Data) > 0 {
		j.Data = base64.StdEncoding.EncodeToString(e.Data)
		if utf8.Valid(e.Data) {
			s := string(e.Data)
			j.DataText = &s
		}
	}
	if p := e.Pkt; p != nil {
		s := &p.Seg
		j.Pkt = &jsonPkt{Proto: s.Proto, Src: s.Src.String(), Dst: s.Dst.String(), From: p.From, To: p.To,
			Flags: s.Flags.String(), Seq: s.Seq, Ack: s.Ack, RelSeq: s.RelSeq, RelAck: s.RelAck, Win: s.Win,
			WinShift: s.WinShift, MSS: s.Opts.MSS, SACKPerm: s.Opts.SACKPerm, Len: s.Len, FrameLen: p.Frame,
			Retrans: s.Retrans, Cause: uint64(p.Cause), Why: p.Why}
		if s.Opts.WScale >= 0 {
			w := s.Opts.WScale
			j.Pkt.WScale = &w
		}
		if p.Cause != 0 {
			j.Pkt.CauseOp = p.CauseOp.Key()
		}
		j.Pkt.Origin, j.Pkt.Rule, j.Pkt.Reason = p.Origin.String(), p.Rule.String(), p.Reason.String()
		if s.IsICMP() {
			q := s.ICMP.Quoted
			j.Pkt.ICMP = &jsonICMP{Type: s.ICMP.Type, Code: s.ICMP.Code, QuotedPro: q.Proto, QuotedSrc: q.Src.String(), QuotedDst: q.Dst.String()}
		}
	}
	out, err := json.Marshal(j)
	if err != nil { // no field of jsonEvent can fail to marshal
		panic(err)
	}
	return append(b, safetext.JSON(out)...)
}

// jsonTexts are strings that exercise every escape: quotes, backslashes,
// C0, DEL, C1, HTML characters, U+2028/2029, bidi and zero-width
// characters, private use, astral runes, U+FFFD itself and invalid UTF-8.
var jsonTexts = []string{"", "plain", "hello, world\n", `"q" \b\`, "\x00\x01\b\f\n\r\t\x1f\x7f", "<a href=x>&amp;</a>",
	"\u2028\u2029", "abc\u202edef\u200b\ufeff", "\u0085\u009b", "\ue000\U000f0000", "😀 é ß 中文", "\ufffd",
	"\xff\xfe bad \xc3", "tail\xe2\x82", "\U0001d173 music", "mix\u00a0nbsp\u2066iso\u2069"}

// jsonCorpus is a varied set of events: every kind, op, role and state,
// errnos known and unknown, addresses of each family (a zone with odd
// characters too), payloads valid and not, segment counters, packets
// with and without ICMP, times zero and not.
func jsonCorpus() []Event {
	v4 := netip.MustParseAddrPort("127.0.0.1:65432")
	v6 := netip.MustParseAddrPort("[::1]:8080")
	zone := netip.AddrPortFrom(netip.MustParseAddr("fe80::1").WithZone(`e"t<h>&\0`), 9)
	m4in6 := netip.MustParseAddrPort("[::ffff:10.0.0.1]:53")
	addrs := []netip.AddrPort{{}, v4, v6, zone, m4in6}
	t0 := time.Unix(1700000000, 123456789)
	var out []Event
	i := 0
	for k := range 12 {
		for op := range 24 {
			txt := jsonTexts[i%len(jsonTexts)]
			e := Event{Seq: uint64(i * 7), Kind: Kind(k), Op: Op(op), CallID: CallID(i % 3), Role: Role(i % 5),
				Actor: jsonTexts[(i+3)%len(jsonTexts)], Text: txt, FD: i%9 - 1, Result: i%5 - 1,
				Args: Args{Addr: addrs[i%len(addrs)], Size: i % 4 * 100, Backlog: i % 3, Option: jsonTexts[(i+5)%len(jsonTexts)],
					Value: i%3 - 1, Path: jsonTexts[(i+7)%len(jsonTexts)]},
				Local: addrs[(i+1)%len(addrs)], Remote: addrs[(i+2)%len(addrs)], State: TCPState(i % 14), NewState: TCPState(i % 4),
				Note: jsonTexts[(i+9)%len(jsonTexts)], Syscall: jsonTexts[(i+11)%len(jsonTexts)]}
			switch i % 4 {
			case 1:
				e.Errno = syscall.ECONNREFUSED
			case 2:
				e.Errno = syscall.Errno(4000)
			case 3:
				e.Err = jsonTexts[(i+13)%len(jsonTexts)]
			}
			if i%3 != 0 {
				e.Data = []byte(jsonTexts[(i+1)%len(jsonTexts)])
			}
			if i%2 == 0 {
				e.Segs = Segs{Out: uint64(i), In: 1 << 40, Retrans: uint64(i % 2), Valid: true}
				e.Enter, e.Return, e.At = t0, t0.Add(time.Duration(i)), t0.Add(-time.Duration(i))
			}
			if i%5 == 0 {
				seg := Segment{Proto: []string{"tcp", "udp", "icmp", "icmp6", ""}[i%5/1%5], Src: addrs[i%len(addrs)],
					Dst: addrs[(i+1)%len(addrs)], Flags: Flags(i), Seq: uint32(i) << 20, Ack: 1<<32 - 1, RelSeq: uint32(i),
					RelAck: 7, Win: 65535, WinShift: i%9 - 1, Opts: Options{MSS: i % 2 * 65483, WScale: i%4 - 1, SACKPerm: i%2 == 0},
					Len: i, Retrans: i%3 == 0}
				if i%10 == 0 {
					seg.Proto = "icmp"
					seg.ICMP = ICMP{Type: 3, Code: uint8(i % 4)}
					seg.ICMP.Quoted.Proto = []string{"udp", ""}[i%20/10]
					seg.ICMP.Quoted.Src, seg.ICMP.Quoted.Dst = addrs[(i+2)%len(addrs)], addrs[(i+3)%len(addrs)]
				}
				e.Pkt = &Packet{Seg: seg, Frame: i + 66, From: jsonTexts[i%len(jsonTexts)], To: "client 1", Origin: Origin(i % 6),
					Rule: Rule(i % 5), Reason: Reason(i % 4), Cause: CallID(i % 2 * i), CauseOp: Op(i % 20), Why: jsonTexts[(i+4)%len(jsonTexts)]}
			}
			out = append(out, e)
			i++
		}
	}
	return out
}

// TestAppendJSONMatchesReference: the hand-written encoder prints every
// event of the corpus byte for byte as encoding/json + safetext.JSON did.
func TestAppendJSONMatchesReference(t *testing.T) {
	var buf []byte
	for i, e := range jsonCorpus() {
		want := appendJSONRef(e, nil)
		buf = e.AppendJSON(buf[:0])
		if !bytes.Equal(buf, want) {
			t.Fatalf("event %d:\n got %s\nwant %s", i, buf, want)
		}
		if !json.Valid(buf) {
			t.Fatalf("event %d: invalid JSON %s", i, buf)
		}
	}
}

// FuzzAppendJSONStrings: any text in any string field is encoded as the
// reference encodes it.
func FuzzAppendJSONStrings(f *testing.F) {
	for _, s := range jsonTexts {
		f.Add(s, []byte(s))
	}
	f.Fuzz(func(t *testing.T, s string, data []byte) {
		e := Event{Kind: KindCall, Op: OpSend, Actor: s, Text: s, Note: s, Err: s, Data: data, Syscall: s,
			Args: Args{Option: s, Path: s}}
		if got, want := e.AppendJSON(nil), appendJSONRef(e, nil); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}

// TestAppendJSONNoAllocation: a traced call's line costs no allocation
// once the caller's buffer has grown.
func TestAppendJSONNoAllocation(t *testing.T) {
	e := Event{Kind: KindCall, Actor: "server", Op: OpRecv, Text: "5, 1024, 0", FD: 5, Result: 64, CallID: 9,
		Local: netip.MustParseAddrPort("127.0.0.1:65432"), Remote: netip.MustParseAddrPort("127.0.0.1:51234"),
		State: StateEstablished, Segs: Segs{Out: 3, In: 4, Valid: true}, Data: []byte("hello <world> é\n"),
		Enter: time.Now(), Return: time.Now(), At: time.Now()}
	buf := e.AppendJSON(nil)
	if n := testing.AllocsPerRun(200, func() { buf = e.AppendJSON(buf[:0]) }); n != 0 {
		t.Fatalf("AppendJSON allocates %.1f times per event", n)
	}
}
