package invite

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"rapport/internal/meetings"
)

// Method is an iTIP method (RFC 5546 §1.4).
type Method string

// The methods rapport writes or reads.
const (
	Request        Method = "REQUEST"
	Cancel         Method = "CANCEL"
	Publish        Method = "PUBLISH"
	Reply          Method = "REPLY"
	Counter        Method = "COUNTER"
	Refresh        Method = "REFRESH"
	Add            Method = "ADD"
	DeclineCounter Method = "DECLINECOUNTER"
)

// ProductID is the PRODID rapport writes.
const ProductID = "-//rapport//rapport//EN"

// Person is an organiser or an attendee.
type Person struct {
	Name  string
	Email string
}

// Event is a meeting to write as a calendar object.
type Event struct {
	// UID identifies the meeting for good: every update and the
	// cancellation carry the same one (NewUID makes one to store).
	UID string
	// Sequence is the revision: 0 for the first invitation, one more for
	// every change of time or place and for the cancellation.
	Sequence int
	// Stamp is DTSTAMP, when this version was made: the caller's clock.
	Stamp time.Time
	// Start and End are the meeting's instants. The zone of Start becomes
	// the TZID (write the meeting in the contact's zone); a zone without
	// an IANA name (UTC, a fixed offset) is written in UTC. A zero End
	// means Start plus meetings.DefaultLength.
	Start, End time.Time
	// Summary is the title; empty means "OWNER and CONTACT".
	Summary string
	// Description is extra text; the format's details are added to it.
	Description string
	// Format is how the meeting takes place: a video link (LOCATION, URL
	// and CONFERENCE), a phone number or a place (LOCATION).
	Format meetings.Format
	// Organizer is the owner; Attendee the contact.
	Organizer, Attendee Person
}

// Reschedule returns the event moved to a new time as its next revision:
// the same UID, Sequence one more, the new stamp.
func (ev Event) Reschedule(start, end, stamp time.Time) Event {
	ev.Start, ev.End, ev.Stamp = start, end, stamp
	ev.Sequence++
	return ev
}

// Request is Build(Request, ev): the invitation, or its update.
func (ev Event) Request() ([]byte, error) { return Build(Request, ev) }

// Cancel is Build(Cancel, ev). Give it a Sequence higher than the last
// invitation's (RFC 5546 §2.1.4).
func (ev Event) Cancel() ([]byte, error) { return Build(Cancel, ev) }

// Publish is Build(Publish, ev): the owner's own copy, which a calendar
// imports without asking anyone for an answer.
func (ev Event) Publish() ([]byte, error) { return Build(Publish, ev) }

// maxText bounds the free text written into a property.
const maxText = 4000

// Build writes ev as an iCalendar object with the given method: REQUEST
// (an invitation or an update), CANCEL, or PUBLISH (a copy without
// attendees, for the organiser's calendar). Lines end in CRLF and are
// folded at 75 octets (RFC 5545 §3.1).
//
// Errors name what is wrong: an empty UID or one with a line break or
// bytes that are not UTF-8 (a calendar would read another UID back), a
// missing or bad address, a zero Start or an End not after it, a negative
// Sequence, a zero Stamp.
func Build(method Method, ev Event) ([]byte, error) {
	switch method {
	case Request, Cancel, Publish:
	default:
		return nil, fmt.Errorf("invitation: cannot build method %q (want REQUEST, CANCEL or PUBLISH)", method)
	}
	if err := checkUID(ev.UID); err != nil {
		return nil, err
	}
	if ev.Sequence < 0 {
		return nil, fmt.Errorf("invitation: negative SEQUENCE %d", ev.Sequence)
	}
	if ev.Stamp.IsZero() {
		return nil, fmt.Errorf("invitation: no DTSTAMP")
	}
	if ev.Start.IsZero() {
		return nil, fmt.Errorf("invitation: no start")
	}
	end := ev.End
	if end.IsZero() {
		end = meetings.End(ev.Start, 0)
	}
	if !end.After(ev.Start) {
		return nil, fmt.Errorf("invitation: end %s is not after start %s", end.Format(time.RFC3339), ev.Start.Format(time.RFC3339))
	}
	org, err := person("ORGANIZER", ev.Organizer)
	if err != nil {
		return nil, err
	}
	att, err := person("ATTENDEE", ev.Attendee)
	if err != nil {
		return nil, err
	}

	loc := ev.Start.Location()
	// A local time in a repeated (or skipped) hour would be read back as
	// another instant; such meetings are written in UTC.
	named := hasIANAName(loc) && exactLocal(ev.Start, loc) && exactLocal(end, loc)

	e := ical.NewEvent()
	e.Props.SetText(ical.PropUID, ev.UID)
	setInt(e.Props, ical.PropSequence, ev.Sequence)
	e.Props.SetDateTime(ical.PropDateTimeStamp, ev.Stamp.UTC())
	if named {
		e.Props.SetDateTime(ical.PropDateTimeStart, ev.Start.In(loc))
		e.Props.SetDateTime(ical.PropDateTimeEnd, end.In(loc))
	} else {
		e.Props.SetDateTime(ical.PropDateTimeStart, ev.Start.UTC())
		e.Props.SetDateTime(ical.PropDateTimeEnd, end.UTC())
	}
	e.Props.SetText(ical.PropSummary, summary(ev, org, att))
	if d := description(ev); d != "" {
		e.Props.SetText(ical.PropDescription, d)
	}
	if l := textValue(ev.Format.Location()); l != "" {
		e.Props.SetText(ical.PropLocation, l)
	}
	if link := ev.Format.Link(); link != "" && isWebLink(link) {
		u := ical.NewProp(ical.PropURL)
		u.SetValueType(ical.ValueURI)
		u.Value = link
		e.Props.Set(u)
		c := ical.NewProp(ical.PropConference)
		c.Params.Set(ical.ParamValue, string(ical.ValueURI)) // required by RFC 7986 §5.11
		c.Params.Set(ical.ParamFeature, "VIDEO")
		if p := ev.Format.Provider(); p != "" {
			c.Params.Set(ical.ParamLabel, p)
		}
		c.Value = link
		e.Props.Set(c)
	}
	e.Props.SetText(ical.PropTransparency, "OPAQUE")
	if method == Cancel {
		e.Props.SetText(ical.PropStatus, string(ical.EventCancelled))
	} else {
		e.Props.SetText(ical.PropStatus, string(ical.EventConfirmed))
	}
	e.Props.Set(address(ical.PropOrganizer, org))
	if method != Publish { // RFC 5546 §3.2.1: PUBLISH has no attendees
		a := address(ical.PropAttendee, att)
		a.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
		a.Params.Set(ical.ParamCalendarUserType, "INDIVIDUAL")
		if method == Request {
			a.Params.Set(ical.ParamParticipationStatus, "NEEDS-ACTION")
			a.Params.Set(ical.ParamRSVP, "TRUE")
		}
		e.Props.Add(a)
	}

	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, ProductID)
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText(ical.PropMethod, string(method))
	if named {
		cal.Children = append(cal.Children, vtimezone(loc, ev.Start, end))
	}
	cal.Children = append(cal.Children, e.Component)

	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("invitation: %w", err)
	}
	return fold(buf.Bytes()), nil
}

// NewUID returns a new random UID on the owner's mail domain,
// "rp-<24 hex digits>@example.com", to store with the meeting.
func NewUID(domain string) string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	d := strings.ToLower(strings.TrimSpace(domain))
	if d == "" || strings.ContainsFunc(d, func(r rune) bool { return r <= ' ' || r > '~' || r == '@' }) {
		d = "rapport.invalid"
	}
	return "rp-" + hex.EncodeToString(b[:]) + "@" + d
}

func checkUID(uid string) error {
	if strings.TrimSpace(uid) == "" {
		return fmt.Errorf("invitation: no UID")
	}
	if len(uid) > 255 || !utf8.ValidString(uid) ||
		strings.ContainsFunc(uid, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) {
		return fmt.Errorf("invitation: invalid UID %q", uid)
	}
	return nil
}

// hasIANAName reports whether loc is a zone with a name other calendars
// know (Area/Location), rather than UTC, Local or a fixed offset.
func hasIANAName(loc *time.Location) bool {
	n := loc.String()
	return strings.Contains(n, "/") && !strings.HasPrefix(n, "Etc/") && validZoneName(n)
}

// exactLocal reports whether t's wall clock in loc names t alone: a
// reader takes a repeated wall clock as its first occurrence (RFC 5545
// §3.3.5), so the second one, and any time Go normalised out of a gap,
// cannot be written as a local time.
func exactLocal(t time.Time, loc *time.Location) bool {
	l := t.In(loc)
	if !time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), loc).Equal(t) {
		return false
	}
	for _, d := range []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour} {
		e := t.Add(-d).In(loc)
		if e.Hour() == l.Hour() && e.Minute() == l.Minute() && e.Day() == l.Day() {
			return false
		}
	}
	return true
}

func setInt(p ical.Props, name string, v int) {
	prop := ical.NewProp(name)
	prop.Value = strconv.Itoa(v)
	p.Set(prop)
}

// person checks a name and an address for a calendar property.
func person(role string, p Person) (Person, error) {
	addr := strings.TrimSpace(p.Email)
	if addr == "" {
		return Person{}, fmt.Errorf("invitation: %s has no address", role)
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr || strings.ContainsAny(addr, ":;,\"") {
		return Person{}, fmt.Errorf("invitation: %s address %q is not a single plain address", role, p.Email)
	}
	for _, r := range p.Name {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return Person{}, fmt.Errorf("invitation: %s name %q contains a line break or control character", role, p.Name)
		}
	}
	return Person{Name: paramText(p.Name), Email: addr}, nil
}

func address(name string, p Person) *ical.Prop {
	prop := ical.NewProp(name)
	prop.Value = "mailto:" + p.Email
	if p.Name != "" {
		prop.Params.Set(ical.ParamCommonName, p.Name)
	}
	return prop
}

// paramText makes a name safe as a parameter value: no double quotes (a
// parameter cannot escape them), no control characters, spaces collapsed.
func paramText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '"' || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return clip(strings.Join(strings.Fields(s), " "), 200)
}

// textValue cleans free text for a TEXT property: no control characters
// other than line breaks (which go-ical escapes), at most maxText runes.
func textValue(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return clip(strings.TrimSpace(s), maxText)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func isWebLink(s string) bool {
	l := strings.ToLower(s)
	return (strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")) &&
		!strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == '"' || r == 0x7f })
}

func summary(ev Event, org, att Person) string {
	if s := textValue(strings.ReplaceAll(ev.Summary, "\n", " ")); s != "" {
		return s
	}
	s := nameOr(org) + " and " + nameOr(att)
	if n := ev.Format.Noun(); n != "" {
		s += " (" + n + ")"
	}
	return s
}

func nameOr(p Person) string {
	if p.Name != "" {
		return p.Name
	}
	return p.Email
}

// description is the caller's text followed by how to join.
func description(ev Event) string {
	var parts []string
	if d := textValue(ev.Description); d != "" {
		parts = append(parts, d)
	}
	f := ev.Format
	switch {
	case f.Kind == meetings.Video && f.Detail != "":
		parts = append(parts, "Join the "+f.Noun()+": "+f.Detail)
	case f.Kind == meetings.Phone && f.Detail != "":
		parts = append(parts, "Phone: "+f.Detail)
	case f.Kind == meetings.InPerson && f.Detail != "":
		parts = append(parts, "Where: "+f.Detail)
	}
	return textValue(strings.Join(parts, "\n\n"))
}

// fold folds content lines longer than 75 octets (RFC 5545 §3.1), never
// inside a UTF-8 sequence.
func fold(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b) + len(b)/70*3)
	for _, line := range strings.SplitAfter(string(b), "\r\n") {
		body, crlf := strings.CutSuffix(line, "\r\n")
		limit := 75
		for len(body) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(body[cut]) {
				cut--
			}
			out.WriteString(body[:cut])
			out.WriteString("\r\n ")
			body = body[cut:]
			limit = 74 // the leading space counts
		}
		out.WriteString(body)
		if crlf {
			out.WriteString("\r\n")
		}
	}
	return out.Bytes()
}
