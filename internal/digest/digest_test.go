package digest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"rapport/internal/commands"
	"rapport/internal/compose"
	"rapport/internal/model"
	"rapport/internal/schedule"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var (
	ny = mustLoad("America/New_York")
	la = mustLoad("America/Los_Angeles")
)

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func at(m time.Month, d, h, mi int) time.Time { return time.Date(2026, m, d, h, mi, 0, 0, ny) }

// now is the digest time: Monday 23 November 2026, 08:00 in New York.
var now = at(11, 23, 8, 0)

var params = Params{Now: now, Loc: ny, FollowupMode: "draft", Me: compose.Me{Name: "Alex Doe", Email: "alex@example.com"}}

// fixture is a realistic pipeline two months in, as Read would gather it.
type fixture struct {
	s    Snapshot
	next int64
}

func newFixture() *fixture {
	return &fixture{s: Snapshot{Counts: map[model.Status]int{}, Contacts: map[int64]*model.Contact{}}}
}

func (f *fixture) add(name, email, company string, st model.Status, changed time.Time) *model.Contact {
	f.next++
	c := &model.Contact{ID: f.next, Name: name, Email: email, Company: company, Status: st, StatusChangedAt: changed}
	f.s.Contacts[c.ID] = c
	f.s.Counts[st]++
	return c
}

func (f *fixture) change(c *model.Contact, at time.Time, typ string, from, to model.Status) {
	f.s.Changes = append(f.s.Changes, Change{ContactID: c.ID, At: at, Type: typ, From: from, To: to})
}

func sample() (*fixture, map[string]*model.Contact) {
	f := newFixture()
	cs := map[string]*model.Contact{}
	c := func(key string, x *model.Contact) { cs[key] = x }

	jordan := f.add("Jordan Lee", "jordan.lee@example.org", "Acme Analytics", model.Replied, at(11, 20, 16, 5))
	jordan.NextAction, jordan.NextActionAt = model.ActionAnswer, at(11, 20, 16, 5)
	c("jordan", jordan)
	pat := f.add("Pat Kim", "pat@example.com", "Initech", model.Replied, at(11, 22, 19, 0))
	pat.NextAction, pat.Timezone = model.ActionAnswer, "America/Los_Angeles"
	c("pat", pat)
	sam := f.add("Sam Rivera", "sam@example.net", "Globex", model.Scheduled, at(11, 21, 11, 0))
	sam.Connection, sam.Timezone = "Maria's former colleague", "America/Los_Angeles"
	sam.NextAction, sam.NextActionAt = model.ActionPrep, at(11, 24, 10, 0)
	c("sam", sam)
	rae := f.add("Rae Chen", "rae@example.com", "Hooli", model.Scheduled, at(11, 22, 9, 0))
	c("rae", rae)
	chris := f.add("Chris Park", "chris@example.org", "Initech", model.Met, at(11, 19, 14, 30))
	c("chris", chris)
	ivan := f.add("Ivan Petrov", "ivan@example.com", "Vandelay", model.Thanked, at(11, 6, 12, 0))
	c("ivan", ivan)
	brad := f.add("Brad Smith", "brad@example.com", "Stark", model.Suggested, at(11, 18, 12, 0))
	brad.StatusReason, brad.ReferredBy, brad.NextAction = "referred by Ivan Petrov <ivan@example.com>; waiting for your approval", "ivan@example.com", model.ActionApprove
	c("brad", brad)
	fay := f.add("Fay Wu", "fay@example.com", "Initrode", model.Contacted, at(11, 17, 9, 30))
	fay.NextAction, fay.NextActionAt = model.ActionFollowup, at(11, 26, 9, 40)
	c("fay", fay)
	gus := f.add("Gus Ortiz", "gus@example.com", "Soylent", model.NoResponse, at(11, 22, 9, 0))
	c("gus", gus)
	lee := f.add("Lee Ann Ray", "leeann@example.com", "Tyrell", model.Contacted, at(11, 10, 9, 20))
	c("lee", lee)
	dana := f.add("Dana Kim", "dana@example.com", "Umbrella", model.Queued, at(11, 18, 10, 0))
	dana.NextAction, dana.NextActionAt = model.ActionOutreach, at(11, 24, 9, 40)
	c("dana", dana)
	eli := f.add("Eli Stone", "eli@example.com", "Hooli", model.Queued, at(11, 18, 10, 0))
	eli.NextAction, eli.NextActionAt = model.ActionOutreach, at(11, 24, 10, 15)
	c("eli", eli)
	nia := f.add("Nia Long", "nia@example.com", "Wonka", model.Queued, at(11, 18, 12, 0))
	nia.NextAction, nia.NextActionAt = model.ActionOutreach, at(12, 8, 9, 30) // next week: not listed
	c("nia", nia)
	hana := f.add("Hana Sato", "hana@example.com", "", model.NeedsInfo, at(11, 22, 9, 0))
	hana.StatusReason = "no company and no connection: the first message needs one"
	c("hana", hana)
	jo := f.add("Jo March", "jo@example.com", "Stark", model.Declined, at(11, 13, 8, 0))
	c("jo", jo)
	max := f.add("Max Bell", "max@example.com", "Cyberdyne", model.Bounced, at(11, 3, 9, 0))
	c("max", max)

	// The timeline: this week, last week, and before.
	f.change(jordan, at(11, 20, 16, 5), model.EventReply, model.Contacted, model.Replied)
	f.change(pat, at(11, 22, 19, 0), model.EventReply, model.Contacted, model.Replied)
	f.change(sam, at(11, 21, 11, 0), model.EventMeeting, model.Replied, model.Scheduled)
	f.change(rae, at(11, 22, 9, 0), model.EventMeeting, model.Replied, model.Scheduled)
	f.change(chris, at(11, 19, 14, 30), model.EventStatus, model.Scheduled, model.Met)
	f.change(brad, at(11, 18, 12, 0), model.EventCreated, "", model.Suggested)
	f.change(fay, at(11, 17, 9, 30), model.EventSent, model.Queued, model.Contacted)
	f.change(gus, at(11, 22, 9, 0), model.EventStatus, model.Contacted, model.NoResponse)
	f.change(dana, at(11, 18, 10, 0), model.EventCreated, "", model.Queued)
	f.change(eli, at(11, 18, 10, 0), model.EventCreated, "", model.Queued)
	f.change(nia, at(11, 18, 12, 0), model.EventCreated, "", model.Queued)
	f.change(hana, at(11, 22, 9, 0), model.EventCreated, "", model.NeedsInfo)
	// Last week.
	f.change(jordan, at(11, 10, 9, 30), model.EventSent, model.Queued, model.Contacted)
	f.change(pat, at(11, 11, 9, 30), model.EventSent, model.Queued, model.Contacted)
	f.change(jo, at(11, 11, 9, 0), model.EventSent, model.Queued, model.Contacted)
	f.change(jo, at(11, 13, 8, 0), model.EventReply, model.Contacted, model.Declined)
	f.change(rae, at(11, 12, 14, 0), model.EventReply, model.Contacted, model.Replied)
	// Three and four weeks ago.
	f.change(sam, at(11, 3, 9, 30), model.EventSent, model.Queued, model.Contacted)
	f.change(sam, at(11, 5, 11, 0), model.EventReply, model.Contacted, model.Replied)
	f.change(rae, at(11, 3, 9, 40), model.EventSent, model.Queued, model.Contacted)
	f.change(chris, at(10, 27, 9, 30), model.EventSent, model.Queued, model.Contacted)
	f.change(chris, at(10, 28, 15, 0), model.EventReply, model.Contacted, model.Replied)
	f.change(ivan, at(10, 27, 9, 40), model.EventSent, model.Queued, model.Contacted)
	f.change(ivan, at(10, 29, 10, 0), model.EventReply, model.Contacted, model.Replied)
	f.change(ivan, at(11, 6, 12, 0), model.EventOwnMessage, model.Met, model.Thanked)
	f.change(gus, at(10, 27, 9, 50), model.EventSent, model.Queued, model.Contacted)
	f.change(fay, at(11, 3, 9, 50), model.EventCreated, "", model.Queued)
	f.change(lee, at(11, 10, 9, 20), model.EventSent, model.Queued, model.Contacted)
	f.change(max, at(11, 3, 9, 0), model.EventSent, model.Queued, model.Contacted)
	f.change(max, at(11, 3, 9, 1), model.EventBounce, model.Contacted, model.Bounced)
	// In the future (a clock skew): ignored.
	f.change(dana, at(11, 24, 9, 0), model.EventSent, model.Queued, model.Contacted)

	for _, x := range f.s.Contacts {
		var m Milestone
		m.ContactID, m.Status = x.ID, x.Status
		for _, ch := range f.s.Changes {
			if ch.ContactID != x.ID || ch.At.After(now) {
				continue
			}
			if ch.To == model.Contacted && reachedFrom[ch.From] && (m.Reached.IsZero() || ch.At.Before(m.Reached)) {
				m.Reached = ch.At
			}
			if ch.Type == model.EventReply && (m.Answered.IsZero() || ch.At.Before(m.Answered)) {
				m.Answered = ch.At
			}
		}
		if !m.Reached.IsZero() || !m.Answered.IsZero() {
			f.s.Milestones = append(f.s.Milestones, m)
		}
	}

	f.s.Meetings = []Meeting{
		{ContactID: sam.ID, Start: at(11, 25, 10, 0), Duration: 30 * time.Minute, Status: "confirmed", Format: "video", Location: "https://meet.example.org/sam"},
		{ContactID: rae.ID, Start: at(11, 27, 13, 0), Duration: 20 * time.Minute, Status: "scheduled", Format: "phone", Prepared: true},
		{ContactID: chris.ID, Start: at(11, 19, 14, 0), Duration: 30 * time.Minute, Status: "held"},
		{ContactID: ivan.ID, Start: at(11, 5, 12, 0), Duration: 30 * time.Minute, Status: "held"},
		{ContactID: jordan.ID, Start: at(11, 24, 14, 0), Status: "cancelled"},          // cancelled: not shown
		{ContactID: jordan.ID, Start: at(12, 1, 14, 0), Status: "proposed"},            // after the week
		{ContactID: pat.ID, Start: at(11, 26, 13, 0), Status: "proposed", Duration: 0}, // proposed this week
	}
	f.s.Drafts = []Draft{
		{ContactID: chris.ID, Kind: model.KindThankyou, Subject: "Thank you", At: at(11, 19, 16, 0)},
		// Stale: Ivan was thanked, Gus closed as no_response the day before.
		{ContactID: ivan.ID, Kind: model.KindThankyou, Subject: "Thank you", At: at(11, 5, 14, 0)},
		{ContactID: gus.ID, Kind: model.KindFollowup, Subject: "Re: A question about Soylent", At: at(11, 21, 9, 0)},
		// Relevant: Lee Ann is contacted and silent.
		{ContactID: lee.ID, Kind: model.KindFollowup, Subject: "Re: Learning about Tyrell", At: at(11, 22, 9, 0)},
	}
	f.s.Waiting = []Inbound{
		{ContactID: jordan.ID, At: at(11, 20, 16, 5), Subject: "Re: Maria Lopez suggested I reach out", Class: "human",
			Detail: `replied: "Hi Alex, Happy to chat. Tuesday at 2pm works for me. Jordan"`},
		{ContactID: pat.ID, At: at(11, 22, 19, 0), Subject: "Re: Initech", Class: "human:question",
			Detail: `replied: "Before we talk: what would you like to cover?"`},
		// Gus's status is closed: not waiting for anyone.
		{ContactID: gus.ID, At: at(11, 21, 8, 0), Class: "human"},
	}
	f.s.MeetingsBefore = 0
	return f, cs
}

func build(t *testing.T, s Snapshot) *Digest {
	t.Helper()
	d, err := Build(s, params)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func names(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Name)
	}
	return out
}

func line(it Item) string {
	s := it.Lead
	if it.Name != "" {
		s += " " + it.Name
	}
	switch {
	case it.Text != "" && it.Name != "":
		s += ": " + it.Text
	case it.Text != "":
		s += " " + it.Text
	}
	return s
}

func TestSections(t *testing.T) {
	f, _ := sample()
	d := build(t, f.s)
	if d.Key != "2026-W48" || !d.Horizon.Equal(at(11, 30, 8, 0)) {
		t.Errorf("Key %q Horizon %s", d.Key, d.Horizon)
	}

	// Replies and questions: oldest first, how long they waited, their words.
	if got := names(d.Waiting); !reflect.DeepEqual(got, []string{"Jordan Lee", "Pat Kim"}) {
		t.Fatalf("waiting %v", got)
	}
	if j := d.Waiting[0]; line(j) != "Answer Jordan Lee: replied Fri 20 Nov, waiting 3 days" || !j.Late ||
		j.Quote != "Hi Alex, Happy to chat. Tuesday at 2pm works for me. Jordan" {
		t.Errorf("Jordan: %q %+v", line(j), j)
	}
	if p := d.Waiting[1]; line(p) != "Answer Pat Kim: asked a question Sun 22 Nov, waiting 1 day" || p.Late {
		t.Errorf("Pat: %q", line(p))
	}

	// Meetings this week: time in the owner's zone with the contact's beside
	// it; proposed ones say so; cancelled and later ones are left out.
	var got []string
	for _, m := range d.Meetings {
		got = append(got, line(m))
	}
	want := []string{
		"Wed 25 Nov, 10am ET (7am PT for Sam): Sam Rivera",
		"Thu 26 Nov, 1pm ET (10am PT for Pat): Pat Kim: proposed, not confirmed yet",
		"Fri 27 Nov, 1pm ET: Rae Chen",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("meetings\n got %q\nwant %q", got, want)
	}
	if ds := d.Meetings[0].Details; !reflect.DeepEqual(ds, []string{"Format: video, 30 min, https://meet.example.org/sam",
		"Preparation: rapport's prep mail comes Tue 24 Nov, 10am ET", "How you know them: Maria's former colleague"}) {
		t.Errorf("Sam's details %q", ds)
	}
	if ds := d.Meetings[2].Details; ds[1] != "Preparation: rapport's prep mail is in your inbox, with the questions to ask" || ds[0] != "Format: phone, 20 min" {
		t.Errorf("Rae's details %q", ds)
	}

	// Thank-yous: Chris (met, draft waiting); not Ivan (thanked).
	if len(d.ThankYous) != 1 || line(d.ThankYous[0]) != "Thank Chris Park: met Thu 19 Nov, 4 days ago" || !d.ThankYous[0].Late {
		t.Fatalf("thank-yous %+v", d.ThankYous)
	}
	if ds := d.ThankYous[0].Details; len(ds) != 2 || !strings.HasPrefix(ds[0], "Draft: in your Drafts folder since Thu 19 Nov") {
		t.Errorf("thank-you details %q", ds)
	}

	// Referrals waiting for approval.
	if len(d.Referrals) != 1 || line(d.Referrals[0]) != "Approve Brad Smith: suggested by Ivan Petrov <ivan@example.com>, Wed 18 Nov" ||
		d.Referrals[0].Details[0] != `Nothing is sent to Brad until you reply "approve brad@example.com".` {
		t.Errorf("referrals %+v", d.Referrals)
	}

	// Drafts: only Fay's follow-up is still relevant.
	if len(d.Drafts) != 1 || line(d.Drafts[0]) != "Send the follow-up draft to Lee Ann Ray: in your Drafts folder since Sun 22 Nov" {
		t.Errorf("drafts %+v", d.Drafts)
	}

	// Follow-ups this week, with the mode.
	if len(d.Followups) != 1 || line(d.Followups[0]) != "Thu 26 Nov, 9:40am ET: Fay Wu: follow-up, a draft in your Drafts folder for you to send" {
		t.Errorf("follow-ups %q", names(d.Followups))
	}

	// Going out next: one line per day; Nia goes after the week.
	if len(d.Next) != 1 || line(d.Next[0]) != "Tue 24 Nov: 2 first messages, to Dana Kim (Umbrella), Eli Stone (Hooli)" || d.NextCount != 2 || d.Later != 1 {
		t.Errorf("next %+v count %d later %d", d.Next, d.NextCount, d.Later)
	}

	if len(d.NeedsInfo) != 1 || line(d.NeedsInfo[0]) != "Complete Hana Sato: no company and no connection: the first message needs one" {
		t.Errorf("needs info %+v", d.NeedsInfo)
	}
	if d.ToDo() != 2+1+1+1+1 {
		t.Errorf("ToDo %d", d.ToDo())
	}
}

func TestProgress(t *testing.T) {
	f, _ := sample()
	d := build(t, f.s)
	type row struct {
		st              string
		now, this, last int
	}
	var got []row
	for _, r := range d.Rows {
		got = append(got, row{r.Status, r.Now, r.ThisWeek, r.LastWeek})
	}
	want := []row{
		{"queued", 3, 3, 0},
		{"contacted", 2, 1, 4},
		{"replied", 2, 2, 1},
		{"scheduled", 2, 2, 0},
		{"met", 1, 1, 0},
		{"thanked", 1, 0, 0},
		{"needs_info", 1, 1, 0},
		{"suggested", 1, 1, 0},
		{"declined", 1, 0, 1},
		{"bounced", 1, 0, 0},
		{"no_response", 1, 1, 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows\n got %v\nwant %v", got, want)
	}
	// Eight weeks, oldest first, ending now.
	if len(d.Trend) != Weeks || d.Trend[0].Label != "28 Sep" || d.Trend[7].Label != "16 Nov" {
		t.Fatalf("trend %+v", d.Trend)
	}
	type wk struct {
		sent, replies, meetings int
		rate, per               string
	}
	var tw []wk
	for _, w := range d.Trend[4:] {
		tw = append(tw, wk{w.Sent, w.Replies, w.Meetings, w.AnswerRate, w.PerRequest})
	}
	// The weeks from 26 October, 2, 9 and 16 November.
	wantW := []wk{
		{3, 2, 0, "67%", "0.00"}, // Chris, Ivan, Gus reached; Chris and Ivan answered
		{3, 1, 1, "60%", "0.20"}, // + Sam and Rae (Max bounced: sent, but never reached); Sam answered; Ivan met
		{4, 2, 0, "56%", "0.11"}, // + Jordan, Pat, Jo, Lee Ann; Jo and Rae answered
		{1, 2, 1, "70%", "0.20"}, // + Fay; Jordan and Pat answered; Chris met
	}
	if !reflect.DeepEqual(tw, wantW) {
		t.Errorf("trend\n got %v\nwant %v", tw, wantW)
	}
	if d.Reached != 10 || d.Answered != 7 || d.Held != 2 || d.AnswerRate() != "70%" {
		t.Errorf("to date: %d of %d answered, %d held", d.Answered, d.Reached, d.Held)
	}
	// Bars: the tallest is barMax, an empty week has none.
	if d.Trend[6].SentBar != barMax || d.Trend[4].SentBar != barMax*3/4 || d.Trend[0].SentBar != 0 || d.Trend[5].MeetingsBar != barMax/4 {
		t.Errorf("bars %+v", d.Trend)
	}
}

// A long queue and long lists are summarised with a count.
func TestLongLists(t *testing.T) {
	f := newFixture()
	for i := 0; i < 30; i++ {
		c := f.add("Person "+string(rune('A'+i%26))+string(rune('a'+i/26)), "p"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.com", "", model.Queued, at(11, 1, 9, 0))
		c.NextAction, c.NextActionAt = model.ActionOutreach, at(11, 24+i/10, 9, i)
	}
	for i := 0; i < 12; i++ {
		c := f.add("Waiter "+string(rune('A'+i)), "w"+string(rune('a'+i))+"@example.com", "", model.Replied, at(11, 20, 9, 0))
		c.NextAction = model.ActionAnswer
		f.s.Waiting = append(f.s.Waiting, Inbound{ContactID: c.ID, At: at(11, 20, 9, i)})
	}
	f.s.Counts[model.Queued] = 95
	d := build(t, f.s)
	if d.NextCount != 30 || d.Later != 65 || len(d.Next) != 3 {
		t.Fatalf("next %d later %d days %d", d.NextCount, d.Later, len(d.Next))
	}
	if got := d.Next[0].Text; got != "10 first messages, to Person Aa, Person Ba, Person Ca, Person Da and 6 more" {
		t.Errorf("a long day: %q", got)
	}
	v := d.View()
	var replies, next compose.DigestSection
	for _, s := range v.Sections {
		switch s.Key {
		case "replies":
			replies = s
		case "next":
			next = s
		}
	}
	if len(replies.Items) != maxItems || replies.More != "And 4 more (rapport contacts list --status replied)." {
		t.Errorf("replies cut to %d, more %q", len(replies.Items), replies.More)
	}
	if next.More != "And 65 more contacts queued for the weeks after." {
		t.Errorf("queue summary %q", next.More)
	}
}

func TestEmpty(t *testing.T) {
	d := build(t, Snapshot{})
	if !d.Empty() || d.ToDo() != 0 || len(d.Trend) != 0 {
		t.Errorf("empty digest: ToDo %d, trend %d", d.ToDo(), len(d.Trend))
	}
	r, err := d.Render()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "Nothing needs you this week.") || !strings.Contains(r.HTML, "Nothing needs you this week.") {
		t.Errorf("text:\n%s", r.Text)
	}
	if r.Subject != "[rapport] Weekly digest, Monday 23 to Sunday 29 November: nothing to do" {
		t.Errorf("subject %q", r.Subject)
	}
	// The main line is always shown, with no bars.
	if len(d.Rows) != 6 || d.Rows[0].Bar != 0 {
		t.Errorf("rows %+v", d.Rows)
	}
}

func TestBuildNoTime(t *testing.T) {
	if _, err := Build(Snapshot{}, Params{}); err == nil {
		t.Error("Build accepted a zero time")
	}
}

func render(t *testing.T) *compose.Rendered {
	t.Helper()
	f, _ := sample()
	r, err := build(t, f.s).Render()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; run go test -run Golden -update and review the diff.\ngot:\n%s", name, got)
	}
}

func TestGolden(t *testing.T) {
	r := render(t)
	golden(t, "digest.txt", r.Subject+"\n\n"+r.Text)
	golden(t, "digest.html", r.HTML)
}

func TestNotification(t *testing.T) {
	_, cs := sample()
	jordan := *cs["jordan"]
	jordan.Timezone = "America/Los_Angeles"
	for _, tt := range []struct {
		n                  Notice
		title, next, words string
		commands           []string
	}{
		{Notice{Kind: NoticeProposal, Contact: jordan, Proposed: []time.Time{at(11, 24, 14, 0), at(11, 27, 10, 30)}, Text: "Tuesday at 2, or Friday?"},
			"Jordan Lee proposed times",
			"rapport sends nothing to Jordan until you choose one: 1) Tue 24 Nov, 2pm ET (11am PT for Jordan); 2) Fri 27 Nov, 10:30am ET (7:30am PT for Jordan).",
			"“Tuesday at 2, or Friday?”",
			[]string{"confirm 1 — for Tue 24 Nov, 2pm ET (11am PT for Jordan)", "confirm 2 — for Fri 27 Nov, 10:30am ET (7:30am PT for Jordan)",
				"meeting Tue 24 Nov 2026 14:00 for 30m by video — for another time (your time, ET)", "decline — if it will not happen"}},
		{Notice{Kind: NoticeReply, Contact: jordan, Text: "  Happy to chat.\n\n  Jordan\n"},
			"Jordan Lee replied",
			"rapport writes nothing more to Jordan (the follow-ups are off). Answer them yourself, and tell rapport the time once you agree on one.",
			"“Happy to chat. Jordan”",
			[]string{"meeting Tue 24 Nov 2026 14:00 for 30m by video — once you agree on a time (your time, ET)",
				"snooze 2027-02-23 — to try again in three months", "decline — if they said no", "pause — to stop everything for Jordan"}},
		{Notice{Kind: NoticeQuestion, Contact: jordan, Text: "What would you like to cover?"},
			"Jordan Lee asked you a question",
			"rapport writes nothing more to Jordan until you answer. Answer their question yourself; once you agree on a time, tell rapport.",
			"“What would you like to cover?”", nil},
		{Notice{Kind: NoticeAutoReply, Contact: jordan, Until: at(12, 1, 0, 0), Followup: at(12, 2, 9, 30)},
			"Jordan Lee is away until Tue 1 Dec",
			"rapport keeps the follow-up and sends it after they are back: Wed 2 Dec, 9:30am ET (6:30am PT for Jordan).", "", nil},
		{Notice{Kind: NoticeSnooze, Contact: jordan, Until: time.Date(2027, 3, 1, 0, 0, 0, 0, ny)},
			"Jordan Lee asked you to try again in March",
			"rapport writes nothing to Jordan until Mon 1 Mar 2027, then sends one short follow-up.", "",
			[]string{"snooze 2027-03-01 — to keep that date (or write another)", "resume — to write now", "decline — to stop for good"}},
		{Notice{Kind: NoticeReferral, Contact: jordan, Referred: []string{"Brad Smith <brad@example.com>", "Ana Ruiz"}},
			"Jordan Lee suggested someone to talk to",
			"rapport added Brad Smith <brad@example.com> as suggested, referred by Jordan; nothing is sent to them until you approve.", "",
			[]string{"approve brad@example.com — to let rapport write to Brad",
				"add Ana Ruiz <their@address.example> referred by jordan.lee@example.org — with their address"}},
		{Notice{Kind: NoticeMeetingSoon, Contact: jordan, Meeting: at(11, 24, 14, 0)},
			"Your conversation with Jordan Lee is coming up: Tue 24 Nov, 2pm ET (11am PT for Jordan)", "", "", nil},
		{Notice{Kind: NoticeBounce, Contact: jordan, Reason: "550 5.1.1 user unknown"},
			"Mail to Jordan Lee bounced",
			"The server said: 550 5.1.1 user unknown. rapport will not write to jordan.lee@example.org again. Check the address; if you find another, reply with it as below.", "",
			[]string{"add Jordan Lee <new-address@example.com> — with the right address"}},
	} {
		t.Run(string(tt.n.Kind), func(t *testing.T) {
			got := Notification(tt.n, now.UTC(), ny)
			if got.Title != tt.title || (tt.next != "" && got.NextStep != tt.next) || got.Text != tt.words {
				t.Errorf("got title %q\nnext %q\nwords %q", got.Title, got.NextStep, got.Text)
			}
			if tt.commands != nil && got.Commands != strings.Join(tt.commands, "\n") {
				t.Errorf("commands\n%s", got.Commands)
			}
		})
	}
	// The contact's words are short.
	long := Notification(Notice{Kind: NoticeReply, Contact: jordan, Text: strings.Repeat("word ", 200)}, now, ny)
	if n := len([]rune(long.Text)); n > wordsLen+3 || !strings.HasSuffix(long.Text, "…”") {
		t.Errorf("%d characters quoted: %q", n, long.Text)
	}
}

// Every command a digest or notification suggests is one the parser
// accepts, as the owner would write it (without the quotes).
func TestSuggestedCommandsParse(t *testing.T) {
	f, cs := sample()
	d := build(t, f.s)
	r, err := d.Render()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Commands) < 5 {
		t.Fatalf("the digest suggests only %v", d.Commands)
	}
	for _, c := range d.Commands {
		cmds, errs := commands.Parse(c.Command, "Re: "+r.Subject, commands.Context{Now: now, Loc: ny})
		if len(errs) > 0 || len(cmds) != 1 {
			t.Errorf("digest suggests %q: %v", c.Command, errs)
		}
	}
	jordan := *cs["jordan"]
	for _, n := range notices(jordan) {
		got := Notification(n, now, ny)
		if got.Title == "" || got.NextStep == "" {
			t.Errorf("%s: %+v", n.Kind, got)
		}
		for _, l := range strings.Split(got.Commands, "\n") {
			if l == "" {
				continue
			}
			c, _, ok := strings.Cut(l, " — ")
			if !ok {
				t.Errorf("%s: example %q says not what it does", n.Kind, l)
			}
			cmds, errs := commands.Parse(c, "Re: [rapport] "+got.Title, commands.Context{Now: now, Loc: ny, DefaultContact: jordan.Email})
			if len(errs) > 0 || len(cmds) != 1 {
				t.Errorf("%s suggests %q: %v", n.Kind, c, errs)
			}
		}
	}
}

func TestNotificationRendered(t *testing.T) {
	_, cs := sample()
	jordan := *cs["jordan"]
	r := renderNotice(t, Notice{Kind: NoticeReply, Contact: jordan, Text: "Happy to chat. Tuesday at 2pm works for me."}, jordan)
	want := "[rapport] Jordan Lee replied\n" +
		"Contact: Jordan Lee <jordan.lee@example.org>, Acme Analytics (status: replied)\n\n" +
		"What they wrote:\n> “Happy to chat. Tuesday at 2pm works for me.”\n\n" +
		"Next: rapport writes nothing more to Jordan (the follow-ups are off). Answer them yourself, and tell rapport the time once you agree on one.\n\n" +
		"To tell rapport, reply with one command on the first line (without the quotes):\n" +
		"  Reply \"meeting Tue 24 Nov 2026 14:00 for 30m by video\" once you agree on a time (your time, ET)\n" +
		"  Reply \"snooze 2027-02-23\" to try again in three months\n" +
		"  Reply \"decline\" if they said no\n" +
		"  Reply \"pause\" to stop everything for Jordan"
	if strings.TrimRight(r.Text, "\n") != want {
		t.Errorf("notification text:\n%s\nwant:\n%s", r.Text, want)
	}
	if r.Subject != "[rapport] Jordan Lee replied" {
		t.Errorf("subject %q", r.Subject)
	}
	for _, s := range []string{"<blockquote", "“Happy to chat. Tuesday at 2pm works for me.”", `Reply <code`, `&#34;pause&#34;`} {
		if !strings.Contains(r.HTML, s) && !strings.Contains(r.HTML, strings.ReplaceAll(s, "&#34;", `"`)) {
			t.Errorf("notification HTML lacks %q:\n%s", s, r.HTML)
		}
	}
}

func TestScheduleNext(t *testing.T) {
	for _, tt := range []struct {
		name string
		now  time.Time
		day  time.Weekday
		hhmm string
		want time.Time
	}{
		{"later this week", at(11, 20, 9, 0), time.Monday, "08:00", at(11, 23, 8, 0)},
		{"later today", at(11, 23, 7, 59), time.Monday, "08:00", at(11, 23, 8, 0)},
		{"exactly now: strictly after", at(11, 23, 8, 0), time.Monday, "08:00", at(11, 30, 8, 0)},
		{"just after", at(11, 23, 8, 0).Add(time.Nanosecond), time.Monday, "08:00", at(11, 30, 8, 0)},
		{"other day", at(11, 23, 8, 0), time.Sunday, "18:30", at(11, 29, 18, 30)},
		{"now in another zone", at(11, 23, 7, 0).UTC(), time.Monday, "08:00", at(11, 23, 8, 0)},
		{"across spring-forward gap", time.Date(2026, 3, 7, 12, 0, 0, 0, ny), time.Sunday, "02:30", time.Date(2026, 3, 8, 3, 30, 0, 0, ny)},
		{"across fall-back", time.Date(2026, 10, 31, 12, 0, 0, 0, ny), time.Sunday, "08:00", time.Date(2026, 11, 1, 8, 0, 0, 0, ny)},
		{"year end", time.Date(2026, 12, 29, 9, 0, 0, 0, ny), time.Monday, "08:00", time.Date(2027, 1, 4, 8, 0, 0, 0, ny)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NextRun(tt.now, ny, tt.day, tt.hhmm)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) || got.Location() != ny {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	// Repeated, it steps a week at a time, always strictly later, through
	// both DST changes.
	s, err := ParseSchedule("mon", "08:00", ny)
	if err != nil {
		t.Fatal(err)
	}
	cur := now
	for i := 0; i < 60; i++ {
		next := s.Next(cur)
		if !next.After(cur) || next.Weekday() != time.Monday || next.Hour() != 8 || next.Minute() != 0 {
			t.Fatalf("after %s came %s", cur, next)
		}
		if i > 0 && next.Sub(cur) > 7*24*time.Hour+time.Hour {
			t.Fatalf("skipped a week: %s after %s", next, cur)
		}
		if !s.Slot(next).Equal(next) || (i > 0 && !s.Slot(next.Add(-time.Second)).Equal(cur)) {
			t.Fatalf("Slot around %s: %s, %s", next, s.Slot(next), s.Slot(next.Add(-time.Second)))
		}
		cur = next
	}
	for _, bad := range []string{"", "8", "25:00", "08:60", "8am"} {
		if _, err := NextRun(now, ny, time.Monday, bad); err == nil {
			t.Errorf("NextRun accepted %q", bad)
		}
	}
	if _, err := NextRun(now, ny, time.Weekday(7), "08:00"); err == nil {
		t.Error("NextRun accepted weekday 7")
	}
	if _, err := ParseSchedule("someday", "08:00", ny); err == nil {
		t.Error("ParseSchedule accepted someday")
	}
}

// Due: at digest time the week's digest is due; a daemon that comes back
// later that week sends it once (the caller stores the key); one that was
// down for weeks sends only the latest; close to the next digest, the
// missed one is left for it.
func TestScheduleDue(t *testing.T) {
	s, err := ParseSchedule("monday", "08:00", ny)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		now  time.Time
		slot time.Time
		key  string
		due  bool
	}{
		{"at digest time", at(11, 23, 8, 0), at(11, 23, 8, 0), "2026-W48", true},
		{"a minute before: last week's is over", at(11, 23, 7, 59), at(11, 16, 8, 0), "2026-W47", false},
		{"back on Wednesday: catch up", at(11, 25, 15, 0), at(11, 23, 8, 0), "2026-W48", true},
		{"back on Saturday evening: still this week", at(11, 28, 20, 0), at(11, 23, 8, 0), "2026-W48", true},
		{"back on Sunday 09:00: the next is within a day", at(11, 29, 9, 0), at(11, 23, 8, 0), "2026-W48", false},
		{"down three weeks: only the latest", at(12, 15, 10, 0), at(12, 14, 8, 0), "2026-W51", true},
		{"new year: the ISO week of the slot", time.Date(2027, 1, 1, 9, 0, 0, 0, ny), time.Date(2026, 12, 28, 8, 0, 0, 0, ny), "2026-W53", true},
		{"in UTC, the owner's zone decides", at(11, 23, 7, 30).UTC(), at(11, 16, 8, 0), "2026-W47", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			slot, key, due := s.Due(tt.now)
			if !slot.Equal(tt.slot) || key != tt.key || due != tt.due {
				t.Errorf("Due(%s) = %s %s %v, want %s %s %v", tt.now, slot, key, due, tt.slot, tt.key, tt.due)
			}
		})
	}
	// A week walked hour by hour with the daemon sending whenever Due says
	// so and storing the key: exactly one digest, at 08:00 on Monday.
	sent := map[string]time.Time{}
	for tm := at(11, 16, 0, 0); tm.Before(at(12, 14, 0, 0)); tm = tm.Add(time.Hour) {
		if _, key, due := s.Due(tm); due {
			if _, ok := sent[key]; !ok {
				sent[key] = tm
			}
		}
	}
	if len(sent) != 4 {
		t.Errorf("%d digests in four weeks: %v", len(sent), sent)
	}
	for k, tm := range sent {
		if tm.Weekday() != time.Monday || tm.Hour() != 8 {
			t.Errorf("digest %s at %s", k, tm)
		}
	}
	// The DST gap: a 02:30 digest on the spring-forward Sunday is due at 03:30.
	g, _ := ParseSchedule("sun", "02:30", ny)
	if slot, _, due := g.Due(time.Date(2026, 3, 8, 3, 30, 0, 0, ny)); !due || !slot.Equal(time.Date(2026, 3, 8, 3, 30, 0, 0, ny)) {
		t.Errorf("DST gap: slot %s due %v", slot, due)
	}
}

func TestWeekKey(t *testing.T) {
	for _, tt := range []struct {
		t    time.Time
		loc  *time.Location
		want string
	}{
		{now, ny, "2026-W48"},
		{time.Date(2026, 12, 31, 12, 0, 0, 0, ny), ny, "2026-W53"},
		{time.Date(2027, 1, 3, 12, 0, 0, 0, ny), ny, "2026-W53"},
		{time.Date(2027, 1, 4, 0, 0, 0, 0, ny), ny, "2027-W01"},
		{time.Date(2025, 12, 29, 0, 0, 0, 0, ny), ny, "2026-W01"},
		// Sunday 23:30 in New York is Monday in UTC: the owner's zone decides.
		{time.Date(2026, 11, 29, 23, 30, 0, 0, ny), ny, "2026-W48"},
		{time.Date(2026, 11, 29, 23, 30, 0, 0, ny), time.UTC, "2026-W49"},
		{time.Date(2026, 11, 29, 23, 30, 0, 0, ny), nil, "2026-W49"},
	} {
		if got := WeekKey(tt.t, tt.loc); got != tt.want {
			t.Errorf("WeekKey(%s, %v) = %s, want %s", tt.t, tt.loc, got, tt.want)
		}
	}
}

func TestZones(t *testing.T) {
	f := newFmter(now, ny)
	c := &model.Contact{Name: "Ama Owusu", Timezone: "Africa/Accra"}
	if got := f.atFor(at(11, 24, 22, 0), c, ""); got != "Tue 24 Nov, 10pm ET (Wed 3am GMT for Ama)" {
		t.Errorf("atFor: %q", got)
	}
	if got := f.atFor(at(11, 24, 22, 0), &model.Contact{Name: "Ben", Timezone: "America/Toronto"}, ""); got != "Tue 24 Nov, 10pm ET" {
		t.Errorf("same offset: %q", got)
	}
	if got := f.atFor(at(11, 24, 9, 0), &model.Contact{Name: "Bad", Timezone: "Mars/Olympus"}, ""); got != "Tue 24 Nov, 9am ET" {
		t.Errorf("unknown zone: %q", got)
	}
	dubai := mustLoad("Asia/Dubai")
	if got := schedule.ZoneLabel(time.Date(2026, 11, 24, 9, 0, 0, 0, dubai)); got != "UTC+04:00" {
		t.Errorf("zone without a letter abbreviation: %q", got)
	}
	kolkata := time.FixedZone("+0530", 5*3600+1800)
	if got := schedule.ZoneLabel(time.Date(2026, 11, 24, 9, 0, 0, 0, kolkata)); got != "UTC+05:30" {
		t.Errorf("half-hour zone: %q", got)
	}
	// A notification made in UTC says the owner's zone.
	n := Notification(Notice{Kind: NoticeMeetingSoon, Contact: model.Contact{Name: "Jordan Lee"}, Meeting: at(11, 24, 14, 0).UTC()}, now.UTC(), ny)
	if !strings.HasSuffix(n.Title, "Tue 24 Nov, 2pm ET") {
		t.Errorf("title %q", n.Title)
	}
}

// The HTML is for mail clients: no script, no external resources, no
// images, contact data escaped, fluid (no fixed width), multipart with the
// text.
func TestHTMLEmailSafe(t *testing.T) {
	f, cs := sample()
	cs["jordan"].Name = `Jordan <script>alert("x")</script> Lee`
	cs["jordan"].Company = `<img src="https://evil.example/p.gif">`
	d := build(t, f.s)
	r, err := d.Render()
	if err != nil {
		t.Fatal(err)
	}
	low := strings.ToLower(r.HTML)
	for _, bad := range []string{"<script", "<img", "<svg", "<link", "url(", "javascript:", "@import", "<iframe", "<object", "<form", "<video", "<audio"} {
		if strings.Contains(low, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	if !strings.Contains(r.HTML, "Jordan &lt;script&gt;") || !strings.Contains(r.HTML, "&lt;img src=") {
		t.Error("contact data not escaped")
	}
	// Without hostile data, the only link is the meeting link.
	r = render(t)
	low = strings.ToLower(r.HTML)
	if n := strings.Count(low, "http"); n != 1 || strings.Contains(low, "src=") {
		t.Errorf("HTML has %d http references, want only the meeting link", n)
	}
	// Fluid: no fixed pixel width anywhere but the chart's 6-pixel bars.
	for _, l := range strings.Split(r.HTML, "\n") {
		for _, w := range []string{`width="600"`, `width:600px`, `width="640"`} {
			if strings.Contains(l, w) {
				t.Errorf("fixed width %s: %s", w, l)
			}
		}
	}
	if !strings.Contains(r.HTML, `max-width:640px`) || !strings.Contains(r.HTML, `name="viewport"`) || !strings.Contains(r.HTML, `color-scheme`) {
		t.Error("the card is not fluid and dark-mode aware")
	}
	// The bars are table cells with widths and background colours.
	if !strings.Contains(r.HTML, `<td width="100%" height="12" bgcolor="#2f6fb3"`) {
		t.Error("no full-width pipeline bar")
	}
	if !strings.Contains(r.HTML, `bgcolor="#1f9d73"`) || !strings.Contains(r.HTML, `bgcolor="#c77d12"`) {
		t.Error("no trend bars")
	}
}

// FuzzRender: any contact data renders, none of it becomes markup, and no
// line of the text starts with it.
// Seeds are in testdata/fuzz/FuzzRender.
func FuzzRender(f *testing.F) {
	f.Add("Jordan Lee", "Acme", "Happy to chat.", "no company")
	f.Fuzz(func(t *testing.T, name, company, text, reason string) {
		fx, cs := sample()
		for _, c := range cs {
			c.Name, c.Company, c.StatusReason, c.Connection = name, company, reason, text
		}
		for i := range fx.s.Waiting {
			fx.s.Waiting[i].Detail = fmt.Sprintf("replied: %q", text)
		}
		for i := range fx.s.Drafts {
			fx.s.Drafts[i].Subject = text
		}
		d, err := Build(fx.s, params)
		if err != nil {
			t.Fatal(err)
		}
		r, err := d.Render()
		if err != nil {
			t.Fatal(err)
		}
		low := strings.ToLower(r.HTML)
		for _, bad := range []string{"<script", "<img", "<svg", "<iframe", "<link"} {
			if strings.Contains(low, bad) {
				t.Fatalf("HTML has %q", bad)
			}
		}
		if !strings.Contains(r.Text, "PROGRESS") || !strings.HasPrefix(r.Text, "[rapport] ") {
			t.Fatal("text lost its frame")
		}
		cmds, _ := commands.Parse(r.Text, "Re: "+r.Subject, commands.Context{Now: now, Loc: ny, DefaultContact: "jordan.lee@example.org"})
		if len(cmds) > 0 {
			t.Fatalf("the digest text holds a command: %q", cmds[0].Raw)
		}
		n := Notification(Notice{Kind: NoticeReferral, Contact: *cs["jordan"], Text: text, Referred: []string{name}}, now, ny)
		if strings.ContainsAny(n.Text, "\n\r") {
			t.Fatalf("the contact's words keep a line break: %q", n.Text)
		}
	})
}
