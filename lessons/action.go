package lessons

import (
	"context"

	"github.com/socklab/socklab/lessons/rules"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"

	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Action is one line of a step's lab block: a real call made by an actor.
//
//	server.socket tcp
//	conn = server.accept
//	client.send "hello\n"
type Action struct {
	Line  int
	Src   string
	Label string // the new actor an accept creates ("conn" in `conn = server.accept`)
	Actor string
	Op    string
	Args  []string // the arguments as written

	// The arguments parsed once, by the action's spec, when the lesson is
	// read: the engine runs these and never parses text again.
	n     int           // listen's backlog; recv, recvfrom and echo's MAX
	text  []byte        // send, sendall, sendto: the bytes, repeated times times
	times int           // kept apart so a file is not expanded when read
	addr  addrArg       // bind, connect, sendto, serve
	fam   sock.Family   // socket
	typ   sock.Type     // socket
	how   sock.How      // shutdown
	wait  time.Duration // wait's limit; 0: the engine's default
	serve service.ServerConfig
}

// addrArg is an ADDR argument: a literal address, or an actor whose bound
// address (or port, with a literal IP) it means once that actor has one.
type addrArg struct {
	lit   netip.AddrPort
	actor string
}

// actionSpec describes one action: its arguments, what it does, and how
// it runs. Adding an action is one entry here plus its run or call
// function (action_run.go); the parser, the engine and the rules'
// vocabulary all read this table.
type actionSpec struct {
	args  string // usage after ACTOR.OP
	min   int
	max   int
	label bool // needs "NEW = ACTOR.op"
	doc   string
	check func(a *Action, known map[string]bool) error

	creates bool     // brings its actor into being (no socket needed before)
	silent  bool     // records nothing a rule may ask of (wait, idle)
	call    event.Op // the system call whose events the outcome follows (sendall and echo: their send or recv)
	order   order    // whether it waits for the actor's previous call
	addr    addrUse  // what its ADDR argument is for, if it takes one
	// play, when set, is the time the action may take from the lesson's
	// MaxPlay, given its DURATION argument (0 when none). It takes the
	// duration, not the action, so that counting keeps the action off the heap.
	play func(d time.Duration) time.Duration

	// Exactly one of run, sock and read says what the action does.
	run  func(r *Run, ctx context.Context, o *Outcome, act *actor) *Outcome // not a call on the actor's socket
	sock sockCall                                                           // one call on the actor's socket
	read func(r *Run, o *Outcome, s *sock.Socket)                           // a read of the socket the engine answers at once
	// server, when set, is the action on an actor started with serve.
	server func(*service.Server) error
	// field, when set, answers the rules instead of the call's events.
	field func(o *Outcome, name string) (rules.Value, error)
}

// actionSpecs lists every action. Keep README.md in step with it.
var actionSpecs = map[string]actionSpec{
	"socket":    {args: "tcp|tcp6|udp|udp6", min: 1, max: 1, doc: "socket(): a new TCP or UDP socket, IPv4 or IPv6", check: checkSocket, creates: true, call: event.OpSocket, run: (*Run).runSocket},
	"reuseaddr": {doc: "setsockopt(SO_REUSEADDR, 1)", call: event.OpSetsockopt, sock: callReuseAddr},
	"bind":      {args: "ADDR", min: 1, max: 1, doc: "bind() to ADDR; port 0 lets the kernel choose", check: checkAddrArg(0), call: event.OpBind, sock: callBind, addr: toBind},
	"listen":    {args: "BACKLOG", min: 1, max: 1, doc: "listen(BACKLOG)", check: checkInt(0, MaxBacklog), call: event.OpListen, sock: callListen},
	"accept":    {label: true, doc: "NEW = ACTOR.accept: accept() gives a new socket named NEW", call: event.OpAccept, sock: callAccept},
	"connect":   {args: "ADDR", min: 1, max: 1, doc: "connect() to ADDR (an actor name means its bound address)", check: checkAddrArg(0), call: event.OpConnect, sock: callConnect, addr: toConnect},
	"send":      {args: `"TEXT"`, min: 1, max: 1, doc: "one send() call", check: checkQuoted(0), call: event.OpSend, sock: callSend},
	"sendall":   {args: `"TEXT"`, min: 1, max: 1, doc: "send() until every byte is taken, as Python's sendall", check: checkQuoted(0), call: event.OpSend, sock: callSendAll},
	"echo":      {args: "MAX", min: 1, max: 1, doc: "the echo loop's body: recv(MAX), then sendall of what came (nothing when recv returned 0)", check: checkInt(0, MaxRecv), call: event.OpRecv, sock: callEcho},
	"recv":      {args: "MAX", min: 1, max: 1, doc: "one recv(MAX) call; 0 bytes means the peer closed", check: checkInt(0, MaxRecv), call: event.OpRecv, sock: callRecv},
	"sendto":    {args: `ADDR "TEXT"`, min: 2, max: 2, doc: "one sendto(): a datagram to ADDR", check: both(checkAddrArg(0), checkQuoted(1)), call: event.OpSendto, sock: callSendTo, addr: toConnect},
	"recvfrom":  {args: "MAX", min: 1, max: 1, doc: "one recvfrom(MAX): one datagram and its sender", check: checkInt(0, MaxRecv), call: event.OpRecvfrom, sock: callRecvFrom},
	"shutdown":  {args: "wr|rd|rdwr", min: 1, max: 1, doc: "shutdown(SHUT_WR…)", check: checkHow, call: event.OpShutdown, sock: callShutdown},
	"close":     {doc: "close() (for a server started with serve: stop it)", call: event.OpClose, order: atOnce, sock: callClose, server: stopServer},
	"state":     {doc: "ask the kernel for the TCP state now (TCP_INFO, or /proc/net/tcp after close)", order: atOnce, read: readState},
	"wait":      {args: "[DURATION]", max: 1, doc: "wait until ACTOR's blocked call returns (default 10s)", check: checkDur(0), silent: true, run: (*Run).runWait, play: waitPlay},
	"quickack":  {args: "0|1", min: 1, max: 1, doc: "setsockopt(TCP_QUICKACK) (Linux): 0 delays the next ACK as in a long conversation, whatever the timing", check: checkInt(0, 1), call: event.OpSetsockopt, sock: callQuickAck},
	"idle":      {args: "DURATION", min: 1, max: 1, doc: "ACTOR makes no call for DURATION while the kernels go on (a retransmission, a delayed ACK)", check: checkDur(0), silent: true, run: (*Run).runIdle, play: idlePlay},
	"serve":     {args: "echo|calc ADDR [sequential] [backlog=N] [idle=DUR] [maxline=N] [maxclients=N] [nodelay]", min: 2, max: 8, doc: "start socklab's echo or calculator server as ACTOR", check: checkServe, creates: true, run: (*Run).runServe, addr: toBind},
	"sysctl":    {args: "NAME", min: 1, max: 1, doc: "read a kernel setting, e.g. net.ipv4.ip_local_port_range", check: checkSysctl, creates: true, run: (*Run).runSysctl, field: (*Outcome).sysctlField},
}

func callNames() string {
	var n []string
	for k := range actionSpecs {
		n = append(n, k)
	}
	slices.Sort(n)
	return strings.Join(n, ", ")
}

// parseAction parses one lab line. known holds the actors defined so far
// (an actor comes into being with socket, serve, sysctl or as an accept's label).
func parseAction(line int, src string, known map[string]bool) (Action, error) {
	a := Action{Line: line, Src: src}
	rest := src
	if i := strings.Index(rest, "="); i > 0 && !strings.Contains(rest[:i], `"`) && rules.IsIdent(strings.TrimSpace(rest[:i])) {
		a.Label = strings.TrimSpace(rest[:i])
		rest = strings.TrimSpace(rest[i+1:])
	}
	toks, err := splitArgs(rest)
	if err != nil {
		return a, err
	}
	if len(toks) == 0 {
		return a, fmt.Errorf("empty action")
	}
	head := toks[0]
	dot := strings.IndexByte(head, '.')
	if dot < 0 {
		return a, fmt.Errorf("%q: want ACTOR.ACTION ARGS, e.g. server.socket tcp", head)
	}
	a.Actor, a.Op, a.Args = head[:dot], head[dot+1:], toks[1:]
	if !rules.IsIdent(a.Actor) {
		return a, fmt.Errorf("%q is not an actor name (letters, digits, _)", a.Actor)
	}
	spec, ok := actionSpecs[a.Op]
	if !ok {
		return a, fmt.Errorf("unknown action %q (known: %s)", a.Op, callNames())
	}
	if spec.label != (a.Label != "") {
		if spec.label {
			return a, fmt.Errorf("%s needs a name for the new socket: NEW = %s.%s", a.Op, a.Actor, a.Op)
		}
		return a, fmt.Errorf("%s does not create a new socket: remove %q =", a.Op, a.Label)
	}
	if len(a.Args) < spec.min || len(a.Args) > spec.max {
		return a, fmt.Errorf("%s.%s takes %s", a.Actor, a.Op, usage(a.Op, spec))
	}
	if !spec.creates && !known[a.Actor] {
		return a, fmt.Errorf("actor %q has no socket yet (start with %s.socket tcp)", a.Actor, a.Actor)
	}
	if spec.check != nil {
		if err := spec.check(&a, known); err != nil {
			return a, fmt.Errorf("%s.%s: %v", a.Actor, a.Op, err)
		}
	}
	known[a.Actor] = true
	if a.Label != "" {
		if known[a.Label] {
			return a, fmt.Errorf("actor %q already exists: pick a new name for the accepted socket", a.Label)
		}
		known[a.Label] = true
	}
	return a, nil
}

func usage(op string, spec actionSpec) string {
	if spec.args == "" {
		return "no arguments"
	}
	return spec.args
}

// splitArgs splits on blanks, keeping "quoted strings" (Go escapes) whole
// and quoted in the result so checks can tell them apart.
func splitArgs(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ' || s[i] == '\t':
			i++
		case s[i] == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			// "TEXT"*N repeats the text: a 2 KB message stays one line.
			k := j + 1
			if k+1 < len(s) && s[k] == '*' && s[k+1] >= '0' && s[k+1] <= '9' {
				k++
				for k < len(s) && s[k] >= '0' && s[k] <= '9' {
					k++
				}
			}
			out = append(out, s[i:k])
			i = k
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '\t' {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

func both(a, b func(*Action, map[string]bool) error) func(*Action, map[string]bool) error {
	return func(x *Action, k map[string]bool) error {
		if err := a(x, k); err != nil {
			return err
		}
		return b(x, k)
	}
}

var socketKinds = map[string]struct {
	fam sock.Family
	typ sock.Type
}{
	"tcp": {sock.IPv4, sock.Stream}, "tcp6": {sock.IPv6, sock.Stream},
	"udp": {sock.IPv4, sock.Datagram}, "udp6": {sock.IPv6, sock.Datagram},
}

func checkSocket(a *Action, _ map[string]bool) error {
	k, ok := socketKinds[a.Args[0]]
	if !ok {
		return fmt.Errorf("%q: want one of tcp, tcp6, udp, udp6", a.Args[0])
	}
	a.fam, a.typ = k.fam, k.typ
	return nil
}

var hows = map[string]sock.How{"wr": sock.ShutWrite, "rd": sock.ShutRead, "rdwr": sock.ShutBoth}

func checkHow(a *Action, _ map[string]bool) error {
	h, ok := hows[a.Args[0]]
	if !ok {
		return fmt.Errorf("%q: want one of wr, rd, rdwr", a.Args[0])
	}
	a.how = h
	return nil
}

// Bounds of the numbers a lesson file gives its actions: a lesson file is
// data, and none of its numbers may cost more than a lesson needs (a
// receive buffer is made before the kernel is asked). README.md lists them.
const (
	MaxRecv    = sock.MaxRecv // recv, recvfrom, echo: bytes per call
	MaxBacklog = 1 << 16      // listen and serve backlog=N
	MaxLine    = 1 << 20      // serve maxline=N
	MaxClients = 4096         // serve maxclients=N
	MaxSteps   = 200          // steps in one lesson
	MaxActions = 2000         // actions in one lesson, every step together
	// MaxPlay bounds the time a lesson's idle and wait actions may take,
	// together (a wait without a duration counts as its 10s default).
	MaxPlay = 10 * time.Minute
	// MaxSendTotal bounds the bytes a lesson's send, sendall and sendto
	// actions hold, together.
	MaxSendTotal = 16 << 20
)

func checkInt(i, max int) func(*Action, map[string]bool) error {
	return func(a *Action, _ map[string]bool) error {
		n, err := strconv.Atoi(a.Args[i])
		if err != nil || n < 0 || n > max {
			return fmt.Errorf("%q: want a number from 0 to %d", a.Args[i], max)
		}
		a.n = n
		return nil
	}
}

func checkDur(i int) func(*Action, map[string]bool) error {
	return func(a *Action, _ map[string]bool) error {
		if len(a.Args) <= i {
			return nil
		}
		d, err := time.ParseDuration(a.Args[i])
		if err != nil || d <= 0 || d > time.Minute {
			return fmt.Errorf("%q: want a duration such as 5s (at most 1m)", a.Args[i])
		}
		a.wait = d
		return nil
	}
}

// maxRepeat bounds the bytes one action sends: enough for a lesson on
// segments, far below what could tie up the lab.
const maxRepeat = 1 << 16

func checkQuoted(i int) func(*Action, map[string]bool) error {
	return func(a *Action, _ map[string]bool) error {
		if !strings.HasPrefix(a.Args[i], `"`) {
			return fmt.Errorf("%s: the bytes to send go in double quotes, e.g. \"hello\\n\"", a.Args[i])
		}
		text, times := a.Args[i], 1
		if q := strings.LastIndexByte(text, '"'); q > 0 && q < len(text)-1 {
			n, err := strconv.Atoi(strings.TrimPrefix(text[q+1:], "*"))
			if err != nil || !strings.HasPrefix(text[q+1:], "*") || n < 1 || n > maxRepeat {
				return fmt.Errorf("%s: \"TEXT\"*N repeats TEXT N times, N from 1 to %d", a.Args[i], maxRepeat)
			}
			text, times = text[:q+1], n
		}
		p, err := strconv.Unquote(text)
		if err != nil {
			return fmt.Errorf("%s: bad string (Go escapes: \\n, \\x00, \\u00e9)", a.Args[i])
		}
		if len(p)*times > maxRepeat {
			return fmt.Errorf("%s: %d bytes; a lesson sends at most %d at once", a.Args[i], len(p)*times, maxRepeat)
		}
		a.text, a.times = []byte(p), times
		return nil
	}
}

// Data returns the bytes a send, sendall or sendto action sends, expanded
// from "TEXT"*N only now, when they are sent.
func (a *Action) Data() []byte { return bytes.Repeat(a.text, a.times) }

// dataLen is len(a.Data()) without making it.
func (a *Action) dataLen() int { return len(a.text) * a.times }

func checkAddrArg(i int) func(*Action, map[string]bool) error {
	return func(a *Action, known map[string]bool) error {
		lit, actor, err := parseAddrArg(a.Args[i])
		if err != nil {
			return err
		}
		if actor != "" && !known[actor] {
			return fmt.Errorf("%q: no actor %q yet", a.Args[i], actor)
		}
		a.addr = addrArg{lit: lit, actor: actor}
		return nil
	}
}

func checkSysctl(a *Action, _ map[string]bool) error {
	for _, c := range a.Args[0] {
		if !(c == '.' || c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			return fmt.Errorf("%q is not a sysctl name", a.Args[0])
		}
	}
	return nil
}

func checkServe(a *Action, known map[string]bool) error {
	if a.Args[0] != service.Echo && a.Args[0] != service.Calc {
		return fmt.Errorf("%q: want echo or calc", a.Args[0])
	}
	if err := checkAddrArg(1)(a, known); err != nil {
		return err
	}
	cfg, err := serveOptions(a.Args[2:])
	cfg.Service = a.Args[0]
	a.serve = cfg
	return err
}

// serveOptions parses serve's options into a ServerConfig.
func serveOptions(opts []string) (service.ServerConfig, error) {
	var cfg service.ServerConfig
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		var err error
		switch k {
		case "sequential":
			cfg.Sequential = true
		case "backlog":
			cfg.Backlog, err = strconv.Atoi(v)
		case "maxline":
			cfg.MaxLine, err = strconv.Atoi(v)
		case "maxclients":
			cfg.MaxClients, err = strconv.Atoi(v)
		case "idle":
			cfg.IdleTimeout, err = time.ParseDuration(v)
		case "nodelay":
			cfg.NoDelay = true
		default:
			return cfg, fmt.Errorf("unknown option %q (sequential, backlog=N, idle=DUR, maxline=N, maxclients=N, nodelay)", o)
		}
		if err != nil {
			return cfg, fmt.Errorf("option %q: %v", o, err)
		}
		if err := serveBounds(k, cfg); err != nil {
			return cfg, fmt.Errorf("option %q: %v", o, err)
		}
	}
	return cfg, nil
}

// serveBounds keeps serve's numbers within what a lesson needs; 0 (or no
// option) leaves netlab's default.
func serveBounds(k string, cfg service.ServerConfig) error {
	bad := func(v, max int) error {
		if v < 0 || v > max {
			return fmt.Errorf("want 0 to %d", max)
		}
		return nil
	}
	switch k {
	case "backlog":
		return bad(cfg.Backlog, MaxBacklog)
	case "maxline":
		return bad(cfg.MaxLine, MaxLine)
	case "maxclients":
		return bad(cfg.MaxClients, MaxClients)
	case "idle":
		if cfg.IdleTimeout <= 0 || cfg.IdleTimeout > time.Minute {
			return fmt.Errorf("want a duration from 1ms to 1m")
		}
	}
	return nil
}

// parseAddrArg parses IP:PORT, [IPv6]:PORT, IP:ACTOR (the port of ACTOR's
// bound address) or ACTOR (its whole address). It returns the literal part
// and the actor named, if any.
func parseAddrArg(s string) (netip.AddrPort, string, error) {
	if rules.IsIdent(s) {
		return netip.AddrPort{}, s, nil
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return netip.AddrPort{}, "", fmt.Errorf("%q: want IP:PORT ([::1]:0 for IPv6) or an actor name", s)
	}
	host, port := strings.TrimSuffix(strings.TrimPrefix(s[:i], "["), "]"), s[i+1:]
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.AddrPort{}, "", fmt.Errorf("%q: %q is not an IP address", s, host)
	}
	if rules.IsIdent(port) {
		return netip.AddrPortFrom(ip, 0), port, nil
	}
	p, err := sock.ParsePort(port)
	if err != nil {
		return netip.AddrPort{}, "", err
	}
	return netip.AddrPortFrom(ip, p), "", nil
}
