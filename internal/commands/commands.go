// Package commands parses the short commands the mailbox owner writes in
// reply to rapport's mail ("meeting Tue 24 Nov 2pm", "met", "notes: ...",
// "snooze March", "add Brad Smith <brad@x.com> referred by Maria").
//
// It is pure: no I/O, and the current time, the owner's time zone and the
// contact the replied-to notification was about come in a Context. Whether
// the owner really wrote the message is decided by the caller before Parse.
//
// One command per line. Lines that do not start with a command word are
// prose and are ignored, so the owner may write a sentence too; a line that
// starts with a misspelt command word is an error that names the word and
// suggests the closest command.
package commands

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Verb is what a command asks for.
type Verb string

// The verbs. Their values are stable: callers switch on them and log them.
const (
	Meeting    Verb = "meeting"     // a meeting time is agreed: When, Duration, Format
	Confirm    Verb = "confirm"     // confirm a time the contact proposed: Index (1-based, 0 = the only one)
	Met        Verb = "met"         // the meeting happened
	Thanked    Verb = "thanked"     // the owner thanked the contact outside rapport's sight
	Notes      Verb = "notes"       // notes on the meeting: Text
	Snooze     Verb = "snooze"      // try again later: Date
	Pause      Verb = "pause"       // stop everything for the contact
	Resume     Verb = "resume"      // undo pause or snooze
	Decline    Verb = "decline"     // the contact said no
	NoResponse Verb = "no_response" // give up politely
	Add        Verb = "add"         // a new contact: Add
	Status     Verb = "status"      // mail me the pipeline (Contact optional)
	Approve    Verb = "approve"     // yes, write to this suggested contact
	Cancel     Verb = "cancel"      // the scheduled meeting is off
	Resolve    Verb = "resolve"     // a message in doubt went (sent) or should go again (resend): MessageID, Sent
)

// Usage lists the accepted commands, for error replies and notifications.
const Usage = `meeting <when> [for <duration>] [by phone|video|zoom|meet|teams|coffee|call|in person] [<email>]
confirm [<number>]
met
thanked
notes: <what you learned, any number of lines>
snooze <date>             (2027-03-01, March, 1 March, in 2 weeks)
pause
resume
decline
no response
add Name <email> [company ...] [role ...] [referred by ...]
approve [<email>]         (write to someone a contact suggested)
cancel                    (the meeting is off)
resolve <message-id> sent|resend
status
Any command may name the contact by email (met maria@example.com); otherwise
it applies to the contact the message you are replying to is about.`

// Context is what a command's meaning depends on.
type Context struct {
	Now time.Time
	// Loc is the owner's time zone; times and dates are read in it. Nil
	// means UTC.
	Loc *time.Location
	// DefaultContact is the address of the contact the replied-to
	// notification was about; "" when there is none (a digest reply, a
	// fresh message).
	DefaultContact string
}

// AddSpec is a new contact from an add command.
type AddSpec struct {
	Name, Email, Company, Role string
	// ReferredBy is as written: a name or a (normalised) address.
	ReferredBy string
}

// Command is one parsed command.
type Command struct {
	Verb Verb
	// Contact is the normalised address the command is about. For add it
	// is the contact the replied-to mail was about (possibly "", a hint
	// for who referred the new person); for status it is set only when
	// written.
	Contact  string
	When     time.Time     // meeting start, in Context.Loc
	Duration time.Duration // meeting length; 0 means not given
	Format   string        // phone, video, zoom, meet, teams, coffee, call, in person or ""
	Location string        // a meeting link, when one was written
	Date     time.Time     // snooze until: midnight starting that day, in Context.Loc
	Text     string        // notes
	Add      *AddSpec
	Index    int // confirm N
	// MessageID and Sent are a resolve's: the message in doubt, and
	// whether it went.
	MessageID string
	Sent      bool
	Line      int // 1-based line in the text; 0 for a command in the subject
	Raw       string
}

// ParseError is a line that could not be understood.
type ParseError struct {
	Line   int // 1-based; 0 for the subject or the message as a whole
	Text   string
	Reason string
}

func (e ParseError) Error() string {
	if e.Text == "" {
		return e.Reason
	}
	if e.Line == 0 {
		return fmt.Sprintf("%q: %s", e.Text, e.Reason)
	}
	return fmt.Sprintf("line %d %q: %s", e.Line, e.Text, e.Reason)
}

// Formats are the meeting formats a command can name, canonical spelling.
var Formats = []string{"phone", "video", "zoom", "meet", "teams", "coffee", "call", "in person"}

const (
	minDuration = 5 * time.Minute
	maxDuration = 8 * time.Hour
	maxLine     = 1000 // characters of a line kept in errors and Raw
	maxText     = 20000
)

var verbWords = map[string]Verb{
	"meeting": Meeting, "confirm": Confirm, "met": Met, "thanked": Thanked,
	"notes": Notes, "note": Notes, "snooze": Snooze, "pause": Pause,
	"resume": Resume, "decline": Decline, "declined": Decline, "add": Add, "status": Status,
	"noresponse": NoResponse, "no-response": NoResponse, "no_response": NoResponse,
	"approve": Approve, "approved": Approve, "cancel": Cancel, "resolve": Resolve,
}

// typoTargets are the spellings a misspelt first word is compared with.
var typoTargets = []string{"meeting", "confirm", "thanked", "notes", "snooze", "pause", "resume", "decline", "status", "no response",
	"approve", "cancel", "resolve"}

// notTypos are ordinary words one edit away from a command word.
var notTypos = map[string]bool{
	"cause": true, "parse": true, "passe": true, "statue": true, "stats": true,
	"states": true, "conform": true, "votes": true, "noted": true, "nodes": true,
	"resumé": true, "thanks": true, "greeting": true, "meetings": true,
}

// IsCommandMail reports whether a subject carries the [rapport] tag, after
// any Re:/Fwd: prefixes ("Re: [rapport] Jordan Lee replied").
func IsCommandMail(subject string) bool {
	_, tagged, _ := stripSubject(subject)
	return tagged
}

var replyPrefix = regexp.MustCompile(`(?i)^\s*(?:re|fwd?|aw|wg|sv|vs|antw|tr|rv|r)(?:\[\d+\]|\(\d+\))?\s*[:：]\s*`)

// stripSubject removes reply prefixes and the tag. reply reports whether
// there was a prefix.
func stripSubject(s string) (rest string, tagged, reply bool) {
	s = cleanLine(s)
	for {
		loc := replyPrefix.FindStringIndex(s)
		if loc == nil {
			break
		}
		s = s[loc[1]:]
		reply = true
	}
	if len(s) >= 9 && strings.EqualFold(s[:9], "[rapport]") {
		return strings.TrimSpace(s[9:]), true, reply
	}
	return s, false, reply
}

// Parse reads the owner's commands from the new text of their message and,
// when the text has none and the subject is not a reply, from the subject
// after the [rapport] tag. It returns the commands in order and an error
// for each line it could not understand; when there is no command at all
// and nothing else to report, one error says so and lists the commands.
// Every returned command passes Valid.
func Parse(text, subject string, ctx Context) ([]Command, []ParseError) {
	p := newParser(ctx)
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		raw := cleanLine(lines[i])
		if endOfNew(raw) {
			break
		}
		if strings.HasPrefix(raw, ">") {
			continue
		}
		s := stripBullet(raw)
		if s == "" {
			continue
		}
		if p.isNotes(s) {
			start := i + 1
			body := []string{s}
			for i+1 < len(lines) {
				l := strings.TrimRight(strings.ReplaceAll(lines[i+1], "\r", ""), " \t")
				if endOfNew(cleanLine(l)) {
					break
				}
				i++
				if !strings.HasPrefix(strings.TrimSpace(l), ">") {
					body = append(body, sanitize(l))
				}
			}
			p.notes(strings.Join(body, "\n"), start, s)
			continue
		}
		p.line(s, i+1)
	}
	if len(p.cmds) == 0 && len(p.errs) == 0 {
		if rest, tagged, reply := stripSubject(subject); tagged && !reply && rest != "" {
			if w, _ := firstWord(rest); verbWords[w] != "" || isNoResponse(rest) {
				p.line(rest, 0)
			}
		}
	}
	if len(p.cmds) == 0 && len(p.errs) == 0 {
		if len(p.soft) > 0 {
			return nil, p.soft
		}
		return nil, []ParseError{{Reason: "no command found; write one command per line:\n" + Usage}}
	}
	return p.cmds, p.errs
}

type parser struct {
	ctx  Context
	loc  *time.Location
	def  string
	cmds []Command
	errs []ParseError
	// soft are problems on lines that may be prose; reported only when
	// the message has no command at all.
	soft []ParseError
}

func newParser(ctx Context) *parser {
	p := &parser{ctx: ctx, loc: ctx.Loc}
	if p.loc == nil {
		p.loc = time.UTC
	}
	p.ctx.Now = ctx.Now.In(p.loc)
	if a, ok := normalizeEmail(ctx.DefaultContact); ok {
		p.def = a
	}
	return p
}

func (p *parser) fail(line int, raw, format string, args ...any) {
	p.errs = append(p.errs, ParseError{Line: line, Text: clip(raw), Reason: fmt.Sprintf(format, args...)})
}

func (p *parser) softFail(line int, raw, format string, args ...any) {
	p.soft = append(p.soft, ParseError{Line: line, Text: clip(raw), Reason: fmt.Sprintf(format, args...)})
}

func (p *parser) add(c Command) {
	c.Raw = clip(c.Raw)
	p.cmds = append(p.cmds, c)
}

// line parses one non-blank, non-quoted line.
func (p *parser) line(s string, n int) {
	word, rest := firstWord(s)
	verb := verbWords[word]
	if verb == Notes && !p.isNotes(s) {
		return // "Note to self: ..."
	}
	if verb == "" && isNoResponse(s) {
		verb, rest = NoResponse, afterNoResponse(s)
	}
	if verb == "" {
		p.maybeTypo(s, word, n)
		return
	}
	rest = strings.TrimSpace(strings.TrimLeft(rest, ":,.!- \t"))
	switch verb {
	case Meeting:
		p.meeting(s, rest, n)
	case Snooze:
		p.snooze(s, rest, n)
	case Confirm:
		p.confirm(s, rest, n)
	case Add:
		p.addContact(s, rest, n)
	case Notes:
		p.notes(s, n, s)
	case Resolve:
		p.resolve(s, rest, n)
	default:
		p.simple(verb, s, rest, n)
	}
}

// resolve reads "resolve <message-id> sent|resend".
func (p *parser) resolve(s, rest string, n int) {
	f := strings.Fields(rest)
	if len(f) != 2 {
		p.fail(n, s, "resolve: want a Message-ID and sent or resend (resolve <id@host> sent)")
		return
	}
	id := strings.Trim(f[0], "<>")
	if !strings.Contains(id, "@") || strings.ContainsAny(id, " \t\r\n<>") || len(id) > 250 {
		p.fail(n, s, "resolve: %q is not a Message-ID", f[0])
		return
	}
	c := Command{Verb: Resolve, MessageID: id, Line: n, Raw: s}
	switch strings.ToLower(strings.Trim(f[1], ".,;!")) {
	case "sent", "went":
		c.Sent = true
	case "resend", "send":
	default:
		p.fail(n, s, "resolve: say sent (it went) or resend (send it again, once), not %q", f[1])
		return
	}
	p.add(c)
}

// maybeTypo reports a first word that is one edit from a command word on a
// line short or specific enough to be a command.
func (p *parser) maybeTypo(s, word string, n int) {
	if strings.HasPrefix(word, "\"") || strings.HasPrefix(word, "“") || strings.HasPrefix(word, "'") {
		return // a quoted example ("meeting ..."), not a misspelt command
	}
	if f := strings.Fields(strings.ToLower(s)); len(f) > 1 && f[0] == "no" {
		two := f[0] + " " + strings.Trim(f[1], ".,:;!")
		if best, d := closest(two, []string{"no response"}); d == 1 {
			p.fail(n, s, "unknown command %q (did you mean %q?)", strings.Join(strings.Fields(s)[:2], " "), best)
			return
		}
	}
	if utf8.RuneCountInString(word) < 4 || notTypos[word] {
		return
	}
	best, d := closest(word, typoTargets)
	if d != 1 {
		return
	}
	if !commandLike(s) {
		p.softFail(n, s, "unknown command %q (did you mean %q?)", word, best)
		return
	}
	p.fail(n, s, "unknown command %q (did you mean %q?)", word, best)
}

// commandLike: short, or carries a digit or an address.
func commandLike(s string) bool {
	return len(strings.Fields(s)) <= 6 || strings.ContainsAny(s, "0123456789@")
}

// looksLikeProse is an argument list that reads as a sentence: several
// words, no digit, no address.
func looksLikeProse(rest string) bool {
	return len(strings.Fields(rest)) >= 3 && !strings.ContainsAny(rest, "0123456789@")
}

// problem reports an argument problem: as an error, or as a soft error
// when the line may be a sentence that happens to start with a command
// word ("Meeting went really well").
func (p *parser) problem(n int, s, rest, format string, args ...any) {
	if looksLikeProse(rest) {
		p.softFail(n, s, format, args...)
		return
	}
	p.fail(n, s, format, args...)
}

// contact picks the contact: the written address, else the default.
func (p *parser) contact(verb Verb, n int, s string, written []string) ([]string, bool) {
	if len(written) > 0 {
		return written, true
	}
	if p.def != "" {
		return []string{p.def}, true
	}
	p.fail(n, s, "%s: which contact? Write their email address (%s maria@example.com), or reply to a message about them", verbName(verb), verbName(verb))
	return nil, false
}

func verbName(v Verb) string {
	if v == NoResponse {
		return "no response"
	}
	return string(v)
}

// simple handles the verbs whose only argument is optional addresses:
// met, thanked, pause, resume, decline, no response, status.
func (p *parser) simple(verb Verb, s, rest string, n int) {
	emails, unknown := splitEmails(rest)
	if len(unknown) > 0 {
		p.problem(n, s, rest, "%s: did not understand %q%s", verbName(verb), strings.Join(unknown, " "), suggestFor(unknown))
		return
	}
	if verb == Status {
		if len(emails) == 0 {
			p.add(Command{Verb: Status, Line: n, Raw: s})
		}
		for _, e := range emails {
			p.add(Command{Verb: Status, Contact: e, Line: n, Raw: s})
		}
		return
	}
	cs, ok := p.contact(verb, n, s, emails)
	if !ok {
		return
	}
	for _, c := range cs {
		p.add(Command{Verb: verb, Contact: c, Line: n, Raw: s})
	}
}

var ordinals = map[string]int{"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5}

func (p *parser) confirm(s, rest string, n int) {
	emails, words := splitEmails(rest)
	idx := 0
	var unknown []string
	for _, w := range words {
		lw := strings.ToLower(strings.Trim(w, ".,;:!()"))
		switch {
		case lw == "the" || lw == "option" || lw == "one" || lw == "time" || lw == "slot" || lw == "":
		case idx == 0 && ordinals[lw] > 0:
			idx = ordinals[lw]
		case idx == 0 && isSmallInt(strings.TrimPrefix(lw, "#")):
			idx = atoi(strings.TrimPrefix(lw, "#"))
		default:
			unknown = append(unknown, w)
		}
	}
	if len(unknown) > 0 {
		p.problem(n, s, rest, "confirm: did not understand %q%s; write \"confirm\" or \"confirm 2\", or set a time with \"meeting <when>\"", strings.Join(unknown, " "), suggestFor(unknown))
		return
	}
	if len(emails) > 1 {
		p.fail(n, s, "confirm: one contact at a time")
		return
	}
	cs, ok := p.contact(Confirm, n, s, emails)
	if !ok {
		return
	}
	p.add(Command{Verb: Confirm, Contact: cs[0], Index: idx, Line: n, Raw: s})
}

func isSmallInt(s string) bool {
	if s == "" || len(s) > 2 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return atoi(s) >= 1
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 1e6 {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	return n
}

var notesHead = regexp.MustCompile(`(?i)^notes?\b\s*(` + emailPattern + `)?\s*[:\-]?`)

// isNotes recognises a notes line: notes run to the end of the message.
// "note" counts only with its colon: "Note to self: ..." is prose.
func (p *parser) isNotes(s string) bool {
	w, _ := firstWord(s)
	if w == "note" {
		return noteColon.MatchString(s)
	}
	return verbWords[w] == Notes
}

var noteColon = regexp.MustCompile(`(?i)^note\s*(?:` + emailPattern + `\s*)?:`)

// notes takes the text after "notes" (an address may come before the
// colon) plus the lines after it.
func (p *parser) notes(body string, n int, s string) {
	first, tail, _ := strings.Cut(body, "\n")
	var written []string
	if m := notesHead.FindStringSubmatchIndex(first); m != nil {
		if m[2] >= 0 {
			if a, ok := normalizeEmail(first[m[2]:m[3]]); ok {
				written = []string{a}
			}
		}
		first = first[m[1]:]
	}
	text := strings.TrimSpace(first)
	if tail != "" {
		text = strings.TrimSpace(text + "\n" + tail)
	}
	text = squeezeBlank(text)
	if text == "" {
		p.fail(n, s, "notes: nothing after \"notes:\"; write the main points after it")
		return
	}
	if len(text) > maxText {
		text = truncateUTF8(text, maxText)
	}
	cs, ok := p.contact(Notes, n, s, written)
	if !ok {
		return
	}
	p.add(Command{Verb: Notes, Contact: cs[0], Text: text, Line: n, Raw: s})
}

// Valid reports whether c is a command a caller can act on: the verb is
// known, the fields it needs are set and header-safe.
func (c Command) Valid() error {
	needContact := true
	switch c.Verb {
	case Meeting:
		if c.When.IsZero() {
			return fmt.Errorf("meeting without a time")
		}
		if c.Duration != 0 && (c.Duration < minDuration || c.Duration > maxDuration) {
			return fmt.Errorf("meeting duration %v out of range", c.Duration)
		}
		if c.Format != "" && !knownFormat(c.Format) {
			return fmt.Errorf("unknown format %q", c.Format)
		}
		if c.Location != "" && !isURL(c.Location) {
			return fmt.Errorf("location %q is not a link", c.Location)
		}
	case Snooze:
		if c.Date.IsZero() || c.Date.Hour() != 0 || c.Date.Minute() != 0 {
			return fmt.Errorf("snooze without a date")
		}
	case Notes:
		if strings.TrimSpace(c.Text) == "" {
			return fmt.Errorf("notes without text")
		}
	case Confirm:
		if c.Index < 0 {
			return fmt.Errorf("negative index")
		}
	case Add:
		needContact = false
		if c.Add == nil {
			return fmt.Errorf("add without a contact")
		}
		if c.Add.Name == "" || !validField(c.Add.Name) {
			return fmt.Errorf("add: bad name %q", c.Add.Name)
		}
		if a, ok := normalizeEmail(c.Add.Email); !ok || a != c.Add.Email {
			return fmt.Errorf("add: bad email %q", c.Add.Email)
		}
		for _, f := range []string{c.Add.Company, c.Add.Role, c.Add.ReferredBy} {
			if f != "" && !validField(f) {
				return fmt.Errorf("add: bad field %q", f)
			}
		}
	case Status:
		needContact = false
	case Met, Thanked, Pause, Resume, Decline, NoResponse, Approve, Cancel:
	case Resolve:
		needContact = false
		if !strings.Contains(c.MessageID, "@") {
			return fmt.Errorf("resolve: bad message id %q", c.MessageID)
		}
	default:
		return fmt.Errorf("unknown verb %q", c.Verb)
	}
	if c.Contact != "" || needContact {
		if a, ok := normalizeEmail(c.Contact); !ok || a != c.Contact {
			return fmt.Errorf("%s: bad contact %q", c.Verb, c.Contact)
		}
	}
	if c.Line < 0 {
		return fmt.Errorf("negative line")
	}
	if c.Verb != Meeting && (!c.When.IsZero() || c.Duration != 0 || c.Format != "" || c.Location != "") {
		return fmt.Errorf("%s with meeting fields", c.Verb)
	}
	if c.Verb != Snooze && !c.Date.IsZero() {
		return fmt.Errorf("%s with a date", c.Verb)
	}
	return nil
}

func knownFormat(f string) bool {
	for _, k := range Formats {
		if k == f {
			return true
		}
	}
	return false
}

// validField: one line, printable, not absurdly long.
func validField(s string) bool {
	if s != strings.TrimSpace(s) || len(s) > 500 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// --- lines ---

// cleanLine trims a line and turns the spaces mail clients insert (no-break,
// zero-width, tabs) into plain ones.
func cleanLine(s string) string {
	return strings.TrimSpace(sanitize(s))
}

func sanitize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u00a0' || r == '\u2007' || r == '\u202f' || r == '\t':
			return ' '
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u2060':
			return -1
		case r == '\u2013' || r == '\u2014': // en and em dash, as typed by autocorrect
			return '-'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

var (
	attributionRe = regexp.MustCompile(`(?i)^(on\b.*\bwrote:|le\b.*\ba écrit\s?:|am\b.*\bschrieb.*:|el\b.*\bescribió:|begin forwarded message:|-+\s*original message\s*-+|-+\s*forwarded message\s*-+|_{8,})$`)
	bulletRe      = regexp.MustCompile(`^(?:[-*•+]|\d{1,2}[.)])\s+`)
)

// endOfNew: a signature delimiter or the start of quoted history.
// endOfNew reports where the owner's own new text ends: a signature
// marker, a quote attribution, or the first line of mail rapport wrote
// (every body rapport writes begins "[rapport] ").
func endOfNew(s string) bool {
	return s == "--" || s == "-- " || attributionRe.MatchString(s) || strings.HasPrefix(s, "[rapport] ")
}

func stripBullet(s string) string {
	return strings.TrimSpace(bulletRe.ReplaceAllString(s, ""))
}

// firstWord returns the first word lower-cased without trailing punctuation,
// and the rest of s after it.
func firstWord(s string) (string, string) {
	end := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ':' })
	if end < 0 {
		end = len(s)
	}
	return strings.ToLower(strings.TrimRight(s[:end], ".,;!?")), s[end:]
}

var noResponseRe = regexp.MustCompile(`(?i)^no[\s_-]*response\b[.,;!:]*`)

func isNoResponse(s string) bool { return noResponseRe.MatchString(s) }

func afterNoResponse(s string) string {
	return s[len(noResponseRe.FindString(s)):]
}

func clip(s string) string {
	if len(s) <= maxLine {
		return s
	}
	return truncateUTF8(s, maxLine) + "…"
}

func truncateUTF8(s string, n int) string {
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func squeezeBlank(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
