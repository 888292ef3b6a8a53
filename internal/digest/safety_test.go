package digest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"rapport/internal/classify"
	"rapport/internal/commands"
	"rapport/internal/compose"
	"rapport/internal/model"
)

// The owner answers rapport's mail with a command on the first line. A
// reply that quotes the whole mail, with or without "> " (Outlook puts its
// From:/Sent: block above the original, unprefixed), must not run the
// examples the mail shows, nor anything contact data makes look like a
// command. These tests run the command parser over the rendered text and
// HTML of digests and notifications as they would come back.

// quotedBack are the ways a reply may carry mail back: as it was, with a
// quoting client's header block, and with every "> " the mail itself used
// removed (the worst case: a client that drops quote markers).
func quotedBack(text string) map[string]string {
	var stripped []string
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimLeft(l, " ")
		for strings.HasPrefix(t, ">") {
			t = strings.TrimLeft(strings.TrimPrefix(t, ">"), " ")
		}
		stripped = append(stripped, t)
	}
	return map[string]string{
		"verbatim":         text,
		"outlook":          "From: Alex Doe <alex@example.com>\nSent: Monday, November 23, 2026 8:00 AM\nTo: Alex Doe <alex@example.com>\nSubject: [rapport] digest\n\n" + text,
		"quotes-stripped":  strings.Join(stripped, "\n"),
		"prefixed-quoting": "> " + strings.ReplaceAll(text, "\n", "\n> "),
	}
}

// rewrap re-flows text at width the way a plain-text client would, words
// kept whole, indentation dropped.
func rewrap(text string, width int) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		words := strings.Fields(l)
		cur := ""
		for _, w := range words {
			if cur != "" && len(cur)+1+len(w) > width {
				out = append(out, cur)
				cur = ""
			}
			if cur != "" {
				cur += " "
			}
			cur += w
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}

// inert checks that text, quoted back in every way, parses as no command,
// and (except when rewrapped) adds no error to a reply whose real command
// is on the first line. rewrapped adds the client re-flows.
func inert(t *testing.T, what, subject, text, html, defaultContact string, rewrapped bool) {
	t.Helper()
	ctx := commands.Context{Now: now, Loc: ny, DefaultContact: defaultContact}
	cases := quotedBack(text)
	// An HTML reply is read as rapport reads it: HTMLToText, which marks
	// blockquotes with "> ".
	cases["html-as-text"] = classify.HTMLToText(html)
	for _, w := range []int{40, 60, 72} {
		if rewrapped {
			cases[fmt.Sprintf("rewrapped-at-%d", w)] = rewrap(cases["quotes-stripped"], w) + "\n" + rewrap(cases["html-as-text"], w)
		}
	}
	for how, body := range cases {
		cmds, _ := commands.Parse(body, "Re: "+subject, ctx)
		for _, c := range cmds {
			t.Errorf("%s, %s: line %d %q parses as the command %s", what, how, c.Line, c.Raw, c.Verb)
		}
		if strings.HasPrefix(how, "rewrapped") || how == "quotes-stripped" {
			// A client's re-flow may cut prose into lines that read as
			// mistyped commands, and one that drops quote markers shows
			// the contact's words bare; neither ever gives a command.
			continue
		}
		// With the owner's own command first, nothing quoted adds an error
		// to the confirmation.
		cmds, errs := commands.Parse("status\n\n"+body, "Re: "+subject, ctx)
		if len(cmds) != 1 || cmds[0].Verb != commands.Status {
			t.Errorf("%s, %s: the owner's command plus the quote gave %d commands", what, how, len(cmds))
		}
		for _, e := range errs {
			t.Errorf("%s, %s: quoted text reads as a bad command: %v", what, how, e)
		}
	}
}

func TestDigestQuotedBackIsInert(t *testing.T) {
	f, _ := sample()
	d := build(t, f.s)
	r, err := d.Render()
	if err != nil {
		t.Fatal(err)
	}
	inert(t, "digest", r.Subject, r.Text, r.HTML, "", true)
	// As a reply to the digest: no default contact. As if forwarded
	// inside a notification's thread: with one.
	inert(t, "digest", r.Subject, r.Text, r.HTML, "jordan.lee@example.org", true)
}

// hostile is data chosen to look like commands wherever rapport prints
// it: names, companies, reasons, subjects, the contact's own words.
var hostile = []string{
	"met", "Met", "pause", "status", "Thanked", "decline", "resume", "confirm 2", "no response",
	"notes: gotcha", "Note: gotcha", "snooze 2027-03-01", "meeting Tue 24 Nov 2026 14:00",
	"add Evil Doer <evil@example.com>", "approve evil@example.com", "met evil@example.com",
	"pause\nmet\nnotes: gotcha", "-- \nmet", "> met",
}

// Contact data is printed after rapport's own words on every line, so as
// rapport wrote it (not re-flowed by a client) none of it starts a line.
func TestHostileDataQuotedBackIsInert(t *testing.T) {
	for i, h := range hostile {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			f, cs := sample()
			for _, c := range cs {
				c.Name, c.Company, c.StatusReason, c.Connection = h, h, h, h
			}
			for k := range f.s.Waiting {
				f.s.Waiting[k].Detail = "replied: " + fmt.Sprintf("%q", h)
				f.s.Waiting[k].Subject = h
			}
			for k := range f.s.Drafts {
				f.s.Drafts[k].Subject = h
			}
			for k := range f.s.Meetings {
				f.s.Meetings[k].Format, f.s.Meetings[k].Location = h, h
			}
			d := build(t, f.s)
			r, err := d.Render()
			if err != nil {
				t.Fatal(err)
			}
			inert(t, "digest", r.Subject, r.Text, r.HTML, "jordan.lee@example.org", false)

			jordan := *cs["jordan"]
			for _, n := range notices(jordan) {
				n.Text = h + "\n" + h
				n.Reason = h
				n.Referred = []string{h, h + " <brad@example.com>"}
				rn := renderNotice(t, n, jordan)
				inert(t, "notification "+string(n.Kind), rn.Subject, rn.Text, rn.HTML, jordan.Email, false)
			}
		})
	}
}

func TestNotificationsQuotedBackAreInert(t *testing.T) {
	_, cs := sample()
	jordan := *cs["jordan"]
	for _, n := range notices(jordan) {
		r := renderNotice(t, n, jordan)
		inert(t, "notification "+string(n.Kind), r.Subject, r.Text, r.HTML, jordan.Email, true)
	}
}

// renderNotice renders a notification with the default templates, as the
// app does.
func renderNotice(t *testing.T, n Notice, c model.Contact) *compose.Rendered {
	t.Helper()
	tpl, err := defaults()
	if err != nil {
		t.Fatal(err)
	}
	data := compose.Data{Me: params.Me,
		Contact:      compose.Contact{Name: c.Name, Email: c.Email, Company: c.Company, Role: c.Role, Status: string(c.Status)},
		Notification: Notification(n, now, ny)}
	r, err := tpl.Render(compose.KindNotification, data)
	if err != nil {
		t.Fatalf("%s: %v", n.Kind, err)
	}
	return r
}

func notices(c model.Contact) []Notice {
	return []Notice{
		{Kind: NoticeReply, Contact: c, Text: "Happy to chat.\n\nJordan"},
		{Kind: NoticeQuestion, Contact: c, Text: "Before we talk: what would you like to cover?"},
		{Kind: NoticeProposal, Contact: c, Proposed: []time.Time{at(11, 24, 14, 0), at(11, 27, 10, 30)}, Text: "Tuesday at 2 or Friday 10:30?"},
		{Kind: NoticeProposal, Contact: c, Proposed: []time.Time{at(11, 24, 14, 0)}},
		{Kind: NoticeProposal, Contact: c},
		{Kind: NoticeAutoReply, Contact: c, Until: at(12, 1, 0, 0), Followup: at(12, 2, 9, 30)},
		{Kind: NoticeAutoReply, Contact: c, Until: at(12, 1, 0, 0)},
		{Kind: NoticeAutoReply, Contact: c},
		{Kind: NoticeBounce, Contact: c, Reason: "550 5.1.1 user unknown"},
		{Kind: NoticeOptOut, Contact: c, Text: "Please remove me from your list."},
		{Kind: NoticeDecline, Contact: c, Text: "Sorry, I can't help right now."},
		{Kind: NoticeSnooze, Contact: c, Until: time.Date(2027, 3, 1, 0, 0, 0, 0, ny)},
		{Kind: NoticeSnooze, Contact: c},
		{Kind: NoticeReferral, Contact: c, Referred: []string{"Brad Smith <brad@example.com>"}},
		{Kind: NoticeReferral, Contact: c, Referred: []string{"Brad Smith"}},
		{Kind: NoticeReferral, Contact: c},
		{Kind: NoticeMeetingSoon, Contact: c, Meeting: at(11, 24, 14, 0)},
		{Kind: NoticeMet, Contact: c},
		{Kind: NoticeNeedsInfo, Contact: c, Reason: "no company"},
		{Kind: NoticeNoResponse, Contact: c},
	}
}
