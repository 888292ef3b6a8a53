package invite

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// crlf turns a readable fixture into wire form.
func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(strings.TrimPrefix(s, "\n"), "\n", "\r\n"))
}

// Shaped like Google Calendar's invitations: IANA TZID with a VTIMEZONE,
// the organiser also listed as an attendee.
const googleRequest = `
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:REQUEST
BEGIN:VTIMEZONE
TZID:America/Los_Angeles
X-LIC-LOCATION:America/Los_Angeles
BEGIN:DAYLIGHT
TZOFFSETFROM:-0800
TZOFFSETTO:-0700
TZNAME:PDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0700
TZOFFSETTO:-0800
TZNAME:PST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
DTSTART;TZID=America/Los_Angeles:20261203T150000
DTEND;TZID=America/Los_Angeles:20261203T154500
DTSTAMP:20261125T180212Z
ORGANIZER;CN=Sam Rivera:mailto:sam@example.org
UID:5s8kq0c3u4t1o2e9fj3m0rqg8v@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE
 ;CN=Sam Rivera;X-NUM-GUESTS=0:mailto:sam@example.org
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=
 TRUE;CN=alex@example.com;X-NUM-GUESTS=0:mailto:alex@example.com
X-GOOGLE-CONFERENCE:https://meet.google.com/xyz-abcd-efg
DESCRIPTION:Happy to chat\, Alex!\n\nJoin with Google Meet: https://meet.go
 ogle.com/xyz-abcd-efg
LOCATION:
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Coffee chat: Sam / Alex
TRANSP:OPAQUE
END:VEVENT
END:VCALENDAR
`

// Shaped like Outlook's: a Windows zone name as TZID, the rules in the
// VTIMEZONE, an HTML description.
const outlookRequest = `
BEGIN:VCALENDAR
METHOD:REQUEST
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ORGANIZER;CN=Jonas Weber:mailto:jonas.weber@example.de
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Alex Doe:
 mailto:alex@example.com
DESCRIPTION;LANGUAGE=en-US:Hi Alex\, looking forward to it.\n
UID:040000008200E00074C5B7101A82E00800000000D0F2C1A1B3D9DC01000000000000000
 0100000003A1C0D4E8F7A6B4C9D1E2F3A4B5C6D7E
SUMMARY;LANGUAGE=en-US:Informational chat
DTSTART;TZID=W. Europe Standard Time:20261210T100000
DTEND;TZID=W. Europe Standard Time:20261210T103000
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:20261201T091500Z
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:0
LOCATION;LANGUAGE=en-US:Microsoft Teams Meeting
X-MICROSOFT-CDO-APPT-SEQUENCE:0
X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE
X-ALT-DESC;FMTTYPE=text/html:<html><body><p>Hi Alex, looking forward to it.
 </p></body></html>
BEGIN:VALARM
DESCRIPTION:REMINDER
TRIGGER;RELATED=START:-PT15M
ACTION:DISPLAY
END:VALARM
END:VEVENT
END:VCALENDAR
`

// Older Exchange servers write a display name as TZID, which no database
// knows: only the VTIMEZONE can say what it means.
const exchangeDisplayName = `
BEGIN:VCALENDAR
METHOD:REQUEST
VERSION:2.0
BEGIN:VTIMEZONE
TZID:(UTC-05:00) Eastern Time (US & Canada)
BEGIN:STANDARD
DTSTART:16011104T020000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010311T020000
RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:exch-1
DTSTART;TZID="(UTC-05:00) Eastern Time (US & Canada)":20261203T150000
DTEND;TZID="(UTC-05:00) Eastern Time (US & Canada)":20261203T153000
SUMMARY:Chat
ORGANIZER:MAILTO:Pat@Example.com
END:VEVENT
BEGIN:VEVENT
UID:exch-2
DTSTART;TZID="(UTC-05:00) Eastern Time (US & Canada)":20260615T150000
DURATION:PT45M
END:VEVENT
END:VCALENDAR
`

// Shaped like Apple Calendar's answer to rapport's invitation.
const appleReply = `
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Apple Inc.//iPhone OS 18.1//EN
METHOD:REPLY
BEGIN:VEVENT
ATTENDEE;CN="Maria Lopez";CUTYPE=INDIVIDUAL;EMAIL="maria@example.net";PARTSTAT=ACCEPTED:mailto:maria@example.net
COMMENT:See you then!
DTEND;TZID=America/Chicago:20261203T143000
DTSTAMP:20261201T130102Z
DTSTART;TZID=America/Chicago:20261203T140000
ORGANIZER;CN=Alex Doe:mailto:alex@example.com
SEQUENCE:1
SUMMARY:Alex Doe and Maria Lopez (video call)
UID:rp-0123456789abcdef01234567@example.com
END:VEVENT
END:VCALENDAR
`

func TestParseGoogleRequest(t *testing.T) {
	c, err := Parse(crlf(googleRequest), Options{Default: zone(t, "America/New_York")})
	if err != nil {
		t.Fatal(err)
	}
	e := c.Primary()
	if c.Method != Request || e == nil || e.UID != "5s8kq0c3u4t1o2e9fj3m0rqg8v@google.com" || e.Sequence != 0 || e.Status != "CONFIRMED" {
		t.Fatalf("calendar %+v", c)
	}
	la := zone(t, "America/Los_Angeles")
	if want := time.Date(2026, 12, 3, 15, 0, 0, 0, la); !e.Start.Equal(want) || e.TZID != "America/Los_Angeles" || e.Floating {
		t.Errorf("start %v (%q), want %v", e.Start, e.TZID, want)
	}
	// DTEND is read: 45 minutes, not a default.
	if e.End.Sub(e.Start) != 45*time.Minute {
		t.Errorf("length %v", e.End.Sub(e.Start))
	}
	if e.Organizer != (Person{"Sam Rivera", "sam@example.org"}) || len(e.Attendees) != 2 {
		t.Errorf("organizer %+v attendees %+v", e.Organizer, e.Attendees)
	}
	if a, ok := e.Attendee("ALEX@example.com"); !ok || a.PartStat != NeedsAction || !a.RSVP || a.Role != "REQ-PARTICIPANT" {
		t.Errorf("alex: %+v %v", a, ok)
	}
	if ps, ok := e.Answer("sam@example.org"); !ok || ps != Accepted {
		t.Errorf("sam: %v %v", ps, ok)
	}
	if e.Summary != "Coffee chat: Sam / Alex" || !strings.HasPrefix(e.Description, "Happy to chat, Alex!\n\nJoin with Google Meet: https://meet.google.com/xyz-abcd-efg") {
		t.Errorf("summary %q description %q", e.Summary, e.Description)
	}
}

func TestParseOutlookRequest(t *testing.T) {
	c, err := Parse(crlf(outlookRequest), Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := c.Primary()
	berlin := zone(t, "Europe/Berlin")
	if want := time.Date(2026, 12, 10, 10, 0, 0, 0, berlin); !e.Start.Equal(want) || e.End.Sub(e.Start) != 30*time.Minute {
		t.Errorf("start %v end %v, want %v", e.Start, e.End, want)
	}
	if e.Start.Location().String() != "Europe/Berlin" {
		t.Errorf("Windows name resolved to %v", e.Start.Location())
	}
	if !strings.HasPrefix(e.UID, "040000008200E00074C5B7101A82E008") || len(e.UID) != 112 {
		t.Errorf("folded UID %q", e.UID)
	}
	if e.Location != "Microsoft Teams Meeting" || e.Summary != "Informational chat" {
		t.Errorf("location %q summary %q", e.Location, e.Summary)
	}
}

func TestParseExchangeDisplayNameTZID(t *testing.T) {
	c, err := Parse(crlf(exchangeDisplayName), Options{Default: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Events) != 2 {
		t.Fatalf("%d events", len(c.Events))
	}
	ny := zone(t, "America/New_York")
	// December: standard time, -05:00; June: daylight time, -04:00. Both
	// come from the VTIMEZONE's rules, not from a database.
	if want := time.Date(2026, 12, 3, 15, 0, 0, 0, ny); !c.Events[0].Start.Equal(want) || c.Events[0].End.Sub(c.Events[0].Start) != 30*time.Minute {
		t.Errorf("winter: %v – %v, want %v", c.Events[0].Start, c.Events[0].End, want)
	}
	if want := time.Date(2026, 6, 15, 15, 0, 0, 0, ny); !c.Events[1].Start.Equal(want) || c.Events[1].End.Sub(c.Events[1].Start) != 45*time.Minute {
		t.Errorf("summer (DURATION): %v – %v, want %v", c.Events[1].Start, c.Events[1].End, want)
	}
	if c.Events[0].Organizer.Email != "Pat@Example.com" {
		t.Errorf("MAILTO: %q", c.Events[0].Organizer.Email)
	}
}

func TestParseAppleReply(t *testing.T) {
	c, err := Parse(crlf(appleReply), Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := c.Primary()
	if c.Method != Reply || e.UID != "rp-0123456789abcdef01234567@example.com" || e.Sequence != 1 || e.Comment != "See you then!" {
		t.Errorf("%+v", c)
	}
	if ps, ok := e.Answer(""); !ok || ps != Accepted {
		t.Errorf("answer %q %v", ps, ok)
	}
	if ps, ok := e.Answer("maria@example.net"); !ok || ps != Accepted {
		t.Errorf("answer by address %q %v", ps, ok)
	}
	if _, ok := e.Answer("someone@else.org"); ok {
		t.Error("answer from a stranger")
	}
}

// What rapport writes, Parse reads back the same, across zones and both
// clock changes.
func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct{ zone, at string }{
		{"America/Chicago", "2026-12-03 14:00"},
		{"America/New_York", "2026-03-08 03:30"}, // the morning clocks go forward
		{"America/New_York", "2026-11-01 01:30"}, // the repeated hour: the first one
		{"Europe/Paris", "2026-03-29 09:00"},
		{"Australia/Sydney", "2026-04-05 09:00"},
		{"Asia/Kolkata", "2026-07-01 18:30"},
	} {
		loc := zone(t, tc.zone)
		start, err := time.ParseInLocation("2006-01-02 15:04", tc.at, loc)
		if err != nil {
			t.Fatal(err)
		}
		ev := maria(t)
		ev.Start, ev.End = start, start.Add(45*time.Minute)
		b, err := ev.Request()
		if err != nil {
			t.Fatal(err)
		}
		// Read with the zone database, then with none (the VTIMEZONE alone).
		for _, opts := range []Options{{}, {LoadLocation: func(string) (*time.Location, error) { return nil, errors.New("no database") }}} {
			c, err := Parse(b, opts)
			if err != nil {
				t.Fatal(err)
			}
			e := c.Primary()
			wantTZID := tc.zone
			if tc.at == "2026-11-01 01:30" {
				wantTZID = "" // the end falls in the repeated hour: written in UTC
			}
			if !e.Start.Equal(ev.Start) || !e.End.Equal(ev.End) || e.UID != ev.UID || e.TZID != wantTZID {
				t.Errorf("%s %s (db %v): read %v – %v (%s), want %v – %v", tc.zone, tc.at, opts.LoadLocation == nil, e.Start, e.End, e.TZID, ev.Start, ev.End)
			}
			if e.Organizer.Email != "alex@example.com" || len(e.Attendees) != 1 || e.Attendees[0].Email != "maria@example.net" {
				t.Errorf("people %+v %+v", e.Organizer, e.Attendees)
			}
		}
	}
}

func TestParseTimes(t *testing.T) {
	chi := zone(t, "America/Chicago")
	wrap := func(lines string) []byte {
		return crlf("\nBEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\n" + strings.TrimPrefix(lines, "\n") + "END:VEVENT\nEND:VCALENDAR\n")
	}
	for _, tc := range []struct {
		name       string
		lines      string
		start, end time.Time
		allDay     bool
		floating   bool
	}{
		{"UTC", "DTSTART:20261203T200000Z\nDTEND:20261203T203000Z\n",
			time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC), time.Date(2026, 12, 3, 20, 30, 0, 0, time.UTC), false, false},
		{"floating: the contact's zone", "DTSTART:20261203T140000\nDTEND:20261203T150000\n",
			time.Date(2026, 12, 3, 14, 0, 0, 0, chi), time.Date(2026, 12, 3, 15, 0, 0, 0, chi), false, true},
		{"no end: zero, the caller decides", "DTSTART:20261203T140000Z\n",
			time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC), time.Time{}, false, false},
		{"DURATION", "DTSTART;TZID=Europe/Paris:20261203T090000\nDURATION:PT1H15M\n",
			time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC), time.Date(2026, 12, 3, 9, 15, 0, 0, time.UTC), false, false},
		{"all day", "DTSTART;VALUE=DATE:20261203\n",
			time.Date(2026, 12, 3, 0, 0, 0, 0, chi), time.Date(2026, 12, 4, 0, 0, 0, 0, chi), true, true},
		{"all day, two days", "DTSTART;VALUE=DATE:20261203\nDTEND;VALUE=DATE:20261205\n",
			time.Date(2026, 12, 3, 0, 0, 0, 0, chi), time.Date(2026, 12, 5, 0, 0, 0, 0, chi), true, true},
		{"a mozilla TZID", "DTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20261203T150000\nDTEND;TZID=/mozilla.org/20050126_1/America/New_York:20261203T153000\n",
			time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC), time.Date(2026, 12, 3, 20, 30, 0, 0, time.UTC), false, false},
		{"a Windows TZID", "DTSTART;TZID=AUS Eastern Standard Time:20261203T090000\nDTEND;TZID=AUS Eastern Standard Time:20261203T093000\n",
			time.Date(2026, 12, 2, 22, 0, 0, 0, time.UTC), time.Date(2026, 12, 2, 22, 30, 0, 0, time.UTC), false, false},
		{"an unknown TZID without VTIMEZONE: the default zone", "DTSTART;TZID=Atlantis Time:20261203T140000\n",
			time.Date(2026, 12, 3, 14, 0, 0, 0, chi), time.Time{}, false, false},
		{"an end before the start is dropped", "DTSTART:20261203T140000Z\nDTEND:20261203T130000Z\n",
			time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC), time.Time{}, false, false},
		{"no seconds", "DTSTART:20261203T1400Z\n",
			time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC), time.Time{}, false, false},
		{"nonsense start", "DTSTART:2026-12-03 14:00\n", time.Time{}, time.Time{}, false, false},
		{"absurd year", "DTSTART:99991203T140000Z\n", time.Time{}, time.Time{}, false, false},
		{"a huge DURATION is not read", "DTSTART:20261203T140000Z\nDURATION:P99999999W\n",
			time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC), time.Time{}, false, false},
	} {
		c, err := Parse(wrap(tc.lines), Options{Default: chi})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		e := c.Primary()
		if !e.Start.Equal(tc.start) || !e.End.Equal(tc.end) || e.AllDay != tc.allDay || e.Floating != tc.floating {
			t.Errorf("%s: %v – %v all-day %v floating %v; want %v – %v %v %v (notes %q)", tc.name, e.Start, e.End, e.AllDay, e.Floating,
				tc.start, tc.end, tc.allDay, tc.floating, c.Notes)
		}
	}
}

// Damaged and hostile objects give an error or a partial reading, with
// notes; what can be read is read.
func TestParseDamaged(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		err     string // "" for no error
		uid     string
		noteHas string
	}{
		{"not a calendar", "Hello,\r\nsee you Thursday.\r\n", "no VCALENDAR", "", ""},
		{"empty", "", "no VCALENDAR", "", ""},
		{"bare LF, junk before, no final END",
			"garbage\nBEGIN:VCALENDAR\nMETHOD:request\nBEGIN:VEVENT\nUID:u1\nDTSTART:20261203T140000Z\n", "", "u1", "cut short"},
		{"folded with tabs", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\n\t2\r\nSUMMARY:a\r\n  b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "", "u2", ""},
		{"malformed parameters are dropped line by line", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u3\r\nATTENDEE;CN=x\r\nX;A=\"b\"c:d\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "", "u3", "malformed line"},
		{"END of the wrong component", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u4\r\nBEGIN:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "", "u4", "closed by"},
		{"END without BEGIN", "BEGIN:VCALENDAR\r\nEND:VTODO\r\nBEGIN:VEVENT\r\nUID:u5\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "", "u5", "without BEGIN"},
		{"nested too deep", "BEGIN:VCALENDAR\r\n" + strings.Repeat("BEGIN:X\r\n", 20), "nested", "", ""},
		{"too many components", "BEGIN:VCALENDAR\r\n" + strings.Repeat("BEGIN:VEVENT\r\nEND:VEVENT\r\n", 600), "more than 500 components", "", ""},
		{"too large", "BEGIN:VCALENDAR\r\nX:" + strings.Repeat("a", MaxBytes), "larger than", "", ""},
		{"a very long line is cut, the rest read", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u6\r\nX-ALT-DESC:" + strings.Repeat("a", 100<<10) + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "", "u6", "longer than"},
		{"a long parameter is dropped", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u7\r\nATTENDEE;CN=\"" + strings.Repeat("q", 5000) + "\":mailto:a@b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "", "u7", "malformed line"},
		{"a bad SEQUENCE", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u8\r\nSEQUENCE:lots\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "", "u8", "SEQUENCE"},
		{"invalid UTF-8", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u9\xff\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "", "u9\uFFFD", ""},
	} {
		c, err := Parse([]byte(tc.in), Options{})
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if e := c.Primary(); e == nil || e.UID != tc.uid {
			t.Errorf("%s: events %+v", tc.name, c.Events)
		}
		if tc.noteHas != "" && !strings.Contains(strings.Join(c.Notes, "\n"), tc.noteHas) {
			t.Errorf("%s: notes %q, want one about %q", tc.name, c.Notes, tc.noteHas)
		}
	}
	// Upper-case method even when written in lower case.
	c, _ := Parse([]byte("BEGIN:VCALENDAR\nMETHOD:cancel\nBEGIN:VEVENT\nUID:x\nSTATUS:cancelled\nEND:VEVENT\nEND:VCALENDAR\n"), Options{})
	if c.Method != Cancel || c.Primary().Status != "CANCELLED" {
		t.Errorf("case: %+v", c)
	}
}

// A VTIMEZONE rule that a general RRULE engine would expand for ages is
// read in constant time or ignored.
func TestHostileVTimezone(t *testing.T) {
	in := crlf(`
BEGIN:VCALENDAR
BEGIN:VTIMEZONE
TZID:Trap
BEGIN:STANDARD
DTSTART:19000101T000000
RRULE:FREQ=SECONDLY;BYSECOND=0,1,2,3,4,5,6,7,8,9
TZOFFSETFROM:+0000
TZOFFSETTO:+0300
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19000101T000000
RRULE:FREQ=YEARLY;BYMONTH=13;BYDAY=9SU
TZOFFSETFROM:+0300
TZOFFSETTO:+9900
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:trap
DTSTART;TZID=Trap:20261203T120000
END:VEVENT
END:VCALENDAR
`)
	done := make(chan *Calendar, 1)
	go func() {
		c, _ := Parse(in, Options{})
		done <- c
	}()
	select {
	case c := <-done:
		if c == nil || !c.Primary().Start.Equal(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("start %v", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Parse did not return")
	}
}

func TestReceivedFormat(t *testing.T) {
	google, _ := Parse(crlf(googleRequest), Options{})
	outlook, _ := Parse(crlf(outlookRequest), Options{})
	for _, tc := range []struct {
		name string
		e    *Received
		want string
	}{
		{"Google: X-GOOGLE-CONFERENCE", google.Primary(), "video https://meet.google.com/xyz-abcd-efg"},
		{"Outlook: a Teams meeting without a link", outlook.Primary(), "video "},
		{"rapport's own", func() *Received {
			b, _ := maria(t).Request()
			c, _ := Parse(b, Options{})
			return c.Primary()
		}(), "video https://meet.google.com/abc-defg-hij"},
		{"a place", &Received{Location: "Blue Bottle, Ferry Building"}, "in_person Blue Bottle, Ferry Building"},
		{"a phone number", &Received{Location: "Call +1 312 555 0142"}, "phone +1 312 555 0142"},
		{"a Zoom link in the description", &Received{Description: "Join Zoom Meeting\nhttps://us02web.zoom.us/j/81234 \nMeeting ID: 812 34"}, "video https://us02web.zoom.us/j/81234"},
		{"a link that is not a video call", &Received{Description: "Agenda: https://docs.example.org/agenda"}, " "},
	} {
		f := tc.e.Format()
		if got := string(f.Kind) + " " + f.Detail; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
