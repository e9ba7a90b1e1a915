package lessons

import (
	"github.com/socklab/socklab/lessons/rules"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
	"slices"

	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/socklab/socklab/netlab"
)

// Options tune a Run. Zero values take the defaults.
type Options struct {
	// Quiet is how long the actors must stay silent before a step counts
	// as settled (a server's reply, an accept completing); default 30ms,
	// bounded by Settle (default 600ms). No call is ever judged by a timer:
	// an action goes on when its call returned or the kernel said it waits.
	Quiet, Settle time.Duration
	// PlayLimit bounds the time a run spends waiting, all its actions
	// together: idle, wait, and an action waiting for its actor's blocked
	// call (default MaxPlay). Check bounds what a file asks for; this
	// bounds what the kernel's answers make it wait.
	PlayLimit time.Duration
	// WaitLimit bounds an action waiting for an actor's blocked call;
	// default 10s (a dropped SYN is retried after about 1 s, then every
	// second or with a doubling pause, by kernel version).
	WaitLimit time.Duration
	// Wire says whether the lesson's lab captures the segments on lo.
	Wire netlab.WireConfig
	// Sink, if set, gets every event of the lab in the log's order (a
	// pcapng writer for trace --pcap).
	Sink event.Sink
	// Loopback keeps the lesson on loopback addresses: a wildcard bind or
	// serve becomes the loopback address of its family, and any other
	// address is refused before a call is made. The command line sets it
	// in the host's network (a lesson file must not reach the host's
	// services, or serve the LAN) unless the instructor passes --any-address.
	Loopback bool
}

func (o *Options) defaults() {
	if o.Quiet <= 0 {
		o.Quiet = 30 * time.Millisecond
	}
	if o.Settle <= 0 {
		o.Settle = 600 * time.Millisecond
	}
	if o.PlayLimit <= 0 {
		o.PlayLimit = MaxPlay
	}
	if o.WaitLimit <= 0 {
		o.WaitLimit = defaultWait
	}
}

// Run plays one lesson on a fresh netlab.Lab. Next runs one step; Close
// ends the lab (every socket closed, every goroutine gone). A Run cannot go
// back: PlayTo starts a new one and replays the steps, since bytes that
// were sent cannot be unsent.
type Run struct {
	Lesson *Lesson
	Lab    *netlab.Lab
	opts   Options
	ctx    context.Context
	// stepEvents are the events of the step being judged: what wire.*
	// rules read. Guarded by mu, like outcomes.
	stepEvents []event.Event
	collected  uint64 // the Seq of the last event a step took

	roles    map[string]event.Role // from actorRoles
	activity chan struct{}         // a token whenever an actor reported an event

	mu       sync.Mutex
	actors   map[string]*actor
	outcomes []*Outcome
	byFD     map[fdCall]*Outcome
	byActor  map[string]*Outcome // serve: every event of the actor while it starts
	results  []*StepResult
	// blocked are the calls the kernel said wait and that have not
	// returned; serving, a served server's fds whose goroutine is between
	// calls (it returned from one and has not blocked in the next). While
	// either says the step still moves, it is not settled (see moving).
	blocked map[event.CallID]blockedCall
	serving map[int]bool
	closed  bool
	waited  time.Duration // against opts.PlayLimit

	wg sync.WaitGroup // action goroutines and served servers

	// beforeAwait, set by tests only, runs in await before it looks
	// whether the call said it waits: a test lets the call report first.
	beforeAwait func(*Outcome)
}

type blockedCall struct {
	fd int
	op event.Op
}

type callEvent struct {
	id   event.CallID
	kind event.Kind
}

type fdCall struct {
	fd int
	op event.Op
}

type actor struct {
	name string
	sock *sock.Socket
	srv  *service.Server
	// busy is the actor's call that has not returned yet; busyDone closes
	// when it does.
	busy     *Outcome
	busyDone chan struct{}
}

// StepResult is what one step did and whether its rules held.
type StepResult struct {
	Index    int
	Outcomes []*Outcome
	Events   []event.Event // the log's events during the step
	Expects  []Verdict
	Whens    []string // explanation texts whose rule held, with {refs} filled in
	// Choices says, for each prediction choice, whether the real outcome
	// agrees with it (nil when the step has no prediction).
	Choices []bool
	// ChoiceErrs holds why a choice's rule could not be evaluated, if so.
	ChoiceErrs []error
}

// Verdict is one evaluated expectation.
type Verdict struct {
	Expect Expect
	Held   bool
	// Skipped: the rule reads the wire and the wire is off; Held is true
	// so the step is not failed for what could not be captured.
	Skipped bool
	Err     error  // the rule could not be evaluated (a call never returned)
	Values  string // the values it read, "client.connect.port=51234 server.bind.port=40211"
}

// OK reports whether every expectation of the step held.
func (s *StepResult) OK() bool {
	for _, v := range s.Expects {
		if !v.Held {
			return false
		}
	}
	return true
}

// Graded reports whether the step's prediction can be marked: exactly one
// choice agrees with what the kernel did. When none does (a machine that
// behaves as the lesson did not foresee) or several do, the learner is
// told what happened and the answer is neither right nor wrong.
func (s *StepResult) Graded() bool {
	n := 0
	for _, c := range s.Choices {
		if c {
			n++
		}
	}
	return n == 1
}

// Start prepares a run of l on a new lab. Nothing runs until Next.
func Start(l *Lesson, opts Options) *Run {
	opts.defaults()
	lab := netlab.NewLab(netlab.LabConfig{History: 20000, Wire: opts.Wire, Trace: opts.Sink})
	return &Run{Lesson: l, Lab: lab, opts: opts, ctx: lab.Context(), roles: actorRoles(l), activity: make(chan struct{}, 1),
		actors: map[string]*actor{}, byFD: map[fdCall]*Outcome{}, byActor: map[string]*Outcome{},
		blocked: map[event.CallID]blockedCall{}, serving: map[int]bool{}}
}

// PlayTo starts a new run of l and plays its first n steps: it is how the
// learner goes back a step (and how progress is resumed).
func PlayTo(ctx context.Context, l *Lesson, n int, opts Options) (*Run, error) {
	r := Start(l, opts)
	for r.Pos() < min(n, len(l.Steps)) {
		if _, err := r.Next(ctx); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// Pos is the number of steps played.
func (r *Run) Pos() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.results)
}

// Done reports whether every step has been played.
func (r *Run) Done() bool { return r.Pos() == len(r.Lesson.Steps) }

// Results returns the results of the steps played so far.
func (r *Run) Results() []*StepResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*StepResult(nil), r.results...)
}

// ErrFinished is returned by Next after the last step.
var ErrFinished = errors.New("lesson finished")

// Next plays the next step: its actions in order, each a real call, then
// it waits for the lab to settle and evaluates the step's rules.
func (r *Run) Next(ctx context.Context) (*StepResult, error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, errors.New("run closed")
	}
	i := len(r.results)
	r.mu.Unlock()
	if i >= len(r.Lesson.Steps) {
		return nil, ErrFinished
	}
	step := r.Lesson.Steps[i]
	// A step's events start where the previous step's ended: what the
	// kernels did while the learner read and answered (a SYN sent again,
	// a delayed ACK) belongs to the step it came before.
	r.mu.Lock()
	first := r.collected + 1
	r.mu.Unlock()
	res := &StepResult{Index: i}
	for _, a := range step.Actions {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res.Outcomes = append(res.Outcomes, r.do(ctx, i, a))
	}
	r.settle(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.collect(res, first)
	r.judge(&step, res)
	// The result is the step's end, the caller's to keep and read from
	// another goroutine (the UI draws it while the next step runs): the
	// outcomes the run goes on updating (collect renumbers and re-marks
	// every one; a call blocked now returns in a later step) are copied.
	// The UI read them live and raced the next step (go test -race, e2e).
	for j, o := range res.Outcomes {
		c := *o
		c.Events = slices.Clone(o.Events)
		res.Outcomes[j] = &c
	}
	r.results = append(r.results, res)
	return res, nil
}

// collect gives the step its events (those numbered from first on),
// renumbers the copies the outcomes hold and marks the calls still
// blocked. r.mu is held.
func (r *Run) collect(res *StepResult, first uint64) {
	// The log numbers events in causal order (see netlab's package doc);
	// the copies the outcomes hold learn their number by call identity.
	seqs := map[callEvent]uint64{}
	for _, e := range r.Lab.Log.Events() {
		if e.CallID != 0 {
			seqs[callEvent{e.CallID, e.Kind}] = e.Seq
		}
		if e.Seq >= first {
			res.Events = append(res.Events, e)
		}
	}
	if n := len(res.Events); n > 0 {
		r.collected = res.Events[n-1].Seq
	}
	for _, o := range r.outcomes {
		for i, e := range o.Events {
			if n, ok := seqs[callEvent{e.CallID, e.Kind}]; ok && e.CallID != 0 {
				o.Events[i].Seq = n
			}
		}
		// Blocked is the kernel's word, not a timer's: the call has not
		// returned and netlab saw it answer "not yet" (EAGAIN/EINPROGRESS).
		o.Blocked = !o.Done && o.Err == nil && saidNotYet(o.Events)
	}
	r.stepEvents = res.Events
}

// judge evaluates the step's expectations, its when texts and its
// prediction's choices on what the step's calls got. A rule on the wire
// is skipped when the wire is off. r.mu is held: the rules read outcomes.
func (r *Run) judge(step *Step, res *StepResult) {
	ev := runEnv{r}
	wireOff := !r.Lab.WireOn()
	for _, x := range step.Expects {
		if wireOff && usesWire(x.Rule) {
			res.Expects = append(res.Expects, Verdict{Expect: x, Held: true, Skipped: true, Values: "skipped: " + errWireOff.Error()})
			continue
		}
		v := Verdict{Expect: x, Values: describeRefs(x.Rule, ev)}
		val, err := x.Rule.Eval(ev)
		if err == nil {
			v.Held, err = val.Truth()
		}
		v.Err = err
		res.Expects = append(res.Expects, v)
	}
	for _, w := range step.Whens {
		if val, err := w.Rule.Eval(ev); err == nil && val.True() {
			res.Whens = append(res.Whens, interpolate(w.Text, ev))
		}
	}
	if step.Predict != nil && !(wireOff && step.NeedsWire()) {
		for _, c := range step.Predict.Choices {
			val, err := c.Rule.Eval(ev)
			res.Choices = append(res.Choices, err == nil && val.True())
			res.ChoiceErrs = append(res.ChoiceErrs, err)
		}
	}
}

// settle waits until the actors have been silent for opts.Quiet (at most
// opts.Settle), so replies and completions the step caused belong to it.
// It wakes on events, not on a polling timer.
func (r *Run) settle(ctx context.Context) { r.quiet(ctx, nil) }

// quiet is settle that also ends when done closes.
func (r *Run) quiet(ctx context.Context, done <-chan struct{}) {
	deadline := time.NewTimer(r.opts.Settle)
	defer deadline.Stop()
	quiet := time.NewTimer(r.opts.Quiet)
	defer quiet.Stop()
	for {
		select {
		case <-r.activity:
			quiet.Reset(r.opts.Quiet)
		case <-quiet.C:
			// Quiet means no event; a segment still waiting in the capture
			// is not quiet. Read it now, and wait again if it came.
			r.Lab.SyncWire()
			select {
			case <-r.activity:
				quiet.Reset(r.opts.Quiet)
				continue
			default:
			}
			// Nor is a step quiet whose goroutines have only not run yet
			// (a loaded machine leaves one waiting longer than Quiet).
			if r.moving() {
				quiet.Reset(r.opts.Quiet)
				continue
			}
			return
		case <-done:
			return
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// Close stops every actor and the lab. It never hangs: blocked calls are
// woken by closing their sockets.
func (r *Run) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	var socks []*sock.Socket
	var srvs []*service.Server
	for _, a := range r.actors {
		if a.sock != nil {
			socks = append(socks, a.sock)
		}
		if a.srv != nil {
			srvs = append(srvs, a.srv)
		}
	}
	r.mu.Unlock()
	bg := context.Background()
	for _, s := range socks {
		s.Close(bg)
	}
	for _, s := range srvs {
		s.Close()
	}
	r.Lab.Close()
	r.wg.Wait()
}

// emit is the sink every actor reports to: the lab's log, plus the
// outcome of the action that made the call.
func (r *Run) emit(e event.Event) {
	r.track(e, false)
	r.report(e)
}

// emitService is emit for a served server's events.
func (r *Run) emitService(e event.Event) {
	r.track(e, true)
	r.report(e)
}

func (r *Run) report(e event.Event) {
	r.Lab.Emit(e)
	r.mu.Lock()
	o := r.byFD[fdCall{e.FD, e.Op}]
	if o == nil {
		o = r.byActor[e.Actor]
	}
	if o != nil {
		o.Events = append(o.Events, e)
		if e.Kind == event.KindBlocked && waitsInKernel(e) && o.waitCh != nil && !o.saidWait {
			o.saidWait = true
			close(o.waitCh)
		}
	}
	r.mu.Unlock()
	select {
	case r.activity <- struct{}{}:
	default:
	}
}

// track keeps blocked up to date from every event, and serving from a
// served server's events (service: the event is one of its goroutines').
func (r *Run) track(e event.Event, service bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e.Kind {
	case event.KindBlocked:
		if e.CallID != 0 {
			r.blocked[e.CallID] = blockedCall{e.FD, e.Op}
		}
		if service {
			delete(r.serving, e.FD) // its goroutine waits in the kernel
		}
	case event.KindCall:
		delete(r.blocked, e.CallID)
		switch {
		case !service || e.FD < 0:
		case e.Op == event.OpClose:
			delete(r.serving, e.FD)
		case e.Op == event.OpAccept:
			// The new connection's goroutine is about to make its first
			// call. The listener's is not tracked past accept: a
			// concurrent server's goes back to accept (and blocks there),
			// a sequential server's is that same connection's goroutine.
			delete(r.serving, e.FD)
			if e.Result >= 0 {
				r.serving[e.Result] = true
			}
		default:
			r.serving[e.FD] = true
		}
	}
}

// moving reports whether the step is still under way by the kernel's
// account, though no event came for Quiet: a blocked call was woken and
// has not reported, a served server's goroutine is between two calls, or a
// call the kernel said waits is free to go on (its data, connection or
// room has come). Timers never decide it.
func (r *Run) moving() bool {
	if r.Lab.CallsWoken() > 0 {
		return true
	}
	r.mu.Lock()
	if len(r.serving) > 0 {
		r.mu.Unlock()
		return true
	}
	calls := make([]blockedCall, 0, len(r.blocked))
	for _, b := range r.blocked {
		calls = append(calls, b)
	}
	r.mu.Unlock()
	for _, b := range calls {
		if sock.Ready(b.fd, b.op) {
			return true
		}
	}
	return false
}

// waitsInKernel reports whether a blocked call will stay blocked until
// someone else acts: an accept, recv or send the kernel answered EAGAIN, or
// a connect whose handshake had not finished when the kernel was asked
// (SYN_SENT: the SYN was dropped or is unanswered). A connect the kernel
// answered EINPROGRESS but already reports ESTABLISHED returns in a moment.
func waitsInKernel(e event.Event) bool {
	if e.Op == event.OpConnect {
		return e.State != event.StateEstablished
	}
	return true
}

func (r *Run) tracer(name string) sock.Tracer {
	t := r.Lab.Tracer(name, r.roles[name])
	t.Sink = event.SinkFunc(r.emit)
	return t
}

// do performs one action, as its spec in actionSpecs says, and returns its
// outcome once the call returned or the kernel said it waits (see await).
func (r *Run) do(ctx context.Context, step int, a Action) *Outcome {
	o := &Outcome{Action: a, Step: step}
	r.mu.Lock()
	r.outcomes = append(r.outcomes, o)
	act := r.actors[a.Actor]
	r.mu.Unlock()
	spec, ok := actionSpecs[a.Op]
	switch {
	case !ok:
		o.Err = fmt.Errorf("action %q is not implemented", a.Op)
		return o
	case spec.run != nil:
		return spec.run(r, ctx, o, act)
	}
	return r.onSocket(ctx, o, act, spec)
}

// startCall runs f in its own goroutine, as the actor's current call, with
// the events of (fd, call) recorded in o.
func (r *Run) startCall(o *Outcome, act *actor, fd int, call event.Op, f func(context.Context) error) {
	done := make(chan struct{})
	r.mu.Lock()
	if call != event.OpNone {
		r.byFD[fdCall{fd, call}] = o
	} else {
		r.byActor[o.Action.Actor] = o
	}
	var accepted *actor
	if o.Action.Label != "" {
		accepted = r.actors[o.Action.Label]
	}
	if actionSpecs[o.Action.Op].order == inTurn {
		act.busy, act.busyDone = o, done
	}
	o.waitCh = make(chan struct{})
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer event.Recover()
		err := f(r.ctx)
		r.mu.Lock()
		o.Done = true
		if err != nil && event.ErrnoOf(err) == 0 && !hasCall(o) {
			o.Err = err
		}
		if call != event.OpNone && r.byFD[fdCall{fd, call}] == o {
			delete(r.byFD, fdCall{fd, call})
		}
		if call == event.OpNone && r.byActor[o.Action.Actor] == o {
			delete(r.byActor, o.Action.Actor)
		}
		if act.busy == o {
			act.busy = nil
		}
		if accepted != nil && accepted.busy == o {
			accepted.busy = nil
			close(accepted.busyDone)
		}
		r.mu.Unlock()
		close(done)
	}()
	o.doneCh = done
}

func hasCall(o *Outcome) bool {
	_, ok := o.final()
	return ok
}

// await waits until the call returned or the kernel said it waits for
// someone else (see waitsInKernel): then the step goes on, and the call
// is shown blocked.
func (r *Run) await(o *Outcome, _ *actor) *Outcome {
	if r.beforeAwait != nil {
		r.beforeAwait(o)
	}
	r.mu.Lock()
	wait := o.waitCh
	r.mu.Unlock()
	// The channel stays closed once the call said it waits: a call that
	// said so before this look must wait for quiet all the same, or the
	// step would go on while a server still answers it.
	select {
	case <-o.doneCh:
		return o
	case <-wait:
	case <-r.ctx.Done():
		return o
	}
	// Blocked: the step goes on once the other actors are quiet too (a
	// server still answering would wake the call a moment later).
	r.quiet(r.ctx, o.doneCh)
	return o
}

// waitIdle waits until the actor has no call in progress.
func (r *Run) waitIdle(ctx context.Context, act *actor, limit time.Duration) error {
	if act == nil {
		return nil
	}
	r.mu.Lock()
	busy, ch := act.busy, act.busyDone
	r.mu.Unlock()
	if busy == nil {
		return nil
	}
	start := time.Now()
	limit, err := r.spend(limit)
	if err != nil {
		return err
	}
	defer func() { r.refund(limit - time.Since(start)) }()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-ch:
		return nil
	case <-t.C:
		return fmt.Errorf("%s is still blocked in %s after %s", act.name, busy.Action.Op, limit)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ErrPlayLimit is an action's error once the run has waited
// Options.PlayLimit in all: it does not wait any more.
var ErrPlayLimit = errors.New("the lesson has waited its limit")

// spend takes up to d from the run's waiting budget and returns what it
// took; none left is ErrPlayLimit.
func (r *Run) spend(d time.Duration) (time.Duration, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	left := r.opts.PlayLimit - r.waited
	if left <= 0 {
		return 0, fmt.Errorf("%w (%s of idle, wait and blocked calls in all)", ErrPlayLimit, r.opts.PlayLimit)
	}
	d = min(d, left)
	r.waited += d
	return d, nil
}

// refund gives back what a wait took but did not use.
func (r *Run) refund(d time.Duration) {
	if d > 0 {
		r.mu.Lock()
		r.waited -= d
		r.mu.Unlock()
	}
}

func (r *Run) socket(ctx context.Context, o *Outcome) *Outcome {
	a := o.Action
	r.mu.Lock()
	if old := r.actors[a.Actor]; old != nil && old.sock != nil && !old.sock.Closed() {
		r.mu.Unlock()
		o.Err = fmt.Errorf("%s already has an open socket: close it first", a.Actor)
		return o
	}
	r.byFD[fdCall{-1, event.OpSocket}] = o
	r.mu.Unlock()
	s, err := sock.Open(r.ctx, r.tracer(a.Actor), a.fam, a.typ)
	r.mu.Lock()
	delete(r.byFD, fdCall{-1, event.OpSocket})
	o.Done = true
	if err == nil {
		r.actors[a.Actor] = &actor{name: a.Actor, sock: s}
	} else if event.ErrnoOf(err) == 0 {
		o.Err = err
	}
	r.mu.Unlock()
	return o
}

func (r *Run) serve(o *Outcome) *Outcome {
	a := o.Action
	cfg := a.serve
	addr, err := r.target(o, toBind)
	if err != nil {
		o.Err = err
		return o
	}
	cfg.Addr, cfg.Tracer = addr, r.tracer(a.Actor)
	cfg.Tracer.Sink = event.SinkFunc(r.emitService)
	r.mu.Lock()
	r.byActor[a.Actor] = o
	r.mu.Unlock()
	srv, err := service.Listen(r.ctx, cfg)
	r.mu.Lock()
	delete(r.byActor, a.Actor)
	o.Done = true
	if err != nil {
		if event.ErrnoOf(err) == 0 {
			o.Err = err
		}
		r.mu.Unlock()
		return o
	}
	r.actors[a.Actor] = &actor{name: a.Actor, sock: srv.Listener(), srv: srv}
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer event.Recover()
		if err := srv.Serve(r.ctx); err != nil {
			// Not a kernel fact of one call: the lab says why serving ended.
			cfg.Tracer.Note("the server stopped serving: " + err.Error())
		}
	}()
	return o
}

// state asks the kernel for the socket's TCP state; the event names the
// source that answered (TCP_INFO, sock_diag, /proc/net/tcp).
func (r *Run) state(o *Outcome, s *sock.Socket) {
	r.record(o, s.ReadState())
}

// sysctl reads a kernel setting from /proc/sys.
func (r *Run) sysctl(o *Outcome) {
	name := o.Action.Args[0]
	path := "/proc/sys/" + strings.ReplaceAll(name, ".", "/")
	e := event.Event{Kind: event.KindCall, Op: event.OpSysctl, Role: event.RoleLab, Actor: o.Action.Actor,
		Text: path, Args: event.Args{Path: path}, FD: -1, Enter: time.Now()}
	data, err := os.ReadFile(path)
	if err != nil {
		o.Err = fmt.Errorf("sysctl %s: %w", name, err)
		e.Result, e.Errno, e.Err = -1, event.ErrnoOf(err), err.Error()
	} else {
		// "32768\t60999": the kernel's separators, shown as spaces.
		o.Extra = strings.Join(strings.Fields(string(data)), " ")
		e.Result = len(data)
		e.Data = []byte(o.Extra)
	}
	r.record(o, e)
}

// record emits an event made by the engine itself (a state or sysctl
// read) and files it under o.
func (r *Run) record(o *Outcome, e event.Event) {
	if e.Return.IsZero() {
		e.Return = time.Now()
		e.At = e.Return
	}
	r.Lab.Emit(e)
	r.mu.Lock()
	o.Events = append(o.Events, e)
	o.Done = true
	r.mu.Unlock()
}

// resolve turns an ADDR argument into an address. An actor name means the
// address the kernel gave that actor's socket; to connect to a wildcard
// address (0.0.0.0, ::) the loopback address of the same family is used.
func (r *Run) resolve(arg addrArg, use addrUse) (netip.AddrPort, error) {
	lit, name := arg.lit, arg.actor
	if name == "" {
		return lit, nil
	}
	r.mu.Lock()
	act := r.actors[name]
	var local netip.AddrPort
	if act != nil && act.sock != nil {
		local = act.sock.LocalAddr()
	}
	r.mu.Unlock()
	if !local.IsValid() || local.Port() == 0 {
		return netip.AddrPort{}, fmt.Errorf("%s has no bound address yet", name)
	}
	if lit.Addr().IsValid() {
		return netip.AddrPortFrom(lit.Addr(), local.Port()), nil
	}
	if use == toConnect {
		return sock.ConnectTarget(local), nil
	}
	return local, nil
}

// ErrNotLoopback is an action's error when Options.Loopback refused its
// address; no call was made.
var ErrNotLoopback = errors.New("not a loopback address")

// confine applies Options.Loopback to an action's address: the same
// address when it is loopback, loopback for a wildcard to bind (said in a
// note, so the screen shows why the kernel was asked for another address),
// an error for any other address.
func (r *Run) confine(o *Outcome, addr netip.AddrPort, use addrUse) (netip.AddrPort, error) {
	ip := addr.Addr()
	if !r.opts.Loopback || ip.Unmap().IsLoopback() {
		return addr, nil
	}
	if ip.IsUnspecified() && use == toBind {
		lo := netip.IPv6Loopback()
		if ip.Unmap().Is4() {
			lo = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		}
		r.tracer(o.Action.Actor).Note(fmt.Sprintf(
			"socklab asks for %s instead of %s: in the host's network a lesson stays on loopback (--any-address allows more)", lo, ip))
		return netip.AddrPortFrom(lo, addr.Port()), nil
	}
	return addr, fmt.Errorf("%s: %w; in the host's network a lesson stays on loopback, and socklab made no call (--any-address allows it)", ip, ErrNotLoopback)
}

// runEnv resolves references to the latest outcome of ACTOR.CALL (ACTOR
// may also be the name an accept gave its new socket). r.mu is held.
type runEnv struct{ r *Run }

func (e runEnv) Lookup(ref rules.Ref) (rules.Value, error) {
	if ref.Actor == rules.WireActor {
		if !e.r.Lab.WireOn() {
			return rules.Value{}, errWireOff
		}
		return wireLookup(e.r.stepEvents, ref.Call, ref.Field)
	}
	for i := len(e.r.outcomes) - 1; i >= 0; i-- {
		o := e.r.outcomes[i]
		if (o.Action.Actor == ref.Actor || o.Action.Label == ref.Actor) && o.Action.Op == ref.Call {
			return o.Field(ref.Field)
		}
	}
	return rules.Value{}, fmt.Errorf("no %s.%s has run", ref.Actor, ref.Call)
}

// describeRefs lists the values a rule reads, for traces and the TUI.
func describeRefs(x rules.Expr, en rules.Env) string {
	var parts []string
	seen := map[rules.Ref]bool{}
	for _, ref := range x.Refs() {
		if seen[ref] {
			continue
		}
		seen[ref] = true
		v, err := en.Lookup(ref)
		s := v.String()
		if err != nil {
			s = "?"
		} else if v.IsText() {
			s = strconv.Quote(s)
		}
		parts = append(parts, ref.String()+"="+s)
	}
	return strings.Join(parts, " ")
}

// interpolate fills {actor.call.field} with recorded values.
func interpolate(text string, en rules.Env) string {
	return interpRe.ReplaceAllStringFunc(text, func(m string) string {
		x, err := rules.Parse(m[1:len(m)-1], vocabulary())
		if err != nil {
			return m
		}
		v, err := x.Eval(en)
		if err != nil {
			return "?"
		}
		return v.String()
	})
}

// saidNotYet reports whether the kernel answered EAGAIN or EINPROGRESS to
// the call (netlab reports that as a KindBlocked event).
func saidNotYet(events []event.Event) bool {
	for _, e := range events {
		if e.Kind == event.KindBlocked {
			return true
		}
	}
	return false
}
