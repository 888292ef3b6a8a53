package mailbox

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	lo, hi := time.Second, 5*time.Minute
	zero := func() float64 { return 0 }
	one := func() float64 { return 0.999999 }
	for _, tt := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, 500 * time.Millisecond, time.Second},
		{1, time.Second, 2 * time.Second},
		{3, 4 * time.Second, 8 * time.Second},
		{8, 128 * time.Second, 256 * time.Second},
		{9, 150 * time.Second, 5 * time.Minute},
		{40, 150 * time.Second, 5 * time.Minute},
		{1000, 150 * time.Second, 5 * time.Minute},
	} {
		if got := backoff(tt.attempt, lo, hi, zero); got != tt.min {
			t.Errorf("backoff(%d) low = %v, want %v", tt.attempt, got, tt.min)
		}
		if got := backoff(tt.attempt, lo, hi, one); got > tt.max || got < tt.max-time.Millisecond {
			t.Errorf("backoff(%d) high = %v, want ~%v", tt.attempt, got, tt.max)
		}
	}
}
