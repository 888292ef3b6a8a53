// Package digest builds what rapport mails its owner: the weekly digest (a
// to-do list first, then the pipeline) and the data of the notifications
// sent when something needs their attention.
//
// It is pure: the caller reads a Snapshot from the store in one
// transaction and passes the time; Build and Notification compute, Render
// formats plain text and email-safe HTML, Message wraps them in a go-mail
// message. NextRun and WeekKey say when the digest is due and name the week
// so it is sent exactly once.
package digest

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"rapport/internal/compose"
	"rapport/internal/model"
)

// Snapshot is the state a digest is built from.
type Snapshot struct {
	Contacts []model.Contact
	// Changes are status changes; those of the last two weeks count.
	Changes []Change
	// Meetings are agreed conversations, past and future.
	Meetings []Meeting
	// Planned are messages rapport will send (outreach, follow-ups).
	Planned []Planned
	// Drafts are messages rapport put in the Drafts folder that the owner
	// has not sent yet.
	Drafts []Draft
	// Replies are messages from contacts the owner has not answered: no
	// message from the owner to that contact since.
	Replies []Reply
	// Referrals are people contacts put the owner in touch with.
	Referrals []Referral
}

// Change is one status change on a contact's timeline.
type Change struct {
	Email    string
	At       time.Time
	From, To model.Status
}

// Meeting is an agreed conversation.
type Meeting struct {
	Email    string
	Start    time.Time
	Duration time.Duration // 0: 30 minutes
	Format   string        // phone, video, coffee...
	Location string        // link, place or phone number
	// Questions prepared for it; empty means DefaultQuestions.
	Questions []string
}

// Planned is a message rapport will send at At.
type Planned struct {
	Email string
	At    time.Time
	Kind  compose.Kind // outreach, followup, keepintouch...
}

// Draft is a message waiting in the Drafts folder.
type Draft struct {
	Email   string
	Kind    compose.Kind
	Subject string
	At      time.Time // when it was put there
}

// Reply is a contact's message the owner has not answered yet.
type Reply struct {
	Email   string
	At      time.Time
	Subject string
	Text    string // the new text of the reply; the digest shows its start
}

// Referral is someone a contact suggested the owner talk to.
type Referral struct {
	From string // the referring contact's address
	To   string // the new contact's address (or name)
	At   time.Time
}

// Params say when the digest is made and when the next one goes out.
type Params struct {
	Now time.Time
	Loc *time.Location // the owner's zone; nil is UTC
	// Day and Time are the digest schedule (config digest.day and
	// digest.time, "08:00"): "this week" runs until the next digest.
	Day  time.Weekday
	Time string
}

// Digest is the weekly digest, ready to render.
type Digest struct {
	Week   string    // ISO week, "2026-W48": the exactly-once key
	Period string    // "week of 23 November"
	Now    time.Time // when it was built, in the owner's zone
	Until  time.Time // the next digest: "this week" ends here

	// The to-do list, most urgent first.
	Replies   []Item // replies awaiting an answer, oldest first
	Meetings  []Item // meetings before the next digest, with questions
	ThankYous []Item // met, not thanked yet
	Drafts    []Item // drafts waiting (thank-you drafts are under ThankYous)
	Upcoming  []Day  // what goes out before the next digest, by day
	Later     int    // messages planned after the next digest
	NeedsInfo []Item // contacts nothing is sent to until a field is filled

	// The pipeline.
	Pipeline          []Row
	Total             int // contacts
	Answered, Reached int // answered / contacted-or-beyond, for the rate
	Referrals         int // referrals gained in all
	ReferralsThisWeek int
}

// Item is one line of a to-do section.
type Item struct {
	Name, Email, Company, Role string
	When                       string    // formatted for people
	At                         time.Time // the time When describes
	Detail                     string
	Questions                  []string
	Overdue                    bool // late: a reply waiting days, a thank-you after 24 hours
}

// Day is what goes out on one day.
type Day struct {
	Label string // "Tuesday 24 November"
	Date  time.Time
	Items []Item
}

// Row is one status in the pipeline.
type Row struct {
	Status   model.Status
	Count    int // contacts in it now
	ThisWeek int // changes into it in the last 7 days
	LastWeek int // and in the 7 days before
	Percent  int // bar length, of the largest count
	Main     bool
	Color    string // bar colour, #rrggbb
}

// Bar colours: the main line, waiting states, closed states.
const (
	ColorMain    = "#2f6fb3"
	ColorWaiting = "#9aa5b1"
	ColorClosed  = "#c2706b"
)

var mainLine = []model.Status{model.Queued, model.Contacted, model.Replied, model.Scheduled, model.Met, model.Thanked}

// answered statuses: a person wrote back. reached adds the contacts who
// got the outreach and did not answer. Bounced never reached anyone.
var (
	answered = map[model.Status]bool{model.Replied: true, model.Scheduled: true, model.Met: true,
		model.Thanked: true, model.Declined: true, model.OptedOut: true}
	silent = map[model.Status]bool{model.Contacted: true, model.NoResponse: true}
)

// Waiting a reply this long marks it overdue.
const (
	replyOverdue    = 48 * time.Hour
	thankYouOverdue = 24 * time.Hour
	snippetLen      = 160
	defaultMeeting  = 30 * time.Minute
)

// Build makes the digest of s at p.Now.
func Build(s Snapshot, p Params) (*Digest, error) {
	loc := p.Loc
	if loc == nil {
		loc = time.UTC
	}
	now := p.Now.In(loc)
	until, err := NextRun(now, loc, p.Day, p.Time)
	if err != nil {
		return nil, err
	}
	b := &builder{now: now, loc: loc, until: until, contacts: map[string]*model.Contact{}}
	for i := range s.Contacts {
		b.contacts[key(s.Contacts[i].Email)] = &s.Contacts[i]
	}
	d := &Digest{
		Week:   WeekKey(now, loc),
		Period: "week of " + weekStart(now).Format("2 January"),
		Now:    now,
		Until:  until,
	}
	d.Replies = b.replies(s.Replies)
	d.Meetings = b.meetings(s.Meetings)
	d.ThankYous = b.thankYous(s.Contacts, s.Meetings, s.Drafts)
	d.Drafts = b.drafts(s.Drafts)
	d.Upcoming, d.Later = b.upcoming(s.Planned)
	d.NeedsInfo = b.needsInfo(s.Contacts)
	d.Pipeline = b.pipeline(s.Contacts, s.Changes)
	d.Total = len(s.Contacts)
	for _, c := range s.Contacts {
		st := effective(c)
		if answered[st] {
			d.Answered++
			d.Reached++
		} else if silent[st] {
			d.Reached++
		}
	}
	weekAgo := now.AddDate(0, 0, -7)
	for _, r := range s.Referrals {
		d.Referrals++
		if r.At.After(weekAgo) && !r.At.After(now) {
			d.ReferralsThisWeek++
		}
	}
	return d, nil
}

// effective is the status for the answer rate: a paused or snoozed
// contact counts where it will resume.
func effective(c model.Contact) model.Status {
	if (c.Status == model.Paused || c.Status == model.Snoozed) && c.ResumeStatus != "" {
		return c.ResumeStatus
	}
	return c.Status
}

// AnswerRate is answered / reached as a whole percentage, or "n/a" before
// anyone was contacted.
func (d *Digest) AnswerRate() string {
	if d.Reached == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d%%", (d.Answered*100+d.Reached/2)/d.Reached)
}

// ToDo counts the items needing the owner.
func (d *Digest) ToDo() int {
	return len(d.Replies) + len(d.Meetings) + len(d.ThankYous) + len(d.Drafts) + len(d.NeedsInfo)
}

// Empty reports whether the to-do part has nothing at all, not even
// messages going out.
func (d *Digest) Empty() bool { return d.ToDo() == 0 && len(d.Upcoming) == 0 }

// Compose returns the part of the digest the shared digest template
// (templates/digest.*.tmpl, compose.Data.Digest) can show.
func (d *Digest) Compose() compose.Digest {
	conv := func(items []Item) []compose.DigestItem {
		var out []compose.DigestItem
		for _, it := range items {
			out = append(out, compose.DigestItem{Name: it.Name, Email: it.Email, Company: it.Company,
				When: it.When, Detail: it.Detail, Questions: it.Questions})
		}
		return out
	}
	cd := compose.Digest{Period: d.Period, Replies: conv(d.Replies), Meetings: conv(d.Meetings), ThankYous: conv(d.ThankYous)}
	for _, day := range d.Upcoming {
		for _, it := range day.Items {
			it.When = day.Label
			cd.Upcoming = append(cd.Upcoming, conv([]Item{it})...)
		}
	}
	for _, r := range d.Pipeline {
		cd.Funnel = append(cd.Funnel, compose.FunnelCount{Status: string(r.Status), Count: r.Count})
	}
	return cd
}

type builder struct {
	now, until time.Time
	loc        *time.Location
	contacts   map[string]*model.Contact
}

func key(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// item starts an item for the contact with this address; an address that
// is not a contact stands for itself.
func (b *builder) item(email string) Item {
	if c := b.contacts[key(email)]; c != nil {
		name := c.Name
		if strings.TrimSpace(name) == "" {
			name = c.Email
		}
		return Item{Name: name, Email: c.Email, Company: c.Company, Role: c.Role}
	}
	return Item{Name: email, Email: email}
}

func (b *builder) replies(rs []Reply) []Item {
	rs = append([]Reply(nil), rs...)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].At.Before(rs[j].At) })
	var out []Item
	for _, r := range rs {
		it := b.item(r.Email)
		it.At = r.At.In(b.loc)
		it.When = "replied " + b.dayAgo(r.At)
		it.Detail = snippet(r.Text)
		if it.Detail == "" {
			it.Detail = strings.TrimSpace(r.Subject)
		}
		it.Overdue = b.now.Sub(r.At) >= replyOverdue
		out = append(out, it)
	}
	return out
}

func (b *builder) meetings(ms []Meeting) []Item {
	ms = append([]Meeting(nil), ms...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Start.Before(ms[j].Start) })
	var out []Item
	for _, m := range ms {
		if m.Start.Before(b.now) || !m.Start.Before(b.until) {
			continue
		}
		it := b.item(m.Email)
		it.At = m.Start.In(b.loc)
		it.When = b.when(m.Start)
		dur := m.Duration
		if dur <= 0 {
			dur = defaultMeeting
		}
		parts := []string{fmt.Sprintf("%d min", int(dur.Minutes()))}
		if m.Format != "" {
			parts = append(parts, m.Format)
		}
		if m.Location != "" {
			parts = append(parts, m.Location)
		}
		if c := b.contacts[key(m.Email)]; c != nil && c.Connection != "" {
			parts = append(parts, "how you know them: "+oneLine(c.Connection))
		}
		it.Detail = strings.Join(parts, ", ")
		it.Questions = m.Questions
		if len(it.Questions) == 0 {
			it.Questions = DefaultQuestions(it.Role)
		}
		out = append(out, it)
	}
	return out
}

// DefaultQuestions is a short list to prepare when none were written:
// the questions informational interviews are built on.
func DefaultQuestions(role string) []string {
	day := "What does a typical week look like for you?"
	if role = strings.TrimSpace(role); role != "" {
		day = fmt.Sprintf("What does a typical week look like for you as %s?", article(role))
	}
	return []string{
		day,
		"How did you get to where you are now?",
		"Which skills do employers in your field value most?",
		"What advice would you give someone in my position?",
		"Who else do you think I should talk to?",
	}
}

func article(s string) string {
	if s == "" {
		return s
	}
	switch strings.ToLower(s[:1]) {
	case "a", "e", "i", "o", "u":
		return "an " + s
	}
	return "a " + s
}

func (b *builder) thankYous(cs []model.Contact, ms []Meeting, ds []Draft) []Item {
	lastMeeting := map[string]time.Time{}
	for _, m := range ms {
		k := key(m.Email)
		if !m.Start.After(b.now) && m.Start.After(lastMeeting[k]) {
			lastMeeting[k] = m.Start
		}
	}
	hasDraft := map[string]bool{}
	for _, d := range ds {
		if d.Kind == compose.KindThankYou {
			hasDraft[key(d.Email)] = true
		}
	}
	var out []Item
	for _, c := range cs {
		if c.Status != model.Met {
			continue
		}
		met := lastMeeting[key(c.Email)]
		if met.IsZero() {
			met = c.StatusChangedAt
		}
		it := b.item(c.Email)
		it.At = met.In(b.loc)
		it.When = "met " + b.dayAgo(met)
		it.Overdue = b.now.Sub(met) > thankYouOverdue
		var parts []string
		if hasDraft[key(c.Email)] {
			parts = append(parts, "a draft is waiting in your Drafts folder")
		}
		if it.Overdue {
			parts = append(parts, "a thank-you is best sent within a day")
		}
		it.Detail = strings.Join(parts, "; ")
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

var kindNames = map[compose.Kind]string{
	compose.KindOutreach: "first message", compose.KindFollowup: "follow-up",
	compose.KindThankYou: "thank-you", compose.KindKeepInTouch: "keep-in-touch note",
}

func kindName(k compose.Kind) string {
	if n := kindNames[k]; n != "" {
		return n
	}
	return string(k)
}

func (b *builder) drafts(ds []Draft) []Item {
	ds = append([]Draft(nil), ds...)
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].At.Before(ds[j].At) })
	var out []Item
	for _, d := range ds {
		if c := b.contacts[key(d.Email)]; d.Kind == compose.KindThankYou && c != nil && c.Status == model.Met {
			continue // listed with the thank-yous
		}
		it := b.item(d.Email)
		it.At = d.At.In(b.loc)
		it.When = "since " + b.dayAgo(d.At)
		it.Detail = kindName(d.Kind) + " draft"
		if s := oneLine(d.Subject); s != "" {
			it.Detail += ": " + s
		}
		out = append(out, it)
	}
	return out
}

func (b *builder) upcoming(ps []Planned) ([]Day, int) {
	ps = append([]Planned(nil), ps...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].At.Before(ps[j].At) })
	var days []Day
	later := 0
	for _, p := range ps {
		if !p.At.Before(b.until) {
			later++
			continue
		}
		at := p.At.In(b.loc)
		if at.Before(b.now) {
			at = b.now // overdue in the queue: goes out as soon as it can
		}
		date := midnight(at)
		if len(days) == 0 || !days[len(days)-1].Date.Equal(date) {
			days = append(days, Day{Label: b.day(at), Date: date})
		}
		it := b.item(p.Email)
		it.At = at
		it.When = b.day(at)
		if p.Kind != "" && p.Kind != compose.KindOutreach {
			it.Detail = kindName(p.Kind)
		}
		days[len(days)-1].Items = append(days[len(days)-1].Items, it)
	}
	return days, later
}

func (b *builder) needsInfo(cs []model.Contact) []Item {
	var out []Item
	for _, c := range cs {
		if c.Status != model.NeedsInfo {
			continue
		}
		it := b.item(c.Email)
		it.At = c.StatusChangedAt.In(b.loc)
		it.Detail = oneLine(c.StatusReason)
		if it.Detail == "" {
			it.Detail = "a required field is missing"
		}
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (b *builder) pipeline(cs []model.Contact, chs []Change) []Row {
	rows := map[model.Status]*Row{}
	for _, st := range model.Statuses {
		rows[st] = &Row{Status: st}
	}
	get := func(st model.Status) *Row {
		if r := rows[st]; r != nil {
			return r
		}
		rows[st] = &Row{Status: st} // a status this build does not know
		return rows[st]
	}
	for _, c := range cs {
		get(c.Status).Count++
	}
	weekAgo, twoWeeksAgo := b.now.AddDate(0, 0, -7), b.now.AddDate(0, 0, -14)
	for _, ch := range chs {
		switch {
		case ch.At.After(b.now):
		case ch.At.After(weekAgo):
			get(ch.To).ThisWeek++
		case ch.At.After(twoWeeksAgo):
			get(ch.To).LastWeek++
		}
	}
	var extra []model.Status // statuses this build does not know, by name
	for st := range rows {
		if !contains(model.Statuses, st) {
			extra = append(extra, st)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i] < extra[j] })
	order := append(append([]model.Status(nil), model.Statuses...), extra...)
	var out []Row
	max := 0
	for _, st := range order {
		r := rows[st]
		r.Main = contains(mainLine, st)
		if !r.Main && r.Count == 0 && r.ThisWeek == 0 && r.LastWeek == 0 {
			continue
		}
		switch {
		case r.Main:
			r.Color = ColorMain
		case st.Final():
			r.Color = ColorClosed
		default:
			r.Color = ColorWaiting
		}
		if r.Count > max {
			max = r.Count
		}
		out = append(out, *r)
	}
	for i := range out {
		if max > 0 && out[i].Count > 0 {
			out[i].Percent = max1(out[i].Count * 100 / max)
		}
	}
	return out
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

func contains(list []model.Status, st model.Status) bool {
	for _, s := range list {
		if s == st {
			return true
		}
	}
	return false
}

// snippet is the start of a reply on one line.
func snippet(s string) string {
	var kept []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, ">") {
			continue
		}
		if l == "--" {
			break
		}
		kept = append(kept, l)
	}
	return clip(strings.Join(kept, " "), snippetLen)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := strings.LastIndexByte(string(r), ' ')
	if cut < n/2 {
		cut = len(string(r))
	}
	return strings.TrimRight(string(r)[:cut], " ,.;:") + "…"
}
