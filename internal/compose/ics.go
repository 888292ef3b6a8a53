package compose

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-ical"
)

// MeetingICS returns an iCalendar invitation (METHOD:REQUEST) for m, from
// me (organiser) to c (attendee). uid must stay the same across updates of
// one meeting (bump m.Sequence instead); stamp is DTSTAMP, the caller's
// clock. Times are written in UTC. Lines are folded at 75 octets and end in
// CRLF, as RFC 5545 asks.
func MeetingICS(uid string, stamp time.Time, me Me, c Contact, m Meeting) ([]byte, error) {
	if strings.TrimSpace(uid) == "" || strings.ContainsAny(uid, "\r\n") {
		return nil, fmt.Errorf("meeting invitation: invalid UID %q", uid)
	}
	if m.Start.IsZero() {
		return nil, &MissingFieldError{Kind: "invitation", Field: "Meeting.Start"}
	}
	end := m.End
	if end.IsZero() {
		end = m.Start.Add(30 * time.Minute)
	}
	if !end.After(m.Start) {
		return nil, fmt.Errorf("meeting invitation: end %s is not after start %s", end, m.Start)
	}
	org, err := address("invitation", "Me", me.Name, me.Email)
	if err != nil {
		return nil, err
	}
	att, err := address("invitation", "Contact", c.Name, c.Email)
	if err != nil {
		return nil, err
	}

	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, uid)
	ev.Props.SetDateTime(ical.PropDateTimeStamp, stamp.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeStart, m.Start.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeEnd, end.UTC())
	summary := icsName(me) + " and " + icsName(Me{Name: c.Name, FirstName: c.FirstName, Email: c.Email})
	if f := strings.TrimSpace(m.Format); f != "" {
		summary += " (" + f + ")"
	}
	ev.Props.SetText(ical.PropSummary, summary)
	if l := strings.TrimSpace(m.Location); l != "" {
		ev.Props.SetText(ical.PropLocation, l)
	}
	ev.Props.SetText(ical.PropStatus, "CONFIRMED")
	seq := ical.NewProp(ical.PropSequence)
	seq.Value = fmt.Sprint(m.Sequence)
	ev.Props.Set(seq)

	o := ical.NewProp(ical.PropOrganizer)
	o.Value = "mailto:" + org.Address
	if n := paramText(org.Name); n != "" {
		o.Params.Set(ical.ParamCommonName, n)
	}
	ev.Props.Set(o)
	a := ical.NewProp(ical.PropAttendee)
	a.Value = "mailto:" + att.Address
	if n := paramText(att.Name); n != "" {
		a.Params.Set(ical.ParamCommonName, n)
	}
	a.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
	a.Params.Set(ical.ParamParticipationStatus, "NEEDS-ACTION")
	a.Params.Set(ical.ParamRSVP, "TRUE")
	ev.Props.Set(a)

	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//rapport//EN")
	cal.Props.SetText(ical.PropMethod, "REQUEST")
	cal.Children = append(cal.Children, ev.Component)

	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("meeting invitation: %w", err)
	}
	return foldICS(buf.Bytes()), nil
}

func icsName(me Me) string {
	if n := strings.TrimSpace(me.Name); n != "" {
		return n
	}
	return me.Email
}

// paramText makes a name safe as a parameter value: no quotes, no controls.
func paramText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// foldICS folds content lines longer than 75 octets (RFC 5545 §3.1),
// never inside a UTF-8 sequence.
func foldICS(b []byte) []byte {
	var out bytes.Buffer
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
