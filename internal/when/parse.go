package when

import (
	"fmt"
	"strings"
	"time"
)

// parseFillers are words a whole expression may contain around its parts.
var parseFillers = map[string]bool{"until": true, "till": true, "til": true, "starting": true, "next": false, "in": false, ".": true, "!": true}

// Parse reads text as one date or time expression (a command argument, a
// command-line value): "March", "2027-03-01", "next Tuesday 2pm", "Thu 3
// Dec 10:00 CET", "in two weeks", "tomorrow 9:30", "Tue 24 Nov 2-3pm". Every
// word must belong to the expression; the error names the first that does
// not, or says what is missing or contradictory.
func Parse(text string, o Options) (Expr, error) {
	in := strings.TrimSpace(text)
	p := newScanner(in, o, true)
	if len(p.ts) == 0 {
		return Expr{}, &Error{Input: in, Reason: "no date or time"}
	}
	atoms := p.atoms()
	covered := make([]bool, len(p.ts))
	for _, a := range atoms {
		for k := a.i; k < a.j; k++ {
			covered[k] = true
		}
	}
	for i, t := range p.ts {
		if covered[i] || connectors[t.s] || parseFillers[t.s] {
			continue
		}
		return Expr{}, p.explainUnread(in, i)
	}
	var days, times, zones, durs int
	for _, a := range atoms {
		switch {
		case a.isDay():
			days++
		case a.isTime():
			times++
		case a.zone != nil:
			zones++
		case a.dur != 0:
			durs++
		}
	}
	switch {
	case days == 0 && times == 0:
		return Expr{}, &Error{Input: in, Reason: "no date or time"}
	case days > 1:
		return Expr{}, &Error{Input: in, Reason: "two dates"}
	case times > 1:
		return Expr{}, &Error{Input: in, Reason: "two times"}
	case zones > 1:
		return Expr{}, &Error{Input: in, Reason: "two time zones"}
	case durs > 1:
		return Expr{}, &Error{Input: in, Reason: "two durations"}
	}
	for _, a := range atoms {
		for _, d := range a.days {
			// A command is not guessed at: a numeric date is refused unless
			// it is a dotted d.m. (day first wherever it is written) that
			// can be read one way only.
			if d.numeric && o.Strict && (d.ambiguous != "" || !d.dotted) {
				return Expr{}, &Error{Input: in, Word: p.spanText(a.i, a.j), Reason: "could be day/month or month/day: write 24 Nov or 2026-11-24"}
			}
		}
		for _, c := range a.clocks {
			if c.guess && o.Strict {
				return Expr{}, &Error{Input: in, Word: p.spanText(a.i, a.j), Reason: fmt.Sprintf("write %dpm, %dam or %d:00", c.h, c.h, c.h)}
			}
		}
		if len(a.clocks) == 2 {
			if _, _, ok := joinRange(a.clocks[0], a.clocks[1]); !ok {
				return Expr{}, &Error{Input: in, Word: p.spanText(a.i, a.j), Reason: "the range ends before it starts"}
			}
		}
	}
	es := p.exprs(atoms)
	if len(es) == 0 {
		return Expr{}, &Error{Input: in, Reason: "no date or time"}
	}
	e := es[0]
	if o.Strict {
		for _, n := range e.Notes {
			if strings.Contains(n, ", not a ") {
				return Expr{}, &Error{Input: in, Reason: n}
			}
		}
	}
	return e, nil
}

// explainUnread says why token i could not be read.
func (p *scanner) explainUnread(in string, i int) error {
	t := p.ts[i]
	word := p.raw(i)
	// a date-like shape that is not a date: 31 Nov, 2026-02-30, 30/2
	if t.kind == tNum {
		if _, k := p.monthAt(i + 1); k > 0 {
			return &Error{Input: in, Word: p.spanText(i, i+1+k), Reason: "not a date"}
		}
		if p.is(i+1, "-") && p.glued(i+1) && len(t.s) == 4 {
			return &Error{Input: in, Word: p.spanText(i, min(i+5, len(p.ts))), Reason: "not a date"}
		}
		if p.is(i+1, ":") && p.glued(i+1) {
			return &Error{Input: in, Word: p.spanText(i, min(i+3, len(p.ts))), Reason: "not a time"}
		}
		if mer, k := p.meridiemAt(i + 1); k > 0 {
			return &Error{Input: in, Word: word + mer, Reason: "not a time"}
		}
		if p.is(i+1, "/", ".") && p.glued(i+1) {
			return &Error{Input: in, Word: p.spanText(i, min(i+3, len(p.ts))), Reason: "not a date"}
		}
		return &Error{Input: in, Word: word, Reason: "a number without a month or a time (write 24 Nov, 2pm or 14:00)"}
	}
	if _, k := p.monthAt(i); k > 0 {
		return &Error{Input: in, Word: word, Reason: "which day? Write the day too (24 " + word + ")"}
	}
	return &Error{Input: in, Word: word, Reason: "not part of a date or time I can read"}
}

// ParseDay reads a day for the command line ("March", "2027-03-01", "next
// Tuesday", "in two weeks", "tomorrow") relative to ref, in loc, preferring
// the future, and returns midnight starting that day in loc. A month or a
// week stands for its first day ("March" is 1 March; written in March, it
// is today); a time of day is refused.
func ParseDay(s string, ref time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = ref.Location()
	}
	e, err := Parse(s, Options{Ref: ref, Loc: loc, Prefer: Future, Strict: true})
	if err != nil {
		return time.Time{}, err
	}
	if e.HasTime {
		return time.Time{}, &Error{Input: strings.TrimSpace(s), Reason: "a day was wanted, not a time of day"}
	}
	if !e.HasDay {
		return time.Time{}, &Error{Input: strings.TrimSpace(s), Reason: "no day"}
	}
	return e.At, nil
}

// ParseDateTime reads a day and a time for the command line ("next
// Tuesday 2pm", "Thu 3 Dec 10:00 CET", "tomorrow 9:30", "24 Nov 2-3pm",
// "2026-11-24 14:00 for 45 minutes") relative to ref. A time without a
// stated zone is in loc. The duration is the range's length or the one
// written ("for 30 minutes"), else 0. Bare hours ("at 2") and day/month
// orders that could go either way are refused.
func ParseDateTime(s string, ref time.Time, loc *time.Location) (time.Time, time.Duration, error) {
	if loc == nil {
		loc = ref.Location()
	}
	e, err := Parse(s, Options{Ref: ref, Loc: loc, Prefer: Future, Strict: true})
	if err != nil {
		return time.Time{}, 0, err
	}
	in := strings.TrimSpace(s)
	if !e.HasDay {
		return time.Time{}, 0, &Error{Input: in, Reason: "no day (write e.g. Tue 24 Nov 2pm or tomorrow 10:30)"}
	}
	if !e.HasTime {
		return time.Time{}, 0, &Error{Input: in, Reason: "no time of day (add one like 14:00, 2pm or noon)"}
	}
	d := e.Duration
	if e.Range {
		if d != 0 {
			return time.Time{}, 0, &Error{Input: in, Reason: "two durations"}
		}
		d = e.Until.Sub(e.At)
	}
	return e.At, d, nil
}
