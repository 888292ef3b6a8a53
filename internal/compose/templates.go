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

	"rapport/templates"
)

// Kind is a kind of mail; it names the template files.
type Kind string

// The kinds of mail rapport writes.
const (
	KindOutreach     Kind = "outreach"
	KindFollowup     Kind = "followup"
	KindThankYou     Kind = "thankyou"
	KindKeepInTouch  Kind = "keepintouch"
	KindNotification Kind = "notification"
	KindDigest       Kind = "digest"
	KindPrep         Kind = "prep"
)

// Kinds lists every kind, in a stable order.
func Kinds() []Kind {
	return []Kind{KindOutreach, KindFollowup, KindThankYou, KindKeepInTouch, KindNotification, KindDigest, KindPrep}
}

// ToOwner reports whether mail of this kind goes to the mailbox owner rather
// than to a contact. Such mail is marked as automatic (Auto-Submitted).
func (k Kind) ToOwner() bool {
	return k == KindNotification || k == KindDigest || k == KindPrep
}

func (k Kind) valid() bool {
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
	if !ok || !Kind(k).valid() {
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
	samples := []Data{Sample().withDefaults(), {}}
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
	d = d.withDefaults()
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
