package invite

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/emersion/go-ical"

	"rapport/internal/meetings"
)

// Limits on what Parse reads. A real invitation is a few kilobytes; these
// leave room for Outlook's HTML descriptions and long attendee lists.
const (
	MaxBytes      = 1 << 20 // the whole object
	maxLineBytes  = 64 << 10
	maxHeadBytes  = 2 << 10 // a property's name and parameters
	maxLines      = 20000
	maxDepth      = 6
	maxComponents = 500
	maxEvents     = 50
	maxAttendees  = 200
	maxNotes      = 20
)

// PartStat is an attendee's answer (RFC 5545 §3.2.12).
type PartStat string

// The answers an attendee gives.
const (
	NeedsAction PartStat = "NEEDS-ACTION"
	Accepted    PartStat = "ACCEPTED"
	Declined    PartStat = "DECLINED"
	Tentative   PartStat = "TENTATIVE"
	Delegated   PartStat = "DELEGATED"
)

// Attendee is one ATTENDEE of a received event.
type Attendee struct {
	Person
	PartStat PartStat // upper case; NEEDS-ACTION when absent
	Role     string   // REQ-PARTICIPANT, OPT-PARTICIPANT, CHAIR...
	RSVP     bool
}

// Received is one VEVENT of a received calendar object.
type Received struct {
	UID          string
	Sequence     int
	RecurrenceID string // raw; set when this is one occurrence of a series
	Recurring    bool   // it has an RRULE

	// Start and End are instants. End is zero when the event gives
	// neither DTEND nor DURATION (RFC 5545 reads that as instantaneous;
	// the caller chooses a length); for an all-day date it is the next
	// day.
	Start, End time.Time
	AllDay     bool   // DTSTART is a DATE
	Floating   bool   // DTSTART had no zone: read in Options.Default
	TZID       string // as written, "" for UTC and floating times

	Status      string // TENTATIVE, CONFIRMED, CANCELLED or "", upper case
	Summary     string
	Location    string
	Description string // cut at 2000 characters
	URL         string
	// Conference is the video link of CONFERENCE (RFC 7986) or of the
	// vendors' own properties (X-GOOGLE-CONFERENCE, Teams' URL).
	Conference string
	Comment    string // an attendee's note on a REPLY
	Organizer  Person
	Attendees  []Attendee
}

// Calendar is a received calendar object.
type Calendar struct {
	Method Method // upper case; "" when the object has none (a plain .ics)
	ProdID string
	Events []Received
	// Notes say what was dropped or guessed (a malformed line, an unknown
	// TZID read in the default zone); never fatal.
	Notes []string
}

// Options are what Parse needs from the caller.
type Options struct {
	// Default is the zone of floating times and all-day dates, and of
	// times whose TZID nothing can resolve: the sender's zone (the
	// contact's). nil means UTC.
	Default *time.Location
	// LoadLocation resolves IANA names; nil means time.LoadLocation.
	LoadLocation func(name string) (*time.Location, error)
}

// ErrNotCalendar is returned for input that holds no VCALENDAR.
var ErrNotCalendar = errors.New("no VCALENDAR object")

// Parse reads a text/calendar part (decoded from its transfer encoding).
// It returns an error when the input is too large, holds no VCALENDAR, or
// nests or repeats components beyond the limits; otherwise it returns
// what it could read, with Notes on what it dropped. It never panics.
func Parse(data []byte, opts Options) (cal *Calendar, err error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("calendar object of %d bytes is larger than %d", len(data), MaxBytes)
	}
	raw, notes, err := decode(data)
	if err != nil {
		return nil, err
	}
	r := reader{opts: opts, notes: notes}
	if r.opts.Default == nil {
		r.opts.Default = time.UTC
	}
	if r.opts.LoadLocation == nil {
		r.opts.LoadLocation = time.LoadLocation
	}
	return r.calendar(raw), nil
}

// decode reads the first VCALENDAR into go-ical's model. It does the
// reading itself rather than through ical.Decoder, which panics on some
// malformed parameters, rebuilds parameter values a byte at a time
// (quadratic in their length) and gives up on the first bad line: here
// content lines are unfolded in one pass, a line that does not follow
// RFC 5545 §3.1 is dropped with a note, an END that closes the wrong
// component closes the ones inside it, and a calendar cut short is closed.
func decode(data []byte) (*ical.Calendar, []string, error) {
	var notes []string
	note := func(f string, a ...any) {
		if len(notes) < maxNotes {
			notes = append(notes, fmt.Sprintf(f, a...))
		}
	}
	s := strings.ToValidUTF8(string(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))), "\uFFFD")

	var root *ical.Component
	var stack []*ical.Component
	components, lines := 0, 0
	long := false
	var cur []string // the pieces of the logical line being unfolded
	curLen := 0

	// line handles one logical line; it returns false when the calendar
	// is complete.
	line := func(l string) (bool, error) {
		if strings.TrimSpace(l) == "" {
			return true, nil
		}
		name, params, value, ok := splitLine(l)
		if !ok {
			if root != nil {
				note("malformed line dropped: %.60q", l)
			}
			return true, nil
		}
		switch name {
		case "BEGIN":
			v := strings.ToUpper(strings.TrimSpace(value))
			if !isName(v) {
				note("malformed BEGIN dropped")
				return true, nil
			}
			if root == nil && v != ical.CompCalendar {
				return true, nil // junk before the calendar
			}
			if len(stack) >= maxDepth {
				return false, fmt.Errorf("calendar object nested more than %d deep", maxDepth)
			}
			if components++; components > maxComponents {
				return false, fmt.Errorf("calendar object has more than %d components", maxComponents)
			}
			c := ical.NewComponent(v)
			if root == nil {
				root = c
			} else {
				top := stack[len(stack)-1]
				top.Children = append(top.Children, c)
			}
			stack = append(stack, c)
		case "END":
			if root == nil {
				return true, nil
			}
			v := strings.ToUpper(strings.TrimSpace(value))
			i := len(stack) - 1
			for i >= 0 && stack[i].Name != v {
				i--
			}
			if i < 0 {
				note("END:%.20s without BEGIN dropped", v)
				return true, nil
			}
			for j := len(stack) - 1; j > i; j-- {
				note("%s closed by END:%s", stack[j].Name, v)
			}
			stack = stack[:i]
			return len(stack) > 0, nil
		default:
			if root == nil {
				return true, nil
			}
			top := stack[len(stack)-1]
			top.Props[name] = append(top.Props[name], ical.Prop{Name: name, Params: params, Value: value})
		}
		return true, nil
	}
	flush := func() (bool, error) {
		if len(cur) == 0 {
			return true, nil
		}
		l := strings.Join(cur, "")
		cur, curLen = cur[:0], 0
		return line(l)
	}

	more := true
	for phys := range strings.SplitSeq(s, "\n") {
		phys = strings.TrimSuffix(phys, "\r")
		if len(phys) > 0 && (phys[0] == ' ' || phys[0] == '\t') && len(cur) > 0 {
			if curLen+len(phys) > maxLineBytes {
				long = true
				continue
			}
			cur = append(cur, phys[1:])
			curLen += len(phys)
			continue
		}
		var err error
		if more, err = flush(); err != nil {
			return nil, nil, err
		}
		if !more {
			break
		}
		if lines++; lines > maxLines {
			note("more than %d lines: the rest ignored", maxLines)
			break
		}
		if len(phys) > maxLineBytes {
			long = true
			continue
		}
		cur = append(cur, phys)
		curLen = len(phys)
	}
	if more {
		if _, err := flush(); err != nil {
			return nil, nil, err
		}
	}
	if long {
		note("lines longer than %d bytes cut", maxLineBytes)
	}
	if root == nil {
		return nil, nil, ErrNotCalendar
	}
	if len(stack) > 0 {
		var open []string
		for _, c := range stack {
			open = append(open, c.Name)
		}
		note("calendar object cut short: %s closed", strings.Join(open, ", "))
	}
	return &ical.Calendar{Component: root}, notes, nil
}

func isName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func isNameByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
}

// splitLine reads a content line as RFC 5545 §3.1 has it: a name, then
// ;param=value[,value] with quoted or plain values, then ':' and the
// value. Names come back upper case, quotes are removed. The name and
// parameters must fit in maxHeadBytes.
func splitLine(l string) (name string, params ical.Params, value string, ok bool) {
	i := 0
	for i < len(l) && isNameByte(l[i]) {
		i++
	}
	if i == 0 || i > 64 || i >= len(l) {
		return "", nil, "", false
	}
	name = strings.ToUpper(l[:i])
	params = ical.Params{}
	for i < len(l) && l[i] == ';' {
		i++
		j := i
		for i < len(l) && isNameByte(l[i]) {
			i++
		}
		if i == j || i >= len(l) || l[i] != '=' || i-j > 64 {
			return "", nil, "", false
		}
		pname := strings.ToUpper(l[j:i])
		i++
		for {
			var v string
			if i < len(l) && l[i] == '"' {
				k := strings.IndexByte(l[i+1:], '"')
				if k < 0 {
					return "", nil, "", false
				}
				v = l[i+1 : i+1+k]
				i += k + 2
			} else {
				k := i
				for i < len(l) && !strings.ContainsRune(`";:,`, rune(l[i])) {
					i++
				}
				v = l[k:i]
			}
			if len(params) < 32 && len(params[pname]) < 32 {
				params[pname] = append(params[pname], v)
			}
			if i < len(l) && l[i] == ',' {
				i++
				continue
			}
			break
		}
		if i > maxHeadBytes {
			return "", nil, "", false
		}
	}
	if i >= len(l) || l[i] != ':' || i > maxHeadBytes {
		return "", nil, "", false
	}
	return name, params, l[i+1:], true
}

type reader struct {
	opts  Options
	notes []string
	zones zoneResolver
}

func (r *reader) note(f string, a ...any) {
	if len(r.notes) < maxNotes {
		r.notes = append(r.notes, fmt.Sprintf(f, a...))
	}
}

func (r *reader) calendar(raw *ical.Calendar) *Calendar {
	c := &Calendar{}
	if p := raw.Props.Get(ical.PropMethod); p != nil {
		c.Method = Method(strings.ToUpper(strings.TrimSpace(p.Value)))
		if !isName(string(c.Method)) {
			c.Method = ""
		}
	}
	if p := raw.Props.Get(ical.PropProductID); p != nil {
		c.ProdID = cleanText(unescapeText(p.Value), 200, false)
	}
	r.zones = zoneResolver{load: r.opts.LoadLocation, defs: map[string]tzDef{}, cache: map[string]*time.Location{}}
	for _, ch := range raw.Children {
		if ch.Name != ical.CompTimezone {
			continue
		}
		if p := ch.Props.Get(ical.PropTimezoneID); p != nil {
			if d, ok := readTZDef(ch); ok && len(r.zones.defs) < 50 {
				r.zones.defs[strings.Trim(strings.TrimSpace(p.Value), `"`)] = d
			}
		}
	}
	for _, ch := range raw.Children {
		if ch.Name != ical.CompEvent {
			continue
		}
		if len(c.Events) >= maxEvents {
			r.note("more than %d events: the rest ignored", maxEvents)
			break
		}
		c.Events = append(c.Events, r.event(ch))
	}
	c.Notes = r.notes
	return c
}

func (r *reader) event(ch *ical.Component) Received {
	var e Received
	text := func(name string, n int, multiline bool) string {
		if p := ch.Props.Get(name); p != nil {
			return cleanText(unescapeText(p.Value), n, multiline)
		}
		return ""
	}
	e.UID = text(ical.PropUID, 255, false)
	if p := ch.Props.Get(ical.PropSequence); p != nil {
		n, err := strconv.Atoi(strings.TrimSpace(p.Value))
		if err != nil || n < 0 {
			r.note("SEQUENCE %.20q is not a number", p.Value)
			n = 0
		}
		e.Sequence = n
	}
	if p := ch.Props.Get(ical.PropRecurrenceID); p != nil {
		e.RecurrenceID = cleanText(p.Value, 64, false)
	}
	e.Recurring = ch.Props.Get(ical.PropRecurrenceRule) != nil
	e.Status = strings.ToUpper(text(ical.PropStatus, 20, false))
	e.Summary = text(ical.PropSummary, 500, false)
	e.Location = text(ical.PropLocation, 500, false)
	e.Description = text(ical.PropDescription, 2000, true)
	e.Comment = text(ical.PropComment, 2000, true)
	link := func(name string) string {
		if p := ch.Props.Get(name); p != nil {
			if u := strings.TrimSpace(p.Value); isWebLink(u) && len(u) <= 2000 {
				return u
			}
		}
		return ""
	}
	e.URL = link(ical.PropURL)
	for _, name := range []string{ical.PropConference, "X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL", "X-MICROSOFT-ONLINEMEETINGCONFLINK"} {
		if e.Conference = link(name); e.Conference != "" {
			break
		}
	}

	if p := ch.Props.Get(ical.PropDateTimeStart); p != nil {
		t, allDay, floating, tzid, ok := r.dateTime(p)
		if ok {
			e.Start, e.AllDay, e.Floating, e.TZID = t, allDay, floating, tzid
		}
	}
	if !e.Start.IsZero() {
		e.End = r.end(ch, e.Start, e.AllDay)
	}

	if p := ch.Props.Get(ical.PropOrganizer); p != nil {
		e.Organizer = calAddress(p)
	}
	for i, p := range ch.Props.Values(ical.PropAttendee) {
		if i >= maxAttendees {
			r.note("more than %d attendees: the rest ignored", maxAttendees)
			break
		}
		a := Attendee{Person: calAddress(&p)}
		a.PartStat = PartStat(strings.ToUpper(cleanText(p.Params.Get(ical.ParamParticipationStatus), 20, false)))
		if a.PartStat == "" {
			a.PartStat = NeedsAction
		}
		a.Role = strings.ToUpper(cleanText(p.Params.Get(ical.ParamRole), 30, false))
		a.RSVP = strings.EqualFold(strings.TrimSpace(p.Params.Get(ical.ParamRSVP)), "TRUE")
		e.Attendees = append(e.Attendees, a)
	}
	return e
}

// end reads DTEND, else DURATION; an end not after the start is ignored.
func (r *reader) end(ch *ical.Component, start time.Time, allDay bool) time.Time {
	if p := ch.Props.Get(ical.PropDateTimeEnd); p != nil {
		if t, _, _, _, ok := r.dateTime(p); ok {
			if t.After(start) {
				return t
			}
			r.note("DTEND %s is not after DTSTART", p.Value)
		}
	}
	if p := ch.Props.Get(ical.PropDuration); p != nil {
		if v := strings.TrimSpace(p.Value); len(v) <= 32 {
			if d, err := p.Duration(); err == nil && d > 0 && d <= 31*24*time.Hour {
				if allDay && d%(24*time.Hour) == 0 {
					return start.AddDate(0, 0, int(d/(24*time.Hour)))
				}
				return start.Add(d)
			}
		}
		r.note("DURATION %.32q not read", p.Value)
	}
	if allDay {
		return start.AddDate(0, 0, 1)
	}
	return time.Time{}
}

// dateTime resolves a DATE or DATE-TIME value: UTC ("…Z"), with a TZID,
// floating, or a date (midnight in the default zone).
func (r *reader) dateTime(p *ical.Prop) (t time.Time, allDay, floating bool, tzid string, ok bool) {
	v := strings.TrimSpace(p.Value)
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i] // a list where one value belongs: the first
	}
	isDate := strings.EqualFold(p.Params.Get(ical.ParamValue), "DATE") || (len(v) == 8 && !strings.Contains(v, "T"))
	if isDate {
		d, err := time.Parse("20060102", v)
		if err != nil || !plausibleYear(d.Year()) {
			r.note("date %.20q not read", v)
			return time.Time{}, false, false, "", false
		}
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, r.opts.Default), true, true, "", true
	}
	if strings.HasSuffix(v, "Z") || strings.HasSuffix(v, "z") {
		wall, good := parseLocal(v[:len(v)-1])
		if !good || !plausibleYear(wall.Year()) {
			r.note("time %.20q not read", v)
			return time.Time{}, false, false, "", false
		}
		return wall, false, false, "", true
	}
	wall, good := parseLocal(v)
	if !good || !plausibleYear(wall.Year()) {
		r.note("time %.20q not read", v)
		return time.Time{}, false, false, "", false
	}
	tzid = cleanText(p.Params.Get(ical.ParamTimezoneID), 100, false)
	if tzid == "" {
		return inZone(wall, r.opts.Default), false, true, "", true
	}
	if loc := r.zones.resolve(tzid); loc != nil {
		return inZone(wall, loc), false, false, tzid, true
	}
	if d, ok := r.zones.defs[strings.Trim(tzid, `"`)]; ok {
		off := d.offsetAt(wall)
		return wall.Add(-time.Duration(off) * time.Second).In(fixedZone(tzid, off)), false, false, tzid, true
	}
	r.note("unknown TZID %.40q: read in %s", tzid, r.opts.Default)
	return inZone(wall, r.opts.Default), false, false, tzid, true
}

// plausibleYear keeps arithmetic on dates far from overflow and rejects
// the nonsense years of broken generators.
func plausibleYear(y int) bool { return y >= 1900 && y <= 2200 }

// inZone reads a wall clock (held as UTC) in loc.
func inZone(wall time.Time, loc *time.Location) time.Time {
	return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc)
}

func fixedZone(tzid string, off int) *time.Location {
	name := tzid
	if len(name) > 40 || !isPrintable(name) {
		name = ""
	}
	return time.FixedZone(name, off)
}

func isPrintable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// calAddress reads ORGANIZER or ATTENDEE: CN and a mailto: address.
func calAddress(p *ical.Prop) Person {
	v := strings.TrimSpace(p.Value)
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = strings.TrimSpace(v[7:])
	}
	if i := strings.IndexByte(v, '?'); i >= 0 {
		v = v[:i]
	}
	if len(v) > 254 || !strings.Contains(v, "@") || strings.ContainsFunc(v, func(r rune) bool {
		return r <= ' ' || r == '<' || r == '>' || r == '"' || r == ',' || r == ';' || r == 0x7f
	}) {
		v = ""
	}
	return Person{Name: cleanText(p.Params.Get(ical.ParamCommonName), 200, false), Email: v}
}

// unescapeText reads a TEXT value (RFC 5545 §3.3.11): \\ \; \, and \n.
// Unlike go-ical's TextList it does not split on commas left unescaped,
// which careless generators write in summaries.
func unescapeText(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			b.WriteByte(c)
			continue
		}
		i++
		switch v[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// cleanText drops control characters (keeping line breaks when multiline),
// trims, and cuts at n runes.
func cleanText(s string, n int, multiline bool) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' && multiline:
			return r
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return ' '
		case unicode.Is(unicode.Cf, r) && r != '\u200d':
			return -1
		}
		return r
	}, s)
	return clip(strings.TrimSpace(s), n)
}

// Primary is the event a message is about: the first without a
// RECURRENCE-ID, else the first; nil when there is none.
func (c *Calendar) Primary() *Received {
	for i := range c.Events {
		if c.Events[i].RecurrenceID == "" {
			return &c.Events[i]
		}
	}
	if len(c.Events) > 0 {
		return &c.Events[0]
	}
	return nil
}

// Attendee finds an attendee by address, ignoring case.
func (e *Received) Attendee(email string) (Attendee, bool) {
	for _, a := range e.Attendees {
		if strings.EqualFold(a.Email, strings.TrimSpace(email)) {
			return a, true
		}
	}
	return Attendee{}, false
}

// Answer is what a REPLY says: the PARTSTAT of the attendee with that
// address, or, when email is empty, of the only attendee (a REPLY carries
// just the one who answers). ok is false when there is no such attendee.
func (e *Received) Answer(email string) (PartStat, bool) {
	if email == "" {
		if len(e.Attendees) == 1 {
			return e.Attendees[0].PartStat, true
		}
		return "", false
	}
	a, ok := e.Attendee(email)
	return a.PartStat, ok
}

// Format is how the event takes place, as rapport records it: its video
// link (CONFERENCE and the vendors' properties, URL, or a video service's
// link in LOCATION or DESCRIPTION), else what LOCATION says (a phone
// number, "Microsoft Teams Meeting", or a place).
func (e *Received) Format() meetings.Format {
	if e.Conference != "" {
		return meetings.Format{Kind: meetings.Video, Detail: e.Conference}
	}
	loc := meetings.ParseFormat(e.Location)
	if loc.Kind == meetings.Video && loc.Detail != "" {
		return loc
	}
	if e.URL != "" {
		if f := meetings.ParseFormat(e.URL); f.Provider() != "" || loc.Kind == meetings.Video {
			return f
		}
	}
	if d := meetings.ParseFormat("video " + e.Description); d.Provider() != "" {
		return d
	}
	if loc.Kind == "" && loc.Detail != "" {
		loc.Kind = meetings.InPerson // a calendar's LOCATION is a place unless it says otherwise
	}
	return loc
}
