package service

import (
	"sync"
	"time"
)

// Bucket is a token bucket: it holds at most Burst tokens, gains Rate
// tokens a second, and each request takes one. A class server gives every
// client its own, so one student's loop spends only its own tokens and the
// others are answered as fast as ever. A Bucket belongs to the goroutine
// serving its connection: it has no lock.
type Bucket struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

// NewBucket returns a full bucket. A burst below 1 is taken as 1 (a request
// needs a whole token).
func NewBucket(rate, burst float64, now time.Time) *Bucket {
	burst = max(burst, 1)
	return &Bucket{rate: rate, burst: burst, tokens: burst, last: now}
}

func (b *Bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
}

// Allow takes a token if there is one, and reports whether it did.
func (b *Bucket) Allow(now time.Time) bool {
	b.refill(now)
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// Reserve takes a token, going into debt if needed, and returns how long to
// wait before the request it stands for may go on (0: at once). Requests
// that wait are spaced 1/Rate apart.
func (b *Bucket) Reserve(now time.Time) time.Duration { return b.ReserveN(now, 1) }

// ReserveN is Reserve for n tokens (a byte budget takes one per byte).
func (b *Bucket) ReserveN(now time.Time, n float64) time.Duration {
	b.refill(now)
	b.tokens -= n
	if b.tokens >= 0 || b.rate <= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

// full reports whether the bucket has refilled to its burst by now.
func (b *Bucket) full(now time.Time) bool {
	b.refill(now)
	return b.tokens >= b.burst
}

// budget is one student's byte budget, shared by all their connections
// (the cap is per student, not per connection: 50 connections must not
// mean 50 budgets). It is locked: several goroutines spend it.
type budget struct {
	mu   sync.Mutex
	b    *Bucket
	refs int // connections holding it; guarded by the Server's mu
}

// reserve takes n bytes from the budget and says how long to wait before
// sending them, so what a student receives never passes burst + rate×t.
func (g *budget) reserve(n int) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.b.ReserveN(time.Now(), float64(n))
}
