package when

import (
	"strings"
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	return l
}

// got renders what Find returned for a compact comparison: each
// expression as its start (RFC 3339, or a date for a day), "/end" for a
// range or a period longer than a day.
func render(es []Expr, timesOnly bool) string {
	var out []string
	for _, e := range es {
		if timesOnly && !e.HasTime {
			continue
		}
		var s string
		if e.HasTime {
			s = e.At.Format(time.RFC3339)
			if e.Range {
				s += "/" + e.Until.Format("15:04")
			}
			if !e.HasDay {
				s = "?" + s
			}
		} else {
			s = e.At.Format("2006-01-02")
			if last := e.LastDay(); !last.Equal(e.At) {
				s += "/" + last.Format("2006-01-02")
			}
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// TestFind covers what contacts write in replies. The reference is Monday
// 23 November 2026, 10:00 in New York (after the US clock change of 1
// November, before the next).
func TestFind(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	ref := time.Date(2026, 11, 23, 10, 0, 0, 0, ny)
	o := Options{Ref: ref, Loc: ny}
	for _, tc := range []struct{ in, want string }{
		// times of day
		{"10:00am works", "?2026-11-23T10:00:00-05:00"}, // not midnight
		{"2:00pm", "?2026-11-23T14:00:00-05:00"},        // not noon
		{"10:30am", "?2026-11-23T10:30:00-05:00"},
		{"9:45 a.m.", "?2026-11-24T09:45:00-05:00"}, // already past today: tomorrow
		{"12pm", "?2026-11-23T12:00:00-05:00"},
		{"12am", "?2026-11-24T00:00:00-05:00"},
		{"noon", "?2026-11-23T12:00:00-05:00"},
		// a time alone has no day
		{"2pm works", "?2026-11-23T14:00:00-05:00"},
		// days with times
		{"How about Thursday at 10:30am?", "2026-11-26T10:30:00-05:00"},
		{"Mon at 9", "2026-11-30T09:00:00-05:00"},
		{"Tuesday at 3", "2026-11-24T15:00:00-05:00"},
		{"next Thursday", "2026-12-03"},
		{"this Thursday", "2026-11-26"},
		{"Thursday", "2026-11-26"},
		{"Monday", "2026-11-30"}, // today is Monday: the next one
		{"tomorrow 9:30", "2026-11-24T09:30:00-05:00"},
		{"Thu 3 Dec 10:00 CET", "2026-12-03T10:00:00+01:00"},
		{"15:00 GMT on Friday", "2026-11-27T15:00:00Z"},
		{"Friday 1pm Pacific", "2026-11-27T13:00:00-08:00"},
		{"Friday 1pm PT", "2026-11-27T13:00:00-08:00"},
		{"Friday 1pm ET", "2026-11-27T13:00:00-05:00"},
		{"Wed 2 Dec 9am Eastern Time", "2026-12-02T09:00:00-05:00"},
		{"Dec 3rd at 11am EST.", "2026-12-03T11:00:00-05:00"},
		{"Friday at 2pm (UTC+2)", "2026-11-27T14:00:00+02:00"},
		{"Friday 14:00 +01:00", "2026-11-27T14:00:00+01:00"},
		{"Friday 10am Europe/London", "2026-11-27T10:00:00Z"},
		{"Friday 10am London time", "2026-11-27T10:00:00Z"},
		{"Friday at 4pm IST", "2026-11-27T16:00:00+05:30"},
		{"Friday at 9am JST", "2026-11-27T09:00:00+09:00"},
		{"Friday at 9am AEST", "2026-11-27T09:00:00+11:00"}, // Sydney is on summer time then
		{"Thursday 3 December, 2:30 pm", "2026-12-03T14:30:00-05:00"},
		{"December 3, 2026 at 4 PM", "2026-12-03T16:00:00-05:00"},
		{"9 in the morning on Friday", "2026-11-27T09:00:00-05:00"},
		{"Friday 3 in the afternoon", "2026-11-27T15:00:00-05:00"},
		{"Tuesday at 10 or 2pm works", "2026-11-24T10:00:00-05:00 2026-11-24T14:00:00-05:00"},
		{"Tuesday or Wednesday at 2pm", "2026-11-24T14:00:00-05:00 2026-11-25T14:00:00-05:00"},
		{"10am or 2pm on Friday", "2026-11-27T10:00:00-05:00 2026-11-27T14:00:00-05:00"},
		{"Tuesday at 10. Thursday is out", "2026-11-24T10:00:00-05:00 2026-11-26"},
		// ranges
		{"I'm free 1-4pm on Tuesday", "2026-11-24T13:00:00-05:00/16:00"},
		{"Tuesday 10-11am", "2026-11-24T10:00:00-05:00/11:00"},
		{"Tuesday 11-1pm", "2026-11-24T11:00:00-05:00/13:00"},
		{"Wednesday 2 Dec between 2 and 4", "2026-12-02T14:00:00-05:00/16:00"},
		{"Friday 14:00–15:30", "2026-11-27T14:00:00-05:00/15:30"},
		{"from 3 to 14 December", "2026-12-03/2026-12-14"},
		{"3-14 December", "2026-12-03/2026-12-14"},
		{"December 3-14", "2026-12-03/2026-12-14"},
		{"Monday to Wednesday", "2026-11-30/2026-12-02"},
		{"28 Dec - 3 Jan", "2026-12-28/2027-01-03"},
		// days
		{"back on the 4th", "2026-12-04"},
		{"Monday the 7th", "2026-12-07"},
		{"Monday the 4th", "2027-01-04"}, // the next 4th that is a Monday
		{"on the 23rd", "2026-11-23"},
		{"3 Dec", "2026-12-03"},
		{"Jan 5", "2027-01-05"},
		{"2027-03-01", "2027-03-01"},
		{"12/3 at 3pm", "2026-12-03T15:00:00-05:00"}, // month first for a writer in New York
		{"in two weeks", "2026-12-07"},
		{"in a couple of weeks", "2026-12-07"},
		{"3 weeks from now", "2026-12-14"},
		{"the day after tomorrow", "2026-11-25"},
		{"next week", "2026-11-30/2026-12-06"},
		{"next month", "2026-12-01/2026-12-31"},
		{"end of next month", "2026-12-25/2026-12-31"},
		{"try me in March", "2027-03-01/2027-03-31"},
		{"early March", "2027-03-01/2027-03-10"},
		{"mid-January", "2027-01-15/2027-01-21"},
		{"in the spring", "2027-03-01/2027-05-31"},
		// not dates
		{"I'm on the 4th floor", ""},
		{"24/7 support", ""},
		{"version 1.2.3", ""},
		{"at 3.50 euros", ""},
		{"costs 2.30 per hour", ""},
		{"2.5 hours", ""},
		{"at 3 people", ""},
		{"we are 10-15 people", ""},
		{"I may have time", ""},
		{"call me at 555-1234", ""},
		{"Sun is shining", ""},
		{"I sat down", ""},
		// other languages
		{"Donnerstag um 15 Uhr", "2026-11-26T15:00:00-05:00"},
		{"am 3.12. um 14:30", "2026-12-03T14:30:00-05:00"},
		{"nächsten Mittwoch 10 Uhr", "2026-11-25T10:00:00-05:00"},
		{"vom 3. bis 14. Dezember", "2026-12-03/2026-12-14"},
		{"morgen um 9", "2026-11-24T09:00:00-05:00"},
		{"jeudi 3 décembre à 14h", "2026-12-03T14:00:00-05:00"},
		{"mardi prochain à 10h30", "2026-11-24T10:30:00-05:00"},
		{"du 3 au 14 décembre", "2026-12-03/2026-12-14"},
		{"el jueves 3 de diciembre a las 15:00", "2026-12-03T15:00:00-05:00"},
		{"mañana a las 10", "2026-11-24T10:00:00-05:00"},
		{"del 3 al 14 de diciembre", "2026-12-03/2026-12-14"},
		{"donderdag om 14.00 uur", "2026-11-26T14:00:00-05:00"}, // the Dutch way to write 14:00
		{"dinsdag 1 december om 10.00 uur", "2026-12-01T10:00:00-05:00"},
		{"giovedì alle ore 15.30", "2026-11-26T15:30:00-05:00"},
		{"Montag, 30.11., um 17:30 Uhr", "2026-11-30T17:30:00-05:00"}, // d.m. then a comma
		{"Dienstag, 1.12.?", "2026-12-01"},
		{"at 10.30 tomorrow", "2026-11-24T10:30:00-05:00"},
		{"Tuesday at 2:30", "2026-11-24T14:30:00-05:00"}, // a one-digit hour: working hours
		{"Tuesday at 02:30", "2026-11-24T02:30:00-05:00"},
		{"Tuesday at 7:30", "2026-11-24T07:30:00-05:00"},
		{"Friday between 9:30 and 2:30", "2026-11-27T09:30:00-05:00/14:30"},
		{"martedì 1° dicembre alle 14", "2026-12-01T14:00:00-05:00"},
		// a weekday of next week, however it is written
		{"next week Tuesday at 11", "2026-12-01T11:00:00-05:00"},
		{"volgende week dinsdag om 11 uur", "2026-12-01T11:00:00-05:00"},
		{"Dienstag nächste Woche um 15 Uhr", "2026-12-01T15:00:00-05:00"},
		{"mardi de la semaine prochaine à 11h", "2026-12-01T11:00:00-05:00"},
		{"el martes de la semana que viene a las 11", "2026-12-01T11:00:00-05:00"},
		{"martedì della prossima settimana alle 11", "2026-12-01T11:00:00-05:00"},
		{"non prima di gennaio", "2027-01-01/2027-01-31"},
		{"dinsdag 1 december om 15:00", "2026-12-01T15:00:00-05:00"},
		{"quinta-feira às 15h", "2026-11-26T15:00:00-05:00"},
		{"giovedì 3 dicembre alle 15:00", "2026-12-03T15:00:00-05:00"},
	} {
		got := render(Find(tc.in, o), false)
		if got != tc.want {
			t.Errorf("Find(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestZonesAndDST checks whose time a time is, on both sides of both
// clock changes, for times written by a contact (their zone), by the owner
// (theirs) and with a stated zone.
func TestZonesAndDST(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	paris := mustLoc(t, "Europe/Paris")
	la := mustLoc(t, "America/Los_Angeles")
	for _, tc := range []struct {
		name string
		ref  time.Time
		loc  *time.Location
		in   string
		want string // UTC instant
	}{
		// Europe leaves summer time on 25 October 2026.
		{"contact in Paris, before the change, meeting after it", time.Date(2026, 10, 20, 9, 0, 0, 0, paris), paris, "Thursday 29 October 10:00", "2026-10-29T09:00:00Z"},
		{"contact in Paris, meeting before the change", time.Date(2026, 10, 20, 9, 0, 0, 0, paris), paris, "Friday 23 October 10:00", "2026-10-23T08:00:00Z"},
		// The US leaves summer time on 1 November 2026: a New York owner
		// writes in late October about a November meeting.
		{"owner in New York across the autumn change", time.Date(2026, 10, 28, 9, 0, 0, 0, ny), ny, "Tuesday 3 November 2pm", "2026-11-03T19:00:00Z"},
		// The US starts summer time on 14 March 2027, Europe on 28 March.
		{"contact in LA across the spring change", time.Date(2027, 3, 10, 9, 0, 0, 0, la), la, "Monday 15 March 9am", "2027-03-15T16:00:00Z"},
		{"Paris time stated by a New York writer between the two spring changes", time.Date(2027, 3, 10, 9, 0, 0, 0, ny), ny, "Tuesday 16 March 3pm Paris time", "2027-03-16T14:00:00Z"},
		{"CET in summer is Paris time", time.Date(2027, 6, 1, 9, 0, 0, 0, ny), ny, "Thursday 10 June 10:00 CET", "2027-06-10T08:00:00Z"},
		{"PST in summer is Pacific time", time.Date(2027, 6, 1, 9, 0, 0, 0, ny), ny, "Thursday 10 June 2pm PST", "2027-06-10T21:00:00Z"},
		{"GMT stays UTC in a London summer", time.Date(2027, 6, 1, 9, 0, 0, 0, ny), ny, "Thursday 10 June 15:00 GMT", "2027-06-10T15:00:00Z"},
		{"BST is London summer time", time.Date(2027, 6, 1, 9, 0, 0, 0, ny), ny, "Thursday 10 June 15:00 BST", "2027-06-10T14:00:00Z"},
		// 2:30 on 14 March 2027 does not exist in New York: Go moves it an hour on.
		{"a time in the spring-forward gap", time.Date(2027, 3, 10, 9, 0, 0, 0, ny), ny, "Sunday 14 March 2:30am", "2027-03-14T07:30:00Z"},
		// 1:30 on 1 November 2026 happens twice; the first (summer) one is taken.
		{"a time in the fall-back overlap", time.Date(2026, 10, 28, 9, 0, 0, 0, ny), ny, "Sunday 1 November 1:30am", "2026-11-01T05:30:00Z"},
		{"tomorrow across the change is a calendar day", time.Date(2026, 10, 31, 23, 30, 0, 0, ny), ny, "tomorrow 9am", "2026-11-01T14:00:00Z"},
		{"your time is the reader's", time.Date(2026, 11, 23, 9, 0, 0, 0, paris), paris, "Friday 3pm your time", "2026-11-27T20:00:00Z"},
	} {
		o := Options{Ref: tc.ref, Loc: tc.loc, Reader: ny}
		es := Find(tc.in, o)
		if len(es) != 1 || !es[0].HasTime {
			t.Errorf("%s: Find(%q) = %v, want one time", tc.name, tc.in, es)
			continue
		}
		if got := es[0].At.UTC().Format(time.RFC3339); got != tc.want {
			t.Errorf("%s: Find(%q) = %s (%s), want %s", tc.name, tc.in, got, es[0].At, tc.want)
		}
	}
}

func TestStatedZoneKept(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	es := Find("Friday 1pm Pacific", Options{Ref: time.Date(2026, 11, 23, 10, 0, 0, 0, ny), Loc: ny})
	if len(es) != 1 || !es[0].ZoneStated || es[0].ZoneName != "Pacific" || es[0].Zone.String() != "America/Los_Angeles" {
		t.Fatalf("got %+v", es)
	}
	if es[0].At.Location().String() != "America/Los_Angeles" {
		t.Errorf("instant not in the stated zone: %v", es[0].At.Location())
	}
	if es[0].Text != "Friday 1pm Pacific" {
		t.Errorf("span %q", es[0].Text)
	}
	es = Find("Friday at 4pm IST", Options{Ref: time.Date(2026, 11, 23, 10, 0, 0, 0, ny), Loc: ny})
	if len(es) != 1 || len(es[0].Notes) == 0 || !strings.Contains(es[0].Notes[0], "ambiguous") {
		t.Errorf("IST without a note: %+v", es)
	}
	dublin := mustLoc(t, "Europe/Dublin")
	es = Find("Friday at 4pm IST", Options{Ref: time.Date(2026, 6, 23, 10, 0, 0, 0, dublin), Loc: dublin})
	if len(es) != 1 || es[0].At.UTC().Hour() != 15 {
		t.Errorf("IST from Dublin: %+v", es)
	}
}

func TestSpans(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	text := "Hi! Would Thursday at 10:30am or Friday 2pm work? Thanks"
	es := Find(text, Options{Ref: time.Date(2026, 11, 23, 10, 0, 0, 0, ny), Loc: ny})
	if len(es) != 2 {
		t.Fatalf("got %v", es)
	}
	for _, e := range es {
		if text[e.Start:e.End] != e.Text {
			t.Errorf("span %d:%d is %q, Text %q", e.Start, e.End, text[e.Start:e.End], e.Text)
		}
	}
	if es[0].Text != "Thursday at 10:30am" || es[1].Text != "Friday 2pm" {
		t.Errorf("texts %q, %q", es[0].Text, es[1].Text)
	}
}

func TestPrefer(t *testing.T) {
	ref := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) // a Thursday
	for _, tc := range []struct {
		p    Prefer
		in   string
		want string
	}{
		{Future, "24 Nov", "2027-11-24"},
		{Nearest, "24 Nov", "2026-11-24"},
		{Past, "24 Nov", "2026-11-24"},
		{Nearest, "2 Jan", "2027-01-02"},
		{Past, "Tuesday", "2026-11-24"},
		{Future, "Tuesday", "2026-12-01"},
	} {
		e, err := Parse(tc.in, Options{Ref: ref, Loc: time.UTC, Prefer: tc.p})
		if err != nil {
			t.Errorf("%v %q: %v", tc.p, tc.in, err)
			continue
		}
		if got := e.At.Format("2006-01-02"); got != tc.want {
			t.Errorf("prefer %d %q = %s, want %s", tc.p, tc.in, got, tc.want)
		}
	}
}

// TestParseDay is the command line's day: snooze dates and the like.
func TestParseDay(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	ref := time.Date(2026, 11, 20, 9, 0, 0, 0, ny) // Friday
	for _, tc := range []struct{ in, want string }{
		{"March", "2027-03-01"},
		{"march 2028", "2028-03-01"},
		{"2027-03-01", "2027-03-01"},
		{"next Tuesday", "2026-11-24"}, // written on a Friday: the Tuesday of next week
		{"Tuesday", "2026-11-24"},
		{"in two weeks", "2026-12-04"},
		{"in 3 days", "2026-11-23"},
		{"tomorrow", "2026-11-21"},
		{"1 March", "2027-03-01"},
		{"March 1st", "2027-03-01"},
		{"next month", "2026-12-01"},
		{"next week", "2026-11-23"},
		{"until 1 March 2027", "2027-03-01"},
		{"December", "2026-12-01"},
	} {
		d, err := ParseDay(tc.in, ref, ny)
		if err != nil {
			t.Errorf("ParseDay(%q): %v", tc.in, err)
			continue
		}
		if got := d.Format("2006-01-02"); got != tc.want || d.Hour() != 0 || d.Location() != ny {
			t.Errorf("ParseDay(%q) = %v, want %s midnight in New York", tc.in, d, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"", "no date"},
		{"someday", `"someday"`},
		{"31 Nov", "not a date"},
		{"tomorrow 3pm", "not a time of day"},
		{"3/4", "day/month"},
		{"March April", "two dates"},
	} {
		_, err := ParseDay(tc.in, ref, ny)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseDay(%q) error = %v, want one mentioning %q", tc.in, err, tc.want)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	ref := time.Date(2026, 11, 20, 9, 0, 0, 0, ny) // Friday
	for _, tc := range []struct {
		in   string
		want string
		dur  time.Duration
	}{
		{"next Tuesday 2pm", "2026-11-24T14:00:00-05:00", 0},
		{"Tuesday next week 2pm", "2026-11-24T14:00:00-05:00", 0},
		{"Tue 24 Nov 2pm", "2026-11-24T14:00:00-05:00", 0},
		{"Thu 3 Dec 10:00 CET", "2026-12-03T10:00:00+01:00", 0},
		{"tomorrow 9:30", "2026-11-21T09:30:00-05:00", 0},
		{"2026-11-24 14:00", "2026-11-24T14:00:00-05:00", 0},
		{"24 Nov 2-3pm", "2026-11-24T14:00:00-05:00", time.Hour},
		{"24 Nov 14:00 for 45 minutes", "2026-11-24T14:00:00-05:00", 45 * time.Minute},
		{"fri 2pm", "2026-11-20T14:00:00-05:00", 0},
		{"fri 8am", "2026-11-27T08:00:00-05:00", 0},
		{"Tuesday at noon", "2026-11-24T12:00:00-05:00", 0},
		{"Tuesday 1pm Pacific", "2026-11-24T13:00:00-08:00", 0},
		// a dotted date is day first wherever it is written
		{"Montag, 30.11. um 14 Uhr", "2026-11-30T14:00:00-05:00", 0},
		{"24.11.2026 14:00", "2026-11-24T14:00:00-05:00", 0},
	} {
		at, d, err := ParseDateTime(tc.in, ref, ny)
		if err != nil {
			t.Errorf("ParseDateTime(%q): %v", tc.in, err)
			continue
		}
		if got := at.Format(time.RFC3339); got != tc.want || d != tc.dur {
			t.Errorf("ParseDateTime(%q) = %s %v, want %s %v", tc.in, got, d, tc.want, tc.dur)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"Tuesday", "no time of day"},
		{"2pm", "no day"},
		{"Tuesday at 2", "write 2pm"},
		{"24/11 14:00", "day/month"},
		{"Tue 24 Nov 3pm-2pm", "ends before it starts"},
		{"Wed 24 Nov 2pm", "not a Wednesday"},
		{"Tue 24 Nov 2pm at the Blue Bottle", `"Blue"`},
		{"tue 25:00", "not a time"},
	} {
		_, _, err := ParseDateTime(tc.in, ref, ny)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseDateTime(%q) error = %v, want one mentioning %q", tc.in, err, tc.want)
		}
	}
}

// Swedish and Polish dates, "kl." before an hour, and "dia 30" after a
// weekday.
func TestSwedishPolishAndDia(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	ref := time.Date(2026, 11, 19, 10, 0, 0, 0, loc)
	for _, c := range []struct{ in, want string }{
		{"Torsdag 26 november kl. 15 fungerar för mig.", "2026-11-26T15:00:00+01:00"},
		{"Onsdag 2 december kl 14.30 passar bra.", "2026-12-02T14:30:00+01:00"},
		{"Może środa 25 listopada o 10:00?", "2026-11-25T10:00:00+01:00"},
		{"Pode ser na segunda-feira, dia 30, às 11h?", "2026-11-30T11:00:00+01:00"},
		{"Friday’s at 10am then.", "2026-11-20T10:00:00+01:00"},
	} {
		var got []string
		for _, e := range Find(c.in, Options{Ref: ref}) {
			if e.HasDay && e.HasTime {
				got = append(got, e.At.Format(time.RFC3339))
			}
		}
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%q: got %v, want %s", c.in, got, c.want)
		}
	}
}
