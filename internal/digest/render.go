package digest

import (
	"fmt"
	"strings"
	"sync"

	"rapport/internal/compose"
	"rapport/internal/schedule"
)

// The digest renders through the shared templates (templates/digest.*,
// KindDigest), so a `templates:` override directory changes it like any
// other kind; Params.Templates is that set (nil: the embedded defaults).

var defaults = sync.OnceValues(func() (*compose.Templates, error) { return compose.Load("") })

func (d *Digest) templates() (*compose.Templates, error) {
	if d.p.Templates != nil {
		return d.p.Templates, nil
	}
	return defaults()
}

// Data is the template data of the digest: the owner and .Digest.Week.
func (d *Digest) Data() compose.Data {
	return compose.Data{Me: d.p.Me, Digest: compose.Digest{Period: d.period(), Week: d.View()}}
}

// Render formats the digest: subject, plain text and HTML.
func (d *Digest) Render() (*compose.Rendered, error) {
	t, err := d.templates()
	if err != nil {
		return nil, err
	}
	r, err := t.Render(compose.KindDigest, d.Data())
	if err != nil {
		return nil, fmt.Errorf("render digest: %w", err)
	}
	return r, nil
}

// Message builds the digest mail to the owner (From and To p.Me, text with
// an HTML alternative, Auto-Submitted) with the caller's Date and
// Message-ID.
func (d *Digest) Message(env compose.Envelope) (*compose.Message, error) {
	t, err := d.templates()
	if err != nil {
		return nil, err
	}
	m, err := t.Build(compose.KindDigest, d.Data(), env)
	if err != nil {
		return nil, fmt.Errorf("build digest: %w", err)
	}
	return m, nil
}

func (d *Digest) period() string {
	last := d.Horizon.AddDate(0, 0, -1)
	switch {
	case last.Year() != d.Now.Year():
		return d.Now.Format("Monday 2 January 2006") + " to " + last.Format("Monday 2 January 2006")
	case last.Month() != d.Now.Month():
		return d.Now.Format("Monday 2 January") + " to " + last.Format("Monday 2 January")
	}
	return d.Now.Format("Monday 2") + " to " + last.Format("Monday 2 January")
}

// Headline is the digest in a few words, for the subject: "6 to do, 2
// meetings".
func (d *Digest) Headline() string {
	var parts []string
	if n := d.ToDo(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d to do", n))
	}
	if n := len(d.Meetings); n > 0 {
		parts = append(parts, plural(n, "meeting", "meetings"))
	}
	if len(parts) == 0 {
		if d.NextCount+len(d.Followups) > 0 {
			return plural(d.NextCount+len(d.Followups), "message going out", "messages going out")
		}
		return "nothing to do"
	}
	return strings.Join(parts, ", ")
}

func (d *Digest) summary() string {
	var parts []string
	if n := len(d.Waiting); n > 0 {
		parts = append(parts, plural(n, "reply to answer", "replies to answer"))
	}
	if n := len(d.Meetings); n > 0 {
		parts = append(parts, plural(n, "meeting", "meetings"))
	}
	if n := len(d.ThankYous); n > 0 {
		parts = append(parts, plural(n, "thank-you to send", "thank-yous to send"))
	}
	if n := len(d.Referrals); n > 0 {
		parts = append(parts, plural(n, "referral to approve", "referrals to approve"))
	}
	if n := len(d.Drafts); n > 0 {
		parts = append(parts, plural(n, "draft to send", "drafts to send"))
	}
	if n := len(d.NeedsInfo); n > 0 {
		parts = append(parts, plural(n, "contact to complete", "contacts to complete"))
	}
	out := "This week: "
	if len(parts) == 0 {
		out = "Nothing needs you this week"
	} else {
		out += joinAnd(parts)
	}
	if n := d.NextCount + len(d.Followups); n > 0 {
		out += "; " + plural(n, "message goes out", "messages go out")
	}
	return out + "."
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// section turns items into a template section, cut to maxItems with the
// rest counted.
func section(key, title, note string, items []Item, rest string) compose.DigestSection {
	s := compose.DigestSection{Key: key, Title: title, Note: note}
	for i, it := range items {
		if i == maxItems {
			s.More = fmt.Sprintf("And %d more%s.", len(items)-maxItems, rest)
			break
		}
		s.Items = append(s.Items, it.DigestEntry)
	}
	return s
}

// View is the digest as the templates see it (.Digest.Week).
func (d *Digest) View() *compose.DigestWeek {
	w := &compose.DigestWeek{
		Title:    "Your week with rapport, " + d.f.longDay(d.Now),
		Period:   d.period(),
		Headline: d.Headline(),
		Summary:  d.summary(),
		Zone:     fmt.Sprintf("Times are in your zone, %s (%s).", d.f.loc, schedule.ZoneLabel(d.Now)),
		Commands: d.Commands,
	}
	add := func(s compose.DigestSection) {
		if len(s.Items) > 0 || s.More != "" {
			w.Sections = append(w.Sections, s)
		}
	}
	add(section("replies", "Replies waiting for you", "Oldest first. rapport writes nothing more to them until you answer.", d.Waiting,
		" (rapport contacts list --status replied)"))
	add(section("meetings", "Meetings this week", "", d.Meetings, ""))
	add(section("thankyous", "Thank-yous due", "", d.ThankYous, " (rapport contacts list --status met)"))
	add(section("referrals", "Referrals waiting for your yes", "", d.Referrals, " (rapport contacts list --status suggested)"))
	add(section("drafts", "Drafts waiting in your Drafts folder", "", d.Drafts, ""))
	fu := "Follow-ups this week"
	add(section("followups", fu, "", d.Followups, ""))
	next := section("next", "Going out next", "", d.Next, "")
	switch {
	case d.Later > 0 && d.NextCount > 0:
		next.More = strings.TrimSpace(next.More + " " + fmt.Sprintf("And %s for the weeks after.", plural(d.Later, "more contact queued", "more contacts queued")))
	case d.Later > 0:
		next.More = fmt.Sprintf("Nothing this week; %s for later.", plural(d.Later, "contact is queued", "contacts are queued"))
	}
	add(next)
	add(section("needs_info", "Contacts needing information", "Nothing is sent to them until it is filled in.", d.NeedsInfo,
		" (rapport contacts list --status needs_info)"))

	p := &compose.DigestProgress{Rows: d.Rows, Weeks: d.Trend}
	if d.Reached == 0 {
		p.Totals = append(p.Totals, "Nobody has been contacted yet.")
	} else {
		p.Totals = append(p.Totals,
			fmt.Sprintf("Answer rate to date: %s (%d of %s reached have answered).", d.AnswerRate(), d.Answered, plural(d.Reached, "person", "people")),
			fmt.Sprintf("Meetings per request to date: %s (%s for %s).", ratio(d.Held, d.Reached),
				plural(d.Held, "meeting held", "meetings held"), plural(d.Reached, "request", "requests")))
	}
	w.Progress = p
	return w
}
