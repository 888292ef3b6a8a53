package compose

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestRequiredFields(t *testing.T) {
	tm := mustLoad(t)
	cases := []struct {
		kind  Kind
		field string
		clear func(*Data)
		msg   string
	}{
		{KindOutreach, "Contact.Company", func(d *Data) { d.Contact.Company = " " }, "outreach: contact has no company"},
		{KindOutreach, "Contact.FirstName", func(d *Data) { d.Contact.Name, d.Contact.FirstName = "", "" }, "outreach: contact has no name"},
		{KindOutreach, "Me.Intro", func(d *Data) { d.Me.Intro = "" }, "outreach: me.intro (who you are) is not set"},
		{KindOutreach, "Me.Interest", func(d *Data) { d.Me.Interest = "" }, ""},
		{KindOutreach, "Me.Name", func(d *Data) { d.Me.Name = "" }, ""},
		{KindOutreach, "Options", func(d *Data) { d.Options = nil }, ""},
		{KindOutreach, "Options", func(d *Data) { d.Options = []string{" "} }, ""},
		{KindFollowup, "Thread.Subject", func(d *Data) { d.Thread.Subject = "" }, ""},
		{KindFollowup, "Contact.FirstName", func(d *Data) { d.Contact.Name, d.Contact.FirstName = "", "" }, ""},
		{KindThankYou, "Me.Name", func(d *Data) { d.Me.Name = "" }, ""},
		{KindKeepInTouch, "Me.Interest", func(d *Data) { d.Update, d.Me.Interest = "", "" }, ""},
		{KindNotification, "Notification.Title", func(d *Data) { d.Notification.Title = "" }, "notification: notification has no title"},
		{KindPrep, "Meeting.When", func(d *Data) { d.Meeting.When = "" }, ""},
		{KindPrep, "Contact.Name", func(d *Data) { d.Contact.Name = "" }, ""},
	}
	for _, c := range cases {
		d := Sample()
		c.clear(&d)
		_, err := tm.Render(c.kind, d)
		var mf *MissingFieldError
		if !errors.As(err, &mf) || mf.Kind != c.kind || mf.Field != c.field {
			t.Errorf("%s without %s: err = %v, want MissingFieldError{%s, %s}", c.kind, c.field, err, c.kind, c.field)
			continue
		}
		if c.msg != "" && err.Error() != c.msg {
			t.Errorf("message %q, want %q", err, c.msg)
		}
	}
	// Optional fields may be empty.
	d := Sample()
	d.Contact.Connection, d.Contact.ReferrerName, d.Contact.Role, d.Contact.Custom = "", "", "", nil
	d.Update, d.Meeting, d.Questions, d.Notification.Text, d.Digest = "", Meeting{When: "Monday"}, nil, "", Digest{}
	for _, k := range Kinds() {
		if _, err := tm.Render(k, d); err != nil {
			t.Errorf("%s with optional fields empty: %v", k, err)
		}
	}
	// Build needs addresses and, for a follow-up, a thread.
	for _, c := range []struct {
		kind  Kind
		clear func(*Data)
		field string
	}{
		{KindOutreach, func(d *Data) { d.Contact.Email = "" }, "Contact.Email"},
		{KindDigest, func(d *Data) { d.Me.Email = "" }, "Me.Email"},
		{KindFollowup, func(d *Data) { d.Thread.MessageIDs = nil }, "Thread.MessageIDs"},
	} {
		d := Sample()
		c.clear(&d)
		_, err := tm.Build(c.kind, d, Envelope{Date: testDate, MessageID: NewMessageID("example.com")})
		var mf *MissingFieldError
		if !errors.As(err, &mf) || mf.Field != c.field {
			t.Errorf("Build %s without %s: %v", c.kind, c.field, err)
		}
	}
}

func TestDataIsNeverTemplateSource(t *testing.T) {
	tm := mustLoad(t)
	d := Sample()
	d.Contact.FirstName = `{{.Me.Email}}`
	d.Contact.Company = `{{template "x"}}{{define "x"}}boom{{end}}`
	d.Notification.Title = `{{.Me.Email}} <script>alert(1)</script>`
	for _, k := range []Kind{KindOutreach, KindNotification} {
		r, err := tm.Render(k, d)
		if err != nil {
			t.Fatal(err)
		}
		all := r.Subject + r.Text
		if k == KindOutreach && (!strings.Contains(r.Text, "Hi {{.Me.Email}},") || !strings.Contains(all, `{{template "x"}}{{define "x"}}boom{{end}}`)) {
			t.Errorf("template syntax from data not printed literally:\n%s", all)
		}
		if k == KindNotification {
			if !strings.Contains(r.Text, d.Notification.Title) || strings.Contains(r.HTML, "<script>") ||
				!strings.Contains(r.HTML, "{{.Me.Email}} &lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("notification not literal/escaped:\n%s\n%s", r.Text, r.HTML)
			}
		}
	}
}

func TestMissingCustomKey(t *testing.T) {
	tm, err := LoadFS(fstest.MapFS{"outreach.txt.tmpl": {Data: []byte(`Hi {{.Contact.FirstName}}, {{.Contact.Custom.linkedin}} {{.Contact.Custom.github}}`)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tm.Render(KindOutreach, Sample())
	var mf *MissingFieldError
	if !errors.As(err, &mf) || mf.Field != "Contact.Custom.github" || err.Error() != `outreach: contact has no "github" field` {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadOverrides(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("outreach.subject.tmpl", `Hello from {{.Me.Name}}`)
	write("digest.html.tmpl", "  \n")    // removes the HTML part
	write("README.md", "not a template") // ignored
	tm, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := tm.Render(KindOutreach, Sample())
	if err != nil || r.Subject != "Hello from Alex Doe" || !strings.HasPrefix(r.Text, "Hi Jordan,") {
		t.Fatalf("override not used: %v %+v", err, r)
	}
	if r, err := tm.Render(KindDigest, Sample()); err != nil || r.HTML != "" {
		t.Fatalf("empty html override should remove the HTML part: %v %q", err, r.HTML)
	}

	bad := []struct {
		file, src, want string
	}{
		{"followup.txt.tmpl", "Hi {{.Contact.Compny}}", `followup.txt.tmpl:1:.*can't evaluate field Compny`},
		{"thankyou.txt.tmpl", "Hi {{.Contact.Name", `thankyou.txt.tmpl:1: unclosed action`},
		{"prep.txt.tmpl", "{{nosuchfunc .Me.Name}}", `prep.txt.tmpl:1: function "nosuchfunc" not defined`},
		{"keepintouch.txt.tmpl", "{{if .Update}}{{else}}{{.Me.Intrest}}{{end}}", `keepintouch.txt.tmpl:1:.*can't evaluate field Intrest`},
		{"outreach.text.tmpl", "x", `outreach.text.tmpl: unknown file name`},
		{"notification.html.tmpl", `<a href="{{.Notification.Titel}}">`, `notification.html.tmpl.*Titel`},
	}
	for _, b := range bad {
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, b.file), []byte(b.src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(d)
		if err == nil || !regexp.MustCompile(b.want).MatchString(err.Error()) || !strings.Contains(err.Error(), d) {
			t.Errorf("Load with bad %s: err = %v, want match %q and the directory", b.file, err, b.want)
		}
	}
	if _, err := Load(filepath.Join(dir, "nope")); err == nil {
		t.Error("Load of a missing directory succeeded")
	}
}

func TestBuildHeaders(t *testing.T) {
	tm := mustLoad(t)
	for _, k := range Kinds() {
		d := Sample()
		id := NewMessageIDAt("example.com", testDate)
		m, err := tm.Build(k, d, Envelope{Date: testDate, MessageID: id})
		if err != nil {
			t.Fatal(err)
		}
		raw, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		again, _ := m.Bytes()
		if !bytes.Equal(raw, again) {
			t.Errorf("%s: two writes differ", k)
		}
		p := parse(t, raw)
		h := p.header
		if got := h.Get("Auto-Submitted"); (got == "auto-generated") != k.ToOwner() {
			t.Errorf("%s: Auto-Submitted = %q", k, got)
		}
		if got := h.Get("X-Auto-Response-Suppress"); (got == "OOF, AutoReply") != k.ToOwner() {
			t.Errorf("%s: X-Auto-Response-Suppress = %q", k, got)
		}
		for _, f := range []string{"List-Unsubscribe", "Precedence", "User-Agent", "X-Mailer", "Bcc", "Cc"} {
			if h.Has(f) {
				t.Errorf("%s: unexpected %s header", k, f)
			}
		}
		if got, _ := h.MessageID(); got != id || m.MessageID != id {
			t.Errorf("%s: Message-ID %q / %q, want %q", k, got, m.MessageID, id)
		}
		if got, _ := h.Date(); !got.Equal(testDate) {
			t.Errorf("%s: Date %v", k, got)
		}
		refs, err := h.MsgIDList("References")
		if err != nil || len(refs) != 1 || refs[0] != d.Thread.MessageIDs[0] {
			t.Errorf("%s: References %v %v", k, refs, err)
		}
		if (p.html != "") != (k == KindNotification || k == KindDigest) {
			t.Errorf("%s: HTML part present = %v", k, p.html != "")
		}
	}

	// Several IDs: one space-joined References value, In-Reply-To the last.
	d := Sample()
	d.Thread.MessageIDs = []string{"<a@x.example>", "b@x.example", " c@y.example "}
	m, err := tm.Build(KindFollowup, d, Envelope{Date: testDate, MessageID: NewMessageID("example.com")})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := m.Bytes()
	if !bytes.Contains(raw, []byte("References: <a@x.example> <b@x.example> <c@y.example>\r\n")) ||
		!bytes.Contains(raw, []byte("In-Reply-To: <c@y.example>\r\n")) {
		t.Errorf("threading headers:\n%s", raw)
	}

	// Refused data.
	for name, mut := range map[string]func(*Data, *Envelope){
		"CRLF in contact name":  func(d *Data, _ *Envelope) { d.Contact.Name = "Jordan\r\nBcc: x@evil.example" },
		"LF in my name":         func(d *Data, _ *Envelope) { d.Me.Name = "Alex\nX: y" },
		"encoded word in name":  func(d *Data, _ *Envelope) { d.Contact.Name = "=?UTF-8?Q?a=0D=0AB?=" },
		"address list":          func(d *Data, _ *Envelope) { d.Contact.Email = "a@x.example, b@x.example" },
		"address with CRLF":     func(d *Data, _ *Envelope) { d.Contact.Email = "a@x.example\r\nBcc: b@x.example" },
		"bad thread id":         func(d *Data, _ *Envelope) { d.Thread.MessageIDs = []string{"a@x>\r\nBcc: b@x"} },
		"thread id without @":   func(d *Data, _ *Envelope) { d.Thread.MessageIDs = []string{"<abc>"} },
		"bad message id":        func(_ *Data, e *Envelope) { e.MessageID = "x y@z" },
		"message id two at":     func(_ *Data, e *Envelope) { e.MessageID = "x@y@z" },
		"message id with comma": func(_ *Data, e *Envelope) { e.MessageID = "a,b@z" },
	} {
		d := Sample()
		env := Envelope{Date: testDate, MessageID: NewMessageID("example.com")}
		mut(&d, &env)
		_, err := tm.Build(KindFollowup, d, env)
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want FieldError", name, err)
		}
	}
	if _, err := tm.Build(KindOutreach, Sample(), Envelope{MessageID: NewMessageID("example.com")}); err == nil {
		t.Error("Build without a date succeeded")
	}
}

func TestSubjectSanitised(t *testing.T) {
	tm := mustLoad(t)
	d := Sample()
	d.Thread.Subject = "Hello\r\nBcc: victim@evil.example\x00  there"
	r, err := tm.Render(KindFollowup, d)
	if err != nil || r.Subject != "Re: Hello Bcc: victim@evil.example there" {
		t.Fatalf("subject %q, %v", r.Subject, err)
	}
	d.Thread.Subject = "re: already a reply"
	if r, _ := tm.Render(KindFollowup, d); r.Subject != "re: already a reply" {
		t.Errorf("reply prefix doubled: %q", r.Subject)
	}
	// An encoded word from data is sent encoded, so it decodes to itself.
	for _, s := range []string{"=?UTF-8?Q?a=0D=0ABcc:_x@evil?=", "Zoë " + strings.Repeat("ab=?cd ", 30)} {
		d.Thread.Subject = s
		m, err := tm.Build(KindFollowup, d, Envelope{Date: testDate, MessageID: NewMessageID("example.com")})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := m.Bytes()
		if got := parse(t, raw).subject; got != "Re: "+cleanSubject(s) {
			t.Errorf("subject decodes to %q, want %q", got, "Re: "+s)
		}
		for _, line := range strings.Split(string(raw), "\r\n") {
			if len(line) > 998 {
				t.Errorf("header line of %d octets", len(line))
			}
		}
	}
}

func TestNewMessageID(t *testing.T) {
	re := regexp.MustCompile(`^rp\.[0-9a-f]{24}@example\.com$`)
	seen := map[string]bool{}
	for range 1000 {
		id := NewMessageID("Example.COM")
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
	at := NewMessageIDAt("example.com", time.Date(2026, 11, 24, 9, 15, 0, 0, time.FixedZone("EST", -5*3600)))
	if !regexp.MustCompile(`^rp\.20261124T141500\.[0-9a-f]{24}@example\.com$`).MatchString(at) {
		t.Errorf("NewMessageIDAt = %q", at)
	}
	if id := NewMessageID("bücher.example"); !strings.HasSuffix(id, "@xn--bcher-kva.example") {
		t.Errorf("IDN domain: %q", id)
	}
	if id := NewMessageID("bad domain\r\n"); !strings.HasSuffix(id, "@rapport.invalid") {
		t.Errorf("invalid domain: %q", id)
	}
	if _, err := messageID("", "id", NewMessageID("example.com")); err != nil {
		t.Errorf("generated id rejected: %v", err)
	}
	if DomainOf("Alex <alex@Example.com>") != "Example.com" || DomainOf("nobody") != "" {
		t.Error("DomainOf")
	}
}

func TestFuncs(t *testing.T) {
	for _, c := range [][2]string{
		{joinList([]string{"A"}, "or"), "A"},
		{joinList([]string{"A", "B"}, "or"), "A, or B"},
		{joinList([]string{"A", " ", "B", "C"}, "or"), "A, B, or C"},
		{joinList([]string{"A", "B"}, "and"), "A and B"},
		{sentence(" we met at PyCon "), "We met at PyCon."},
		{sentence("Did we?"), "Did we?"},
		{clause("I teach. "), "I teach"},
		{article("data engineer"), "a data engineer"},
		{article("engineer"), "an engineer"},
		{article("user researcher"), "a user researcher"},
		{article("Head of Data"), "Head of Data"},
		{reply("RE: x"), "RE: x"},
		{reply("x"), "Re: x"},
		{indent("> ", "a\r\n\r\nb\n"), "> a\n>\n> b"},
		{cleanSubject(" a\r\n\tb\u2028c\x00 "), "a b c"},
	} {
		if c[0] != c[1] {
			t.Errorf("got %q, want %q", c[0], c[1])
		}
	}
}
