package schedule

import (
	"strings"
	"testing"
	"time"
)

func TestParseAvailability(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Availability
		errWant string
	}{
		{"tue 13:00-16:00", Availability{time.Tuesday, Window{780, 960}}, ""},
		{"  Friday   09:00-17:00 ", Availability{time.Friday, Window{540, 1020}}, ""},
		{"thurs 9:30-11:00", Availability{time.Thursday, Window{570, 660}}, ""},
		{"tue", Availability{}, "want DAY HH:MM-HH:MM"},
		{"tue 13:00 - 16:00", Availability{}, "want DAY HH:MM-HH:MM"},
		{"13:00-16:00", Availability{}, "want DAY HH:MM-HH:MM"},
		{"tuu 13:00-16:00", Availability{}, `invalid weekday "tuu"`},
		{"tue 16:00-13:00", Availability{}, "must be before"},
		{"tue 1pm-4pm", Availability{}, "invalid time"},
		{"", Availability{}, "want DAY"},
	} {
		got, err := ParseAvailability(tc.in)
		if tc.errWant != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errWant) {
				t.Errorf("ParseAvailability(%q) error = %v, want it to mention %q", tc.in, err, tc.errWant)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseAvailability(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if back, err := ParseAvailability(got.String()); err != nil || back != got {
			t.Errorf("round trip of %v: %v, %v", got, back, err)
		}
	}

	all, err := ParseAvailabilities([]string{"tue 13:00-16:00", "fri 09:00-17:00"})
	if err != nil || len(all) != 2 {
		t.Errorf("ParseAvailabilities = %v, %v", all, err)
	}
	_, err = ParseAvailabilities([]string{"xx 13:00-16:00", "tue", "fri 09:00-17:00"})
	if err == nil || !strings.Contains(err.Error(), `"xx`) || !strings.Contains(err.Error(), `"tue"`) {
		t.Errorf("ParseAvailabilities did not report every bad entry: %v", err)
	}
}

func TestMeetingOptions(t *testing.T) {
	ny := zone(t, "America/New_York")
	std := []string{"tue 13:00-16:00", "fri 09:00-17:00"}
	for _, tc := range []struct {
		name    string
		country string
		avail   []string
		now     time.Time
		want    []string // Human() of each option
		joined  string
	}{
		{name: "the design's example", country: "US", avail: std, now: wall(t, ny, "2026-11-21 10:00"),
			want:   []string{"Tuesday 24 November between 1 and 4pm", "any time Friday 27 November"},
			joined: "Tuesday 24 November between 1 and 4pm, or any time Friday 27 November"},
		{name: "two days' lead from Sunday still reaches Tuesday", avail: std, now: wall(t, ny, "2026-11-22 23:59"),
			want: []string{"Tuesday 24 November between 1 and 4pm", "any time Friday 27 November"}},
		{name: "from Monday, Tuesday is too soon", avail: std, now: wall(t, ny, "2026-11-23 08:00"),
			want: []string{"any time Friday 27 November", "Tuesday 1 December between 1 and 4pm"}},
		{name: "holidays skipped", country: "US", avail: []string{"tue 13:00-16:00", "wed 10:00-12:00"},
			now:  wall(t, ny, "2029-12-22 10:00"),
			want: []string{"Wednesday 26 December between 10am and noon", "Wednesday 2 January between 10am and noon"}},
		{name: "one option per day, the earliest", avail: []string{"tue 15:00-16:00", "tue 09:00-10:30"},
			now:  wall(t, ny, "2026-11-21 10:00"),
			want: []string{"Tuesday 24 November between 9 and 10:30am", "Tuesday 1 December between 9 and 10:30am"}},
		{name: "over spring-forward", avail: []string{"sun 01:30-03:00"},
			now:  wall(t, ny, "2026-03-05 10:00"),
			want: []string{"Sunday 8 March between 1:30 and 3am", "Sunday 15 March between 1:30 and 3am"}},
		{name: "no availability", avail: nil, now: wall(t, ny, "2026-11-21 10:00"), want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			avail, err := ParseAvailabilities(tc.avail)
			if err != nil {
				t.Fatal(err)
			}
			opts := MeetingOptions(tc.now, avail, mustCalendar(t, tc.country), 2)
			var got []string
			for _, o := range opts {
				got = append(got, o.String())
				if !o.Start.Before(o.End) || o.Start.Location() != ny {
					t.Errorf("bad option %+v", o)
				}
				if days := dateOf(o.Start, ny); days.before(dateOf(tc.now, ny).add(MeetingLeadDays)) {
					t.Errorf("option %s is less than %d days ahead", o, MeetingLeadDays)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("options = %q\nwant      %q", got, tc.want)
			}
			if tc.joined != "" && JoinOptions(opts) != tc.joined {
				t.Errorf("JoinOptions = %q, want %q", JoinOptions(opts), tc.joined)
			}
		})
	}
}

func TestOptionHuman(t *testing.T) {
	ny := zone(t, "America/New_York")
	d := date{2026, 11, 24}
	for _, tc := range []struct {
		window string
		want   string
	}{
		{"13:00-16:00", "Tuesday 24 November between 1 and 4pm"},
		{"13:30-16:00", "Tuesday 24 November between 1:30 and 4pm"},
		{"11:00-14:00", "Tuesday 24 November between 11am and 2pm"},
		{"09:00-11:30", "Tuesday 24 November between 9 and 11:30am"},
		{"12:00-15:00", "Tuesday 24 November between noon and 3pm"},
		{"10:00-12:00", "Tuesday 24 November between 10am and noon"},
		{"12:30-13:00", "Tuesday 24 November between 12:30 and 1pm"},
		{"11:45-12:15", "Tuesday 24 November between 11:45am and 12:15pm"},
		{"18:00-24:00", "Tuesday 24 November between 6pm and midnight"},
		{"00:00-08:00", "Tuesday 24 November between midnight and 8am"},
		{"09:00-16:59", "Tuesday 24 November between 9am and 4:59pm"},
		{"09:00-17:00", "any time Tuesday 24 November"},
		{"08:00-18:30", "any time Tuesday 24 November"},
		{"09:01-17:00", "Tuesday 24 November between 9:01am and 5pm"},
		{"00:00-24:00", "any time Tuesday 24 November"},
	} {
		w, err := ParseWindow(tc.window)
		if err != nil {
			t.Fatal(err)
		}
		s, e := w.bounds(d, ny)
		if got := (Option{Start: s, End: e}).Human(); got != tc.want {
			t.Errorf("%s: Human() = %q, want %q", tc.window, got, tc.want)
		}
	}
	if got := JoinOptions(nil); got != "" {
		t.Errorf("JoinOptions(nil) = %q", got)
	}
	one := Option{Start: wall(t, ny, "2026-11-24 13:00"), End: wall(t, ny, "2026-11-24 16:00")}
	three := []Option{one, one, one}
	if got, want := JoinOptions(three), strings.Repeat(one.Human()+", ", 2)+"or "+one.Human(); got != want {
		t.Errorf("JoinOptions(3) = %q, want %q", got, want)
	}
}
