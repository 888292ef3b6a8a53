package schedule

import (
	"math/rand/v2"
	"testing"
	"time"
)

// A small range is drawn in milliseconds, not just its two ends; a large
// one in whole seconds.
func TestJitterOfASmallRangeIsNotJustItsEnds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	inside := 0
	for range 200 {
		j := jitter(rng, time.Second)
		if j < 0 || j > time.Second {
			t.Fatalf("jitter %v outside [0, 1s]", j)
		}
		if j > 100*time.Millisecond && j < 900*time.Millisecond {
			inside++
		}
	}
	if inside < 100 {
		t.Errorf("%d of 200 draws strictly inside a 1 s range", inside)
	}
	for range 50 {
		if j := jitter(rng, 4*time.Minute); j%time.Second != 0 || j > 4*time.Minute {
			t.Fatalf("jitter %v for a 4m range", j)
		}
	}
}
