package invite

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"rapport/internal/meetings"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var stamp = time.Date(2026, 11, 30, 15, 4, 5, 0, time.UTC)

// maria is the demo's meeting: Maria in Chicago agreed to Thursday 3
// December at 2pm her time, by video.
func maria(t testing.TB) Event {
	return Event{
		UID:       "rp-0123456789abcdef01234567@example.com",
		Stamp:     stamp,
		Start:     time.Date(2026, 12, 3, 14, 0, 0, 0, zone(t, "America/Chicago")),
		End:       time.Date(2026, 12, 3, 14, 30, 0, 0, zone(t, "America/Chicago")),
		Format:    meetings.ParseFormat("video https://meet.google.com/abc-defg-hij"),
		Organizer: Person{Name: "Alex Doe", Email: "alex@example.com"},
		Attendee:  Person{Name: "Maria Lopez", Email: "maria@example.net"},
	}
}

// decodeBack reads an object back with go-ical itself, independently of Parse.
func decodeBack(t *testing.T, b []byte) (*ical.Calendar, *ical.Component) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line longer than 75 octets: %q", line)
		}
		if strings.Contains(line, "\n") || strings.Contains(line, "\r") {
			t.Errorf("bare line break in %q", line)
		}
	}
	if !bytes.HasSuffix(b, []byte("END:VCALENDAR\r\n")) {
		t.Errorf("object does not end with END:VCALENDAR CRLF")
	}
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read it back: %v\n%s", err, b)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	return cal, evs[0].Component
}

func prop(c *ical.Component, name string) *ical.Prop {
	if p := c.Props.Get(name); p != nil {
		return p
	}
	return &ical.Prop{Params: ical.Params{}}
}

func TestRequest(t *testing.T) {
	ev := maria(t)
	b, err := ev.Request()
	if err != nil {
		t.Fatal(err)
	}
	cal, e := decodeBack(t, b)
	for name, want := range map[string]string{
		ical.PropMethod: "REQUEST", ical.PropVersion: "2.0", ical.PropProductID: ProductID,
	} {
		if got := prop(cal.Component, name).Value; got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for name, want := range map[string]string{
		ical.PropUID:           ev.UID,
		ical.PropSequence:      "0",
		ical.PropDateTimeStamp: "20261130T150405Z",
		ical.PropDateTimeStart: "20261203T140000",
		ical.PropDateTimeEnd:   "20261203T143000",
		ical.PropStatus:        "CONFIRMED",
		ical.PropLocation:      "https://meet.google.com/abc-defg-hij",
		ical.PropURL:           "https://meet.google.com/abc-defg-hij",
		ical.PropConference:    "https://meet.google.com/abc-defg-hij",
		ical.PropSummary:       `Alex Doe and Maria Lopez (Google Meet call)`,
		ical.PropOrganizer:     "mailto:alex@example.com",
		ical.PropAttendee:      "mailto:maria@example.net",
	} {
		if got := prop(e, name).Value; got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{ical.PropDateTimeStart, ical.PropDateTimeEnd} {
		if tz := prop(e, name).Params.Get(ical.ParamTimezoneID); tz != "America/Chicago" {
			t.Errorf("%s TZID = %q", name, tz)
		}
	}
	att := prop(e, ical.PropAttendee)
	for k, want := range map[string]string{ical.ParamCommonName: "Maria Lopez", ical.ParamParticipationStatus: "NEEDS-ACTION",
		ical.ParamRSVP: "TRUE", ical.ParamRole: "REQ-PARTICIPANT"} {
		if got := att.Params.Get(k); got != want {
			t.Errorf("ATTENDEE %s = %q, want %q", k, got, want)
		}
	}
	if prop(e, ical.PropOrganizer).Params.Get(ical.ParamCommonName) != "Alex Doe" {
		t.Error("ORGANIZER CN")
	}
	if c := prop(e, ical.PropConference); c.Params.Get(ical.ParamValue) != "URI" || c.Params.Get(ical.ParamFeature) != "VIDEO" {
		t.Errorf("CONFERENCE params %v", c.Params)
	}
	// go-ical resolves the TZID with the zone database: the same instant.
	start, err := e.Props.DateTime(ical.PropDateTimeStart, nil)
	if err != nil || !start.Equal(ev.Start) {
		t.Errorf("DTSTART reads as %v, %v; want %v", start, err, ev.Start)
	}
	// A VTIMEZONE for the TZID, with the offset in force at the start.
	var tz *ical.Component
	for _, c := range cal.Children {
		if c.Name == ical.CompTimezone {
			tz = c
		}
	}
	if tz == nil || prop(tz, ical.PropTimezoneID).Value != "America/Chicago" {
		t.Fatalf("no VTIMEZONE for America/Chicago")
	}
	// Each change starts at the local time before it: 2am CST on 8 March
	// 2026, 2am CDT on 1 November (RFC 5545 §3.6.5).
	onsets := map[string]string{}
	for _, o := range tz.Children {
		onsets[o.Name+" "+prop(o, ical.PropDateTimeStart).Value] = prop(o, ical.PropTimezoneOffsetFrom).Value + ">" + prop(o, ical.PropTimezoneOffsetTo).Value
	}
	for k, want := range map[string]string{"DAYLIGHT 20260308T020000": "-0600>-0500", "STANDARD 20261101T020000": "-0500>-0600"} {
		if onsets[k] != want {
			t.Errorf("VTIMEZONE %s: %q, want %q (have %v)", k, onsets[k], want, onsets)
		}
	}
	def, ok := readTZDef(tz)
	if !ok || def.offsetAt(time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)) != -6*3600 {
		t.Errorf("VTIMEZONE gives %d for the start", def.offsetAt(time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)))
	}
}

// An update keeps the UID and raises SEQUENCE; a cancellation says so.
func TestRescheduleAndCancel(t *testing.T) {
	ev := maria(t)
	chi := ev.Start.Location()
	moved := ev.Reschedule(time.Date(2026, 12, 4, 10, 0, 0, 0, chi), time.Date(2026, 12, 4, 10, 30, 0, 0, chi), stamp.Add(time.Hour))
	b, err := moved.Request()
	if err != nil {
		t.Fatal(err)
	}
	_, e := decodeBack(t, b)
	if prop(e, ical.PropUID).Value != ev.UID || prop(e, ical.PropSequence).Value != "1" ||
		prop(e, ical.PropDateTimeStart).Value != "20261204T100000" || prop(e, ical.PropDateTimeStamp).Value != "20261130T160405Z" {
		t.Errorf("update: UID %q SEQUENCE %q DTSTART %q DTSTAMP %q", prop(e, ical.PropUID).Value, prop(e, ical.PropSequence).Value,
			prop(e, ical.PropDateTimeStart).Value, prop(e, ical.PropDateTimeStamp).Value)
	}
	if ev.Sequence != 0 {
		t.Error("Reschedule changed the original")
	}

	moved.Sequence++
	b, err = moved.Cancel()
	if err != nil {
		t.Fatal(err)
	}
	cal, e := decodeBack(t, b)
	if prop(cal.Component, ical.PropMethod).Value != "CANCEL" || prop(e, ical.PropStatus).Value != "CANCELLED" ||
		prop(e, ical.PropSequence).Value != "2" || prop(e, ical.PropUID).Value != ev.UID {
		t.Errorf("cancel:\n%s", b)
	}
	att := prop(e, ical.PropAttendee)
	if att.Value != "mailto:maria@example.net" || att.Params.Get(ical.ParamRSVP) != "" {
		t.Errorf("cancel ATTENDEE %+v", att)
	}
}

// The owner's copy is a PUBLISH without attendees (RFC 5546 §3.2.1).
func TestPublish(t *testing.T) {
	b, err := maria(t).Publish()
	if err != nil {
		t.Fatal(err)
	}
	cal, e := decodeBack(t, b)
	if prop(cal.Component, ical.PropMethod).Value != "PUBLISH" || e.Props.Get(ical.PropAttendee) != nil ||
		prop(e, ical.PropOrganizer).Value != "mailto:alex@example.com" {
		t.Errorf("publish:\n%s", b)
	}
}

func TestBuildZonesAndFormats(t *testing.T) {
	base := maria(t)
	for _, tc := range []struct {
		name   string
		change func(*Event)
		start  string // DTSTART value
		tzid   string
		loc    string // LOCATION
		vtz    bool
	}{
		{"UTC start is written in UTC", func(e *Event) { e.Start, e.End = e.Start.UTC(), e.End.UTC() }, "20261203T200000Z", "", "https://meet.google.com/abc-defg-hij", false},
		{"a fixed offset has no name others know", func(e *Event) {
			l := time.FixedZone("CST", -6*3600)
			e.Start, e.End = e.Start.In(l), e.End.In(l)
		}, "20261203T200000Z", "", "https://meet.google.com/abc-defg-hij", false},
		{"owner's zone", func(e *Event) {
			l := zone(t, "Europe/Paris")
			e.Start, e.End = e.Start.In(l), time.Time{}
		}, "20261203T210000", "Europe/Paris", "https://meet.google.com/abc-defg-hij", true},
		{"phone", func(e *Event) { e.Format = meetings.ParseFormat("phone +1 312 555 0142") }, "20261203T140000", "America/Chicago", "Phone: +1 312 555 0142", true},
		{"place", func(e *Event) { e.Format = meetings.ParseFormat("coffee at Blue Bottle; 1 Ferry Building, SF") }, "20261203T140000", "America/Chicago", "Blue Bottle; 1 Ferry Building, SF", true},
		{"nothing said", func(e *Event) { e.Format = meetings.Format{} }, "20261203T140000", "America/Chicago", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := base
			tc.change(&ev)
			b, err := ev.Request()
			if err != nil {
				t.Fatal(err)
			}
			cal, e := decodeBack(t, b)
			if got := prop(e, ical.PropDateTimeStart); got.Value != tc.start || got.Params.Get(ical.ParamTimezoneID) != tc.tzid {
				t.Errorf("DTSTART %q TZID %q", got.Value, got.Params.Get(ical.ParamTimezoneID))
			}
			if got := prop(e, ical.PropLocation); got.Value != "" || tc.loc != "" {
				if txt, _ := got.Text(); txt != tc.loc && got.Value != tc.loc {
					t.Errorf("LOCATION %q, want %q", got.Value, tc.loc)
				}
			}
			hasVTZ := false
			for _, c := range cal.Children {
				hasVTZ = hasVTZ || c.Name == ical.CompTimezone
			}
			if hasVTZ != tc.vtz {
				t.Errorf("VTIMEZONE present = %v", hasVTZ)
			}
			end, _ := e.Props.DateTime(ical.PropDateTimeEnd, nil)
			start, _ := e.Props.DateTime(ical.PropDateTimeStart, nil)
			if !start.Equal(ev.Start) || end.Sub(start) != 30*time.Minute {
				t.Errorf("start %v end %v", start, end)
			}
			if ev.Format.Kind != meetings.Video && e.Props.Get(ical.PropURL) != nil {
				t.Error("URL without a video link")
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		method Method
		change func(*Event)
		want   string
	}{
		{"empty UID", Request, func(e *Event) { e.UID = " " }, "no UID"},
		{"UID with a line break", Request, func(e *Event) { e.UID = "a\r\nMETHOD:CANCEL" }, "invalid UID"},
		{"no start", Request, func(e *Event) { e.Start = time.Time{} }, "no start"},
		{"end before start", Request, func(e *Event) { e.End = e.Start.Add(-time.Minute) }, "not after start"},
		{"negative sequence", Request, func(e *Event) { e.Sequence = -1 }, "negative SEQUENCE"},
		{"no stamp", Request, func(e *Event) { e.Stamp = time.Time{} }, "no DTSTAMP"},
		{"no organizer address", Request, func(e *Event) { e.Organizer.Email = "" }, "ORGANIZER has no address"},
		{"attendee with a display name", Request, func(e *Event) { e.Attendee.Email = "Maria <maria@example.net>" }, "not a single plain address"},
		{"attendee address with a colon", Request, func(e *Event) { e.Attendee.Email = `"a:b"@example.net` }, "not a single plain address"},
		{"name with CRLF", Request, func(e *Event) { e.Attendee.Name = "Maria\r\nATTENDEE:mailto:x@y" }, "line break"},
		{"reply is not ours to build", Reply, func(e *Event) {}, "cannot build method"},
	} {
		ev := maria(t)
		tc.change(&ev)
		_, err := Build(tc.method, ev)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

// Whatever the data, the text properties cannot open a new line or a new
// property: names lose their quotes, text is escaped.
func TestBuildEscapes(t *testing.T) {
	ev := maria(t)
	ev.Attendee.Name = `Maria "M" López; Ph.D., Esq.`
	ev.Summary = "Chat;\nMETHOD:CANCEL"
	ev.Description = "Line one\r\nLine two, with; punctuation\\"
	ev.Format = meetings.Format{Kind: meetings.InPerson, Detail: "Room 4, Building B; floor 3 — " + strings.Repeat("long ", 30)}
	b, err := ev.Request()
	if err != nil {
		t.Fatal(err)
	}
	cal, e := decodeBack(t, b)
	if prop(cal.Component, ical.PropMethod).Value != "REQUEST" {
		t.Error("method changed")
	}
	if cn := prop(e, ical.PropAttendee).Params.Get(ical.ParamCommonName); cn != `Maria M López; Ph.D., Esq.` {
		t.Errorf("CN = %q", cn)
	}
	got, err := Parse(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := got.Primary()
	if r.Summary != "Chat; METHOD:CANCEL" || !strings.HasPrefix(r.Description, "Line one\nLine two, with; punctuation\\") ||
		!strings.HasPrefix(r.Location, "Room 4, Building B; floor 3 — long") {
		t.Errorf("read back: %q / %q / %q", r.Summary, r.Description, r.Location)
	}
}

func TestNewUID(t *testing.T) {
	a, b := NewUID("Example.com"), NewUID("example.com")
	if a == b || !strings.HasPrefix(a, "rp-") || !strings.HasSuffix(a, "@example.com") || len(a) != len("rp-")+24+len("@example.com") {
		t.Errorf("NewUID: %q %q", a, b)
	}
	if u := NewUID("bad domain\r\n"); !strings.HasSuffix(u, "@rapport.invalid") {
		t.Errorf("bad domain: %q", u)
	}
}

// The VTIMEZONE rapport writes describes the zone exactly: read back by
// the package's own VTIMEZONE evaluation (as for a TZID no database
// knows), every hour of the event's year and the next gives Go's offset.
func TestVTimezoneMatchesZoneData(t *testing.T) {
	for _, name := range []string{"America/New_York", "Europe/Paris", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo", "Europe/Dublin", "Africa/Casablanca"} {
		loc := zone(t, name)
		start := time.Date(2026, 6, 1, 10, 0, 0, 0, loc)
		def, ok := readTZDef(vtimezone(loc, start, start.Add(time.Hour)))
		if !ok {
			t.Fatalf("%s: empty VTIMEZONE", name)
		}
		bad := 0
		for u := time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC); u.Year() < 2028; u = u.Add(time.Hour) {
			l := u.In(loc)
			_, want := l.Zone()
			wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
			// Around a change the wall clock repeats or is skipped; skip
			// the two hours either side where a wall clock is ambiguous.
			_, before := u.Add(-2 * time.Hour).In(loc).Zone()
			_, after := u.Add(2 * time.Hour).In(loc).Zone()
			if before != after {
				continue
			}
			if got := def.offsetAt(wall); got != want && bad < 3 {
				bad++
				t.Errorf("%s at %v: VTIMEZONE offset %d, zone data %d", name, l, got, want)
			}
		}
	}
}
