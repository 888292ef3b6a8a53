package invite

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"rapport/internal/meetings"
)

// Parse reads hostile input: it must not panic, and what it returns
// stays inside its limits.
func FuzzParse(f *testing.F) {
	for _, s := range []string{googleRequest, outlookRequest, exchangeDisplayName, appleReply} {
		f.Add(crlf(s))
	}
	ev := Event{UID: "u@x", Stamp: time.Unix(1e9, 0), Start: time.Unix(2e9, 0).In(time.FixedZone("", 0)),
		Organizer: Person{Email: "a@b.c"}, Attendee: Person{Email: "d@e.f"}}
	if b, err := ev.Request(); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"BEGIN:VCALENDAR\nBEGIN:VEVENT\nX;A=b\nEND:VEVENT\nEND:VCALENDAR",
		"BEGIN:VCALENDAR\nBEGIN:VEVENT\nX;A=\"b\"c:d\nEND:VCALENDAR",
		"BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:T\nBEGIN:STANDARD\nDTSTART:16010101T000000\nRRULE:FREQ=YEARLY;BYMONTH=2;BYDAY=-5SU\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\nBEGIN:VEVENT\nDTSTART;TZID=T:20260201T000000\nDURATION:P1W2DT3H\nEND:VEVENT\nEND:VCALENDAR",
		"BEGIN:VCALENDAR\r\n END:VCALENDAR\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b, Options{Default: time.UTC})
		if err != nil {
			return
		}
		if len(c.Events) > maxEvents || len(c.Notes) > maxNotes {
			t.Fatalf("%d events, %d notes", len(c.Events), len(c.Notes))
		}
		for _, e := range c.Events {
			if len(e.Attendees) > maxAttendees {
				t.Fatalf("%d attendees", len(e.Attendees))
			}
			if !e.Start.IsZero() && (e.Start.Year() < 1899 || e.Start.Year() > 2201) {
				t.Fatalf("start %v", e.Start)
			}
			if !e.End.IsZero() && !e.End.After(e.Start) {
				t.Fatalf("end %v not after start %v", e.End, e.Start)
			}
			for _, s := range []string{e.UID, e.Summary, e.Location, e.Organizer.Email, e.Organizer.Name, e.Status, string(c.Method)} {
				if strings.ContainsFunc(s, unicode.IsControl) {
					t.Fatalf("control character in %q", s)
				}
			}
		}
	})
}

// Whatever names and text the data holds, Build either refuses them or
// writes an object that reads back with the same UID, times and people.
func FuzzBuildParse(f *testing.F) {
	f.Add("Maria Lopez", "maria@example.net", "Chat", "video https://meet.google.com/x", "rp-1@example.com", int64(1796320800), 30)
	f.Add("A \"B\"; C, D", "a@b.c", "x\r\ny", "at Café; Room 3", "u", int64(0), 0)
	f.Add("\u2028", "bad address", "", "", "", int64(-1), -5)
	f.Fuzz(func(t *testing.T, name, email, summary, format, uid string, unix int64, minutes int) {
		loc, _ := time.LoadLocation("Europe/Paris")
		start := time.Unix(unix%(4e9), 0).In(loc)
		ev := Event{UID: uid, Stamp: time.Unix(1.7e9, 0), Start: start, End: start.Add(time.Duration(minutes) * time.Minute),
			Summary: summary, Format: meetings.ParseFormat(format),
			Organizer: Person{Name: "Alex", Email: "alex@example.com"}, Attendee: Person{Name: name, Email: email}}
		b, err := ev.Request()
		if err != nil {
			return
		}
		c, err := Parse(b, Options{})
		if err != nil {
			t.Fatalf("cannot read what Build wrote: %v\n%s", err, b)
		}
		e := c.Primary()
		if e == nil || e.UID != strings.TrimSpace(uid) && e.UID != uid {
			t.Fatalf("UID %q, want %q", e.UID, uid)
		}
		end := ev.End
		if minutes == 0 {
			end = start.Add(meetings.DefaultLength)
		}
		if !e.Start.Equal(start) || !e.End.Equal(end) {
			t.Fatalf("times %v – %v, want %v – %v\n%s", e.Start, e.End, start, end, b)
		}
		if len(e.Attendees) != 1 || !strings.EqualFold(e.Attendees[0].Email, email) || e.Organizer.Email != "alex@example.com" || c.Method != Request {
			t.Fatalf("people %+v %+v method %q", e.Organizer, e.Attendees, c.Method)
		}
	})
}
