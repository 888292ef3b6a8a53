package compose

import (
	"bytes"
	"encoding/base64"
	"errors"
	htmltemplate "html/template"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// hostile pieces mixed into contact and owner fields.
var hostile = []string{
	"\r\nBcc: victim@evil.example",
	"\nX-Injected: yes",
	"\r\n\r\n<html>body</html>",
	"\r",
	"\n",
	"\x00",
	"\t",
	"\u2028",
	"\u0085",
	"=?UTF-8?Q?a=0D=0ABcc:_x@evil.example?=",
	"=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("a\r\nBcc: x@evil.example")) + "?=",
	"=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte("\r\nX-Evil: 1")) + "?=",
	"=?ISO-8859-1?Q?=0D=0ASubject:_hi?=",
	"=?",
	"?=",
	"{{.Me.Email}}",
	"{{template \"x\"}}",
	"{{define \"a\"}}b{{end}}",
	"{{",
	"}}",
	"<script>alert(1)</script>",
	"</title><script>x()</script>",
	"\"quoted\"",
	"back\\slash",
	"O'Brien & Co",
	"<b>bold</b>",
	"Zoë Müller",
	"李小龍",
	"party 🎉",
	"%s %d %!",
	"Content-Type: text/html",
	"--boundary",
	"\r\n.\r\n",
	"From me",
	"Re: re: RE:",
	strings.Repeat("long ", 60),
	strings.Repeat("x", 120),
	"  spaced  out  ",
}

var plainWords = []string{"Acme", "Jordan", "data engineer", "Maria Lopez", "the IT industry", "Tuesday 24 November", "hello"}

func genField(r *rand.Rand) string {
	s := plainWords[r.IntN(len(plainWords))]
	for n := r.IntN(4); n > 0; n-- {
		h := hostile[r.IntN(len(hostile))]
		switch r.IntN(3) {
		case 0:
			s = h + s
		case 1:
			s += h
		default:
			i := r.IntN(len(s) + 1)
			for i > 0 && i < len(s) && !isRuneStart(s[i]) {
				i--
			}
			s = s[:i] + h + s[i:]
		}
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func genData(r *rand.Rand) (Data, []string) {
	d := Sample()
	f := func() string { return genField(r) }
	d.Me.Intro, d.Me.Interest = f(), f()
	d.Contact.FirstName, d.Contact.Company, d.Contact.Role = f(), f(), f()
	// Names reach From and To; keep enough of them clean that most cases
	// get through to the parse-back checks.
	if r.IntN(3) == 0 {
		d.Me.Name = f()
	}
	if r.IntN(2) == 0 {
		d.Contact.Name = f()
	}
	d.Contact.Connection, d.Contact.ReferrerName, d.Contact.Status = f(), f(), f()
	if r.IntN(4) == 0 {
		d.Contact.ReferrerName = ""
	}
	d.Thread.Subject = f()
	d.Meeting.When, d.Meeting.Format, d.Meeting.Location = f(), f(), f()
	d.Update = f()
	d.Notification = Notification{Title: f(), Text: f(), NextStep: f(), Commands: f()}
	d.Digest.Period = f()
	d.Digest.Replies[0].Name, d.Digest.Replies[0].Detail = f(), f()
	d.Questions = []string{f(), f()}
	var ids []string
	if r.IntN(2) == 0 {
		ids = []string{NewMessageID("example.com"), "<" + NewMessageID("example.org") + ">"}
	}
	d.Thread.MessageIDs = ids
	switch r.IntN(20) {
	case 0:
		d.Contact.Email = "x@evil.example\r\nBcc: y@evil.example"
	case 1:
		d.Contact.Email = "Name <x@evil.example>"
	case 2:
		d.Contact.Email = "a@x.example, b@y.example"
	}
	return d, ids
}

func unsafeName(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	if strings.Contains(s, "=?") {
		return true
	}
	// net/mail leaves a backslash bare in the Q encoded word it writes for
	// a non-ASCII name without specials (those get B encoding), and cannot
	// read it back.
	nonASCII := strings.IndexFunc(s, func(r rune) bool { return r > unicode.MaxASCII }) >= 0
	return nonASCII && strings.Contains(s, "\\") && !strings.ContainsAny(s, "\"#$%&'(),.:;<>@[]^`{|}~")
}

func htmlEsc(t *testing.T, s string) string {
	var b bytes.Buffer
	if err := htmltemplate.Must(htmltemplate.New("").Parse("<p>{{.}}</p>")).Execute(&b, s); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), "<p>"), "</p>")
}

// TestBuildHostileFields builds thousands of messages from fields full of
// line breaks, encoded words, template syntax and markup, reads each back
// with go-message and checks that no header was added or altered, that
// every field shows up literally where it is rendered (escaped in HTML),
// and that a field that cannot be made safe is refused with a FieldError.
func TestBuildHostileFields(t *testing.T) {
	tm := mustLoad(t)
	r := rand.New(rand.NewPCG(20261124, 1))
	n := 4000
	if testing.Short() {
		n = 500
	}
	kinds := Kinds()
	refused := 0
	for i := range n {
		kind := kinds[r.IntN(len(kinds))]
		d, ids := genData(r)
		if kind == KindFollowup && len(ids) == 0 {
			ids = []string{NewMessageID("example.com")}
			d.Thread.MessageIDs = ids
		}
		wantErr := unsafeName(d.Me.Name) ||
			(!kind.ToOwner() && (unsafeName(d.Contact.Name) || d.Contact.Email != "jordan.lee@example.org"))
		m, err := tm.Build(kind, d, Envelope{Date: testDate, MessageID: NewMessageID("example.com")})
		if wantErr {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("case %d (%s): want a FieldError, got %v\n%#v", i, kind, err, d)
			}
			refused++
			continue
		}
		if err != nil {
			t.Fatalf("case %d (%s): %v\n%#v", i, kind, err, d)
		}
		raw, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		checkParsed(t, i, kind, d, ids, m, parse(t, raw))
	}
	t.Logf("%d cases, %d refused", n, refused)
	if refused == 0 || refused == n {
		t.Fatalf("refused %d of %d cases: the generator does not exercise both paths", refused, n)
	}
}

func checkParsed(t *testing.T, i int, kind Kind, d Data, ids []string, m *Message, p *parsed) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("case %d (%s): "+format+"\ndata: %#v", append(append([]any{i, kind}, args...), d)...)
	}
	want := []string{"date", "from", "to", "subject", "message-id", "mime-version", "content-type"}
	if m.Rendered.HTML == "" {
		want = append(want, "content-transfer-encoding")
	}
	if len(ids) > 0 {
		want = append(want, "in-reply-to", "references")
	}
	if kind.ToOwner() {
		want = append(want, "auto-submitted", "x-auto-response-suppress")
	}
	got := slices.Clone(p.keys)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		fail("header fields %v, want exactly %v", got, want)
	}

	from, err := p.header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != d.Me.Email || from[0].Name != spaces(d.Me.Name) {
		fail("From = %v (%v), want %q <%s>", from, err, d.Me.Name, d.Me.Email)
	}
	to, err := p.header.AddressList("To")
	wantTo := d.withDefaults().Contact
	if kind.ToOwner() {
		wantTo = Contact{Name: d.Me.Name, Email: d.Me.Email}
	}
	if err != nil || len(to) != 1 || to[0].Address != wantTo.Email || to[0].Name != spaces(wantTo.Name) {
		fail("To = %v (%v), want %q <%s>", to, err, wantTo.Name, wantTo.Email)
	}
	if len(ids) > 0 {
		refs, err := p.header.MsgIDList("References")
		var want []string
		for _, id := range ids {
			want = append(want, strings.Trim(id, "<>"))
		}
		if err != nil || !slices.Equal(refs, want) {
			fail("References = %v (%v), want %v", refs, err, want)
		}
		irt, err := p.header.MsgIDList("In-Reply-To")
		if err != nil || len(irt) != 1 || irt[0] != want[len(want)-1] {
			fail("In-Reply-To = %v (%v)", irt, err)
		}
	}

	// Subject: one clean line, decoding to exactly what was rendered.
	if p.subject != m.Rendered.Subject {
		fail("decoded subject %q, rendered %q", p.subject, m.Rendered.Subject)
	}
	if strings.IndexFunc(p.subject, unicode.IsControl) >= 0 {
		fail("subject %q holds a control character", p.subject)
	}
	inSubject := map[Kind][]string{
		KindFollowup:     {d.Thread.Subject},
		KindNotification: {d.Notification.Title, d.Contact.Name},
		KindPrep:         {d.Contact.Name, d.Meeting.When},
		KindDigest:       {d.Digest.Period},
	}
	if kind == KindOutreach {
		if d.Contact.ReferrerName != "" {
			inSubject[kind] = []string{d.Contact.ReferrerName}
		} else {
			inSubject[kind] = []string{d.Contact.Company}
		}
	}
	for _, f := range inSubject[kind] {
		if !strings.Contains(p.subject, cleanSubject(f)) {
			fail("subject %q lacks field %q", p.subject, cleanSubject(f))
		}
	}

	// Text: exactly what was rendered, holding each field literally.
	if lf(p.text) != lf(m.Rendered.Text) {
		fail("decoded text differs from rendered text:\n%q\n%q", p.text, m.Rendered.Text)
	}
	dd := d.withDefaults()
	c := dd.Contact
	inText := map[Kind][]string{
		KindOutreach: {c.FirstName, c.Company, article(c.Role), sentence(c.Connection), c.ReferrerName,
			dd.Me.Name, clause(dd.Me.Intro), clause(dd.Me.Interest)},
		KindFollowup:     {c.FirstName, c.Company, dd.Me.Name},
		KindThankYou:     {c.FirstName, c.Company, dd.Meeting.When, dd.Me.Name},
		KindKeepInTouch:  {c.FirstName, c.Company, dd.Update, dd.Me.Name},
		KindNotification: append([]string{oneline(dd.Notification.Title), oneline(c.Name), oneline(c.Company), oneline(c.Role), indent("> ", dd.Notification.Text), oneline(dd.Notification.NextStep)}, quotedCommands(dd.Notification.Commands)...),
		KindDigest:       {dd.Digest.Period, dd.Digest.Replies[0].Name, dd.Digest.Replies[0].Detail},
		KindPrep:         {c.Name, c.Company, dd.Meeting.When, dd.Meeting.Location, c.Connection, c.ReferrerName, dd.Questions[0], dd.Questions[1]},
	}
	for _, f := range inText[kind] {
		if !strings.Contains(lf(p.text), lf(f)) {
			fail("text lacks field %q literally:\n%s", f, p.text)
		}
	}

	// HTML: every field escaped, never raw markup from data.
	if kind == KindNotification || kind == KindDigest {
		if p.html == "" || lf(p.html) != lf(m.Rendered.HTML) {
			fail("decoded HTML differs from rendered HTML")
		}
		if strings.Contains(p.html, "<script") || strings.Contains(p.html, "<b>") {
			fail("HTML holds markup from data:\n%s", p.html)
		}
		inHTML := map[Kind][]string{
			KindNotification: append([]string{oneline(dd.Notification.Title), oneline(c.Name), dd.Notification.Text, oneline(dd.Notification.NextStep)}, exampleCommands(dd.Notification.Commands)...),
			KindDigest:       {dd.Digest.Period, dd.Digest.Replies[0].Name, dd.Digest.Replies[0].Detail},
		}
		for _, f := range inHTML[kind] {
			if !strings.Contains(lf(p.html), lf(htmlEsc(t, f))) {
				fail("HTML lacks escaped field %q:\n%s", htmlEsc(t, f), p.html)
			}
		}
	} else if p.html != "" {
		fail("unexpected HTML part")
	}
}

func spaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// quotedCommands is how the notification shows its example commands: each
// in double quotes after "Reply", one per line (so a reply quoting the mail
// never reads as a command). Data in mail to the owner is printed on one
// line (oneline).
func quotedCommands(s string) []string {
	var out []string
	for _, c := range exampleCommands(s) {
		out = append(out, `"`+c+`"`)
	}
	return out
}

func exampleCommands(s string) []string {
	var out []string
	for _, l := range commandLines(s) {
		out = append(out, oneline(splitCommand(l).Command))
	}
	return out
}
