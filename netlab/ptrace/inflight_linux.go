package ptrace

import (
	"sort"
	"time"
)

// inCall is a call a thread is inside: its text and when its entry stop
// was seen.
type inCall struct {
	text    string
	entered time.Time
	// toReceive: a recv on a blocking socket that had nothing to take when
	// it entered. Only bytes from its peer, or the peer's close, end it.
	toReceive bool
}

// Instant collects the calls the program was inside at one moment. It is
// made before that moment (InFlightAt), because by the time a check asks,
// the program may have gone on: a server blocked in recv() when a check's
// time limit ran out sees the check's client close a moment later, and
// its recv() returns.
type Instant struct {
	p     *Program
	at    time.Time
	calls []string // calls that entered before at and returned after it
}

// InFlightAt returns an Instant for the moment at, which should not have
// passed yet.
func (p *Program) InFlightAt(at time.Time) *Instant {
	in := &Instant{p: p, at: at}
	p.mu.Lock()
	p.instants = append(p.instants, in)
	p.mu.Unlock()
	return in
}

// Calls lists the calls the program's threads were inside at the
// Instant's moment ("recvfrom(4, 1024, 0)"), sorted; none before it has
// come. It stops the Instant collecting.
func (in *Instant) Calls() []string {
	p := in.p
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, o := range p.instants {
		if o == in {
			p.instants = append(p.instants[:i], p.instants[i+1:]...)
			break
		}
	}
	out := append([]string(nil), in.calls...)
	if time.Now().After(in.at) {
		for _, c := range p.inflight {
			if !c.entered.After(in.at) {
				out = append(out, c.text)
			}
		}
	}
	sort.Strings(out)
	return out
}

// enteredCall records that thread tid is inside call text (toReceive: see
// inCall).
func (p *Program) enteredCall(tid int, text string, toReceive bool) {
	p.mu.Lock()
	p.inflight[tid] = inCall{text: text, entered: time.Now(), toReceive: toReceive}
	p.mu.Unlock()
}

// addThread records a thread of the program; the tracer thread's own map,
// and the count Waiting reads.
func (p *Program) addThread(t *thread) {
	p.threads[t.tid] = t
	p.mu.Lock()
	p.live = len(p.threads)
	p.mu.Unlock()
}

// Waiting reports whether every thread of the program has been, for at
// least d, inside a recv on a blocking socket that had nothing to take
// when it entered, and lists those calls. Such a program can do nothing
// else until one of those sockets' peers sends or closes: no thread is
// left to accept a connection, and no thread is computing (a thread
// outside a socket call, or in a poll, may go on by itself, and then the
// answer is false). A recv with SO_RCVTIMEO, or a signal, could still end
// one: the caller rules those out from the program's calls.
func (p *Program) Waiting(d time.Duration) ([]string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live == 0 || len(p.inflight) != p.live {
		return nil, false
	}
	var calls []string
	for _, c := range p.inflight {
		if !c.toReceive || time.Since(c.entered) < d {
			return nil, false
		}
		calls = append(calls, c.text)
	}
	sort.Strings(calls)
	return calls, true
}

// leftCall records that thread tid's call returned (or the thread ended): an
// Instant whose moment fell inside the call keeps it.
func (p *Program) leftCall(tid int) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.inflight[tid]
	if !ok {
		return
	}
	delete(p.inflight, tid)
	for _, in := range p.instants {
		if !c.entered.After(in.at) && now.After(in.at) {
			in.calls = append(in.calls, c.text)
		}
	}
}
