// Package compose turns rapport's data into mail: it loads the templates
// (embedded defaults from rapport/templates, overridden file by file from the
// user's directory), renders them with missing fields as errors, and builds
// the message with go-mail, with Message-IDs on the sender's domain, threading
// headers and optional calendar invitations. No data ever reaches a header
// unchecked.
package compose

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	texttemplate "text/template"
	"unicode"
	"unicode/utf8"

	"rapport/internal/model"
	"rapport/templates"
)

// Kind is a kind of mail; it names the template files (see model.Kind,
// which also decides which kinds go to the owner).
type Kind = model.Kind

// The kinds of mail rapport writes from templates.
const (
	KindOutreach     = model.KindOutreach
	KindFollowup     = model.KindFollowup
	KindThankYou     = model.KindThankyou
	KindKeepInTouch  = model.KindKeepInTouch
	KindNotification = model.KindNotification
	KindDigest       = model.KindDigest
	KindPrep         = model.KindPrep
	KindInvite       = model.KindInvite
)

// Kinds lists every kind that has templates, in a stable order.
func Kinds() []Kind {
	return []Kind{KindOutreach, KindFollowup, KindThankYou, KindKeepInTouch, KindNotification, KindDigest, KindPrep, KindInvite}
}

func validKind(k Kind) bool {
	for _, x := range Kinds() {
		if k == x {
			return true
		}
	}
	return false
}

// Template parts, the middle of the file name KIND.PART.tmpl.
const (
	partSubject = "subject"
	partText    = "txt"
	partHTML    = "html"
)

// Templates is a compiled, checked template set. It is safe for concurrent
// use.
type Templates struct {
	sets map[Kind]*set
}

type set struct {
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template // nil: no HTML part
}

// Load compiles the default templates, each replaced by the file of the same
// name in dir when there is one (dir "" means defaults only), and executes
// every template against sample data so that a mistake fails now, naming the
// file, rather than at the first send. An unknown *.tmpl file in dir is an
// error (it is probably a misspelt name); other files are ignored. An
// override html file that is empty or only whitespace removes the HTML part.
func Load(dir string) (*Templates, error) {
	if dir == "" {
		return load(nil, "")
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	return load(os.DirFS(dir), dir)
}

// LoadFS is Load with the overrides in fsys (nil: defaults only). Error
// messages name files relative to fsys.
func LoadFS(fsys fs.FS) (*Templates, error) {
	return load(fsys, "")
}

func load(over fs.FS, label string) (*Templates, error) {
	var errs []error
	if over != nil {
		names, err := fs.Glob(over, "*.tmpl")
		if err != nil {
			return nil, fmt.Errorf("load templates: %w", err)
		}
		for _, n := range names {
			if _, _, ok := splitName(n); !ok {
				errs = append(errs, fmt.Errorf("template %s: unknown file name (want KIND.subject.tmpl, KIND.txt.tmpl or KIND.html.tmpl with KIND one of %s)",
					path.Join(label, n), kindList()))
			}
		}
	}
	t := &Templates{sets: make(map[Kind]*set)}
	for _, k := range Kinds() {
		s, err := loadSet(k, over, label)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t.sets[k] = s
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

func kindList() string {
	var s []string
	for _, k := range Kinds() {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

func splitName(name string) (Kind, string, bool) {
	base, ok := strings.CutSuffix(name, ".tmpl")
	if !ok {
		return "", "", false
	}
	k, part, ok := strings.Cut(base, ".")
	if !ok || !validKind(Kind(k)) {
		return "", "", false
	}
	switch part {
	case partSubject, partText, partHTML:
		return Kind(k), part, true
	}
	return "", "", false
}

// source returns a template file's text and the name to report it by: the
// override when present, else the embedded default. ok is false when
// neither exists.
func source(over fs.FS, label, name string) (src, display string, ok bool, err error) {
	if over != nil {
		b, err := fs.ReadFile(over, name)
		switch {
		case err == nil:
			return string(b), path.Join(label, name), true, nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", "", false, fmt.Errorf("template %s: %w", path.Join(label, name), err)
		}
	}
	b, err := fs.ReadFile(templates.FS, name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("template %s (built-in): %w", name, err)
	}
	return string(b), name, true, nil
}

func loadSet(k Kind, over fs.FS, label string) (*set, error) {
	var errs []error
	s := &set{}
	for _, part := range []string{partSubject, partText, partHTML} {
		name := string(k) + "." + part + ".tmpl"
		src, display, ok, err := source(over, label, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			if part != partHTML {
				errs = append(errs, fmt.Errorf("template %s: missing", name))
			}
			continue
		}
		if part == partHTML && strings.TrimSpace(src) == "" {
			continue
		}
		if err := s.parse(part, display, src); err != nil {
			errs = append(errs, fmt.Errorf("template %s: %w", display, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *set) parse(part, name, src string) error {
	switch part {
	case partHTML:
		t, err := htmltemplate.New(name).Option("missingkey=error").Funcs(htmltemplate.FuncMap(funcs(false))).Parse(src)
		if err != nil {
			return err
		}
		s.html = t
	default:
		t, err := texttemplate.New(name).Option("missingkey=error").Funcs(funcs(false)).Parse(src)
		if err != nil {
			return err
		}
		if part == partSubject {
			s.subject = t
		} else {
			s.text = t
		}
	}
	return nil
}

// check executes clones of the templates against a full sample and an empty
// one, with `required` and missing map keys made lenient, so that both sides
// of every {{if}} run and a misspelt field, a function called with the wrong
// arguments or an index out of range is reported with its file and line.
func (s *set) check() error {
	samples := checkSamples()
	var errs []error
	for _, d := range samples {
		for _, t := range []*texttemplate.Template{s.subject, s.text} {
			c, err := t.Clone()
			if err == nil {
				err = c.Option("missingkey=zero").Funcs(funcs(true)).Execute(io.Discard, d)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("template check: %w", err))
			}
		}
		if s.html != nil {
			c, err := s.html.Clone()
			if err == nil {
				err = c.Option("missingkey=zero").Funcs(htmltemplate.FuncMap(funcs(true))).Execute(io.Discard, d)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("template check: %w", err))
			}
		}
		if len(errs) > 0 {
			break // the same mistake would be reported twice
		}
	}
	return errors.Join(errs...)
}

// Rendered is the text of one message before it becomes MIME.
type Rendered struct {
	Kind    Kind
	Subject string // one line, no control characters
	Text    string
	HTML    string // empty: no HTML part
}

// Render executes the templates of kind with d. A field the templates
// require but d lacks gives a *MissingFieldError.
func (t *Templates) Render(kind Kind, d Data) (*Rendered, error) {
	s, ok := t.sets[kind]
	if !ok {
		return nil, fmt.Errorf("render: unknown kind %q", kind)
	}
	d = withWeek(d.withDefaults())
	r := &Rendered{Kind: kind}
	var buf bytes.Buffer
	if err := s.subject.Execute(&buf, d); err != nil {
		return nil, renderError(kind, err)
	}
	r.Subject = cleanSubject(buf.String())
	if r.Subject == "" {
		return nil, fmt.Errorf("%s: template %s renders an empty subject", kind, s.subject.Name())
	}
	buf.Reset()
	if err := s.text.Execute(&buf, d); err != nil {
		return nil, renderError(kind, err)
	}
	r.Text = newlines(buf.String())
	if s.html != nil {
		buf.Reset()
		if err := s.html.Execute(&buf, d); err != nil {
			return nil, renderError(kind, err)
		}
		r.HTML = newlines(buf.String())
	}
	return r, nil
}

var missingKeyRE = regexp.MustCompile(`map has no entry for key "([^"]*)"`)

func renderError(kind Kind, err error) error {
	var mf *MissingFieldError
	if errors.As(err, &mf) {
		return &MissingFieldError{Kind: kind, Field: mf.Field}
	}
	if m := missingKeyRE.FindStringSubmatch(err.Error()); m != nil {
		return &MissingFieldError{Kind: kind, Field: "Contact.Custom." + m[1]}
	}
	return fmt.Errorf("render %s: %w", kind, err)
}

// newlines turns CRLF and lone CR into LF. Bodies are kept with LF; the
// MIME writer emits CRLF. (Go's quoted-printable writer also drops the next
// LF after a lone CR, so a CR from data must not reach it.)
func newlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// cleanSubject makes a rendered subject one header-safe line: control
// characters (CR, LF, NUL, tabs...) and Unicode line separators become
// spaces, runs of spaces collapse, and the ends are trimmed.
func cleanSubject(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// funcs are the template functions. lenient is for the load-time check,
// where empty sample fields must not stop execution.
func funcs(lenient bool) texttemplate.FuncMap {
	return texttemplate.FuncMap{
		"required": func(v any, field string) (any, error) {
			if !lenient && isEmpty(v) {
				return nil, &MissingFieldError{Field: field}
			}
			return v, nil
		},
		"orList":   func(xs []string) string { return joinList(xs, "or") },
		"andList":  func(xs []string) string { return joinList(xs, "and") },
		"sentence": sentence,
		"clause":   clause,
		"reply":    reply,
		"indent":   indent,
		"contains": strings.Contains,
		"article":  article,
		// field is a custom field (an import column) by header name; a
		// contact without it is missing a field, as for built-in ones.
		"field": func(c Contact, name string) (string, error) {
			v, ok := c.lookup(name)
			if !ok && !lenient {
				return "", &MissingFieldError{Field: "Contact.Custom." + name}
			}
			return v, nil
		},
		"hasField": func(c Contact, name string) bool {
			_, ok := c.lookup(name)
			return ok
		},
		// For mail to the owner: text tables, signed counts, example commands.
		"pad":     pad,
		"padLeft": padLeft,
		"signed":  signed,
		"bar":     bar,
		"sub":     func(a, b int) int { return a - b },
		"upper":   strings.ToUpper,
		"lines":   commandLines,
		"command": splitCommand,
		"oneline": oneline,
	}
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []string:
		for _, s := range x {
			if strings.TrimSpace(s) != "" {
				return false
			}
		}
		return true
	case interface{ IsZero() bool }:
		return x.IsZero()
	}
	return false
}

// joinList writes "A", "A, or B", "A, B, or C": the comma keeps options
// such as "between 1 and 4pm" readable.
func joinList(xs []string, conj string) string {
	var v []string
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			v = append(v, x)
		}
	}
	switch len(v) {
	case 0:
		return ""
	case 1:
		return v[0]
	case 2:
		if conj == "and" {
			return v[0] + " and " + v[1]
		}
		return v[0] + ", or " + v[1]
	}
	return strings.Join(v[:len(v)-1], ", ") + ", " + conj + " " + v[len(v)-1]
}

// sentence trims s, capitalises its first letter and ends it with a full
// stop unless it already ends with punctuation.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.ContainsAny(s[len(s)-1:], ".!?") {
		s += "."
	}
	return s
}

// clause trims s and any final full stop, so it can continue a sentence.
func clause(s string) string {
	return strings.TrimRight(strings.TrimSpace(s), ".")
}

var replyPrefixRE = regexp.MustCompile(`(?i)^\s*re\s*:`)

// reply prefixes "Re: " unless the subject already is a reply.
func reply(subject string) string {
	subject = strings.TrimSpace(subject)
	if replyPrefixRE.MatchString(subject) {
		return subject
	}
	return "Re: " + subject
}

// article puts "a" or "an" before a lower-case role ("a data engineer");
// a capitalised one is a title and is left alone ("Head of Data").
func article(role string) string {
	role = strings.TrimSpace(role)
	r, _ := utf8.DecodeRuneInString(role)
	if role == "" || !unicode.IsLower(r) {
		return role
	}
	lower := strings.ToLower(role)
	an := strings.ContainsRune("aeio", r) ||
		(r == 'u' && !strings.HasPrefix(lower, "uni") && !strings.HasPrefix(lower, "use") && !strings.HasPrefix(lower, "usu") && !strings.HasPrefix(lower, "ux"))
	if an {
		return "an " + role
	}
	return "a " + role
}

// indent prefixes every line of s, for quoting.
func indent(prefix, s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(strings.TrimRight(s, "\r\n"), "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(prefix+l, " ")
	}
	return strings.Join(lines, "\n")
}

// Names lists the template files a Templates set uses, sorted; for
// diagnostics.
func (t *Templates) Names() []string {
	var n []string
	for _, s := range t.sets {
		n = append(n, s.subject.Name(), s.text.Name())
		if s.html != nil {
			n = append(n, s.html.Name())
		}
	}
	sort.Strings(n)
	return n
}

// --- mail to the owner: the weekly digest's data and the helpers its
// templates and the notification's use.
//
// Every line of mail to the owner starts with rapport's own words, never
// with data, and example commands are written inside double quotes, so a
// reply that quotes the mail (with or without "> ") never reads as a
// command. The default templates keep to that; overrides should too.

// DigestWeek is the weekly digest as its templates see it (.Digest.Week).
// Everything is formatted for people already, in the owner's zone, with
// the zone named; every list is already cut to a readable length. The
// digest package fills it; Render fills it from Digest's simple fields when
// it is nil.
type DigestWeek struct {
	Title    string // "Your week with rapport, Monday 23 November 2026"
	Period   string // "Monday 23 to Sunday 29 November"
	Headline string // for the subject: "6 to do, 2 meetings"
	Summary  string // one sentence under the title
	Zone     string // "Times are in your zone, America/New_York (EST)."
	// Sections is the to-do list, most urgent first; empty sections are
	// left out, so no sections means nothing needs the owner.
	Sections []DigestSection
	Progress *DigestProgress // nil: no progress part
	Commands []DigestCommand // examples for the footer, about this digest's contacts
}

// DigestSection is one part of the to-do list.
type DigestSection struct {
	Key   string // replies, meetings, thankyous, referrals, drafts, followups, next, needs_info
	Title string // "Replies waiting for you"
	Note  string // an optional sentence under the title
	Items []DigestEntry
	More  string // "And 4 more ..." when the list was cut; "" otherwise
}

// DigestEntry is one item: a line that starts with Lead (the action or
// the time, rapport's words), then who, then Text; the contact's words
// and further lines below it.
type DigestEntry struct {
	Lead                 string // "Answer", "Thank", "Wed 25 Nov, 10am EST:"
	Name, Email, Company string
	Text                 string   // the rest of the line: "replied Fri 20 Nov, waiting 3 days"
	Quote                string   // the contact's own words, short, one line
	Details              []string // further lines, each starting with rapport's words
	Late                 bool     // overdue: a reply waiting days, a thank-you after a day
}

// DigestProgress is the pipeline now and over the last weeks.
type DigestProgress struct {
	Rows   []DigestRow   // one per status with anyone in it (the main line always)
	Weeks  []DigestTrend // oldest first; empty: no trend yet
	Totals []string      // sentences: the answer rate and meetings per request to date
}

// DigestRow is one status: how many contacts are in it now, and how many
// moved into it this week and the week before.
type DigestRow struct {
	Status             string // the status string (queued, met...)
	Label              string // for people: "queued", "no response"
	Now                int
	ThisWeek, LastWeek int
	Bar                int    // 0-100: Now as a share of the largest count
	Color              string // #rrggbb
	Main               bool   // on the main line (queued ... thanked)
}

// DigestTrend is one week of the trend chart.
type DigestTrend struct {
	Label                            string // "28 Sep": the week's first day
	Sent, Replies, Meetings          int
	SentBar, RepliesBar, MeetingsBar int    // bar heights in pixels, 0 when the count is 0
	AnswerRate                       string // to the end of the week: "20%", or "-"
	PerRequest                       string // meetings per request to the end of the week: "0.10", or "-"
}

// DigestCommand is an example command and what it does: rendered as
// "COMMAND" PURPOSE.
type DigestCommand struct {
	Command string // met chris@example.org
	Purpose string // after you have talked (may be empty)
}

// Chart colours: the series of the trend and the kinds of pipeline bars.
// Mid tones, readable on white and on the dark backgrounds mail clients
// switch to.
const (
	ColorSent     = "#2f6fb3"
	ColorReplies  = "#1f9d73"
	ColorMeetings = "#c77d12"
	ColorMain     = "#2f6fb3"
	ColorWaiting  = "#8a96a3"
	ColorClosed   = "#c2706b"
)

// withWeek fills Digest.Week from the simple Digest fields when it is nil,
// so a caller (or an override) using only those still gets a digest.
func withWeek(d Data) Data {
	if d.Digest.Week != nil {
		return d
	}
	g := d.Digest
	w := &DigestWeek{Title: "Your week with rapport", Period: g.Period}
	if g.Period != "" {
		w.Title += ", " + g.Period
	}
	add := func(key, title, lead string, items []DigestItem) {
		if len(items) == 0 {
			return
		}
		s := DigestSection{Key: key, Title: title}
		for _, it := range items {
			e := DigestEntry{Lead: lead, Name: it.Name, Email: it.Email, Company: it.Company, Text: it.When, Quote: it.Detail}
			if lead == "" {
				e.Lead, e.Text, e.Quote = it.When+":", "", ""
				if it.Detail != "" {
					e.Details = append(e.Details, "About: "+it.Detail)
				}
			}
			for _, q := range it.Questions {
				e.Details = append(e.Details, "Ask: "+q)
			}
			s.Items = append(s.Items, e)
		}
		w.Sections = append(w.Sections, s)
	}
	add("replies", "Replies waiting for you", "Answer", g.Replies)
	add("meetings", "Meetings this week", "", g.Meetings)
	add("thankyous", "Thank-yous due", "Thank", g.ThankYous)
	add("next", "Going out next", "", g.Upcoming)
	n := 0
	for _, s := range w.Sections {
		n += len(s.Items)
	}
	switch {
	case n == 1:
		w.Headline, w.Summary = "1 item", "One thing for you this week."
	case n > 1:
		w.Headline, w.Summary = fmt.Sprintf("%d items", n), fmt.Sprintf("%d things for you this week.", n)
	default:
		w.Summary = "Nothing needs you this week."
	}
	if len(g.Funnel) > 0 {
		p := &DigestProgress{}
		max := 0
		for _, f := range g.Funnel {
			if f.Count > max {
				max = f.Count
			}
		}
		for _, f := range g.Funnel {
			r := DigestRow{Status: f.Status, Label: strings.ReplaceAll(f.Status, "_", " "), Now: f.Count, Color: ColorMain, Main: true}
			if max > 0 && f.Count > 0 {
				r.Bar = max1(f.Count * 100 / max)
			}
			p.Rows = append(p.Rows, r)
		}
		w.Progress = p
	}
	d.Digest.Week = w
	return d
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// checkSamples are what templates are executed against at load: the
// sample as callers fill it, the same with a complete weekly digest, and
// an empty one.
func checkSamples() []Data {
	simple := withWeek(Sample().withDefaults())
	full := Sample().withDefaults()
	full.Digest.Week = SampleWeek()
	return []Data{full, simple, withWeek(Data{})}
}

// SampleWeek is a weekly digest with every field and section set, for
// template checks and previews.
func SampleWeek() *DigestWeek {
	return &DigestWeek{
		Title:    "Your week with rapport, Monday 23 November 2026",
		Period:   "Monday 23 to Sunday 29 November",
		Headline: "6 to do, 1 meeting",
		Summary:  "6 things for you this week, 1 meeting, 3 messages going out.",
		Zone:     "Times are in your zone, America/New_York (EST).",
		Sections: []DigestSection{
			{Key: "replies", Title: "Replies waiting for you", Note: "Oldest first.", Items: []DigestEntry{{
				Lead: "Answer", Name: "Jordan Lee", Email: "jordan.lee@example.org", Company: "Acme Analytics",
				Text: "replied Fri 20 Nov, waiting 3 days", Quote: "Happy to chat. Tuesday at 2pm works for me.", Late: true}}},
			{Key: "meetings", Title: "Meetings this week", Items: []DigestEntry{{
				Lead: "Wed 25 Nov, 10am EST (7am PST for Sam):", Name: "Sam Rivera", Email: "sam@example.net", Company: "Globex",
				Details: []string{"Format: video, 30 min, https://meet.example.org/sam", "Preparation note: sent Mon 23 Nov, 9am EST"}}}},
			{Key: "next", Title: "Going out next", Items: []DigestEntry{{Lead: "Tue 24 Nov:", Text: "first messages to Dana Kim (Umbrella), Eli Stone (Hooli)"}},
				More: "And 12 more in the queue."},
		},
		Progress: &DigestProgress{
			Rows: []DigestRow{{Status: "queued", Label: "queued", Now: 3, ThisWeek: 3, Bar: 100, Color: ColorMain, Main: true},
				{Status: "declined", Label: "declined", Now: 1, LastWeek: 1, Bar: 33, Color: ColorClosed}},
			Weeks: []DigestTrend{{Label: "16 Nov", Sent: 5, Replies: 2, Meetings: 1, SentBar: 40, RepliesBar: 16, MeetingsBar: 8,
				AnswerRate: "40%", PerRequest: "0.20"}},
			Totals: []string{"Answer rate to date: 40% (2 of 5 people reached have answered)."},
		},
		Commands: []DigestCommand{{Command: "met sam@example.net", Purpose: "after you have talked"}, {Command: "status"}},
	}
}

// pad and padLeft widen s to n characters with spaces, for text tables.
func pad(n int, s string) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

func padLeft(n int, s string) string {
	if k := utf8.RuneCountInString(s); k < n {
		return strings.Repeat(" ", n-k) + s
	}
	return s
}

// oneline is v on one line: each line break (CR, LF or CRLF; bodies turn
// a lone CR into LF) becomes a space, so data never starts a line of its
// own. Nothing else changes.
func oneline(v any) string {
	if v == nil {
		return ""
	}
	return onelineRepl.Replace(fmt.Sprint(v))
}

var onelineRepl = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

// signed writes a change: "+3", "0", "-1".
func signed(n int) string {
	if n > 0 {
		return fmt.Sprintf("+%d", n)
	}
	return fmt.Sprint(n)
}

// bar is a text bar of width characters, pct percent of it filled.
func bar(pct, width int) string {
	if width <= 0 || width > 200 {
		return ""
	}
	pct = min(max(pct, 0), 100)
	n := (pct*width + 50) / 100
	if pct > 0 && n == 0 {
		n = 1
	}
	return strings.Repeat("#", n) + strings.Repeat(".", width-n)
}

// commandLines splits Notification.Commands into its examples: one per
// line, or " | " between them.
func commandLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		for _, c := range strings.Split(l, " | ") {
			if c = strings.TrimSpace(c); c != "" {
				out = append(out, c)
			}
		}
	}
	return out
}

// splitCommand reads one example, "COMMAND — PURPOSE" (an em dash between
// spaces) or just "COMMAND".
func splitCommand(s string) DigestCommand {
	c, p, _ := strings.Cut(s, " — ")
	return DigestCommand{Command: strings.TrimSpace(c), Purpose: strings.TrimSpace(p)}
}
