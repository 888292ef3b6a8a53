package classify

import (
	"strings"
	"testing"
	"time"
)

func junkCtx() Context {
	return Context{Now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Loc: time.UTC, Own: []string{"alex@example.com"}}
}

func mustParse(t *testing.T, raw string) *Message {
	t.Helper()
	m, err := Parse([]byte(strings.ReplaceAll(raw, "\n", "\r\n")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const personalNote = `From: Wei Zhang <wei.zhang@harborlight.example>
To: Alex Doe <alex@example.com>
Subject: Coffee next week?
Date: Mon, 23 Nov 2026 08:05:37 -0500
Message-ID: <9a1b2c3d@harborlight.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hi Alex,

Sorry, I lost your original email, so writing fresh. Yes, I'd be happy to
have a coffee chat about product design. Does Wednesday afternoon work?

Wei
`

// A spam filter's verdict makes mail from a stranger junk, but a contact's
// own note misfiled as spam still reaches the owner as their reply.
func TestJunkFilterVerdictAndKnownSender(t *testing.T) {
	raw := strings.Replace(personalNote, "MIME-Version", "X-Spam-Flag: YES\nX-Spam-Status: Yes, score=6.1 required=5.0\nMIME-Version", 1)
	m := mustParse(t, raw)
	ctx := junkCtx()
	if r := Classify(m, ctx); r.Kind != KindOther {
		t.Errorf("stranger's spam-flagged mail: kind %s, want other (%v)", r.Kind, r.Reasons)
	}
	ctx.KnownSender = true
	if r := Classify(m, ctx); r.Kind != KindHuman || r.Intent != IntentYes {
		t.Errorf("contact's spam-flagged note: kind %s intent %s, want human yes (%v)", r.Kind, r.Intent, r.Reasons)
	}
	// the same note without the verdict is a person's message either way
	ctx.KnownSender = false
	if r := Classify(mustParse(t, personalNote), ctx); r.Kind != KindHuman {
		t.Errorf("plain new-thread note: kind %s, want human (%v)", r.Kind, r.Reasons)
	}
}

// A reply citing rapport's own message is a person whatever the filters
// and attachments say.
func TestJunkNeverOutweighsThread(t *testing.T) {
	raw := strings.Replace(personalNote, "MIME-Version", "In-Reply-To: <rp.20261119T143158.4be1f0a27c93d6e8@example.com>\nX-Spam-Flag: YES\nMIME-Version", 1)
	raw = strings.Replace(raw, "Subject: Coffee next week?", "Subject: ***SPAM*** Re: Informational interview", 1)
	if r := Classify(mustParse(t, raw), junkCtx()); r.Kind != KindHuman {
		t.Errorf("in-thread reply flagged as spam: kind %s, want human (%v)", r.Kind, r.Reasons)
	}
}

func TestJunkExecutableAttachment(t *testing.T) {
	raw := `From: n.hartmann@kanzlei.example
To: alex@example.com
Subject: Re: Document
Date: Sun, 22 Nov 2026 04:14:07 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

Please read the attached file.

--b
Content-Type: application/octet-stream; name="invoice.pdf.exe"
Content-Disposition: attachment; filename="invoice.pdf.exe"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAA

--b--
`
	m := mustParse(t, raw)
	if len(m.Attachments) != 1 || m.Attachments[0].Name != "invoice.pdf.exe" {
		t.Fatalf("attachments %+v", m.Attachments)
	}
	r := Classify(m, junkCtx())
	if r.Kind != KindOther || !strings.Contains(strings.Join(r.Reasons, " "), "executable attachment") {
		t.Errorf("kind %s, want other for an executable attachment (%v)", r.Kind, r.Reasons)
	}
	// dressed as a delivery report, it is still no bounce
	raw = strings.Replace(raw, "From: n.hartmann@kanzlei.example", "From: Mail Delivery System <postmaster@example.com>", 1)
	raw = strings.Replace(raw, "Subject: Re: Document", "Subject: Returned mail: see transcript for details", 1)
	if r := Classify(mustParse(t, raw), junkCtx()); r.Kind != KindOther {
		t.Errorf("worm dressed as a bounce: kind %s, want other (%v)", r.Kind, r.Reasons)
	}
}

func TestJunkHiddenTextFlag(t *testing.T) {
	for _, c := range []struct {
		html   string
		hidden bool
	}{
		{`<div style="display:none;font-size:1px;color:#ffffff;max-height:0">preheader</div>`, true},
		{`<p style="font-size: .5em;  color: #FefFfE;">filler words</p>`, true},
		{`<style>#c{background-color:#FFFFFF; color:#FFFFFF; font-size:xx-small;}</style>`, true},
		{`<p style="font-size:14px;color:#222222">Hello</p>`, false},
		{`<p style="background-color:#ffffff;font-size:12px">Hello</p>`, false},
	} {
		m := mustParse(t, "From: a@b.example\nSubject: x\nContent-Type: text/html\n\n"+c.html+"\n")
		if m.HiddenText != c.hidden {
			t.Errorf("%s: hidden %v, want %v", c.html, m.HiddenText, c.hidden)
		}
	}
}

func TestObfuscatedWords(t *testing.T) {
	for _, c := range []struct {
		text string
		n    int
	}{
		{"Steel P@ck@ge: 10 P@tches, S!lver m@nual, kn0vv l!ke inc1uded", 7},
		{"Hope th@t you have $een p0rn", 2},
		{"Querid@s amig@s, tod@s invitad@s", 0},
		{"write to jane.doe@example.com or root@localhost.example", 0},
		{"I'm on an H1B, working on a11y and l10n for iPhone apps in Q1s", 0},
		{"Our team of 10 uses K8s, MP3 and B2B tools", 0},
	} {
		if got := obfuscatedWords(c.text); got != c.n {
			t.Errorf("%q: %d obfuscated words, want %d", c.text, got, c.n)
		}
	}
}

// List mail is a person's unless something beyond the list's own marks
// says otherwise: a footer telling how to leave the list, a Precedence
// header and a "Re:" without thread headers do not add up to junk.
func TestJunkListPostIsAPerson(t *testing.T) {
	raw := `From: Mark Thomas <markt@apache.example>
To: Tomcat Users List <users@tomcat.example>
Subject: Re: Single copy of Tomcat shared amongst multiple users
Date: Thu, 25 Aug 2005 22:29:34 +0100
Received: from a.example by b.example; Thu, 25 Aug 2005 22:29:35 +0100
Received: from c.example by a.example; Thu, 25 Aug 2005 22:29:35 +0100
List-Id: "Tomcat Users List" <users.tomcat.example>
List-Post: <mailto:users@tomcat.example>
Precedence: bulk
Content-Type: text/plain; charset=ISO-8859-1

You need to read the rest of the text below the paragraph you quoted.
There is one CATALINA_HOME which all users share, and each user sets
their own CATALINA_BASE.

Mark

---------------------------------------------------------------------
To unsubscribe from this list, e-mail: users-unsubscribe@tomcat.example
`
	if r := Classify(mustParse(t, raw), junkCtx()); r.Kind != KindHuman {
		t.Errorf("list post: kind %s, want human (%v)", r.Kind, r.Reasons)
	}
}

// A contact forwarding a newsletter wrote the note on top: the banner and
// hidden preheader belong to what they forward.
func TestJunkForwardedNewsletterIsAPerson(t *testing.T) {
	raw := `From: Wei Zhang <wei.zhang@harborlight.example>
To: Alex Doe <alex@example.com>
Subject: Fwd: Design Weekly: 12 portfolio tips
Date: Mon, 23 Nov 2026 08:05:37 -0500
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<div>Alex, this issue has a good piece on portfolios - worth a read before we talk.<br>Wei</div>
<div>---------- Forwarded message ---------<br>From: Design Weekly &lt;news@designweekly.example&gt;</div>
<div style="display:none;font-size:1px;color:#ffffff">This week: portfolios</div>
<p>Having trouble viewing this email? <a href="https://designweekly.example/v">View it in your browser</a></p>
<p>If you no longer wish to receive these emails, unsubscribe here.</p>
`
	r := Classify(mustParse(t, raw), junkCtx())
	if r.Kind != KindHuman {
		t.Errorf("forwarded newsletter with a note: kind %s, want human (%v)", r.Kind, r.Reasons)
	}
	// the newsletter itself is bulk mail
	raw = strings.Replace(raw, "Subject: Fwd: Design Weekly", "Subject: Design Weekly", 1)
	if r := Classify(mustParse(t, raw), junkCtx()); r.Kind != KindOther {
		t.Errorf("newsletter: kind %s, want other (%v)", r.Kind, r.Reasons)
	}
}

func TestAttachmentNameControlCharacters(t *testing.T) {
	raw := "From: a@b.example\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename*=utf-8''evil%0D%0ABcc%3A%20x.exe\n\nAAAA\n--b--\n"
	m := mustParse(t, raw)
	if len(m.Attachments) != 1 {
		t.Fatalf("attachments %+v", m.Attachments)
	}
	if n := m.Attachments[0].Name; strings.ContainsAny(n, "\r\n") || !strings.HasSuffix(n, ".exe") {
		t.Errorf("name %q", n)
	}
}

// Hand-written and old mail has the same header quirks as ratware: a
// "Re:" without thread headers, From equal to To, HTML without
// MIME-Version. Alone they do not make a person's note junk.
func TestJunkHeaderQuirksAloneDoNotDecide(t *testing.T) {
	raw := `From: test@example.org
To: test@example.org
Subject: Re: lunch
Date: Mon, 23 Nov 2026 08:05:37 -0500
Received: from a.example by b.example; Mon, 23 Nov 2026 08:05:38 -0500
Received: from c.example by a.example; Mon, 23 Nov 2026 08:05:38 -0500
Content-Type: text/html

<p>Sounds good, see you at noon.</p>
`
	m := mustParse(t, raw)
	if s := junkSigns(m, StripQuoted(m.Text), false); len(s) < 3 {
		t.Fatalf("expected three weak header signs, got %v", s)
	}
	if r := Classify(m, junkCtx()); r.Kind != KindHuman {
		t.Errorf("kind %s, want human (%v)", r.Kind, r.Reasons)
	}
}

type hdrMap map[string]string

func (h hdrMap) Get(k string) string { return h[k] }

// An encoded subject is read decoded: Outlook's localised "Automatic reply"
// prefixes arrive as RFC 2047 words.
func TestPrefilterEncodedAutoReplySubject(t *testing.T) {
	for _, s := range []string{
		"=?utf-8?B?0JDQstGC0L7QvNCw0YLQuNGH0LXRgdC60LjQuSDQvtGC0LLQtdGCOiBIZWxsbw==?=", // Автоматический ответ: Hello
		"=?utf-8?B?6Ieq5YuV5b+c562UOiBIZWxsbw==?=",                                     // 自動応答: Hello
		"Automatisk svar: Hello",
	} {
		if ok, why := Prefilter(hdrMap{"From": "Someone <someone@example.org>", "Subject": s}); !ok {
			t.Errorf("%s: not fetched (%s)", s, why)
		}
	}
}
