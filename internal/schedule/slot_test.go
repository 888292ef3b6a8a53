package schedule

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

// every returns n times from start, gap apart.
func every(start time.Time, gap time.Duration, n int) []time.Time {
	ts := make([]time.Time, n)
	for i := range ts {
		ts[i] = start.Add(time.Duration(i) * gap)
	}
	return ts
}

func TestNextSlot(t *testing.T) {
	ny, tokyo, berlin, london := zone(t, "America/New_York"), zone(t, "Asia/Tokyo"), zone(t, "Europe/Berlin"), zone(t, "Europe/London")
	sunday := func(p *Policy) { p.Days = []time.Weekday{time.Sunday} }
	window := func(s string) func(*Policy) {
		return func(p *Policy) {
			w, err := ParseWindow(s)
			if err != nil {
				t.Fatal(err)
			}
			p.Window = w
		}
	}

	for _, tc := range []struct {
		name      string
		home      *time.Location // the user's zone; New York when nil
		recipient *time.Location
		country   string
		policy    []func(*Policy)
		now       time.Time
		planned   []time.Time
		want      time.Time // with no jitter
	}{
		// The brief's example: a Saturday request goes out on Tuesday morning.
		{name: "saturday to tuesday, new york", recipient: ny,
			now: wall(t, ny, "2026-11-21 10:00"), want: wall(t, ny, "2026-11-24 09:00")},
		{name: "saturday to tuesday, tokyo recipient of a new york user", recipient: tokyo,
			now: wall(t, ny, "2026-11-21 10:00"), want: wall(t, tokyo, "2026-11-24 09:00")},
		{name: "nil recipient falls back to the user's zone", recipient: nil,
			now: wall(t, ny, "2026-11-21 10:00").UTC(), want: wall(t, ny, "2026-11-24 09:00")},
		{name: "inside the window: now", recipient: ny,
			now: wall(t, ny, "2026-11-24 10:17:42"), want: wall(t, ny, "2026-11-24 10:17:42")},
		{name: "before the window: its start", recipient: ny,
			now: wall(t, ny, "2026-11-24 06:00"), want: wall(t, ny, "2026-11-24 09:00")},
		{name: "ranked days: monday goes to tuesday, the first ranked", recipient: ny,
			now: wall(t, ny, "2026-11-23 10:00"), want: wall(t, ny, "2026-11-24 09:00")},
		{name: "ranked days out of order still take the earliest", recipient: ny,
			policy: []func(*Policy){func(p *Policy) { p.Days = []time.Weekday{time.Wednesday, time.Tuesday} }},
			now:    wall(t, ny, "2026-11-21 10:00"), want: wall(t, ny, "2026-11-24 09:00")},

		// A missed slot moves to the next allowed day, it is not caught up.
		{name: "missed tuesday window goes to wednesday", recipient: ny,
			now: wall(t, ny, "2026-11-24 11:45"), want: wall(t, ny, "2026-11-25 09:00")},
		{name: "window end is exclusive", recipient: ny,
			now: wall(t, ny, "2026-11-24 11:30"), want: wall(t, ny, "2026-11-25 09:00")},
		{name: "missed wednesday window goes to next tuesday", recipient: ny,
			now: wall(t, ny, "2026-11-25 11:31"), want: wall(t, ny, "2026-12-01 09:00")},

		// Holidays on preferred days.
		{name: "US Christmas on a Tuesday", recipient: ny, country: "US",
			now: wall(t, ny, "2029-12-22 10:00"), want: wall(t, ny, "2029-12-26 09:00")},
		{name: "US New Year on a Tuesday", recipient: ny, country: "US",
			now: wall(t, ny, "2029-12-31 12:00"), want: wall(t, ny, "2030-01-02 09:00")},
		{name: "no calendar: Christmas is a day like another", recipient: ny, country: "",
			now: wall(t, ny, "2029-12-22 10:00"), want: wall(t, ny, "2029-12-25 09:00")},
		{name: "GB: Christmas, Boxing Day and New Year on Tue/Wed", home: london, recipient: london, country: "GB",
			now: wall(t, london, "2029-12-22 10:00"), want: wall(t, london, "2030-01-02 09:00")},
		{name: "GB: Boxing Day substitute on Tuesday 28 Dec 2027", home: london, recipient: london, country: "GB",
			now: wall(t, london, "2027-12-25 10:00"), want: wall(t, london, "2027-12-29 09:00")},
		{name: "holiday read on the recipient's date", recipient: tokyo, country: "US",
			// Tue 1 Jan 2030 09:00 in Tokyo is still 31 Dec in New York, but
			// it is New Year's Day where the mail lands.
			now: wall(t, ny, "2029-12-29 10:00"), want: wall(t, tokyo, "2030-01-02 09:00")},

		// DST: windows are wall-clock times in the recipient's zone.
		{name: "new york, tuesday after spring-forward", recipient: ny,
			now: wall(t, ny, "2026-03-07 10:00"), want: utc(t, "2026-03-10T13:00:00Z")},
		{name: "new york, tuesday after fall-back", recipient: ny,
			now: wall(t, ny, "2026-10-31 10:00"), want: utc(t, "2026-11-03T14:00:00Z")},
		{name: "berlin, tuesday after spring-forward", home: berlin, recipient: berlin,
			now: wall(t, berlin, "2026-03-28 10:00"), want: utc(t, "2026-03-31T07:00:00Z")},
		{name: "berlin, tuesday after fall-back", home: berlin, recipient: berlin,
			now: wall(t, berlin, "2026-10-24 10:00"), want: utc(t, "2026-10-27T08:00:00Z")},
		{name: "berlin recipient of a new york user across the weeks the zones disagree", recipient: berlin,
			// 2026-03-10: New York is on EDT, Berlin still on CET.
			now: wall(t, ny, "2026-03-09 12:00"), want: utc(t, "2026-03-10T08:00:00Z")},
		{name: "new york spring-forward day, window starts in the skipped hour", recipient: ny,
			policy: []func(*Policy){sunday, window("02:00-03:30")},
			now:    wall(t, ny, "2026-03-07 10:00"), want: utc(t, "2026-03-08T07:00:00Z")}, // 03:00 EDT
		{name: "new york spring-forward day, now inside the window", recipient: ny,
			policy: []func(*Policy){sunday, window("01:00-03:30")},
			now:    utc(t, "2026-03-08T06:59:00Z"), want: utc(t, "2026-03-08T06:59:00Z")}, // 01:59 EST
		{name: "new york spring-forward day, window wholly skipped: next sunday", recipient: ny,
			policy: []func(*Policy){sunday, window("02:15-02:45")},
			now:    wall(t, ny, "2026-03-07 10:00"), want: wall(t, ny, "2026-03-15 02:15")},
		{name: "new york fall-back day, window starts in the repeated hour", recipient: ny,
			policy: []func(*Policy){sunday, window("01:30-03:00")},
			now:    wall(t, ny, "2026-10-31 10:00"), want: utc(t, "2026-11-01T05:30:00Z")}, // first 01:30, EDT
		{name: "new york fall-back day, now in the second 01:10", recipient: ny,
			policy: []func(*Policy){sunday, window("01:00-02:00")},
			now:    utc(t, "2026-11-01T06:10:00Z"), want: utc(t, "2026-11-01T06:10:00Z")}, // 01:10 EST
		{name: "berlin spring-forward day, window starts in the skipped hour", home: berlin, recipient: berlin,
			policy: []func(*Policy){sunday, window("02:30-04:00")},
			now:    wall(t, berlin, "2026-03-28 10:00"), want: utc(t, "2026-03-29T01:00:00Z")}, // 03:00 CEST
		{name: "berlin fall-back day, window starts in the repeated hour", home: berlin, recipient: berlin,
			policy: []func(*Policy){sunday, window("02:30-04:00")},
			now:    wall(t, berlin, "2026-10-24 10:00"), want: utc(t, "2026-10-25T00:30:00Z")}, // first 02:30, CEST
		{name: "berlin fall-back day, just after the first pass ends", home: berlin, recipient: berlin,
			policy: []func(*Policy){sunday, window("02:30-04:00")},
			now:    utc(t, "2026-10-25T02:59:00Z"), want: utc(t, "2026-10-25T02:59:00Z")}, // 03:59 CET

		// The daily cap, counted per day in the sender's zone.
		{name: "21st send of a day goes to the next allowed day", recipient: ny,
			now: wall(t, ny, "2026-11-24 08:00"), planned: every(wall(t, ny, "2026-11-24 09:00"), 5*time.Minute, 20),
			want: wall(t, ny, "2026-11-25 09:00")},
		{name: "20th send of a day still goes that day", recipient: ny,
			now: wall(t, ny, "2026-11-24 08:00"), planned: every(wall(t, ny, "2026-11-24 09:00"), 3*time.Minute, 19),
			want: wall(t, ny, "2026-11-24 09:56")}, // 09:00 + 18*3m + 2m
		{name: "a gap between planned sends is used", recipient: ny,
			now: wall(t, ny, "2026-11-24 08:00"), planned: every(wall(t, ny, "2026-11-24 09:00"), 5*time.Minute, 19),
			want: wall(t, ny, "2026-11-24 09:02")},
		{name: "sends made earlier today count", recipient: tokyo,
			// 20 sends this Tuesday to other zones fill the New York day.
			now: wall(t, ny, "2026-11-24 12:00"), planned: every(wall(t, ny, "2026-11-24 06:00"), 5*time.Minute, 20),
			// Tokyo Wed 09:00 is Tue 19:00 in New York: still full; Tokyo
			// Tue next week is the next allowed day.
			want: wall(t, tokyo, "2026-12-01 09:00")},
		{name: "cap counts the sender's day, not the recipient's", recipient: tokyo,
			// 20 sends on Monday 23 in New York fill the day the Tokyo
			// Tuesday-morning send falls on (Mon 19:00 New York).
			now: wall(t, ny, "2026-11-21 10:00"), planned: every(wall(t, ny, "2026-11-23 09:00"), 5*time.Minute, 20),
			want: wall(t, tokyo, "2026-11-25 09:00")},
		{name: "a full recipient day in another zone does not block", recipient: tokyo,
			// Tuesday 24 in New York is full, but Tokyo's Tuesday morning is
			// Monday evening in New York.
			now: wall(t, ny, "2026-11-21 10:00"), planned: every(wall(t, ny, "2026-11-24 09:00"), 5*time.Minute, 20),
			want: wall(t, tokyo, "2026-11-24 09:00")},
		{name: "custom limit of 3", recipient: ny,
			policy: []func(*Policy){func(p *Policy) { p.DailyLimit = 3 }},
			now:    wall(t, ny, "2026-11-24 08:00"), planned: every(wall(t, ny, "2026-11-24 09:00"), 10*time.Minute, 3),
			want: wall(t, ny, "2026-11-25 09:00")},

		// Spacing: at least Spacing.Min from any planned send, before or after.
		{name: "after a planned send", recipient: ny,
			now: wall(t, ny, "2026-11-21 10:00"), planned: []time.Time{wall(t, ny, "2026-11-24 09:00")},
			want: wall(t, ny, "2026-11-24 09:02")},
		{name: "before a planned send that is too close", recipient: ny,
			now: wall(t, ny, "2026-11-24 09:00"), planned: []time.Time{wall(t, ny, "2026-11-24 09:01")},
			want: wall(t, ny, "2026-11-24 09:03")},
		{name: "before a planned send far enough", recipient: ny,
			now: wall(t, ny, "2026-11-24 09:00"), planned: []time.Time{wall(t, ny, "2026-11-24 09:05")},
			want: wall(t, ny, "2026-11-24 09:00")},
		{name: "exactly the minimum gap is enough", recipient: ny,
			now: wall(t, ny, "2026-11-24 09:00"), planned: []time.Time{wall(t, ny, "2026-11-24 09:02")},
			want: wall(t, ny, "2026-11-24 09:00")},
		{name: "a chain of sends", recipient: ny,
			now: wall(t, ny, "2026-11-24 09:00"), planned: every(wall(t, ny, "2026-11-24 09:00"), 2*time.Minute, 5),
			want: wall(t, ny, "2026-11-24 09:10")},
		{name: "a send a minute ago", recipient: ny,
			now: wall(t, ny, "2026-11-24 10:00"), planned: []time.Time{wall(t, ny, "2026-11-24 09:59")},
			want: wall(t, ny, "2026-11-24 10:01")},
		{name: "spacing pushes past the window end", recipient: ny,
			now: wall(t, ny, "2026-11-24 11:29"), planned: []time.Time{wall(t, ny, "2026-11-24 11:29")},
			want: wall(t, ny, "2026-11-25 09:00")},
		{name: "unsorted planned times", recipient: ny,
			now:     wall(t, ny, "2026-11-24 09:00"),
			planned: []time.Time{wall(t, ny, "2026-11-24 09:02"), wall(t, ny, "2026-11-24 09:00"), wall(t, ny, "2026-11-24 09:04")},
			want:    wall(t, ny, "2026-11-24 09:06")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := tc.home
			if home == nil {
				home = ny
			}
			p := DefaultPolicy(home)
			for _, f := range tc.policy {
				f(&p)
			}
			got, err := NextSlot(tc.now, tc.recipient, p, mustCalendar(t, tc.country), tc.planned, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("NextSlot = %s (%s), want %s (%s)", got, got.UTC().Format(time.RFC3339), tc.want, tc.want.UTC().Format(time.RFC3339))
			}
			wantLoc := tc.recipient
			if wantLoc == nil {
				wantLoc = home
			}
			if got.Location() != wantLoc {
				t.Errorf("result in %v, want the recipient's zone %v", got.Location(), wantLoc)
			}
			// The Plan form agrees with the slice form.
			if got2, err := NewPlan(tc.planned).NextSlot(tc.now, tc.recipient, p, mustCalendar(t, tc.country), nil); err != nil || !got2.Equal(got) {
				t.Errorf("Plan.NextSlot = %s, %v; NextSlot = %s", got2, err, got)
			}
		})
	}
}

// TestNextSlotJitter checks the random gap: deterministic for a seed, within
// Spacing, and clamped so that no rule is broken.
func TestNextSlotJitter(t *testing.T) {
	ny := zone(t, "America/New_York")
	p := DefaultPolicy(ny)
	var c Calendar
	seed := func(n uint64) *rand.Rand { return rand.New(rand.NewPCG(n, 42)) }

	for _, tc := range []struct {
		name     string
		now      time.Time
		planned  []time.Time
		lo, hi   time.Time // inclusive bounds on the result
		mustVary bool
	}{
		{name: "window start", now: wall(t, ny, "2026-11-21 10:00"),
			lo: wall(t, ny, "2026-11-24 09:00"), hi: wall(t, ny, "2026-11-24 09:04"), mustVary: true},
		{name: "after a send: gap within 2m-6m", now: wall(t, ny, "2026-11-21 10:00"),
			planned: []time.Time{wall(t, ny, "2026-11-24 09:30")},
			lo:      wall(t, ny, "2026-11-24 09:00"), hi: wall(t, ny, "2026-11-24 09:04"), mustVary: true},
		{name: "clamped by a later send", now: wall(t, ny, "2026-11-21 10:00"),
			planned: []time.Time{wall(t, ny, "2026-11-24 09:03")},
			lo:      wall(t, ny, "2026-11-24 09:00"), hi: wall(t, ny, "2026-11-24 09:01")},
		{name: "clamped by the window end", now: wall(t, ny, "2026-11-24 11:29"),
			lo: wall(t, ny, "2026-11-24 11:29"), hi: wall(t, ny, "2026-11-24 11:29:59")},
		{name: "gap after a send", now: wall(t, ny, "2026-11-24 09:00"),
			planned: []time.Time{wall(t, ny, "2026-11-24 09:00")},
			lo:      wall(t, ny, "2026-11-24 09:02"), hi: wall(t, ny, "2026-11-24 09:06"), mustVary: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[time.Time]bool{}
			for s := range uint64(50) {
				got, err := NextSlot(tc.now, ny, p, c, tc.planned, seed(s))
				if err != nil {
					t.Fatal(err)
				}
				if got.Before(tc.lo) || got.After(tc.hi) {
					t.Fatalf("seed %d: %s outside [%s, %s]", s, got, tc.lo, tc.hi)
				}
				again, _ := NextSlot(tc.now, ny, p, c, tc.planned, seed(s))
				if !again.Equal(got) {
					t.Fatalf("seed %d not deterministic: %s then %s", s, got, again)
				}
				seen[got] = true
			}
			if tc.mustVary && len(seen) < 10 {
				t.Errorf("only %d distinct results from 50 seeds", len(seen))
			}
		})
	}
}

// TestReserveBatch plans a queue the way the daemon does after an import:
// 45 contacts from a Saturday, one Reserve each.
func TestReserveBatch(t *testing.T) {
	ny, tokyo := zone(t, "America/New_York"), zone(t, "Asia/Tokyo")
	p := DefaultPolicy(ny)
	c := mustCalendar(t, "US")
	rng := rand.New(rand.NewPCG(7, 7))
	now := wall(t, ny, "2026-11-21 10:00")
	plan := NewPlan(nil)
	perDay := map[string]int{}
	for i := range 45 {
		loc := ny
		if i%5 == 4 {
			loc = tokyo // a few recipients elsewhere
		}
		got, err := plan.Reserve(now, loc, p, c, rng)
		if err != nil {
			t.Fatal(err)
		}
		if !InWindow(got, loc, p, c) {
			t.Errorf("contact %d: %s is outside an allowed window in %v", i, got, loc)
		}
		perDay[got.In(ny).Format("2006-01-02")]++
	}
	for day, n := range perDay {
		if n > p.DailyLimit {
			t.Errorf("%s: %d sends, cap %d", day, n, p.DailyLimit)
		}
	}
	ts := plan.Times()
	if len(ts) != 45 {
		t.Fatalf("plan holds %d times", len(ts))
	}
	for i := 1; i < len(ts); i++ {
		if gap := ts[i].Sub(ts[i-1]); gap < p.Spacing.Min {
			t.Errorf("sends %s and %s only %s apart", ts[i-1], ts[i], gap)
		}
	}
	// New York recipients fill Tuesday 24 before anything goes on Wednesday.
	if perDay["2026-11-24"] != 20 {
		t.Errorf("per New York day: %v; want Tuesday 24 full", perDay)
	}
}

func TestNextSlotErrors(t *testing.T) {
	ny := zone(t, "America/New_York")
	now := wall(t, ny, "2026-11-21 10:00")
	p := DefaultPolicy(ny)
	p.DailyLimit = 0
	if _, err := NextSlot(now, ny, p, Calendar{}, nil, nil); err == nil {
		t.Error("invalid policy accepted")
	}
	never := func(date) bool { return false }
	if _, _, err := openWindow(now, ny, p.Window, never); !errors.Is(err, ErrNoSlot) {
		t.Errorf("openWindow with no allowed day: %v, want ErrNoSlot", err)
	}
}

func TestNextPreferredSlot(t *testing.T) {
	ny, tokyo := zone(t, "America/New_York"), zone(t, "Asia/Tokyo")
	p := DefaultPolicy(ny)
	us := mustCalendar(t, "US")
	sent := wall(t, ny, "2026-11-24 09:12")
	// A follow-up 7 business days after a Tuesday send is due Friday 4
	// December and goes out on the next preferred day.
	due := us.Add(sent, MustSpan("7bd"))
	for _, tc := range []struct {
		name string
		t    time.Time
		loc  *time.Location
		want time.Time
	}{
		{"follow-up due on a friday", due, ny, wall(t, ny, "2026-12-08 09:00")},
		{"due inside a tuesday window", wall(t, ny, "2026-12-08 10:00"), ny, wall(t, ny, "2026-12-08 10:00")},
		{"due after the window", wall(t, ny, "2026-12-08 12:00"), ny, wall(t, ny, "2026-12-09 09:00")},
		{"tokyo recipient", due, tokyo, wall(t, tokyo, "2026-12-08 09:00")},
		{"nil zone is the user's", due.UTC(), nil, wall(t, ny, "2026-12-08 09:00")},
		{"holiday", wall(t, ny, "2029-12-22 10:00"), ny, wall(t, ny, "2029-12-26 09:00")},
	} {
		got, err := NextPreferredSlot(tc.t, tc.loc, p, us)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%s: NextPreferredSlot = %s, %v; want %s", tc.name, got, err, tc.want)
		}
	}
}

func TestNextBusinessSlot(t *testing.T) {
	ny := zone(t, "America/New_York")
	us := mustCalendar(t, "US")
	w := Window{Start: 9 * 60, End: 17 * 60}
	for _, tc := range []struct{ t, want string }{
		{"2026-11-21 10:00", "2026-11-23 09:00"}, // Saturday to Monday
		{"2026-11-25 18:00", "2026-11-27 09:00"}, // over Thanksgiving
		{"2026-11-27 12:34", "2026-11-27 12:34"}, // in the window
	} {
		got, err := NextBusinessSlot(wall(t, ny, tc.t), ny, w, us)
		if want := wall(t, ny, tc.want); err != nil || !got.Equal(want) {
			t.Errorf("NextBusinessSlot(%s) = %s, %v; want %s", tc.t, got, err, want)
		}
	}
	if _, err := NextBusinessSlot(wall(t, ny, "2026-11-21 10:00"), ny, Window{}, us); err == nil {
		t.Error("empty window accepted")
	}
}

func TestNextWindowStart(t *testing.T) {
	ny := zone(t, "America/New_York")
	p := DefaultPolicy(ny)
	us := mustCalendar(t, "US")
	for _, tc := range []struct{ t, want string }{
		{"2026-11-21 10:00", "2026-11-24 09:00"},
		{"2026-11-24 09:00", "2026-11-24 09:00"}, // opening now
		{"2026-11-24 09:00:01", "2026-11-25 09:00"},
		{"2026-11-24 10:00", "2026-11-25 09:00"}, // open already: the next one
		{"2029-12-22 10:00", "2029-12-26 09:00"},
	} {
		got, err := NextWindowStart(wall(t, ny, tc.t), ny, p, us)
		if want := wall(t, ny, tc.want); err != nil || !got.Equal(want) {
			t.Errorf("NextWindowStart(%s) = %s, %v; want %s", tc.t, got, err, want)
		}
	}
}

func TestInWindow(t *testing.T) {
	ny, tokyo := zone(t, "America/New_York"), zone(t, "Asia/Tokyo")
	p := DefaultPolicy(ny)
	us := mustCalendar(t, "US")
	for _, tc := range []struct {
		t    time.Time
		loc  *time.Location
		want bool
	}{
		{wall(t, ny, "2026-11-24 09:00"), ny, true},
		{wall(t, ny, "2026-11-24 11:29:59"), ny, true},
		{wall(t, ny, "2026-11-24 11:30"), ny, false},
		{wall(t, ny, "2026-11-24 08:59"), ny, false},
		{wall(t, ny, "2026-11-26 10:00"), ny, false}, // Thursday
		{wall(t, ny, "2029-12-25 10:00"), ny, false}, // Christmas
		{wall(t, ny, "2026-11-23 19:30"), tokyo, true},
		{wall(t, ny, "2026-11-24 10:00"), tokyo, false},
	} {
		if got := InWindow(tc.t, tc.loc, p, us); got != tc.want {
			t.Errorf("InWindow(%s, %v) = %v, want %v", tc.t, tc.loc, got, tc.want)
		}
	}
}

func TestPlan(t *testing.T) {
	ny := zone(t, "America/New_York")
	a, b, c := wall(t, ny, "2026-11-24 09:00"), wall(t, ny, "2026-11-24 10:00"), wall(t, ny, "2026-11-24 11:00")
	in := []time.Time{c, a}
	pl := NewPlan(in)
	pl.Add(b)
	if in[0] != c {
		t.Error("NewPlan reordered the caller's slice")
	}
	got := pl.Times()
	if pl.Len() != 3 || !got[0].Equal(a) || !got[1].Equal(b) || !got[2].Equal(c) {
		t.Errorf("Times() = %v", got)
	}
}
