package commands

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"rapport/internal/when"
)

// How far from now a meeting time may be: a past one records a meeting
// that happened; a far one is a typo.
const (
	meetingPast   = 366 * 24 * time.Hour
	meetingFuture = 2 * 366 * 24 * time.Hour
	snoozeYears   = 5
)

// A time the owner writes in a command is the owner's (Context.Loc)
// unless the command states a zone; dates and times are read by package
// when, strictly: a bare hour ("at 2") or a numeric date that reads both
// ways ("3/4") is refused with a hint rather than guessed.

var hmDurRe = regexp.MustCompile(`^[0-8]h[0-5]\d(?:m|min)?$`)

var isoTRe = regexp.MustCompile(`\b(\d{4}-\d{1,2}-\d{1,2})[Tt](\d)`)

// readWhen parses a date expression with when, collecting the words it
// could not read (so the error names them all, with a spelling hint).
func readWhen(text string, o when.Options) (when.Expr, []string, error) {
	text = isoTRe.ReplaceAllString(text, "$1 $2")
	var unknown []string
	for range 20 {
		e, err := when.Parse(text, o)
		if err == nil {
			return e, unknown, nil
		}
		var we *when.Error
		if !errors.As(err, &we) || we.Word == "" || !strings.Contains(we.Reason, "not part of a date") {
			return when.Expr{}, unknown, err
		}
		unknown = append(unknown, we.Word)
		text = removeWord(text, we.Word)
		if strings.TrimSpace(text) == "" {
			return when.Expr{}, unknown, nil
		}
	}
	return when.Expr{}, unknown, nil
}

// removeWord drops the first whole occurrence of w from s.
func removeWord(s, w string) string {
	f := strings.Fields(s)
	for i, x := range f {
		if x == w || strings.Trim(x, ",;:!?()[]\"'") == w {
			return strings.Join(append(f[:i:i], f[i+1:]...), " ")
		}
	}
	if i := strings.Index(s, w); i >= 0 {
		return s[:i] + " " + s[i+len(w):]
	}
	return ""
}

// whenProblem turns a when error into the command's wording.
func whenProblem(err error) string {
	var we *when.Error
	if errors.As(err, &we) {
		switch {
		case strings.HasPrefix(we.Reason, "write "):
			return fmt.Sprintf("at %s: %s", we.Word, we.Reason)
		case strings.Contains(we.Reason, "day/month"):
			return fmt.Sprintf("%q could be day/month or month/day: write 24 Nov or 2026-11-24", we.Word)
		case we.Word != "":
			return fmt.Sprintf("%q: %s", we.Word, we.Reason)
		}
		return we.Reason
	}
	return err.Error()
}

// meetingArgs is what a meeting command's arguments said besides the time.
type meetingArgs struct {
	format, location string
	emails           []string
	dateWords        []string
	problems         []string
}

// splitMeeting separates addresses, links and formats from the words of
// the time.
func splitMeeting(rest string) *meetingArgs {
	toks := tokenize(stripMailto(rest))
	w := &whenParts{}
	a := &meetingArgs{}
	for i := 0; i < len(toks); {
		orig := toks[i].orig
		if i > 0 && orig == toks[i-1].orig {
			i++ // one word that tokenize split in two (2026-11-24T14:00)
			continue
		}
		if toks[i].low == "with" {
			i++
			continue
		}
		if hmDurRe.MatchString(toks[i].low) && len(toks) > 1 {
			// "2pm 1h30": an hour and a half, not half past one
			a.dateWords = append(a.dateWords, "for", orig)
			i++
			continue
		}
		if addr, ok := normalizeEmail(strings.Trim(orig, "<>()[],;:!?'\"")); ok {
			a.emails = appendUnique(a.emails, addr)
			i++
			continue
		}
		if u := strings.Trim(orig, "<>()[],;'\""); isURL(u) {
			if a.location != "" {
				a.problems = append(a.problems, "two links")
			}
			a.location = u
			i++
			continue
		}
		if n := w.takeFormat(toks, i); n > 0 {
			i += n
			continue
		}
		a.dateWords = append(a.dateWords, orig)
		i++
	}
	a.format = w.format
	a.problems = append(a.problems, w.problems...)
	return a
}

func (p *parser) meeting(s, rest string, n int) {
	fail := func(format string, args ...any) { p.problem(n, s, rest, "meeting: "+format, args...) }
	a := splitMeeting(rest)
	if len(a.problems) > 0 {
		fail("%s", strings.Join(a.problems, "; "))
		return
	}
	text := strings.Join(a.dateWords, " ")
	if strings.TrimSpace(text) == "" {
		fail("no day; write e.g. \"meeting Tue 24 Nov 2pm\", \"meeting tomorrow 10:30\" or \"meeting 2026-11-24 14:00\"")
		return
	}
	e, unknown, err := readWhen(text, when.Options{Ref: p.ctx.Now, Loc: p.loc, Prefer: when.Nearest, Strict: true})
	if len(unknown) > 0 {
		fail("did not understand %q%s", strings.Join(unknown, " "), suggestFor(unknown))
		return
	}
	if err != nil {
		fail("%s", whenProblem(err))
		return
	}
	if !e.HasDay {
		fail("no day; write e.g. \"meeting Tue 24 Nov 2pm\", \"meeting tomorrow 10:30\" or \"meeting 2026-11-24 14:00\"")
		return
	}
	if !e.HasTime {
		fail("no time of day; add one like 14:00, 2pm or noon")
		return
	}
	d := e.Duration
	if e.Range {
		if d != 0 {
			fail("two durations")
			return
		}
		d = e.Until.Sub(e.At)
	}
	if d != 0 && (d < minDuration || d > maxDuration) {
		fail("a meeting of %v? Write between 5 minutes and 8 hours", d)
		return
	}
	if len(a.emails) > 1 {
		fail("one contact per meeting")
		return
	}
	now := p.ctx.Now
	if e.At.Before(now.Add(-meetingPast)) {
		fail("%s is more than a year ago", e.At.Format("2 Jan 2006"))
		return
	}
	if e.At.After(now.Add(meetingFuture)) {
		fail("%s is more than two years ahead", e.At.Format("2 Jan 2006"))
		return
	}
	cs, ok := p.contact(Meeting, n, s, a.emails)
	if !ok {
		return
	}
	p.add(Command{Verb: Meeting, Contact: cs[0], When: e.At, Duration: d, Format: a.format,
		Location: a.location, Line: n, Raw: s})
}

var (
	shortOffsetRe = regexp.MustCompile(`(?i)^\s*(\d{1,4})\s*(d|w)\s*$`)
	forOffsetRe   = regexp.MustCompile(`(?i)^\s*for\s+`)
	zeroOffsetRe  = regexp.MustCompile(`(?i)\b(0+)\s+(days?|weeks?|months?|years?)\b`)
)

func (p *parser) snooze(s, rest string, n int) {
	emails, words := splitEmails(rest)
	fail := func(format string, args ...any) { p.problem(n, s, rest, "snooze: "+format, args...) }
	text := strings.Join(words, " ")
	if strings.TrimSpace(text) == "" {
		fail("until when? Write e.g. \"snooze 2027-03-01\", \"snooze March\", \"snooze 1 March\" or \"snooze in 2 weeks\"")
		return
	}
	if m := zeroOffsetRe.FindStringSubmatch(text); m != nil {
		fail("%s %s? Write a number from 1", m[1], m[2])
		return
	}
	// "10d", "2w", "for 3 days", "a couple of weeks": offsets from today
	if m := shortOffsetRe.FindStringSubmatch(text); m != nil {
		unit := "days"
		if strings.EqualFold(m[2], "w") {
			unit = "weeks"
		}
		text = "in " + m[1] + " " + unit
	}
	text = forOffsetRe.ReplaceAllString(text, "in ")
	today := midnight(p.ctx.Now, p.loc)
	o := when.Options{Ref: p.ctx.Now, Loc: p.loc, Prefer: when.Future, Strict: true}
	e, unknown, err := readWhen(text, o)
	if err != nil || len(unknown) > 0 {
		if e2, u2, err2 := readWhen("in "+text, o); err2 == nil && len(u2) == 0 && e2.HasDay {
			e, unknown, err = e2, nil, nil
		}
	}
	if len(unknown) > 0 {
		fail("did not understand %q%s", strings.Join(unknown, " "), suggestFor(unknown))
		return
	}
	if err != nil {
		fail("%s", whenProblem(err))
		return
	}
	if e.HasTime || !e.HasDay {
		fail("until when? Write a day, e.g. \"snooze 2027-03-01\", \"snooze March\" or \"snooze in 2 weeks\"")
		return
	}
	day := midnight(e.At, p.loc)
	if !day.After(today) && !e.Relative {
		// "20 Nov" written on 20 November: the next one
		if e2, _, err2 := readWhen(text, when.Options{Ref: today.AddDate(0, 0, 1), Loc: p.loc, Prefer: when.Future, Strict: true}); err2 == nil && e2.HasDay {
			if d2 := midnight(e2.At, p.loc); d2.After(today) && d2.Year() != day.Year() {
				day = d2
			}
		}
	}
	if !day.After(today) {
		fail("%s is not in the future", day.Format("2 Jan 2006"))
		return
	}
	if day.After(today.AddDate(snoozeYears, 0, 0)) {
		fail("%s is more than %d years ahead", day.Format("2 Jan 2006"), snoozeYears)
		return
	}
	cs, ok := p.contact(Snooze, n, s, emails)
	if !ok {
		return
	}
	for _, c := range cs {
		p.add(Command{Verb: Snooze, Contact: c, Date: day, Line: n, Raw: s})
	}
}

// addKeys introduce the optional fields of an add command.
var addKeys = []struct {
	words []string
	field string
}{
	{[]string{"referred by", "referred-by", "referredby", "ref by", "referral from", "via"}, "referred by"},
	{[]string{"company", "at"}, "company"},
	{[]string{"role", "title", "as"}, "role"},
}

// addContact reads "Name <email> [company ...] [role ...] [referred by ...]".
func (p *parser) addContact(s, rest string, n int) {
	fail := func(format string, args ...any) { p.fail(n, s, "add: "+format, args...) }
	rest = stripMailto(rest)
	loc := emailRe.FindStringIndex(rest)
	if loc == nil {
		fail("no email address; write e.g. \"add Brad Smith <brad@example.com> company Initech referred by Maria\"")
		return
	}
	email, ok := normalizeEmail(rest[loc[0]:loc[1]])
	if !ok {
		fail("%q is not an email address", rest[loc[0]:loc[1]])
		return
	}
	before := strings.Trim(rest[:loc[0]], " <\"',;:-")
	after := strings.TrimLeft(rest[loc[1]:], " >\"',;:")
	spec := &AddSpec{Name: trimValue(before), Email: email}
	if strings.Contains(spec.Name, "@") {
		fail("one contact per add line")
		return
	}

	// Split after at the keywords, case-insensitively, on word boundaries.
	fields := map[string]string{}
	key := ""
	var val []string
	flush := func() bool {
		v := trimValue(strings.Join(val, " "))
		switch {
		case key == "" && v != "" && spec.Name == "":
			spec.Name = v
		case key == "" && v != "":
			fail("did not understand %q; after the address write company ..., role ... or referred by ...", v)
			return false
		case key != "" && v == "":
			fail("%s: nothing after it", key)
			return false
		case key != "" && fields[key] != "":
			fail("%s given twice", key)
			return false
		case key != "":
			fields[key] = v
		}
		val = nil
		return true
	}
	words := strings.Fields(after)
	for i := 0; i < len(words); {
		if k, used := addKeyAt(words, i); used > 0 {
			if !flush() {
				return
			}
			key = k
			i += used
			continue
		}
		val = append(val, words[i])
		i++
	}
	if !flush() {
		return
	}
	if spec.Name == "" {
		fail("no name; write e.g. \"add Brad Smith <%s>\"", email)
		return
	}
	spec.Company, spec.Role = fields["company"], fields["role"]
	spec.ReferredBy = fields["referred by"]
	if a, ok := normalizeEmail(spec.ReferredBy); ok {
		spec.ReferredBy = a
	}
	for _, f := range []struct{ name, v string }{{"name", spec.Name}, {"company", spec.Company}, {"role", spec.Role}, {"referred by", spec.ReferredBy}} {
		if f.v != "" && !validField(f.v) {
			fail("%s %q is too long or has odd characters", f.name, f.v)
			return
		}
	}
	p.add(Command{Verb: Add, Contact: p.def, Add: spec, Line: n, Raw: s})
}

// addKeyAt reports the keyword at words[i] and how many words it takes
// (with a trailing colon allowed: "company: Initech").
func addKeyAt(words []string, i int) (string, int) {
	for _, k := range addKeys {
		for _, w := range k.words {
			parts := strings.Fields(w)
			if i+len(parts) > len(words) {
				continue
			}
			ok := true
			for j, part := range parts {
				got := strings.ToLower(strings.TrimRight(words[i+j], ":,"))
				if got != part {
					ok = false
					break
				}
			}
			if ok {
				return k.field, len(parts)
			}
		}
	}
	return "", 0
}

func trimValue(s string) string {
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "\"'“”,;:<>()"))
}
