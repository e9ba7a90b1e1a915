package lessons

import (
	"sync"

	"github.com/socklab/socklab/lessons/rules"
	"github.com/socklab/socklab/netlab/event"

	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Outcome is what one action got from the kernel: the events its call
// produced, and whether the call had returned when its step ended.
type Outcome struct {
	Action  Action
	Step    int           // index of the step that ran it
	Events  []event.Event // the call's events (blocked, then the result; sendall: one per send)
	Done    bool          // the call returned
	Blocked bool          // the call had not returned when the step ended
	Err     error         // a failure outside the kernel (lab closed, bad address)
	// Extra holds what a non-socket action read (sysctl value).
	Extra string

	doneCh   chan struct{} // closed when the call returns
	waitCh   chan struct{} // closed when the kernel said the call waits
	saidWait bool          // waitCh is closed
}

// final returns the call's result event: the first failed call among its
// events (serve's failed bind is followed by a close), else the last one.
func (o *Outcome) final() (event.Event, bool) {
	var (
		last event.Event
		ok   bool
	)
	for _, e := range o.Events {
		if e.Kind != event.KindCall {
			continue
		}
		if e.Failed() {
			return e, true
		}
		last, ok = e, true
	}
	return last, ok
}

// fields lists what a rule may ask of an outcome.
var fields = map[string]string{
	"ok":       "true when the call returned without error",
	"failed":   "true when the call returned an error",
	"blocked":  "true when the call had not returned when the step ended (waiting in the kernel)",
	"result":   "the return value: new fd, byte count, 0 or -1 (sendall: total bytes; sysctl: first number)",
	"errno":    "the errno name (EADDRINUSE…), or \"\" when there was none",
	"error":    "the error text, or \"\"",
	"state":    "the TCP state after the call (LISTEN, ESTABLISHED, SYN_SENT…, \"\" for UDP or a forgotten socket)",
	"newstate": "accept: the TCP state of the new socket",
	"port":     "the local port (getsockname)",
	"peerport": "the remote port (getpeername, accept's or recvfrom's peer)",
	"ip":       "the local IP address",
	"peerip":   "the remote IP address",
	"local":    "the local address IP:PORT",
	"remote":   "the remote address IP:PORT",
	"family":   "AF_INET or AF_INET6 (of the local address)",
	"data":     "the bytes sent or received, as text (sysctl: the value)",
	"hex":      "the same bytes in hex, e.g. \"68 69\"",
	"len":      "the number of bytes sent or received",
	"fd":       "the file descriptor the call was made on",
	"seq":      "the position of the call's result in the event log (which happened first)",
	"last":     "sysctl: the last number of the value",
	"ms":       "how long the call took, in whole milliseconds, time blocked in the kernel included",
}

// vocabulary is what rules may name: every action but the silent ones
// (wait and idle record nothing), and every field.
var vocabulary = sync.OnceValue(func() rules.Vocabulary {
	var v rules.Vocabulary
	for k, spec := range actionSpecs {
		if !spec.silent {
			v.Calls = append(v.Calls, k)
		}
	}
	for k := range fields {
		v.Fields = append(v.Fields, k)
	}
	for k := range wireKinds {
		v.WireKinds = append(v.WireKinds, k)
	}
	for k := range wireFields {
		v.WireFields = append(v.WireFields, k)
	}
	slices.Sort(v.WireKinds)
	slices.Sort(v.WireFields)
	slices.Sort(v.Calls)
	slices.Sort(v.Fields)
	return v
})

// Field returns one field of the outcome as rules see it.
func (o *Outcome) Field(name string) (rules.Value, error) {
	if name == "blocked" {
		return rules.Bool(o.Blocked), nil
	}
	if f := actionSpecs[o.Action.Op].field; f != nil {
		return f(o, name)
	}
	if o.Err != nil && !o.Done {
		return rules.Value{}, o.Err
	}
	ev, ok := o.final()
	if !ok {
		if name == "ok" || name == "failed" {
			return rules.Bool(name == "failed" && o.Err != nil), nil
		}
		return rules.Value{}, fmt.Errorf("%s.%s has not returned", o.Action.Actor, o.Action.Op)
	}
	c := callOutcome{o: o, ev: ev, data: o.data()}
	if o.Action.Op == "echo" {
		// echo is judged by its recv: how much came, and whether it was EOF.
		for _, e := range o.Events {
			if e.Kind == event.KindCall && e.Op == event.OpRecv {
				c.ev = e
				break
			}
		}
	}
	if get, ok := callFields[name]; ok {
		return get(c), nil
	}
	return rules.Value{}, fmt.Errorf("field %q means nothing for %s", name, o.Action.Op)
}

// data is the bytes the call sent or received (echo: what came back).
func (o *Outcome) data() []byte {
	var data []byte
	for _, e := range o.Events {
		if e.Kind == event.KindCall && (o.Action.Op != "echo" || e.Op == event.OpRecv) {
			data = append(data, e.Data...)
		}
	}
	return data
}

// callOutcome is what a returned call's fields are read from: its result
// event and its bytes.
type callOutcome struct {
	o    *Outcome
	ev   event.Event
	data []byte
}

// callFields reads each field of a returned call (see fields for what
// each means; blocked and the sysctl fields are read elsewhere).
var callFields = map[string]func(c callOutcome) rules.Value{
	"ok":     func(c callOutcome) rules.Value { return rules.Bool(!c.ev.Failed() && c.o.Err == nil) },
	"failed": func(c callOutcome) rules.Value { return rules.Bool(c.ev.Failed() || c.o.Err != nil) },
	"result": func(c callOutcome) rules.Value {
		if c.o.Action.Op == "sendall" && !c.ev.Failed() {
			return rules.Num(int64(len(c.data)))
		}
		return rules.Num(int64(c.ev.Result))
	},
	"errno":    func(c callOutcome) rules.Value { return rules.Str(c.ev.ErrnoName()) },
	"error":    func(c callOutcome) rules.Value { return rules.Str(c.ev.ErrText()) },
	"state":    func(c callOutcome) rules.Value { return rules.Str(c.ev.State.String()) },
	"newstate": func(c callOutcome) rules.Value { return rules.Str(c.ev.NewState.String()) },
	"port":     func(c callOutcome) rules.Value { return rules.Num(int64(c.ev.Local.Port())) },
	"peerport": func(c callOutcome) rules.Value { return rules.Num(int64(c.ev.Remote.Port())) },
	"ip":       func(c callOutcome) rules.Value { return rules.Str(addrString(c.ev.Local.Addr())) },
	"peerip":   func(c callOutcome) rules.Value { return rules.Str(addrString(c.ev.Remote.Addr())) },
	"local":    func(c callOutcome) rules.Value { return rules.Str(apString(c.ev.Local)) },
	"remote":   func(c callOutcome) rules.Value { return rules.Str(apString(c.ev.Remote)) },
	"family": func(c callOutcome) rules.Value {
		if a := c.ev.Local.Addr(); a.Is6() && !a.Is4In6() {
			return rules.Str("AF_INET6")
		}
		return rules.Str("AF_INET")
	},
	"data": func(c callOutcome) rules.Value { return rules.Str(string(c.data)) },
	"hex":  func(c callOutcome) rules.Value { return rules.Str(hexBytes(c.data)) },
	"len":  func(c callOutcome) rules.Value { return rules.Num(int64(len(c.data))) },
	"fd":   func(c callOutcome) rules.Value { return rules.Num(int64(c.ev.FD)) },
	"seq":  func(c callOutcome) rules.Value { return rules.Num(int64(c.ev.Seq)) },
	"ms":   func(c callOutcome) rules.Value { return rules.Num(c.ev.Dur().Milliseconds()) },
}

func (o *Outcome) sysctlField(name string) (rules.Value, error) {
	if o.Err != nil {
		if name == "ok" || name == "failed" {
			return rules.Bool(name == "failed"), nil
		}
		return rules.Value{}, o.Err
	}
	nums := strings.Fields(o.Extra)
	switch name {
	case "ok":
		return rules.Bool(true), nil
	case "failed":
		return rules.Bool(false), nil
	case "data":
		return rules.Str(strings.TrimSpace(o.Extra)), nil
	case "result", "last":
		if len(nums) == 0 {
			return rules.Value{}, fmt.Errorf("sysctl %s is empty", o.Action.Args[0])
		}
		s := nums[0]
		if name == "last" {
			s = nums[len(nums)-1]
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return rules.Value{}, fmt.Errorf("sysctl %s: %q is not a number", o.Action.Args[0], s)
		}
		return rules.Num(n), nil
	}
	return rules.Value{}, fmt.Errorf("field %q means nothing for sysctl", name)
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func apString(a netip.AddrPort) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// hexBytes renders bytes as "68 65 6c 6c 6f".
func hexBytes(p []byte) string {
	var b strings.Builder
	for i, c := range p {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(hex.EncodeToString([]byte{c}))
	}
	return b.String()
}
