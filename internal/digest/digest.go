// Package digest builds what rapport mails its owner: the weekly digest (a
// to-do list that answers "what do I do this week?", then the progress of
// the outreach over the weeks) and the content of the notifications sent
// when something needs them.
//
// Read gathers a Snapshot through a Source (the store); Build is pure and
// computes the digest at a given time; Render formats it through the
// shared templates (templates/digest.*, overridable like every kind).
// Schedule says when the digest is due, names each week's digest so it is
// sent exactly once, and whether a missed one is still worth sending.
//
// Everything in a digest is true at the moment it is made: an item is
// listed only while its contact is still in the state it is about (a
// thank-you only while the contact is met and not thanked, a follow-up
// draft only while the contact is contacted and silent).
package digest

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"rapport/internal/compose"
	"rapport/internal/meetings"
	"rapport/internal/model"
	"rapport/internal/schedule"
)

// Snapshot is what a digest is built from (see Read).
type Snapshot struct {
	Counts   map[model.Status]int     // contacts per status now
	Contacts map[int64]*model.Contact // every contact an item may be about
	Waiting  []Inbound                // unanswered messages the owner should answer
	Meetings []Meeting                // starting from the trend's first week to a week ahead
	// MeetingsBefore is the number of meetings held before the trend's
	// first week, for the meetings-per-request ratio to date.
	MeetingsBefore int
	Drafts         []Draft   // in the Drafts folder now
	Outbox         []Planned // queued to contacts, due within the week
	Changes        []Change  // the timeline since the trend's first week
	Milestones     []Milestone
}

// Params say when and for whom the digest is made.
type Params struct {
	Now time.Time
	Loc *time.Location // the owner's zone; nil is UTC
	// FollowupMode is config followup.mode: "draft" (the default) or
	// "send".
	FollowupMode string
	// Me is the owner, for the message's From and To.
	Me compose.Me
	// Templates renders the digest; nil means the embedded defaults.
	Templates *compose.Templates
}

// Weeks is how many weeks the trend covers.
const Weeks = 8

// Readable lengths: a section lists at most maxItems, then says how many
// more there are.
const (
	maxItems     = 8
	maxNames     = 4 // names on one line of the outgoing queue
	quoteLen     = 160
	replyLate    = 48 * time.Hour
	thankLate    = 24 * time.Hour
	meetingGrace = 15 * time.Minute // a meeting that started this recently is still "this week"
	defaultLen   = 30 * time.Minute
	barMax       = 48 // pixels: the tallest bar of the trend chart
)

func (p Params) loc() *time.Location {
	if p.Loc == nil {
		return time.UTC
	}
	return p.Loc
}

// horizon is the end of "this week": seven days ahead.
func (p Params) horizon() time.Time { return p.Now.In(p.loc()).AddDate(0, 0, 7) }

// trendStart is the start of the trend's first week.
func (p Params) trendStart() time.Time { return p.Now.In(p.loc()).AddDate(0, 0, -7*Weeks) }

// Digest is one week's digest.
type Digest struct {
	Key     string    // the ISO week it is made in, "2026-W48"
	Now     time.Time // when it was made, in the owner's zone
	Horizon time.Time // "this week" ends here (seven days later)

	// The to-do list, each oldest or soonest first, uncut.
	Waiting   []Item // replies and questions waiting for the owner's answer
	Meetings  []Item // proposed and confirmed meetings this week
	ThankYous []Item // met and not thanked
	Referrals []Item // suggested contacts waiting for the owner's approval
	Drafts    []Item // drafts still relevant (thank-you drafts are with ThankYous)
	Followups []Item // follow-ups going out (or drafted) this week
	Next      []Item // first messages this week, one item per day
	NextCount int    // first messages this week
	Later     int    // contacts queued for later weeks
	NeedsInfo []Item // contacts nothing is sent to until a field is filled

	// Progress.
	Rows     []compose.DigestRow
	Trend    []compose.DigestTrend // oldest first; empty when nothing happened in the period
	Reached  int                   // people reached to date (bounces excluded)
	Answered int                   // of them, people who answered
	Held     int                   // meetings held to date

	Commands []compose.DigestCommand
	p        Params
	f        fmter
}

// Item is one line of the to-do list.
type Item struct {
	compose.DigestEntry
	ContactID int64
	At        time.Time // the time the item is about
}

// Build makes the digest of s at p.Now.
func Build(s Snapshot, p Params) (*Digest, error) {
	if p.Now.IsZero() {
		return nil, fmt.Errorf("build digest: no time")
	}
	loc := p.loc()
	now := p.Now.In(loc)
	p.Now = now
	b := &builder{s: s, p: p, f: newFmter(now, loc), now: now, horizon: p.horizon()}
	d := &Digest{Key: WeekKey(now, loc), Now: now, Horizon: b.horizon, p: p, f: b.f}
	d.Waiting = b.waiting()
	d.Meetings = b.meetings()
	d.ThankYous = b.thankYous()
	d.Referrals = b.referrals()
	d.Drafts = b.drafts()
	d.Followups = b.followups()
	d.Next, d.NextCount, d.Later = b.next()
	d.NeedsInfo = b.needsInfo()
	d.Rows = b.rows()
	d.Trend, d.Reached, d.Answered, d.Held = b.trend()
	d.Commands = b.commands(d)
	return d, nil
}

// ToDo counts the items that need the owner: answers, thank-yous,
// approvals, drafts to send, fields to fill.
func (d *Digest) ToDo() int {
	return len(d.Waiting) + len(d.ThankYous) + len(d.Referrals) + len(d.Drafts) + len(d.NeedsInfo)
}

// Empty reports whether the digest has nothing for the week at all.
func (d *Digest) Empty() bool {
	return d.ToDo() == 0 && len(d.Meetings) == 0 && len(d.Followups) == 0 && d.NextCount == 0
}

// AnswerRate is answered / reached to date, "56%", or "n/a" before anyone
// was reached.
func (d *Digest) AnswerRate() string { return percent(d.Answered, d.Reached, "n/a") }

type builder struct {
	s            Snapshot
	p            Params
	f            fmter
	now, horizon time.Time
}

func (b *builder) contact(id int64) *model.Contact { return b.s.Contacts[id] }

// entry starts an item about c.
func entry(c *model.Contact, lead string) Item {
	return Item{DigestEntry: compose.DigestEntry{Lead: lead, Name: displayName(c), Email: c.Email, Company: oneLine(c.Company)},
		ContactID: c.ID}
}

// closed statuses: nothing is waiting for anyone.
func closed(st model.Status) bool { return st.Final() || st == model.Paused }

func (b *builder) waiting() []Item {
	ws := append([]Inbound(nil), b.s.Waiting...)
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].At.Before(ws[j].At) })
	type group struct {
		first, last Inbound
		n           int
		question    bool
	}
	groups := map[int64]*group{}
	var order []int64
	for _, w := range ws {
		c := b.contact(w.ContactID)
		if c == nil || closed(c.Status) {
			continue
		}
		if w.At.After(b.now) || w.At.IsZero() {
			w.At = b.now // a Date header from the future
		}
		g := groups[w.ContactID]
		if g == nil {
			g = &group{first: w}
			groups[w.ContactID] = g
			order = append(order, w.ContactID)
		}
		g.last, g.n = w, g.n+1
		g.question = g.question || isQuestion(w.Class)
	}
	var out []Item
	for _, id := range order {
		g := groups[id]
		c := b.contact(id)
		it := entry(c, "Answer")
		it.At = g.first.At
		verb := "replied"
		if g.question {
			verb = "asked a question"
		}
		it.Text = verb + " " + b.f.day(g.first.At)
		if g.n > 1 {
			it.Text += fmt.Sprintf(" (%s since)", plural(g.n-1, "more message", "more messages"))
		}
		it.Text += ", " + b.f.waiting(g.first.At)
		it.Late = b.now.Sub(g.first.At) >= replyLate
		it.Quote = clip(words(g.last.Detail), quoteLen)
		if it.Quote == "" {
			if subj := oneLine(g.last.Subject); subj != "" {
				it.Details = append(it.Details, "Their subject: "+clip(subj, quoteLen))
			}
		}
		out = append(out, it)
	}
	return out
}

func isQuestion(class string) bool {
	for _, part := range strings.Split(class, ":") {
		if part == "question" {
			return true
		}
	}
	return false
}

// words takes the contact's text out of a timeline entry: the detail
// quotes it as a Go string literal ("replied: \"Happy to chat.\"").
func words(detail string) string {
	i := strings.IndexByte(detail, '"')
	if i < 0 {
		return ""
	}
	var s string
	if _, err := fmt.Sscanf(detail[i:], "%q", &s); err != nil {
		return ""
	}
	return oneLine(s)
}

// meetingStatus reads a meeting's status, whatever the name used for it.
func meetingStatus(s string) meetings.Status {
	st, err := meetings.ParseStatus(s)
	if err != nil {
		return ""
	}
	return st
}

func (b *builder) meetings() []Item {
	ms := append([]Meeting(nil), b.s.Meetings...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Start.Before(ms[j].Start) })
	var out []Item
	for _, m := range ms {
		st := meetingStatus(m.Status)
		if (st != meetings.Confirmed && st != meetings.Proposed) || m.Start.Before(b.now.Add(-meetingGrace)) || !m.Start.Before(b.horizon) {
			continue
		}
		c := b.contact(m.ContactID)
		if c == nil || closed(c.Status) {
			continue
		}
		it := entry(c, b.f.atFor(m.Start, c, m.Timezone)+":")
		it.At = m.Start
		dur := m.Duration
		if dur <= 0 {
			dur = defaultLen
		}
		parts := []string{}
		if f := oneLine(m.Format); f != "" {
			parts = append(parts, f)
		}
		parts = append(parts, fmt.Sprintf("%d min", int(dur.Minutes())))
		if l := oneLine(m.Location); l != "" {
			parts = append(parts, l)
		}
		it.Details = append(it.Details, "Format: "+strings.Join(parts, ", "))
		if st == meetings.Proposed {
			it.Text = "proposed, not confirmed yet"
			it.Details = append(it.Details, fmt.Sprintf("To agree to it, reply \"meeting %s with %s\".", commandTime(m.Start.In(b.f.loc)), c.Email))
		} else {
			switch {
			case m.Prepared:
				it.Details = append(it.Details, "Preparation: rapport's prep mail is in your inbox, with the questions to ask")
			case c.NextAction == model.ActionPrep && c.NextActionAt.After(b.now):
				it.Details = append(it.Details, "Preparation: rapport's prep mail comes "+b.f.at(c.NextActionAt))
			default:
				it.Details = append(it.Details, "Preparation: three to five questions, and what you want to learn")
			}
		}
		if conn := oneLine(c.Connection); conn != "" {
			it.Details = append(it.Details, "How you know them: "+clip(conn, quoteLen))
		}
		out = append(out, it)
	}
	return out
}

// lastMet is when c's last meeting ended, or when c became met.
func (b *builder) lastMet(c *model.Contact) time.Time {
	var end time.Time
	for _, m := range b.s.Meetings {
		st := meetingStatus(m.Status)
		if m.ContactID != c.ID || (st != meetings.Held && st != meetings.Confirmed) || m.Start.After(b.now) {
			continue
		}
		dur := m.Duration
		if dur <= 0 {
			dur = defaultLen
		}
		if e := m.Start.Add(dur); e.After(end) {
			end = e
		}
	}
	if end.IsZero() || end.After(b.now) {
		return c.StatusChangedAt
	}
	return end
}

func (b *builder) draftFor(c *model.Contact, kind model.Kind) (Draft, bool) {
	var found Draft
	ok := false
	for _, d := range b.s.Drafts {
		if d.ContactID == c.ID && d.Kind == kind && (!ok || d.At.After(found.At)) {
			found, ok = d, true
		}
	}
	return found, ok
}

func (b *builder) byStatus(st model.Status) []*model.Contact {
	var out []*model.Contact
	for _, c := range b.s.Contacts {
		if c.Status == st {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].StatusChangedAt.Equal(out[j].StatusChangedAt) {
			return out[i].StatusChangedAt.Before(out[j].StatusChangedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (b *builder) thankYous() []Item {
	var out []Item
	for _, c := range b.byStatus(model.Met) {
		met := b.lastMet(c)
		it := entry(c, "Thank")
		it.At = met
		it.Text = "met " + b.f.day(met) + ", " + b.f.ago(met)
		it.Late = b.now.Sub(met) > thankLate
		if d, ok := b.draftFor(c, model.KindThankyou); ok {
			it.Details = append(it.Details, "Draft: in your Drafts folder since "+b.f.day(d.At)+"; send it as it is or make it yours")
		} else if c.NextAction == model.ActionThankyou && c.NextActionAt.After(b.now) {
			it.Details = append(it.Details, "Draft: rapport puts one in your Drafts folder "+b.f.at(c.NextActionAt))
		}
		if it.Late {
			it.Details = append(it.Details, "A thank-you is best sent within a day.")
		}
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

func (b *builder) referrals() []Item {
	var out []Item
	for _, c := range b.byStatus(model.Suggested) {
		it := entry(c, "Approve")
		it.At = c.StatusChangedAt
		by := oneLine(c.StatusReason)
		if r, ok := strings.CutPrefix(by, "referred by "); ok {
			by, _, _ = strings.Cut(r, ";")
		} else {
			by = oneLine(c.ReferredBy)
		}
		if by != "" {
			it.Text = "suggested by " + clip(by, 80) + ", " + b.f.day(c.StatusChangedAt)
		} else {
			it.Text = "suggested " + b.f.day(c.StatusChangedAt)
		}
		it.Details = append(it.Details, fmt.Sprintf("Nothing is sent to %s until you reply \"approve %s\".", firstName(displayName(c)), c.Email))
		out = append(out, it)
	}
	return out
}

var kindNames = map[model.Kind]string{
	model.KindOutreach: "first message", model.KindFollowup: "follow-up",
	model.KindThankyou: "thank-you", model.KindKeepInTouch: "keep-in-touch",
	model.KindInvite: "invitation",
}

func kindName(k model.Kind) string {
	if n := kindNames[k]; n != "" {
		return n
	}
	return strings.ReplaceAll(string(k), "_", " ")
}

// draftRelevant reports whether a draft still fits its contact: a draft
// the situation has moved past (the contact answered, was closed, was
// thanked) is not listed.
func draftRelevant(d Draft, c *model.Contact) bool {
	switch d.Kind {
	case model.KindThankyou:
		return false // listed with the thank-yous while the contact is met
	case model.KindFollowup:
		return c.Status == model.Contacted && !c.LastExchangeAt.After(d.At)
	case model.KindOutreach:
		return (c.Status == model.Queued || c.Status == model.Contacted) && !c.LastExchangeAt.After(d.At)
	case model.KindKeepInTouch:
		return c.Status == model.Thanked && !c.LastExchangeAt.After(d.At)
	}
	return !closed(c.Status)
}

func (b *builder) drafts() []Item {
	ds := append([]Draft(nil), b.s.Drafts...)
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].At.Before(ds[j].At) })
	var out []Item
	for _, d := range ds {
		c := b.contact(d.ContactID)
		if c == nil || !draftRelevant(d, c) {
			continue
		}
		it := entry(c, "Send the "+kindName(d.Kind)+" draft to")
		it.At = d.At
		it.Text = "in your Drafts folder since " + b.f.day(d.At)
		if s := oneLine(d.Subject); s != "" {
			it.Details = append(it.Details, "Draft subject: "+clip(s, quoteLen))
		}
		out = append(out, it)
	}
	return out
}

// planned is a message to a contact this week, from their next action or
// from the outbox.
type planned struct {
	c  *model.Contact
	at time.Time
}

func (b *builder) plannedOf(action model.Action, kind model.Kind, status model.Status) []planned {
	seen := map[int64]bool{}
	var out []planned
	addOne := func(c *model.Contact, at time.Time) {
		if c == nil || c.Status != status || seen[c.ID] || !at.Before(b.horizon) || at.IsZero() {
			return
		}
		seen[c.ID] = true
		if at.Before(b.now) {
			at = b.now // due: goes as soon as it can
		}
		out = append(out, planned{c, at})
	}
	for _, o := range b.s.Outbox {
		if o.Kind == kind {
			addOne(b.contact(o.ContactID), o.At)
		}
	}
	for _, c := range b.s.Contacts {
		if c.NextAction == action {
			addOne(c, c.NextActionAt)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].at.Equal(out[j].at) {
			return out[i].at.Before(out[j].at)
		}
		return out[i].c.ID < out[j].c.ID
	})
	return out
}

func (b *builder) followups() []Item {
	how := "a draft in your Drafts folder for you to send"
	if b.p.FollowupMode == "send" {
		how = "rapport sends it"
	}
	var out []Item
	for _, pl := range b.plannedOf(model.ActionFollowup, model.KindFollowup, model.Contacted) {
		lead := b.f.atFor(pl.at, pl.c, "") + ":"
		if pl.at.Equal(b.now) {
			lead = "Today:"
		}
		it := entry(pl.c, lead)
		it.At = pl.at
		it.Text = "follow-up, " + how
		out = append(out, it)
	}
	return out
}

// next is the first messages going out this week, one item per day, and
// how many more contacts are queued after the week.
func (b *builder) next() ([]Item, int, int) {
	ps := b.plannedOf(model.ActionOutreach, model.KindOutreach, model.Queued)
	var out []Item
	for i := 0; i < len(ps); {
		day := midnight(ps[i].at.In(b.f.loc))
		j := i
		for j < len(ps) && midnight(ps[j].at.In(b.f.loc)).Equal(day) {
			j++
		}
		var names []string
		for _, pl := range ps[i:min(j, i+maxNames)] {
			n := displayName(pl.c)
			if co := oneLine(pl.c.Company); co != "" {
				n += " (" + co + ")"
			}
			names = append(names, n)
		}
		text := "first message to " + names[0]
		if j-i > 1 {
			text = fmt.Sprintf("%d first messages, to %s", j-i, strings.Join(names, ", "))
			if more := j - i - len(names); more > 0 {
				text += fmt.Sprintf(" and %d more", more)
			}
		}
		lead := b.f.day(day) + ":"
		if b.f.daysBetween(b.now, day) == 0 {
			lead = "Today:"
		}
		out = append(out, Item{DigestEntry: compose.DigestEntry{Lead: lead, Text: text}, At: ps[i].at})
		i = j
	}
	later := b.s.Counts[model.Queued] - len(ps)
	if later < 0 {
		later = 0
	}
	return out, len(ps), later
}

func (b *builder) needsInfo() []Item {
	var out []Item
	for _, c := range b.byStatus(model.NeedsInfo) {
		it := entry(c, "Complete")
		it.At = c.StatusChangedAt
		it.Text = clip(oneLine(c.StatusReason), quoteLen)
		if it.Text == "" {
			it.Text = "a required field is missing"
		}
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

var mainLine = []model.Status{model.Queued, model.Contacted, model.Replied, model.Scheduled, model.Met, model.Thanked}

func (b *builder) rows() []compose.DigestRow {
	this, last := map[model.Status]int{}, map[model.Status]int{}
	weekAgo, twoWeeksAgo := b.now.AddDate(0, 0, -7), b.now.AddDate(0, 0, -14)
	for _, ch := range b.s.Changes {
		if ch.To == "" || ch.To == ch.From || ch.At.After(b.now) {
			continue
		}
		switch {
		case !ch.At.Before(weekAgo):
			this[ch.To]++
		case !ch.At.Before(twoWeeksAgo):
			last[ch.To]++
		}
	}
	order := append([]model.Status(nil), model.Statuses...)
	var extra []model.Status
	for st := range b.s.Counts {
		if !contains(order, st) {
			extra = append(extra, st)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i] < extra[j] })
	order = append(order, extra...)
	var out []compose.DigestRow
	top := 0
	for _, st := range order {
		r := compose.DigestRow{Status: string(st), Label: strings.ReplaceAll(string(st), "_", " "),
			Now: b.s.Counts[st], ThisWeek: this[st], LastWeek: last[st], Main: contains(mainLine, st)}
		if !r.Main && r.Now == 0 && r.ThisWeek == 0 && r.LastWeek == 0 {
			continue
		}
		switch {
		case r.Main:
			r.Color = compose.ColorMain
		case st.Final():
			r.Color = compose.ColorClosed
		default:
			r.Color = compose.ColorWaiting
		}
		top = max(top, r.Now)
		out = append(out, r)
	}
	for i := range out {
		if top > 0 && out[i].Now > 0 {
			out[i].Bar = max(1, out[i].Now*100/top)
		}
	}
	return out
}

func contains(list []model.Status, st model.Status) bool {
	for _, s := range list {
		if s == st {
			return true
		}
	}
	return false
}

// reachedFrom are the statuses a first request moves a contact from.
var reachedFrom = map[model.Status]bool{"": true, model.Queued: true, model.NeedsInfo: true, model.Suggested: true}

// held reports whether a meeting took place by now.
func (b *builder) held(m Meeting) bool {
	switch meetingStatus(m.Status) {
	case meetings.Held:
		return !m.Start.After(b.now)
	case meetings.Confirmed:
		return !m.Start.After(b.now.Add(-defaultLen))
	}
	return false
}

func (b *builder) trend() (weeks []compose.DigestTrend, reached, answered, held int) {
	type counts struct{ sent, replies, meetings int }
	var cs [Weeks]counts
	starts := make([]time.Time, Weeks+1)
	for k := 0; k <= Weeks; k++ {
		starts[k] = b.now.AddDate(0, 0, -7*(Weeks-k))
	}
	week := func(t time.Time) int {
		for k := 0; k < Weeks; k++ {
			if !t.Before(starts[k]) && t.Before(starts[k+1]) {
				return k
			}
		}
		return -1
	}
	any := false
	for _, ch := range b.s.Changes {
		k := week(ch.At)
		if k < 0 {
			continue
		}
		switch {
		case ch.Type == model.EventReply:
			cs[k].replies++
			any = true
		case ch.To == model.Contacted && reachedFrom[ch.From]:
			cs[k].sent++
			any = true
		}
	}
	var heldAt []time.Time
	for _, m := range b.s.Meetings {
		if !b.held(m) {
			continue
		}
		heldAt = append(heldAt, m.Start)
		if k := week(m.Start); k >= 0 {
			cs[k].meetings++
			any = true
		}
	}
	upTo := func(end time.Time) (reached, answered, held int) {
		for _, m := range b.s.Milestones {
			if m.Status == model.Bounced || m.Reached.IsZero() || !m.Reached.Before(end) {
				continue
			}
			reached++
			if !m.Answered.IsZero() && m.Answered.Before(end) {
				answered++
			}
		}
		held = b.s.MeetingsBefore
		for _, t := range heldAt {
			if t.Before(end) && !t.Before(starts[0]) {
				held++
			}
		}
		return
	}
	reached, answered, held = upTo(b.now.Add(time.Millisecond))
	if !any && reached == 0 {
		return nil, reached, answered, held
	}
	top := 1
	for _, c := range cs {
		top = max(top, c.sent, c.replies, c.meetings)
	}
	h := func(n int) int {
		if n <= 0 {
			return 0
		}
		return max(2, n*barMax/top)
	}
	for k := 0; k < Weeks; k++ {
		r, a, m := upTo(starts[k+1])
		weeks = append(weeks, compose.DigestTrend{
			Label: starts[k].Format("2 Jan"), Sent: cs[k].sent, Replies: cs[k].replies, Meetings: cs[k].meetings,
			SentBar: h(cs[k].sent), RepliesBar: h(cs[k].replies), MeetingsBar: h(cs[k].meetings),
			AnswerRate: percent(a, r, "-"), PerRequest: ratio(m, r),
		})
	}
	return weeks, reached, answered, held
}

func percent(n, of int, none string) string {
	if of == 0 {
		return none
	}
	return fmt.Sprintf("%d%%", (n*100+of/2)/of)
}

func ratio(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(n)/float64(of))
}

// commands are the footer's example commands, about the digest's own
// contacts where it has some: a reply to the digest is about no contact in
// particular, so each names its address.
func (b *builder) commands(d *Digest) []compose.DigestCommand {
	var out []compose.DigestCommand
	add := func(cmd, purpose string) { out = append(out, compose.DigestCommand{Command: cmd, Purpose: purpose}) }
	if len(d.Waiting) > 0 {
		it := d.Waiting[0]
		add("meeting "+commandTime(suggestedSlot(b.now))+" with "+it.Email,
			"once you and "+firstName(it.Name)+" agree on a time (your time, "+schedule.ZoneLabel(suggestedSlot(b.now))+")")
	}
	if len(d.Meetings) > 0 {
		add("met "+d.Meetings[0].Email, "after you have talked")
	}
	if len(d.ThankYous) > 0 {
		add("thanked "+d.ThankYous[0].Email, "if you thanked "+firstName(d.ThankYous[0].Name)+" outside your mailbox")
	}
	if len(d.Referrals) > 0 {
		add("approve "+d.Referrals[0].Email, "to let rapport write to "+firstName(d.Referrals[0].Name))
	}
	if len(d.Followups) > 0 {
		add("pause "+d.Followups[0].Email, "to stop everything for "+firstName(d.Followups[0].Name))
	}
	add("status", "to get the pipeline by mail")
	return out
}

// suggestedSlot is an example time for a meeting command: the next
// Tuesday at 2pm, in the owner's zone.
func suggestedSlot(now time.Time) time.Time {
	d := midnight(now).AddDate(0, 0, 1)
	for d.Weekday() != time.Tuesday {
		d = d.AddDate(0, 0, 1)
	}
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 14, 0, 0, 0, now.Location())
}
