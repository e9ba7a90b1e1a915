package lessons

import "slices"

// slowFirst orders the built-in lessons for the tests that play them side
// by side, a few at a time: the ones that wait on the kernel's timers
// start first (lesson 8 waits ~1 s for a SYN to be sent again, and more;
// 12 and 9 wait on timeouts too), so that the last to start is not also
// the longest. Queued behind the others, lesson 8 ended its test ~2 s
// after the rest.
func slowFirst(ls []*Lesson) []int {
	slow := []string{"08-many-clients", "12-security", "09-closing"}
	order := make([]int, 0, len(ls))
	for _, id := range slow {
		if i := slices.IndexFunc(ls, func(l *Lesson) bool { return l.ID == id }); i >= 0 {
			order = append(order, i)
		}
	}
	for i, l := range ls {
		if !slices.Contains(slow, l.ID) {
			order = append(order, i)
		}
	}
	return order
}
