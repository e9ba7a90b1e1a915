package feed

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/common"
)

// Tuning of the event feed. frame is how long the feed waits after the first
// event of a burst before draining, so a flood arrives as ~60 messages a
// second however many events it holds.
const (
	feedBatchMax = 4096
	feedFrame    = 16 * time.Millisecond
	feedSubBuf   = 8192
	HistoryCap   = 2000                   // events a Feed keeps; older ones are let go of (Lost counts them)
	settleFirst  = 100 * time.Millisecond // catches FIN_WAIT1 -> FIN_WAIT2
	settleLast   = time.Second            // catches TIME_WAIT, CLOSE_WAIT
)

// EventsMsg is sent when a batch of events arrived from a lab's log.
type EventsMsg struct {
	to      common.PaneID
	lab     *netlab.Lab
	events  []event.Event
	dropped uint64 // the subscription's drop count so far
}

// snapshotMsg is sent when a Snapshot of the lab's sockets was taken.
type snapshotMsg struct {
	to    common.PaneID
	lab   *netlab.Lab
	socks []sock.SockInfo
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

func (m EventsMsg) Target() common.PaneID   { return m.to }
func (m snapshotMsg) Target() common.PaneID { return m.to }
func (m settleMsg) Target() common.PaneID   { return m.to }

// Feed follows one lab for a pane: a bounded history of its events, the
// calls pending at the step gate or blocked in the kernel, and the latest
// kernel snapshot. It is a plain value the pane owns; its commands do the
// waiting and the kernel reads, its Update only records what came back.
type Feed struct {
	To  common.PaneID
	lab *netlab.Lab
	sub *event.Sub

	History []event.Event // newest last, at most HistoryCap
	trimmed uint64        // events this feed let go of
	dropped uint64        // events the subscription missed
	Total   uint64        // events received

	Pending []event.Event // KindPending not yet resolved, oldest first
	Blocked []event.Event // KindBlocked not yet resolved

	// Clients are the lab's running clients, oldest first, and ended says
	// why each client that ended did; Stepping is the lab's mode. All three
	// follow the lab's own events in the log (KindLab).
	Clients   []string
	ended     map[string]string
	LastEnded string // the newest OpActorEnd's note
	Stepping  bool

	Socks    []sock.SockInfo
	Wire     netlab.WireStatus // the lab's capture, read with the sockets
	Snapped  bool              // a snapshot arrived
	gen      uint64            // bumps with every batch
	snapBusy bool              // a snapshot command is running
	settling bool              // a settle timer is running
	// Poll, when set, keeps reading the sockets' states at this interval
	// while a client runs: a remote server changes them (its FIN makes
	// ours CLOSE_WAIT) without any call of ours to follow.
	Poll time.Duration
}

// New subscribes to lab's log. Call Start for the first command.
func New(to common.PaneID, lab *netlab.Lab) *Feed {
	f := &Feed{To: to, lab: lab, sub: lab.Log.Subscribe(feedSubBuf)}
	// What the lab logged while it was made (the wire's status) came
	// before the subscription; nothing else runs yet, so it is all of it.
	f.Add(lab.Log.Events())
	return f
}

// wait returns the command that delivers the next batch of events.
func (f *Feed) wait() tea.Cmd {
	lab, sub, to := f.lab, f.sub, f.To
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
		return EventsMsg{to: to, lab: lab, events: evs, dropped: sub.Dropped()}
	}
}

func (f *Feed) snapshot() tea.Cmd {
	f.snapBusy = true
	lab, to, gen := f.lab, f.To, f.gen
	return func() tea.Msg {
		return snapshotMsg{to: to, lab: lab, socks: lab.Snapshot(), wire: lab.Wire(), gen: gen}
	}
}

func (f *Feed) settle(d time.Duration, round settleRound) tea.Cmd {
	f.settling = true
	lab, to, gen := f.lab, f.To, f.gen
	return tea.Tick(d, func(time.Time) tea.Msg { return settleMsg{to: to, lab: lab, gen: gen, round: round} })
}

// Start returns the first commands: wait for events, read the kernel once.
func (f *Feed) Start() tea.Cmd { return tea.Batch(f.wait(), f.snapshot()) }

// Update records a feed message; ok is false when msg is not for this feed.
func (f *Feed) Update(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch m := msg.(type) {
	case EventsMsg:
		if m.lab != f.lab {
			return nil, m.to == f.To
		}
		f.Add(m.events)
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
			return nil, m.to == f.To
		}
		f.snapBusy = false
		f.Socks, f.Wire, f.Snapped = m.socks, m.wire, true
		return nil, true
	case settleMsg:
		if m.lab != f.lab {
			return nil, m.to == f.To
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
		case f.Poll > 0 && len(f.Clients) > 0:
			cmds = append(cmds, f.settle(f.Poll, settleLastLook))
		}
		// After the last look, nothing is scheduled: an idle lab costs no CPU
		// (a remote one looks once per poll while its clients run).
		return tea.Batch(cmds...), true
	}
	return nil, false
}

// Add records events as if they had come from the lab's log, in order:
// the history, the pending and blocked calls, the clients (tests and
// benchmarks feed made-up events this way).
func (f *Feed) Add(evs []event.Event) {
	for _, e := range evs {
		f.Total++
		switch e.Kind {
		case event.KindLab:
			f.labChange(e)
			if e.Op != event.OpWire {
				continue
			}
			// The wire's status is a row of the ladder: why there are (or
			// are no) arrows, and how to get them.
		case event.KindPending:
			f.Pending = append(f.Pending, e)
			continue
		case event.KindBlocked:
			f.Pending = removeCall(f.Pending, e.CallID)
			f.Blocked = append(f.Blocked, e)
			// A connect that waits has already sent its SYN: that is a row
			// of the conversation (before the accept that answers it), not
			// only a live marker.
			if e.Op != event.OpConnect {
				continue
			}
		case event.KindCall:
			f.Pending = removeCall(f.Pending, e.CallID)
			f.Blocked = removeCall(f.Blocked, e.CallID)
		}
		f.History = append(f.History, e)
	}
	// Trim only once the history is twice the cap, so a flood pays for one
	// copy per HistoryCap events instead of one per batch.
	if over := len(f.History) - HistoryCap; over > HistoryCap {
		// Drop from the old end in one copy; the count is shown on screen.
		f.trimmed += uint64(over)
		f.History = append(f.History[:0:0], f.History[over:]...)
	}
}

// labChange follows a change of the lab: a client started or ended, step
// mode switched.
func (f *Feed) labChange(e event.Event) {
	switch e.Op {
	case event.OpActorStart:
		f.Clients = append(f.Clients, e.Actor)
	case event.OpActorEnd:
		for i, c := range f.Clients {
			if c == e.Actor {
				f.Clients = append(f.Clients[:i:i], f.Clients[i+1:]...)
				break
			}
		}
		if f.ended == nil {
			f.ended = map[string]string{}
		}
		f.ended[e.Actor] = e.Note
		f.LastEnded = e.Note
	case event.OpStepMode:
		f.Stepping = e.Result == 1
	}
}

// removeCall drops the event of call id from list (pending and blocked
// events are matched with their call's later events by CallID alone).
func removeCall(list []event.Event, id event.CallID) []event.Event {
	for i, e := range list {
		if e.CallID == id {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// Lost is how many events are not in the history (trimmed or dropped).
func (f *Feed) Lost() uint64 { return f.trimmed + f.dropped }

// Close ends the subscription (the lab itself belongs to the pane).
func (f *Feed) Close() { f.sub.Close() }

// LiveClients are the lab's running clients (none before the feed starts).
func (f *Feed) LiveClients() []string {
	if f == nil {
		return nil
	}
	return f.Clients
}

// InStep reports whether the lab said it is in step mode.
func (f *Feed) InStep() bool { return f != nil && f.Stepping }

// Ended reports whether actor's end (OpActorEnd) has reached the feed.
func (f *Feed) Ended(actor string) bool {
	_, ok := f.ended[actor]
	return ok
}
