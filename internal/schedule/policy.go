package schedule

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Policy is when and how fast first requests go out.
type Policy struct {
	// Days are the preferred weekdays, best first. A slot is only ever
	// planned on one of them; NextSlot takes the earliest allowed slot, so
	// the order matters only as a tie-break (and for display).
	Days []time.Weekday
	// Window is the wall-clock send window in the recipient's time zone.
	Window Window
	// DailyLimit caps sends per calendar day in Home. The cap is a property
	// of the sender's mailbox (providers count per day where the mailbox
	// is), so it is counted in the sender's zone, not the recipient's.
	DailyLimit int
	// Spacing is the random gap between two sends.
	Spacing Spacing
	// Home is the sender's time zone; nil means the location of the time
	// passed as now.
	Home *time.Location
}

// DefaultPolicy is Tuesday then Wednesday, 09:00-11:30, 20 a day, 2 to 6
// minutes apart, with the daily cap counted in home.
func DefaultPolicy(home *time.Location) Policy {
	return Policy{
		Days:       []time.Weekday{time.Tuesday, time.Wednesday},
		Window:     Window{Start: 9 * 60, End: 11*60 + 30},
		DailyLimit: 20,
		Spacing:    Spacing{Min: 2 * time.Minute, Max: 6 * time.Minute},
		Home:       home,
	}
}

// Validate reports every problem with the policy.
func (p Policy) Validate() error {
	var errs []error
	if len(p.Days) == 0 {
		errs = append(errs, errors.New("no preferred days"))
	}
	for _, d := range p.Days {
		if d < time.Sunday || d > time.Saturday {
			errs = append(errs, fmt.Errorf("invalid weekday %d", d))
		}
	}
	if err := p.Window.validate(); err != nil {
		errs = append(errs, err)
	}
	if p.DailyLimit < 1 {
		errs = append(errs, fmt.Errorf("daily limit %d: must be at least 1", p.DailyLimit))
	}
	if err := p.Spacing.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (p Policy) home(now time.Time) *time.Location {
	if p.Home != nil {
		return p.Home
	}
	return now.Location()
}

func (p Policy) prefers(wd time.Weekday) bool { return slices.Contains(p.Days, wd) }

// weekdayNames are the English names ParseWeekdays matches prefixes of.
var weekdayNames = [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// ParseWeekday reads an English weekday, case-insensitive: the full name or
// any unambiguous prefix of at least two letters ("tu", "tue", "tues",
// "thurs", "wednesday").
func ParseWeekday(s string) (time.Weekday, error) {
	w := strings.ToLower(strings.TrimSpace(s))
	found := -1
	if len(w) >= 2 {
		for i, name := range weekdayNames {
			if strings.HasPrefix(name, w) {
				if found >= 0 {
					found = -2 // ambiguous; cannot happen with two letters, kept for safety
					break
				}
				found = i
			}
		}
	}
	if found < 0 {
		return 0, fmt.Errorf("invalid weekday %q (want mon, tue, wed, thu, fri, sat, sun or a full name)", s)
	}
	return time.Weekday(found), nil
}

// ParseWeekdays reads a ranked list of weekdays such as ["tue", "wed"],
// keeping the order. It reports every bad or repeated entry.
func ParseWeekdays(days []string) ([]time.Weekday, error) {
	if len(days) == 0 {
		return nil, errors.New("no days given (want e.g. [tue, wed])")
	}
	var out []time.Weekday
	var errs []error
	for _, s := range days {
		d, err := ParseWeekday(s)
		switch {
		case err != nil:
			errs = append(errs, err)
		case slices.Contains(out, d):
			errs = append(errs, fmt.Errorf("%s is listed twice", d))
		default:
			out = append(out, d)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// Window is a daily wall-clock window, Start inclusive, End exclusive.
type Window struct {
	Start, End Clock
}

// ParseWindow reads "09:00-11:30"; the start must be before the end (a
// window does not run past midnight; "24:00" may end it).
func ParseWindow(s string) (Window, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Window{}, fmt.Errorf("invalid window %q (want HH:MM-HH:MM, e.g. 09:00-11:30)", s)
	}
	var w Window
	var err error
	if w.Start, err = ParseClock(a); err != nil {
		return Window{}, fmt.Errorf("window %q: start: %w", s, err)
	}
	if w.End, err = ParseClock(b); err != nil {
		return Window{}, fmt.Errorf("window %q: end: %w", s, err)
	}
	if err := w.validate(); err != nil {
		return Window{}, fmt.Errorf("window %q: %w", s, err)
	}
	return w, nil
}

func (w Window) validate() error {
	if w.Start < 0 || w.End > endOfDay || w.Start >= w.End {
		return fmt.Errorf("start %s must be before end %s", w.Start, w.End)
	}
	return nil
}

func (w Window) String() string { return w.Start.String() + "-" + w.End.String() }

// Duration is the window's nominal length (ignoring DST changes).
func (w Window) Duration() time.Duration { return time.Duration(w.End-w.Start) * time.Minute }

// UnmarshalText lets config decoders read a Window from a string.
func (w *Window) UnmarshalText(b []byte) error {
	v, err := ParseWindow(string(b))
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// MarshalText writes the window in the form ParseWindow reads.
func (w Window) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// bounds is the window on date d in loc as instants [start, end). Both ends
// go through wallTime, so a window edge skipped by a spring-forward change
// becomes the transition instant, and the window can be empty only if it
// lies entirely inside the skipped hour.
func (w Window) bounds(d date, loc *time.Location) (start, end time.Time) {
	return wallTime(d, w.Start, loc), wallTime(d, w.End, loc)
}

// Spacing is the range the gap between two sends is drawn from.
type Spacing struct {
	Min, Max time.Duration
}

// ParseSpacing reads "2m-6m" (a range of Go durations) or a single
// duration such as "3m" (a fixed gap).
func ParseSpacing(s string) (Spacing, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Spacing{}, errors.New("empty spacing (want e.g. 2m-6m)")
	}
	a, b, isRange := strings.Cut(s, "-")
	if !isRange {
		b = a
	}
	lo, err := time.ParseDuration(strings.TrimSpace(a))
	if err != nil {
		return Spacing{}, fmt.Errorf("invalid spacing %q: %w (want e.g. 2m-6m)", s, err)
	}
	hi, err := time.ParseDuration(strings.TrimSpace(b))
	if err != nil {
		return Spacing{}, fmt.Errorf("invalid spacing %q: %w (want e.g. 2m-6m)", s, err)
	}
	sp := Spacing{Min: lo, Max: hi}
	if err := sp.validate(); err != nil {
		return Spacing{}, fmt.Errorf("spacing %q: %w", s, err)
	}
	return sp, nil
}

func (s Spacing) validate() error {
	if s.Min < 0 || s.Max < s.Min {
		return fmt.Errorf("spacing must be 0 <= min <= max (got %s-%s)", s.Min, s.Max)
	}
	return nil
}

func (s Spacing) String() string {
	if s.Min == s.Max {
		return s.Min.String()
	}
	return s.Min.String() + "-" + s.Max.String()
}

// UnmarshalText lets config decoders read a Spacing from a string.
func (s *Spacing) UnmarshalText(b []byte) error {
	v, err := ParseSpacing(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// MarshalText writes the spacing in the form ParseSpacing reads.
func (s Spacing) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// jitter draws a duration in [0, room] from rng: whole seconds (slots
// read well), or milliseconds when the room is under ten seconds (else a
// "1s-2s" spacing could only give 1 s or 2 s). A nil rng means no jitter,
// for callers that want the earliest instant.
func jitter(rng *rand.Rand, room time.Duration) time.Duration {
	unit := time.Second
	if room < 10*time.Second {
		unit = time.Millisecond
	}
	if rng == nil || room < unit {
		return 0
	}
	return time.Duration(rng.Int64N(int64(room/unit)+1)) * unit
}
