package digest

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"strings"
	"sync"
	"text/template"
	"time"

	gomail "github.com/wneessen/go-mail"

	"rapport/internal/model"
)

// The digest has richer data than compose.Digest (drafts, contacts needing
// information, the week-on-week pipeline, a bar chart), so it carries its
// own templates. Compose still serves the shared templates/digest.*.tmpl.
//
//go:embed tmpl/*.tmpl
var tmplFS embed.FS

// Rendered is the digest as mail text.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

const barWidth = 20 // characters of the plain-text bar chart

var funcs = map[string]any{
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	},
	"pad": func(n int, s string) string {
		if len(s) >= n {
			return s
		}
		return s + strings.Repeat(" ", n-len(s))
	},
	"textbar": func(pct int) string {
		n := (pct*barWidth + 50) / 100
		if pct > 0 && n == 0 {
			n = 1
		}
		return strings.Repeat("#", n) + strings.Repeat(".", barWidth-n)
	},
	"signed": func(n int) string {
		if n > 0 {
			return fmt.Sprintf("+%d", n)
		}
		return fmt.Sprint(n)
	},
	"label": func(s model.Status) string { return strings.ReplaceAll(string(s), "_", " ") },
	"rest":  func(pct int) int { return 100 - pct },
}

type compiled struct {
	text *template.Template
	html *htmltemplate.Template
}

var load = sync.OnceValues(func() (*compiled, error) {
	t, err := template.New("digest.txt.tmpl").Option("missingkey=error").Funcs(funcs).ParseFS(tmplFS, "tmpl/digest.txt.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse digest text template: %w", err)
	}
	h, err := htmltemplate.New("digest.html.tmpl").Option("missingkey=error").Funcs(funcs).ParseFS(tmplFS, "tmpl/digest.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse digest HTML template: %w", err)
	}
	return &compiled{t, h}, nil
})

// Subject is the digest's subject line; the [rapport] tag makes a reply
// to it command mail.
func (d *Digest) Subject() string {
	s := "[rapport] Weekly digest: " + d.Period
	if n := d.ToDo(); n > 0 {
		s += fmt.Sprintf(" (%d to do)", n)
	}
	return s
}

// Commands are example commands for the digest's footer, about the
// digest's own contacts where it has some. A reply to the digest is about
// no contact in particular, so each names its address.
func (d *Digest) Commands() []string {
	var out []string
	if len(d.ThankYous) > 0 {
		out = append(out, "thanked "+d.ThankYous[0].Email)
	}
	if len(d.Replies) > 0 {
		r := d.Replies[0].Email
		next := d.Now.AddDate(0, 0, 1)
		for next.Weekday() != time.Tuesday {
			next = next.AddDate(0, 0, 1)
		}
		y, m, dd := next.Date()
		out = append(out, "meeting "+commandTime(time.Date(y, m, dd, 14, 0, 0, 0, d.Now.Location()))+" with "+r,
			"snooze "+r+" "+d.Now.AddDate(0, 3, 0).Format("January"))
	}
	if len(d.Meetings) > 0 {
		out = append(out, "met "+d.Meetings[0].Email)
	}
	if len(out) == 0 {
		out = append(out, "pause maria@example.com", "add Brad Smith <brad@example.com> referred by Maria")
	}
	return append(out, "status")
}

// Render formats the digest as plain text (with an ASCII bar chart) and
// email-safe HTML (tables and inline styles, a bar chart of table cells).
func (d *Digest) Render() (*Rendered, error) {
	c, err := load()
	if err != nil {
		return nil, err
	}
	var t, h bytes.Buffer
	if err := c.text.Execute(&t, d); err != nil {
		return nil, fmt.Errorf("render digest text: %w", err)
	}
	if err := c.html.Execute(&h, d); err != nil {
		return nil, fmt.Errorf("render digest HTML: %w", err)
	}
	return &Rendered{Subject: d.Subject(), Text: t.String(), HTML: h.String()}, nil
}

// Message builds the mail to the owner: From and To the owner, the
// caller's Date and Message-ID (without angle brackets), text with an
// HTML alternative, and the headers compose puts on owner mail
// (Auto-Submitted: auto-generated, X-Auto-Response-Suppress).
func (r *Rendered) Message(owner mail.Address, date time.Time, messageID string) (*gomail.Msg, error) {
	if strings.ContainsAny(owner.Name+owner.Address+messageID, "\r\n") {
		return nil, fmt.Errorf("build digest: line break in address or message ID")
	}
	if date.IsZero() {
		return nil, fmt.Errorf("build digest: no date")
	}
	if messageID == "" || strings.ContainsAny(messageID, "<> ") {
		return nil, fmt.Errorf("build digest: bad message ID %q", messageID)
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := m.FromFormat(owner.Name, owner.Address); err != nil {
		return nil, fmt.Errorf("build digest: from: %w", err)
	}
	if err := m.AddToFormat(owner.Name, owner.Address); err != nil {
		return nil, fmt.Errorf("build digest: to: %w", err)
	}
	m.Subject(r.Subject)
	m.SetDateWithValue(date)
	m.SetMessageIDWithValue(messageID)
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	m.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "OOF, AutoReply")
	m.SetBodyString(gomail.TypeTextPlain, r.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	return m, nil
}
