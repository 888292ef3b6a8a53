package schedule

import (
	"strings"
	"testing"
	"time"
)

func TestMeetingOptionsFor(t *testing.T) {
	ny, chi, paris := zone(t, "America/New_York"), zone(t, "America/Chicago"), zone(t, "Europe/Paris")
	syd, tokyo := zone(t, "Australia/Sydney"), zone(t, "Asia/Tokyo")
	std := []string{"tue 13:00-16:00", "fri 09:00-17:00"}
	party := func(loc *time.Location) Party {
		c, err := CalendarFor(loc, "")
		if err != nil {
			t.Fatal(err)
		}
		return Party{Loc: loc, Calendar: c}
	}
	for _, tc := range []struct {
		name           string
		owner, contact Party
		avail          []string
		now            time.Time
		want           []string // ForContact of each option
		owned          []string // ForOwner, when checked
	}{
		{name: "same zone: the day after Thanksgiving is a bridge day",
			owner: party(ny), contact: party(ny), avail: std, now: wall(t, ny, "2026-11-21 10:00"),
			want: []string{"Tuesday 24 November, 1–4pm your time (ET)", "Tuesday 1 December, 1–4pm your time (ET)"}},
		{name: "same zone: any time is the whole working day",
			owner: party(ny), contact: party(ny), avail: std, now: wall(t, ny, "2026-12-05 10:00"),
			want:  []string{"Tuesday 8 December, 1–4pm your time (ET)", "any time Friday 11 December (9am–5pm your time, ET)"},
			owned: []string{"Tue 8 Dec, 1:00–4:00pm ET", "Fri 11 Dec, 9:00am–5:00pm ET"}},
		{name: "Chicago: the owner's afternoon in the contact's clock",
			owner: party(ny), contact: party(chi), avail: std, now: wall(t, ny, "2026-12-05 10:00"),
			want:  []string{"Tuesday 8 December, noon–3pm your time (CT)", "Friday 11 December, 9am–4pm your time (CT)"},
			owned: []string{"Tue 8 Dec, 1:00–4:00pm ET (12:00–3:00pm CT for Maria)", "Fri 11 Dec, 10:00am–5:00pm ET (9:00am–4:00pm CT for Maria)"}},
		{name: "Chicago with working hours from 8: the whole Friday slot",
			owner: party(ny), contact: Party{Loc: chi, Calendar: party(chi).Calendar, Hours: Window{8 * 60, 16 * 60}}, avail: std,
			now:  wall(t, ny, "2026-12-05 10:00"),
			want: []string{"Tuesday 8 December, noon–3pm your time (CT)", "Friday 11 December, 8am–4pm your time (CT)"}},
		{name: "Paris: the Tuesday afternoon is her evening, so Fridays cut to her hours",
			owner: party(ny), contact: party(paris), avail: std, now: wall(t, ny, "2026-12-05 10:00"),
			want:  []string{"Friday 11 December, 3–5:30pm your time (CET)", "Friday 18 December, 3–5:30pm your time (CET)"},
			owned: []string{"Fri 11 Dec, 9:00–11:30am ET (3:00–5:30pm CET for Maria)", "Fri 18 Dec, 9:00–11:30am ET (3:00–5:30pm CET for Maria)"}},
		{name: "Paris, spring: New York has changed and Paris has not (5 hours apart)",
			owner: party(ny), contact: party(paris), avail: []string{"fri 09:00-17:00"}, now: wall(t, ny, "2026-03-03 10:00"),
			want: []string{"Friday 6 March, 3–5:30pm your time (CET)", "Friday 13 March, 2–5:30pm your time (CET)"}},
		{name: "Paris, spring: both changed (6 hours again)",
			owner: party(ny), contact: party(paris), avail: []string{"fri 09:00-17:00"}, now: wall(t, ny, "2026-03-24 10:00"),
			want: []string{"Friday 27 March, 2–5:30pm your time (CET)", "Friday 3 April, 3–5:30pm your time (CEST)"}},
		{name: "Paris, autumn: Paris has changed back and New York has not",
			owner: party(ny), contact: party(paris), avail: []string{"fri 09:00-17:00"}, now: wall(t, ny, "2026-10-20 10:00"),
			want: []string{"Friday 23 October, 3–5:30pm your time (CEST)", "Friday 30 October, 2–5:30pm your time (CET)"}},
		{name: "Paris: Ascension Thursday's bridge Friday is skipped on her side only",
			owner: party(ny), contact: party(paris), avail: []string{"fri 09:00-17:00"}, now: wall(t, ny, "2026-05-11 10:00"),
			want: []string{"Friday 22 May, 3–5:30pm your time (CEST)", "Friday 29 May, 3–5:30pm your time (CEST)"}},
		{name: "owner's holiday: Independence Day observed on Friday 3 July",
			owner: party(ny), contact: party(paris), avail: []string{"fri 09:00-17:00"}, now: wall(t, ny, "2026-06-29 10:00"),
			want: []string{"Friday 10 July, 3–5:30pm your time (CEST)", "Friday 17 July, 3–5:30pm your time (CEST)"}},
		{name: "owner in Paris, contact in New York: her morning",
			owner: party(paris), contact: party(ny), avail: []string{"tue 14:00-18:00"}, now: wall(t, paris, "2026-12-05 10:00"),
			want:  []string{"Tuesday 8 December, 9am–noon your time (ET)", "Tuesday 15 December, 9am–noon your time (ET)"},
			owned: []string{"Tue 8 Dec, 3:00–6:00pm CET (9:00am–12:00pm ET for Maria)", "Tue 15 Dec, 3:00–6:00pm CET (9:00am–12:00pm ET for Maria)"}},
		{name: "Sydney: the owner's Monday evening is her Tuesday morning",
			owner: party(ny), contact: party(syd), avail: []string{"mon 17:00-20:00", "fri 09:00-17:00"}, now: wall(t, ny, "2026-11-28 10:00"),
			want:  []string{"Tuesday 1 December, 9am–noon your time (AEDT)", "Tuesday 8 December, 9am–noon your time (AEDT)"},
			owned: []string{"Mon 30 Nov, 5:00–8:00pm ET (Tue 1 Dec, 9:00am–12:00pm AEDT for Maria)", "Mon 7 Dec, 5:00–8:00pm ET (Tue 8 Dec, 9:00am–12:00pm AEDT for Maria)"}},
		{name: "Sydney leaves summer time on 5 April while New York is on it",
			owner: party(ny), contact: party(syd), avail: []string{"mon 17:00-20:00"}, now: wall(t, ny, "2026-03-26 10:00"),
			want: []string{"Tuesday 31 March, 9–11am your time (AEDT)", "Tuesday 7 April, 9–10am your time (AEST)"}},
		{name: "Sydney: nothing inside her hours, so the owner's slots on her working days",
			owner: party(ny), contact: party(syd), avail: std, now: wall(t, ny, "2026-12-05 10:00"),
			// The Friday slots are her Saturdays, so only the Tuesdays remain.
			want: []string{"Wednesday 9 December, 5–8am your time (AEDT)", "Wednesday 16 December, 5–8am your time (AEDT)"}},
		{name: "Tokyo: Culture Day is a holiday on her side only",
			owner: party(ny), contact: party(tokyo), avail: []string{"mon 20:00-23:00"}, now: wall(t, ny, "2026-10-30 10:00"),
			want: []string{"Tuesday 10 November, 10am–1pm your time (JST)", "Tuesday 17 November, 10am–1pm your time (JST)"}},
		{name: "no availability", owner: party(ny), contact: party(paris), avail: nil, now: wall(t, ny, "2026-12-05 10:00")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			avail, err := ParseAvailabilities(tc.avail)
			if err != nil {
				t.Fatal(err)
			}
			opts := MeetingOptionsFor(tc.now, avail, tc.owner, tc.contact, 2)
			var got, owned []string
			for i, o := range opts {
				got = append(got, o.ForContact())
				owned = append(owned, o.ForOwner(tc.owner.Loc, "Maria"))
				checkOption(t, o, tc.now, avail, tc.owner, tc.contact)
				if i > 0 && !opts[i-1].Start.Before(o.Start) {
					t.Errorf("options out of order: %v", opts)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("options = %q\nwant      %q", got, tc.want)
			}
			if tc.owned != nil && strings.Join(owned, "|") != strings.Join(tc.owned, "|") {
				t.Errorf("for the owner = %q\nwant            %q", owned, tc.owned)
			}
		})
	}
}

// checkOption checks the promises of MeetingOptionsFor on one option,
// independently of how it was found.
func checkOption(t *testing.T, o Option, now time.Time, avail []Availability, owner, contact Party) {
	t.Helper()
	if o.Start.Location() != contact.Loc {
		t.Errorf("option %v not in the contact's zone", o)
	}
	if o.End.Sub(o.Start) < MinOptionLength {
		t.Errorf("option %v shorter than %v", o, MinOptionLength)
	}
	os, oe := o.Start.In(owner.Loc), o.End.In(owner.Loc)
	inside := false
	for _, a := range avail {
		s, e := a.Window.bounds(dateOf(os, owner.Loc), owner.Loc)
		if a.Day == os.Weekday() && !os.Before(s) && !oe.After(e) {
			inside = true
		}
	}
	if !inside {
		t.Errorf("option %v is outside the owner's availability", o)
	}
	if dateOf(os, owner.Loc).before(dateOf(now, owner.Loc).add(MeetingLeadDays)) {
		t.Errorf("option %v is too soon", o)
	}
	if _, h := owner.Calendar.Holiday(os); h {
		t.Errorf("option %v is on the owner's holiday", o)
	}
	if !contact.Calendar.IsWorkingDay(o.Start) || !owner.Calendar.IsWorkingDay(os) {
		t.Errorf("option %v is not on a working day of both", o)
	}
	hours := contact.Hours
	if hours == (Window{}) {
		hours = DefaultWorkingHours
	}
	hs, he := hours.bounds(dateOf(o.Start, contact.Loc), contact.Loc)
	if in := !o.Start.Before(hs) && !o.End.After(he); in != o.InHours {
		t.Errorf("option %v: InHours = %v, inside the contact's hours = %v", o, o.InHours, in)
	}
}

// When some days fit the contact's hours and others do not, the ones that
// fit win, even if later, within four weeks.
func TestMeetingOptionsForPrefersWorkingHours(t *testing.T) {
	ny, paris := zone(t, "America/New_York"), zone(t, "Europe/Paris")
	us, fr := mustCalendar(t, "US"), mustCalendar(t, "FR")
	avail, _ := ParseAvailabilities([]string{"mon 13:00-16:00", "tue 13:00-16:00", "wed 13:00-16:00", "thu 13:00-16:00", "fri 10:00-12:00"})
	opts := MeetingOptionsFor(wall(t, ny, "2026-12-05 10:00"), avail, Party{Loc: ny, Calendar: us}, Party{Loc: paris, Calendar: fr}, 2)
	if len(opts) != 2 {
		t.Fatalf("%d options", len(opts))
	}
	for _, o := range opts {
		if !o.InHours || o.Start.Weekday() != time.Friday {
			t.Errorf("%s: want a Friday inside her hours", o.ForContact())
		}
	}
	// Only one fitting day in four weeks: it comes with the earliest other.
	avail, _ = ParseAvailabilities([]string{"tue 13:00-16:00"})
	one := MeetingOptionsFor(wall(t, ny, "2026-12-05 10:00"), avail, Party{Loc: ny, Calendar: us}, Party{Loc: paris, Calendar: fr}, 3)
	if len(one) != 3 || one[0].InHours || one[0].ForContact() != "Tuesday 8 December, 7–10pm your time (CET)" {
		t.Errorf("fallback options: %v", one)
	}
}

// Over a whole year and many zone pairs, every option keeps every promise.
func TestMeetingOptionsForProperties(t *testing.T) {
	zones := []string{"America/New_York", "America/Los_Angeles", "Europe/Paris", "Europe/London", "Australia/Sydney", "Asia/Tokyo", "Asia/Kolkata", "America/Sao_Paulo"}
	avail, _ := ParseAvailabilities([]string{"mon 08:00-10:00", "tue 13:00-16:00", "wed 18:00-21:00", "fri 09:00-17:00"})
	for _, oz := range zones {
		for _, cz := range zones {
			ol, cl := zone(t, oz), zone(t, cz)
			oc, _ := CalendarFor(ol, "")
			cc, _ := CalendarFor(cl, "")
			owner, contact := Party{Loc: ol, Calendar: oc}, Party{Loc: cl, Calendar: cc}
			for now := wall(t, ol, "2026-01-01 09:00"); now.Year() == 2026; now = now.AddDate(0, 0, 9) {
				opts := MeetingOptionsFor(now, avail, owner, contact, 2)
				if len(opts) != 2 {
					t.Fatalf("%s → %s at %v: %d options", oz, cz, now, len(opts))
				}
				for _, o := range opts {
					checkOption(t, o, now, avail, owner, contact)
				}
			}
		}
	}
}
