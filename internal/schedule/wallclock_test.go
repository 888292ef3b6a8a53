package schedule

import (
	"testing"
	"time"
)

func TestParseClock(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Clock
		ok   bool
	}{
		{"09:00", 540, true},
		{"9:30", 570, true},
		{" 23:59 ", 1439, true},
		{"00:00", 0, true},
		{"24:00", 1440, true},
		{"24:01", 0, false},
		{"25:00", 0, false},
		{"09:60", 0, false},
		{"09", 0, false},
		{"9:5", 0, false},
		{"+9:00", 0, false},
		{"-1:00", 0, false},
		{"009:00", 0, false},
		{"ab:cd", 0, false},
		{"", 0, false},
	} {
		got, err := ParseClock(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// TestWallTime pins how wall-clock times resolve on DST change days: a
// skipped time becomes the transition instant, a repeated one its first
// occurrence.
func TestWallTime(t *testing.T) {
	ny, berlin := zone(t, "America/New_York"), zone(t, "Europe/Berlin")
	santiago, lordHowe := zone(t, "America/Santiago"), zone(t, "Australia/Lord_Howe")
	for _, tc := range []struct {
		name string
		loc  *time.Location
		d    date
		c    string
		want string
	}{
		{"ny ordinary", ny, date{2026, 11, 24}, "09:00", "2026-11-24T14:00:00Z"},
		{"ny spring before gap", ny, date{2026, 3, 8}, "01:59", "2026-03-08T06:59:00Z"},
		{"ny spring gap start", ny, date{2026, 3, 8}, "02:00", "2026-03-08T07:00:00Z"},
		{"ny spring in gap", ny, date{2026, 3, 8}, "02:30", "2026-03-08T07:00:00Z"},
		{"ny spring after gap", ny, date{2026, 3, 8}, "03:00", "2026-03-08T07:00:00Z"},
		{"ny spring later", ny, date{2026, 3, 8}, "09:00", "2026-03-08T13:00:00Z"},
		{"ny fall repeated first", ny, date{2026, 11, 1}, "01:30", "2026-11-01T05:30:00Z"},
		{"ny fall after", ny, date{2026, 11, 1}, "02:00", "2026-11-01T07:00:00Z"},
		{"ny fall morning", ny, date{2026, 11, 1}, "09:00", "2026-11-01T14:00:00Z"},
		{"berlin spring in gap", berlin, date{2026, 3, 29}, "02:30", "2026-03-29T01:00:00Z"},
		{"berlin spring morning", berlin, date{2026, 3, 29}, "09:00", "2026-03-29T07:00:00Z"},
		{"berlin fall repeated first", berlin, date{2026, 10, 25}, "02:30", "2026-10-25T00:30:00Z"},
		{"berlin fall after", berlin, date{2026, 10, 25}, "03:00", "2026-10-25T02:00:00Z"},
		{"end of day", ny, date{2026, 11, 24}, "24:00", "2026-11-25T05:00:00Z"},
		// Chile springs forward at midnight: the day starts at 01:00.
		{"santiago midnight gap", santiago, date{2026, 9, 6}, "00:00", "2026-09-06T04:00:00Z"},
		// Lord Howe moves its clocks by half an hour.
		{"lord howe half-hour gap", lordHowe, date{2026, 10, 4}, "02:10", "2026-10-03T15:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseClock(tc.c)
			if err != nil {
				t.Fatal(err)
			}
			got := wallTime(tc.d, c, tc.loc)
			if want := utc(t, tc.want); !got.Equal(want) {
				t.Errorf("wallTime(%v, %s) = %s (%s); want %s", tc.d, tc.c, got.UTC().Format(time.RFC3339), got, tc.want)
			}
			if got.Location() != tc.loc {
				t.Errorf("result in %v, want %v", got.Location(), tc.loc)
			}
			// Whatever the day, the wall clock read back is never before
			// the one asked for (within the day).
			if tc.c != "24:00" && clockOf(got) < c && dateOf(got, tc.loc) == tc.d {
				t.Errorf("wall clock %s is before %s", clockOf(got), tc.c)
			}
		})
	}
}
