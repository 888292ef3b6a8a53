package outbox

import (
	"testing"
	"time"

	"rapport/internal/schedule"
)

// The gap after a send is drawn from the whole range, never outside it,
// and is the same for the same send (after a restart).
func TestGapAfterSpansTheRange(t *testing.T) {
	sp := schedule.Spacing{Min: 2 * time.Minute, Max: 6 * time.Minute}
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var lo, hi int
	for i := range 1000 {
		at := t0.Add(time.Duration(i) * 3 * time.Minute)
		g := gapAfter(at, sp)
		if g < sp.Min || g > sp.Max {
			t.Fatalf("gap %v outside %v", g, sp)
		}
		if g != gapAfter(at, sp) {
			t.Fatal("the gap after one send changed")
		}
		if g < 3*time.Minute {
			lo++
		}
		if g > 5*time.Minute {
			hi++
		}
	}
	if lo < 150 || hi < 150 {
		t.Errorf("gaps bunch: %d under 3m and %d over 5m of 1000 (want about 250 each)", lo, hi)
	}
	if g := gapAfter(t0, schedule.Spacing{Min: time.Minute, Max: time.Minute}); g != time.Minute {
		t.Errorf("a fixed spacing gave %v", g)
	}
}
