package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Span is a configured length of time: a Go duration ("90s", "2h"), whole
// calendar days ("10d") or business days ("7bd"). Days are counted on the
// calendar, not as 24-hour blocks, so they stay right across DST changes.
type Span struct {
	D        time.Duration // for Go durations
	Days     int           // for Nd and Nbd
	Business bool          // Days are business days
}

// ParseSpan reads "90s", "2h30m", "10d" or "7bd".
func ParseSpan(s string) (Span, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Span{}, fmt.Errorf("empty duration")
	case strings.HasSuffix(s, "bd"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "bd"))
		if err != nil || n < 0 {
			return Span{}, fmt.Errorf("invalid business-day duration %q (want e.g. 7bd)", s)
		}
		return Span{Days: n, Business: true}, nil
	case strings.HasSuffix(s, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || n < 0 {
			return Span{}, fmt.Errorf("invalid day duration %q (want e.g. 10d)", s)
		}
		return Span{Days: n}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return Span{}, fmt.Errorf("invalid duration %q (want a Go duration like 2h, days like 10d, or business days like 7bd)", s)
	}
	return Span{D: d}, nil
}

// MustSpan is ParseSpan for constants; it panics on a bad literal.
func MustSpan(s string) Span {
	sp, err := ParseSpan(s)
	if err != nil {
		panic(err)
	}
	return sp
}

func (s Span) String() string {
	switch {
	case s.Business:
		return strconv.Itoa(s.Days) + "bd"
	case s.Days != 0:
		return strconv.Itoa(s.Days) + "d"
	}
	return s.D.String()
}

// IsZero reports whether the span is empty.
func (s Span) IsZero() bool { return s.D == 0 && s.Days == 0 }

// UnmarshalText lets config decoders read a Span from a string.
func (s *Span) UnmarshalText(b []byte) error {
	sp, err := ParseSpan(string(b))
	if err != nil {
		return err
	}
	*s = sp
	return nil
}

// MarshalText writes the span in the form ParseSpan reads.
func (s Span) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// AddTo returns t plus the span. Calendar days keep the wall-clock time in
// t's location. Business days skip days for which isBusinessDay is false
// (weekends when it is nil).
func (s Span) AddTo(t time.Time, isBusinessDay func(time.Time) bool) time.Time {
	if !s.Business {
		if s.Days != 0 {
			return t.AddDate(0, 0, s.Days)
		}
		return t.Add(s.D)
	}
	if isBusinessDay == nil {
		isBusinessDay = IsWeekday
	}
	for n := s.Days; n > 0; {
		t = t.AddDate(0, 0, 1)
		if isBusinessDay(t) {
			n--
		}
	}
	return t
}

// Approx is the span as a plain duration, for logs and rough comparisons.
func (s Span) Approx() time.Duration {
	switch {
	case s.Business:
		return time.Duration(s.Days) * 24 * time.Hour * 7 / 5
	case s.Days != 0:
		return time.Duration(s.Days) * 24 * time.Hour
	}
	return s.D
}

// IsWeekday reports whether t falls Monday to Friday in its own location.
func IsWeekday(t time.Time) bool {
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}
