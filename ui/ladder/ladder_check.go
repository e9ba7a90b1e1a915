package ladder

import "github.com/socklab/socklab/netlab/event"

// StateLeaks checks the rule over a history: a state shown on a line
// (a call's row or a state row) was read after every segment of its
// connection drawn above that line and before every one drawn below it.
func StateLeaks(events []event.Event) []string {
	lines := planLines(events, true, ladderDraws(true))
	var bad []string
	for i, l := range lines {
		e := shownEvent(events[l.ix], l)
		if !statesShown(e) || e.StateAt.IsZero() || !e.Remote.IsValid() || (!l.state && e.Kind != event.KindCall) {
			continue
		}
		for j, m := range lines {
			p := events[m.ix]
			if m.state || p.Kind != event.KindPacket || p.Pkt == nil || !sameConn(e, p.Pkt) {
				continue
			}
			if j > i && p.At.Before(e.StateAt) {
				bad = append(bad, e.Actor+" "+e.Op.String()+" shows "+e.State.String()+" above a segment captured before that state was read: "+p.Pkt.Seg.Summary())
			}
		}
	}
	return bad
}
