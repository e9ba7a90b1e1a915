package ui

import (
	"time"

	"github.com/socklab/socklab/ui/common"

	tea "charm.land/bubbletea/v2"
	"github.com/socklab/socklab/netlab"
)

// Tuning of the event feed. frame is how long the feed waits after the first
// event of a burst before draining, so a flood arrives as ~60 messages a
// second however many events it holds.
const (
	feedBatchMax = 4096
	feedFrame    = 16 * time.Millisecond
	feedSubBuf   = 8192
	historyCap   = 2000
	settleFirst  = 100 * time.Millisecond // catches FIN_WAIT1 -> FIN_WAIT2
	settleLast   = time.Second            // catches TIME_WAIT, CLOSE_WAIT
)

// eventsMsg is sent when a batch of events arrived from a lab's log.
type eventsMsg struct {
	to      common.PaneID
	lab     *netlab.Lab
	events  []netlab.Event
	dropped uint64 // the subscription's drop count so far
}

// snapshotMsg is sent when a Snapshot of the lab's sockets was taken.
type snapshotMsg struct {
	to    common.PaneID
	lab   *netlab.Lab
	socks []netlab.SockInfo
	wire  netlab.WireStatus
	gen   uint64
}

// settleMsg is sent a while after events stopped, to take a follow-up
// snapshot (the kernel changes states after the calls: FIN_WAIT2, TIME_WAIT).
type settleMsg struct {
	to    common.PaneID
	lab   *netlab.Lab
	gen   uint64
	round settleRound
}

// settleRound says which look a settle timer is for: the first after
// activity (FIN_WAIT2) or the last (TIME_WAIT; a remote lab's poll).
type settleRound int

const (
	settleFirstLook settleRound = iota
	settleLastLook
)

func (m eventsMsg) Target() common.PaneID   { return m.to }
func (m snapshotMsg) Target() common.PaneID { return m.to }
func (m settleMsg) Target() common.PaneID   { return m.to }

// labFeed follows one lab for a pane: a bounded history of its events, the
// calls pending at the step gate or blocked in the kernel, and the latest
// kernel snapshot. It is a plain value the pane owns; its commands do the
// waiting and the kernel reads, its Update only records what came back.
type labFeed struct {
	to  common.PaneID
	lab *netlab.Lab
	sub *netlab.Sub

	history []netlab.Event // newest last, at most historyCap
	trimmed uint64         // events this feed let go of
	dropped uint64         // events the subscription missed
	total   uint64         // events received

	pending []netlab.Event // KindPending not yet resolved, oldest first
	blocked []netlab.Event // KindBlocked not yet resolved

	// clients are the lab's running clients, oldest first, and ended says
	// why each client that ended did; stepping is the lab's mode. All three
	// follow the lab's own events in the log (KindLab).
	clients   []string
	ended     map[string]string
	lastEnded string // the newest OpActorEnd's note
	stepping  bool

	socks    []netlab.SockInfo
	wire     netlab.WireStatus // the lab's capture, read with the sockets
	snapped  bool              // a snapshot arrived
	gen      uint64            // bumps with every batch
	snapBusy bool              // a snapshot command is running
	settling bool              // a settle timer is running
	// poll, when set, keeps reading the sockets' states at this interval
	// while a client runs: a remote server changes them (its FIN makes
	// ours CLOSE_WAIT) without any call of ours to follow.
	poll time.Duration
}

// newLabFeed subscribes to lab's log. Call start for the first command.
func newLabFeed(to common.PaneID, lab *netlab.Lab) *labFeed {
	f := &labFeed{to: to, lab: lab, sub: lab.Log.Subscribe(feedSubBuf)}
	// What the lab logged while it was made (the wire's status) came
	// before the subscription; nothing else runs yet, so it is all of it.
	f.add(lab.Log.Events())
	return f
}

// wait returns the command that delivers the next batch of events.
func (f *labFeed) wait() tea.Cmd {
	lab, sub, to := f.lab, f.sub, f.to
	return func() tea.Msg {
		ctx := lab.Context()
		evs, err := sub.Next(ctx, feedBatchMax)
		if err != nil {
			return nil
		}
		if len(evs) < feedBatchMax {
			// Merge a burst: give it one frame to arrive, then take it all.
			t := time.NewTimer(feedFrame)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil
			}
		drain:
			for len(evs) < feedBatchMax {
				select {
				case e := <-sub.C():
					evs = append(evs, e)
				default:
					break drain
				}
			}
		}
		return eventsMsg{to: to, lab: lab, events: evs, dropped: sub.Dropped()}
	}
}

func (f *labFeed) snapshot() tea.Cmd {
	f.snapBusy = true
	lab, to, gen := f.lab, f.to, f.gen
	return func() tea.Msg {
		return snapshotMsg{to: to, lab: lab, socks: lab.Snapshot(), wire: lab.Wire(), gen: gen}
	}
}

func (f *labFeed) settle(d time.Duration, round settleRound) tea.Cmd {
	f.settling = true
	lab, to, gen := f.lab, f.to, f.gen
	return tea.Tick(d, func(time.Time) tea.Msg { return settleMsg{to: to, lab: lab, gen: gen, round: round} })
}

// start returns the first commands: wait for events, read the kernel once.
func (f *labFeed) start() tea.Cmd { return tea.Batch(f.wait(), f.snapshot()) }

// update records a feed message; ok is false when msg is not for this feed.
func (f *labFeed) update(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch m := msg.(type) {
	case eventsMsg:
		if m.lab != f.lab {
			return nil, m.to == f.to
		}
		f.add(m.events)
		f.dropped = m.dropped
		f.gen++
		cmds := []tea.Cmd{f.wait()}
		if !f.snapBusy {
			cmds = append(cmds, f.snapshot())
		}
		if !f.settling {
			cmds = append(cmds, f.settle(settleFirst, settleFirstLook))
		}
		return tea.Batch(cmds...), true
	case snapshotMsg:
		if m.lab != f.lab {
			return nil, m.to == f.to
		}
		f.snapBusy = false
		f.socks, f.wire, f.snapped = m.socks, m.wire, true
		return nil, true
	case settleMsg:
		if m.lab != f.lab {
			return nil, m.to == f.to
		}
		f.settling = false
		var cmds []tea.Cmd
		if !f.snapBusy {
			cmds = append(cmds, f.snapshot())
		}
		switch {
		case m.gen != f.gen:
			// Still busy: look again shortly.
			cmds = append(cmds, f.settle(settleFirst, settleFirstLook))
		case m.round != settleLastLook:
			cmds = append(cmds, f.settle(settleLast, settleLastLook))
		case f.poll > 0 && len(f.clients) > 0:
			cmds = append(cmds, f.settle(f.poll, settleLastLook))
		}
		// After the last look, nothing is scheduled: an idle lab costs no CPU
		// (a remote one looks once per poll while its clients run).
		return tea.Batch(cmds...), true
	}
	return nil, false
}

func (f *labFeed) add(evs []netlab.Event) {
	for _, e := range evs {
		f.total++
		switch e.Kind {
		case netlab.KindLab:
			f.labChange(e)
			if e.Op != netlab.OpWire {
				continue
			}
			// The wire's status is a row of the ladder: why there are (or
			// are no) arrows, and how to get them.
		case netlab.KindPending:
			f.pending = append(f.pending, e)
			continue
		case netlab.KindBlocked:
			f.pending = removeCall(f.pending, e.CallID)
			f.blocked = append(f.blocked, e)
			// A connect that waits has already sent its SYN: that is a row
			// of the conversation (before the accept that answers it), not
			// only a live marker.
			if e.Op != netlab.OpConnect {
				continue
			}
		case netlab.KindCall:
			f.pending = removeCall(f.pending, e.CallID)
			f.blocked = removeCall(f.blocked, e.CallID)
		}
		f.history = append(f.history, e)
	}
	// Trim only once the history is twice the cap, so a flood pays for one
	// copy per historyCap events instead of one per batch.
	if over := len(f.history) - historyCap; over > historyCap {
		// Drop from the old end in one copy; the count is shown on screen.
		f.trimmed += uint64(over)
		f.history = append(f.history[:0:0], f.history[over:]...)
	}
}

// labChange follows a change of the lab: a client started or ended, step
// mode switched.
func (f *labFeed) labChange(e netlab.Event) {
	switch e.Op {
	case netlab.OpActorStart:
		f.clients = append(f.clients, e.Actor)
	case netlab.OpActorEnd:
		for i, c := range f.clients {
			if c == e.Actor {
				f.clients = append(f.clients[:i:i], f.clients[i+1:]...)
				break
			}
		}
		if f.ended == nil {
			f.ended = map[string]string{}
		}
		f.ended[e.Actor] = e.Note
		f.lastEnded = e.Note
	case netlab.OpStepMode:
		f.stepping = e.Result == 1
	}
}

// removeCall drops the event of call id from list (pending and blocked
// events are matched with their call's later events by CallID alone).
func removeCall(list []netlab.Event, id netlab.CallID) []netlab.Event {
	for i, e := range list {
		if e.CallID == id {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// lost is how many events are not in the history (trimmed or dropped).
func (f *labFeed) lost() uint64 { return f.trimmed + f.dropped }

// close ends the subscription (the lab itself belongs to the pane).
func (f *labFeed) close() { f.sub.Close() }

// liveClients are the lab's running clients (none before the feed starts).
func (f *labFeed) liveClients() []string {
	if f == nil {
		return nil
	}
	return f.clients
}

// inStep reports whether the lab said it is in step mode.
func (f *labFeed) inStep() bool { return f != nil && f.stepping }
