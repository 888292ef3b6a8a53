package schedule

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewCalendar(t *testing.T) {
	for _, tc := range []struct {
		in, code string
		err      bool
	}{
		{"", "", false},
		{"US", "US", false},
		{" us ", "US", false},
		{"gb", "GB", false},
		{"UK", "GB", false},
		{"de-by", "DE-BY", false},
		{"DE_BY", "DE-BY", false},
		{"AU", "AU", false},
		{"au-nsw", "AU-NSW", false},
		{"FR", "FR", false},
		{"CA", "CA", false},
		{"NL", "NL", false},
		{"JP", "JP", false},
		{"XX", "", true},
		{"USA", "", true},
		{"DE-XX", "", true},
	} {
		c, err := NewCalendar(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("NewCalendar(%q) error = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if err != nil {
			// The error names the supported codes, so a user can fix the config.
			for _, code := range []string{"US", "GB", "DE", "DE-BY", "AU", "FR"} {
				if !strings.Contains(err.Error(), code) {
					t.Errorf("error %q does not name %s", err, code)
				}
			}
			continue
		}
		if c.Country() != tc.code {
			t.Errorf("NewCalendar(%q).Country() = %q, want %q", tc.in, c.Country(), tc.code)
		}
	}
}

func TestSupportedCountriesAllLoad(t *testing.T) {
	codes := SupportedCountries()
	if len(codes) < 40 {
		t.Fatalf("only %d codes: %v", len(codes), codes)
	}
	for _, code := range codes {
		c, err := NewCalendar(code)
		if err != nil {
			t.Errorf("%s: %v", code, err)
			continue
		}
		// Every country has a public holiday on 1 January, or at least a
		// Christmas: a list that finds none is wired wrong.
		n := 0
		for d := (date{2026, 1, 1}); d.before(date{2027, 1, 1}); d = d.add(1) {
			if _, ok := c.holiday(d); ok {
				n++
			}
		}
		if n < 3 {
			t.Errorf("%s: only %d holidays in 2026", code, n)
		}
	}
}

func TestIsBusinessDay(t *testing.T) {
	ny := zone(t, "America/New_York")
	for _, tc := range []struct {
		country string
		day     string // in New York unless it is an RFC 3339 instant
		want    bool
	}{
		{"US", "2026-11-24", true},                 // Tuesday
		{"US", "2026-11-21", false},                // Saturday
		{"US", "2026-11-22", false},                // Sunday
		{"US", "2026-11-26", false},                // Thanksgiving
		{"US", "2026-11-27", true},                 // the Friday after is not federal
		{"US", "2029-12-25", false},                // Christmas on a Tuesday
		{"US", "2030-01-01", false},                // New Year on a Tuesday
		{"US", "2027-12-24", false},                // Christmas 2027 is a Saturday, observed Friday
		{"", "2026-11-26", true},                   // no holidays
		{"GB", "2027-12-27", false},                // Christmas substitute day
		{"GB", "2027-12-28", false},                // Boxing Day substitute (a Tuesday)
		{"GB", "2026-11-26", true},                 // not a UK holiday
		{"DE", "2026-01-06", true},                 // Epiphany is regional
		{"DE-BY", "2026-01-06", false},             // ... a holiday in Bavaria
		{"DE", "2026-10-03", false},                // German Unity Day (a Saturday anyway)
		{"DE", "2026-05-14", false},                // Ascension
		{"FR", "2026-07-14", false},                // Bastille Day, Tuesday
		{"AU", "2026-01-26", false},                // Australia Day, Monday
		{"NL", "2026-04-27", false},                // King's Day, Monday
		{"CA", "2026-07-01", false},                // Canada Day, Wednesday
		{"US", "2026-11-26T03:00:00Z", false},      // read in UTC: Thursday 26
		{"US", "2026-11-25T22:00:00-05:00", true},  // same instant in New York: Wednesday 25
		{"US", "2026-11-26T03:00:00+09:00", false}, // Thursday in Tokyo
		{"US", "2026-11-25T23:59:59-05:00", true},  // last second of Wednesday
		{"US", "2026-11-26T00:00:00-05:00", false}, // first second of Thanksgiving
	} {
		var at time.Time
		if strings.Contains(tc.day, "T") {
			at = utc(t, tc.day)
		} else {
			at = wall(t, ny, tc.day+" 10:00")
		}
		c := mustCalendar(t, tc.country)
		if got := c.IsBusinessDay(at); got != tc.want {
			name, _ := c.Holiday(at)
			t.Errorf("%s IsBusinessDay(%s) = %v, want %v (holiday %q)", tc.country, at, got, tc.want, name)
		}
	}
}

func TestHolidayName(t *testing.T) {
	c := mustCalendar(t, "US")
	if name, ok := c.Holiday(wall(t, time.UTC, "2026-11-26 12:00")); !ok || name != "Thanksgiving Day" {
		t.Errorf("Holiday(Thanksgiving) = %q, %v", name, ok)
	}
	if name, ok := c.Holiday(wall(t, time.UTC, "2026-11-24 12:00")); ok {
		t.Errorf("Holiday(24 Nov) = %q, want none", name)
	}
}

func TestAddBusinessDays(t *testing.T) {
	ny := zone(t, "America/New_York")
	us := mustCalendar(t, "US")
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-20 10:00", 1, "2026-11-23 10:00"},  // Friday to Monday
		{"2026-11-25 10:00", 1, "2026-11-27 10:00"},  // over Thanksgiving
		{"2026-11-24 10:00", 7, "2026-12-04 10:00"},  // 7bd follow-up
		{"2026-11-23 10:00", -1, "2026-11-20 10:00"}, // backwards over a weekend
		{"2026-11-27 10:00", -1, "2026-11-25 10:00"}, // backwards over Thanksgiving
		{"2026-11-21 10:00", 0, "2026-11-21 10:00"},  // zero keeps a Saturday
		{"2026-11-21 10:00", 1, "2026-11-23 10:00"},  // from a Saturday
		{"2026-03-06 10:00", 1, "2026-03-09 10:00"},  // over spring-forward: same wall clock
		{"2026-10-30 10:00", 1, "2026-11-02 10:00"},  // over fall-back
		{"2029-12-21 09:00", 3, "2029-12-27 09:00"},  // over Christmas
	} {
		got := us.AddBusinessDays(wall(t, ny, tc.from), tc.n)
		if want := wall(t, ny, tc.want); !got.Equal(want) {
			t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", tc.from, tc.n, got, want)
		}
	}
}

func TestBusinessDaysBetween(t *testing.T) {
	ny := zone(t, "America/New_York")
	us := mustCalendar(t, "US")
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2026-11-24 10:00", "2026-11-24 18:00", 0},
		{"2026-11-24 10:00", "2026-11-25 08:00", 1},
		{"2026-11-24 10:00", "2026-12-04 10:00", 7},
		{"2026-11-20 10:00", "2026-11-23 10:00", 1},
		{"2026-11-21 10:00", "2026-11-22 10:00", 0}, // a weekend
		{"2026-12-04 10:00", "2026-11-24 10:00", -7},
		// After 1 Jan 2026 up to 1 Jan 2027: 261 weekdays, less 10 federal
		// holidays on weekdays in 2026 and New Year 2027 (a Friday).
		{"2026-01-01 00:00", "2027-01-01 00:00", 250},
	} {
		if got := us.BusinessDaysBetween(wall(t, ny, tc.a), wall(t, ny, tc.b)); got != tc.want {
			t.Errorf("BusinessDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}

	// It inverts AddBusinessDays, from any day of the week, both ways.
	start := wall(t, ny, "2026-11-14 09:30")
	for i := range 60 {
		from := start.AddDate(0, 0, i)
		for n := -12; n <= 12; n++ {
			to := us.AddBusinessDays(from, n)
			if got := us.BusinessDaysBetween(from, to); got != n {
				t.Fatalf("BusinessDaysBetween(%s, AddBusinessDays(%d) = %s) = %d", from, n, to, got)
			}
		}
	}
}

func TestCalendarAddSpan(t *testing.T) {
	ny := zone(t, "America/New_York")
	us := mustCalendar(t, "US")
	from := wall(t, ny, "2026-11-24 10:00")
	for _, tc := range []struct {
		span, want string
	}{
		{"7bd", "2026-12-04 10:00"}, // skips Thanksgiving, unlike IsWeekday alone
		{"3bd", "2026-11-30 10:00"},
		{"2h", "2026-11-24 12:00"},
		{"10d", "2026-12-04 10:00"},
	} {
		if got, want := us.Add(from, MustSpan(tc.span)), wall(t, ny, tc.want); !got.Equal(want) {
			t.Errorf("Add(%s) = %s, want %s", tc.span, got, want)
		}
	}
	// Without holidays 3bd lands a day earlier.
	if got, want := (Calendar{}).Add(from, MustSpan("3bd")), wall(t, ny, "2026-11-27 10:00"); !got.Equal(want) {
		t.Errorf("zero Calendar Add(3bd) = %s, want %s", got, want)
	}
}

// TestCalendarConcurrent runs under -race: a Calendar is shared by every
// goroutine that plans, so holiday look-ups must not write shared state.
func TestCalendarConcurrent(t *testing.T) {
	c := mustCalendar(t, "GB")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			d := time.Date(2026, 1, 1+g, 12, 0, 0, 0, time.UTC)
			for range 200 {
				c.IsBusinessDay(d)
				d = d.AddDate(0, 0, 1)
			}
		})
	}
	wg.Wait()
}
