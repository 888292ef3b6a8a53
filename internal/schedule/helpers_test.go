package schedule

import (
	"testing"
	"time"
)

// zone loads a time zone or fails the test.
func zone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// wall reads "2006-01-02 15:04" (or with seconds) as a wall-clock time in loc.
func wall(tb testing.TB, loc *time.Location, s string) time.Time {
	tb.Helper()
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t
		}
	}
	tb.Fatalf("bad test time %q", s)
	return time.Time{}
}

// utc reads an RFC 3339 instant.
func utc(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatalf("bad test instant %q: %v", s, err)
	}
	return t
}

func mustCalendar(tb testing.TB, code string) Calendar {
	tb.Helper()
	c, err := NewCalendar(code)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
