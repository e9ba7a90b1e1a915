package netlab

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/socklab/socklab/netlab/safetext"
)

// JSONVersion is the version of the JSON trace schema (docs/TRACE-FORMAT.md).
// Fields are only ever added; a change of meaning bumps it.
const JSONVersion = 1

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

// AppendJSON appends e as one line of the JSON trace schema (without the
// newline).
func (e Event) AppendJSON(b []byte) []byte {
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
