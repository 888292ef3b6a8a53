package digest

import (
	"bytes"
	"flag"
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"rapport/internal/commands"
	"rapport/internal/compose"
	"rapport/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var ny = mustLoad("America/New_York")

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

var params = Params{Now: now, Loc: ny, Day: time.Monday, Time: "08:00"}

func contact(name, email, company, role string, st model.Status, changed time.Time) model.Contact {
	return model.Contact{Name: name, Email: email, Company: company, Role: role, Status: st, StatusChangedAt: changed}
}

// fixture is a realistic pipeline two months in.
func fixture() Snapshot {
	sam := contact("Sam Rivera", "sam@example.net", "Globex", "product manager", model.Scheduled, at(11, 21, 11, 0))
	sam.Connection = "Maria's former colleague"
	hana := contact("Hana Sato", "hana@example.com", "", "", model.NeedsInfo, at(11, 22, 9, 0))
	hana.StatusReason = "no company and no connection: the first message needs one"
	lou := contact("Lou Reed", "lou@example.com", "Tyrell", "", model.Snoozed, at(11, 12, 9, 0))
	lou.ResumeStatus = model.Contacted
	return Snapshot{
		Contacts: []model.Contact{
			contact("Jordan Lee", "jordan.lee@example.org", "Acme Analytics", "data engineer", model.Replied, at(11, 20, 16, 5)),
			sam,
			contact("Chris Park", "chris@example.org", "Initech", "analyst", model.Met, at(11, 19, 15, 0)),
			contact("Dana Kim", "dana@example.com", "Umbrella", "", model.Queued, at(11, 18, 10, 0)),
			contact("Eli Stone", "eli@example.com", "Hooli", "", model.Queued, at(11, 18, 10, 0)),
			contact("Fay Wu", "fay@example.com", "Initrode", "", model.Contacted, at(11, 11, 9, 30)),
			contact("Gus Ortiz", "gus@example.com", "Soylent", "", model.Contacted, at(11, 10, 9, 30)),
			hana,
			contact("Ivan Petrov", "ivan@example.com", "Vandelay", "", model.Thanked, at(11, 6, 12, 0)),
			contact("Jo March", "jo@example.com", "Stark", "", model.Declined, at(11, 13, 8, 0)),
			contact("Kim Lee", "kim@example.com", "Wayne", "", model.NoResponse, at(11, 4, 8, 0)),
			lou,
			contact("Max Bell", "max@example.com", "Cyberdyne", "", model.Bounced, at(11, 3, 9, 0)),
			contact("Nia Long", "nia@example.com", "Wonka", "", model.Queued, at(11, 18, 12, 0)),
		},
		Changes: []Change{
			// This week (after Monday 16 November 08:00).
			{"jordan.lee@example.org", at(11, 20, 16, 5), model.Contacted, model.Replied},
			{"sam@example.net", at(11, 21, 11, 0), model.Replied, model.Scheduled},
			{"chris@example.org", at(11, 19, 15, 0), model.Scheduled, model.Met},
			{"dana@example.com", at(11, 18, 10, 0), "", model.Queued},
			{"eli@example.com", at(11, 18, 10, 0), "", model.Queued},
			{"nia@example.com", at(11, 18, 12, 0), "", model.Queued},
			{"hana@example.com", at(11, 22, 9, 0), "", model.NeedsInfo},
			// Last week.
			{"fay@example.com", at(11, 11, 9, 30), model.Queued, model.Contacted},
			{"gus@example.com", at(11, 10, 9, 30), model.Queued, model.Contacted},
			{"jo@example.com", at(11, 13, 8, 0), model.Contacted, model.Declined},
			{"lou@example.com", at(11, 12, 9, 0), model.Contacted, model.Snoozed},
			{"sam@example.net", at(11, 12, 14, 0), model.Contacted, model.Replied},
			// Too old to count.
			{"ivan@example.com", at(11, 6, 12, 0), model.Met, model.Thanked},
			// In the future (a clock skew): ignored.
			{"dana@example.com", at(11, 24, 9, 0), model.Queued, model.Contacted},
		},
		Meetings: []Meeting{
			{Email: "sam@example.net", Start: at(11, 25, 10, 0), Duration: 30 * time.Minute, Format: "video", Location: "https://meet.example.org/sam"},
			{Email: "chris@example.org", Start: at(11, 19, 14, 0), Questions: []string{"How did you start?"}},
			{Email: "ivan@example.com", Start: at(11, 5, 12, 0)},
			// After the next digest: not this week.
			{Email: "jordan.lee@example.org", Start: at(12, 1, 14, 0)},
		},
		Planned: []Planned{
			{Email: "eli@example.com", At: at(11, 24, 10, 15), Kind: compose.KindOutreach},
			{Email: "dana@example.com", At: at(11, 24, 9, 40), Kind: compose.KindOutreach},
			{Email: "fay@example.com", At: at(11, 25, 9, 5), Kind: compose.KindFollowup},
			{Email: "nia@example.com", At: at(12, 8, 9, 30), Kind: compose.KindOutreach},
		},
		Drafts: []Draft{
			{Email: "chris@example.org", Kind: compose.KindThankYou, Subject: "Thank you", At: at(11, 19, 16, 0)},
			{Email: "gus@example.com", Kind: compose.KindFollowup, Subject: "Re: A question about Soylent", At: at(11, 22, 9, 0)},
		},
		Replies: []Reply{
			{Email: "jordan.lee@example.org", At: at(11, 20, 16, 5), Subject: "Re: Maria Lopez suggested I reach out",
				Text: "Hi Alex,\n\nHappy to chat. Tuesday at 2pm works for me.\n\n> On Tue, Alex wrote:\n> Hi Jordan\n\n-- \nJordan"},
			{Email: "stranger@example.net", At: at(11, 22, 20, 0), Text: "Who gave you my address?"},
		},
		Referrals: []Referral{
			{From: "ivan@example.com", To: "nia@example.com", At: at(11, 18, 12, 0)},
			{From: "chris@example.org", To: "brad@example.com", At: at(11, 10, 9, 0)},
		},
	}
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

func TestSections(t *testing.T) {
	d := build(t, fixture())
	if d.Week != "2026-W48" || d.Period != "week of 23 November" || !d.Until.Equal(at(11, 30, 8, 0)) {
		t.Errorf("Week %q Period %q Until %s", d.Week, d.Period, d.Until)
	}

	// Replies: oldest first; the reply's new text only; three days is late.
	if got := names(d.Replies); !reflect.DeepEqual(got, []string{"Jordan Lee", "stranger@example.net"}) {
		t.Errorf("replies %v", got)
	}
	j := d.Replies[0]
	if j.When != "replied Friday 20 November (3 days ago)" || j.Detail != "Hi Alex, Happy to chat. Tuesday at 2pm works for me." || !j.Overdue {
		t.Errorf("Jordan: %+v", j)
	}
	if s := d.Replies[1]; s.When != "replied yesterday" || s.Overdue || s.Email != "stranger@example.net" {
		t.Errorf("stranger: %+v", s)
	}

	// Meetings before the next digest, with default questions for the role.
	if len(d.Meetings) != 1 {
		t.Fatalf("meetings %+v", d.Meetings)
	}
	m := d.Meetings[0]
	if m.Name != "Sam Rivera" || m.When != "Wednesday 25 November at 10am" ||
		m.Detail != "30 min, video, https://meet.example.org/sam, how you know them: Maria's former colleague" {
		t.Errorf("meeting %+v", m)
	}
	if len(m.Questions) != 5 || m.Questions[0] != "What does a typical week look like for you as a product manager?" {
		t.Errorf("questions %q", m.Questions)
	}

	// Thank-yous: met four days ago, late, with the draft mentioned.
	if len(d.ThankYous) != 1 {
		t.Fatalf("thank-yous %+v", d.ThankYous)
	}
	ty := d.ThankYous[0]
	if ty.When != "met Thursday 19 November (4 days ago)" || !ty.Overdue ||
		ty.Detail != "a draft is waiting in your Drafts folder; a thank-you is best sent within a day" {
		t.Errorf("thank-you %+v", ty)
	}

	// Drafts: the thank-you draft is under thank-yous, not here.
	if len(d.Drafts) != 1 || d.Drafts[0].Name != "Gus Ortiz" || d.Drafts[0].Detail != "follow-up draft: Re: A question about Soylent" ||
		d.Drafts[0].When != "since yesterday" {
		t.Errorf("drafts %+v", d.Drafts)
	}

	// Going out next: by day, in time order; Nia is after the next digest.
	if len(d.Upcoming) != 2 || d.Later != 1 {
		t.Fatalf("upcoming %+v later %d", d.Upcoming, d.Later)
	}
	if d.Upcoming[0].Label != "Tuesday 24 November" || !reflect.DeepEqual(names(d.Upcoming[0].Items), []string{"Dana Kim", "Eli Stone"}) {
		t.Errorf("Tuesday %+v", d.Upcoming[0])
	}
	if d.Upcoming[1].Label != "Wednesday 25 November" || d.Upcoming[1].Items[0].Detail != "follow-up" {
		t.Errorf("Wednesday %+v", d.Upcoming[1])
	}

	if len(d.NeedsInfo) != 1 || d.NeedsInfo[0].Name != "Hana Sato" || !strings.HasPrefix(d.NeedsInfo[0].Detail, "no company") {
		t.Errorf("needs info %+v", d.NeedsInfo)
	}
	if d.ToDo() != 2+1+1+1+1 {
		t.Errorf("ToDo %d", d.ToDo())
	}
}

func TestPipeline(t *testing.T) {
	d := build(t, fixture())
	type row struct {
		st                model.Status
		count, this, last int
		percent           int
	}
	var got []row
	for _, r := range d.Pipeline {
		got = append(got, row{r.Status, r.Count, r.ThisWeek, r.LastWeek, r.Percent})
	}
	want := []row{
		{model.Queued, 3, 3, 0, 100},
		{model.Contacted, 2, 0, 2, 66},
		{model.Replied, 1, 1, 1, 33},
		{model.Scheduled, 1, 1, 0, 33},
		{model.Met, 1, 1, 0, 33},
		{model.Thanked, 1, 0, 0, 33},
		{model.NeedsInfo, 1, 1, 0, 33},
		{model.Snoozed, 1, 0, 1, 33},
		// paused and opted_out have nobody and no change: left out.
		{model.Declined, 1, 0, 1, 33},
		{model.Bounced, 1, 0, 0, 33},
		{model.NoResponse, 1, 0, 0, 33},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pipeline\n got %v\nwant %v", got, want)
	}
	for _, r := range d.Pipeline {
		wantColor := map[bool]string{true: ColorMain}[r.Main]
		if !r.Main {
			wantColor = ColorWaiting
			if r.Status.Final() {
				wantColor = ColorClosed
			}
		}
		if r.Color != wantColor {
			t.Errorf("%s colour %s, want %s", r.Status, r.Color, wantColor)
		}
	}
	// answered: replied, scheduled, met, thanked, declined; reached adds
	// the contacted, no_response and Lou (snoozed, resumes as contacted).
	if d.Answered != 5 || d.Reached != 9 || d.AnswerRate() != "56%" {
		t.Errorf("answered %d of %d = %s", d.Answered, d.Reached, d.AnswerRate())
	}
	if d.Referrals != 2 || d.ReferralsThisWeek != 1 || d.Total != 14 {
		t.Errorf("referrals %d (%d this week), total %d", d.Referrals, d.ReferralsThisWeek, d.Total)
	}
}

func TestAnswerRate(t *testing.T) {
	c := func(st model.Status) model.Contact { return model.Contact{Email: string(st) + "@x.com", Status: st} }
	for _, tt := range []struct {
		name string
		sts  []model.Status
		want string
	}{
		{"nobody contacted", []model.Status{model.Queued, model.NeedsInfo}, "n/a"},
		{"none answered", []model.Status{model.Contacted, model.NoResponse}, "0%"},
		{"bounces do not count", []model.Status{model.Bounced, model.Replied}, "100%"},
		{"one of three", []model.Status{model.Contacted, model.Contacted, model.OptedOut}, "33%"},
		{"two of three rounds up", []model.Status{model.Contacted, model.Met, model.Thanked}, "67%"},
		{"paused without resume status is out", []model.Status{model.Paused, model.Contacted, model.Replied}, "50%"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var s Snapshot
			for _, st := range tt.sts {
				s.Contacts = append(s.Contacts, c(st))
			}
			if got := build(t, s).AnswerRate(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	d := build(t, Snapshot{})
	if !d.Empty() || d.ToDo() != 0 {
		t.Errorf("empty digest: ToDo %d", d.ToDo())
	}
	r, err := d.Render()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "Nothing needs your attention this week.") || !strings.Contains(r.HTML, "Nothing needs your attention this week.") {
		t.Errorf("text:\n%s", r.Text)
	}
	if r.Subject != "[rapport] Weekly digest: week of 23 November" {
		t.Errorf("subject %q", r.Subject)
	}
	// The main line is always shown, with no bars.
	if len(d.Pipeline) != 6 || d.Pipeline[0].Percent != 0 {
		t.Errorf("pipeline %+v", d.Pipeline)
	}
}

func TestBuildBadTime(t *testing.T) {
	p := params
	p.Time = "8am"
	if _, err := Build(Snapshot{}, p); err == nil {
		t.Error("Build accepted digest time 8am")
	}
}

func TestCompose(t *testing.T) {
	d := build(t, fixture())
	cd := d.Compose()
	if cd.Period != d.Period || len(cd.Replies) != 2 || len(cd.Meetings) != 1 || len(cd.ThankYous) != 1 || len(cd.Upcoming) != 3 {
		t.Fatalf("compose digest %+v", cd)
	}
	if cd.Upcoming[0].When != "Tuesday 24 November" || cd.Funnel[0] != (compose.FunnelCount{Status: "queued", Count: 3}) {
		t.Errorf("compose digest %+v", cd)
	}
	// The shared template renders it.
	tpl, err := compose.Load("")
	if err != nil {
		t.Fatal(err)
	}
	data := compose.Sample()
	data.Digest = cd
	r, err := tpl.Render(compose.KindDigest, data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "Jordan Lee") || !strings.Contains(r.Text, "Dana Kim") {
		t.Errorf("compose render:\n%s", r.Text)
	}
}

// Every command a digest or notification suggests must be one Parse accepts.
func TestSuggestedCommandsParse(t *testing.T) {
	d := build(t, fixture())
	for _, c := range d.Commands() {
		cmds, errs := commands.Parse(c, "Re: "+d.Subject(), commands.Context{Now: now, Loc: ny})
		if len(errs) > 0 || len(cmds) != 1 {
			t.Errorf("digest suggests %q: %v", c, errs)
		}
	}
	empty := build(t, Snapshot{})
	for _, c := range empty.Commands() {
		if _, errs := commands.Parse(c, "", commands.Context{Now: now, Loc: ny}); len(errs) > 0 {
			t.Errorf("empty digest suggests %q: %v", c, errs)
		}
	}

	jordan := fixture().Contacts[0]
	for _, n := range notices(jordan) {
		got := Notification(n, now, ny)
		if got.Title == "" || got.NextStep == "" {
			t.Errorf("%s: %+v", n.Kind, got)
		}
		if got.Commands == "" {
			continue
		}
		for _, c := range strings.Split(got.Commands, " | ") {
			cmds, errs := commands.Parse(c, "Re: [rapport] "+got.Title, commands.Context{Now: now, Loc: ny, DefaultContact: jordan.Email})
			if len(errs) > 0 || len(cmds) != 1 {
				t.Errorf("%s suggests %q: %v", n.Kind, c, errs)
			}
		}
	}
}

func notices(c model.Contact) []Notice {
	return []Notice{
		{Kind: NoticeReply, Contact: c, Text: "Happy to chat."},
		{Kind: NoticeProposal, Contact: c, Proposed: []time.Time{at(11, 24, 14, 0), at(11, 27, 10, 30)}},
		{Kind: NoticeProposal, Contact: c},
		{Kind: NoticeAutoReply, Contact: c, Until: at(12, 1, 0, 0)},
		{Kind: NoticeAutoReply, Contact: c},
		{Kind: NoticeBounce, Contact: c, Reason: "550 5.1.1 user unknown"},
		{Kind: NoticeOptOut, Contact: c},
		{Kind: NoticeDecline, Contact: c},
		{Kind: NoticeSnooze, Contact: c, Until: time.Date(2027, 3, 1, 0, 0, 0, 0, ny)},
		{Kind: NoticeSnooze, Contact: c},
		{Kind: NoticeReferral, Contact: c, Referred: []string{"Brad Smith <brad@example.com>"}},
		{Kind: NoticeReferral, Contact: c},
		{Kind: NoticeMeetingSoon, Contact: c, Meeting: at(11, 24, 14, 0)},
		{Kind: NoticeMet, Contact: c},
		{Kind: NoticeNeedsInfo, Contact: c, Reason: "no company"},
		{Kind: NoticeNoResponse, Contact: c},
	}
}

func TestNotification(t *testing.T) {
	jordan := fixture().Contacts[0]
	for _, tt := range []struct {
		n                         Notice
		title, next, commandsHave string
	}{
		{Notice{Kind: NoticeProposal, Contact: jordan, Proposed: []time.Time{at(11, 24, 14, 0), at(11, 27, 10, 30)}},
			"Jordan Lee proposed a time", "confirm one of: 1) Tuesday 24 November at 2pm; 2) Friday 27 November at 10:30am",
			"confirm | confirm 2 | meeting Tue 24 Nov 2026 14:00"},
		{Notice{Kind: NoticeReply, Contact: jordan, Text: "  Happy to chat.\n"},
			"Jordan Lee replied", "answer Jordan; when you agree on a time, tell rapport", "meeting Tue 24 Nov 2026 14:00 for 30m by video"},
		{Notice{Kind: NoticeAutoReply, Contact: jordan, Until: at(12, 1, 0, 0)},
			"Jordan Lee is away until Tuesday 1 December", "nothing: the follow-up waits until after Tuesday 1 December", "snooze 2027-02-23"},
		{Notice{Kind: NoticeSnooze, Contact: jordan, Until: time.Date(2027, 3, 1, 0, 0, 0, 0, ny)},
			"Jordan Lee asked you to try again in March", "rapport writes again on Monday 1 March 2027", "snooze 2027-03-01"},
		{Notice{Kind: NoticeReferral, Contact: jordan, Referred: []string{"Brad Smith <brad@example.com>"}},
			"Jordan Lee suggested someone to talk to", "add them; rapport will mention Jordan when it writes",
			"add Brad Smith <brad@example.com> referred by jordan.lee@example.org"},
		{Notice{Kind: NoticeMeetingSoon, Contact: jordan, Meeting: at(11, 24, 14, 0)},
			"Your conversation with Jordan Lee is coming up: Tuesday 24 November at 2pm", "", "met | notes: ..."},
	} {
		t.Run(string(tt.n.Kind), func(t *testing.T) {
			got := Notification(tt.n, now.UTC(), ny)
			if got.Title != tt.title || (tt.next != "" && got.NextStep != tt.next) || !strings.Contains(got.Commands, tt.commandsHave) {
				t.Errorf("got %+v", got)
			}
			if got.Text != strings.TrimSpace(tt.n.Text) {
				t.Errorf("text %q", got.Text)
			}
		})
	}
}

func TestNextRun(t *testing.T) {
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
	// Repeated, it steps a week at a time, always strictly later.
	cur := now
	for i := 0; i < 60; i++ {
		next, err := NextRun(cur, ny, time.Monday, "08:00")
		if err != nil {
			t.Fatal(err)
		}
		if !next.After(cur) || next.Weekday() != time.Monday || next.Hour() != 8 || next.Minute() != 0 {
			t.Fatalf("after %s came %s", cur, next)
		}
		if i > 0 && next.Sub(cur) > 8*24*time.Hour {
			t.Fatalf("skipped a week: %s after %s", next, cur)
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

func render(t *testing.T) *Rendered {
	t.Helper()
	r, err := build(t, fixture()).Render()
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

// The HTML is for mail clients: no script, no external resources, no SVG
// or images, contact data escaped.
func TestHTMLEmailSafe(t *testing.T) {
	s := fixture()
	s.Contacts[0].Name = `Jordan <script>alert("x")</script> Lee`
	s.Contacts[0].Company = `<img src="https://evil.example/p.gif">`
	d, err := Build(s, params)
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.Render()
	if err != nil {
		t.Fatal(err)
	}
	low := strings.ToLower(r.HTML)
	for _, bad := range []string{"<script", "<img", "<svg", "<link", "<style", "url(", "javascript:", "@import", "<iframe", "<object", "<form"} {
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
	if strings.Count(low, "http") != 1 || strings.Contains(low, "src=") {
		t.Errorf("HTML has %d http references, want only the meeting link", strings.Count(low, "http"))
	}
	// The bars are table cells with widths and a background colour.
	if !strings.Contains(r.HTML, `<td width="100%" height="14" bgcolor="#2f6fb3" style="background-color:#2f6fb3;`) {
		t.Error("no full-width main bar in the chart")
	}
	if !strings.Contains(r.Text, "queued       ####################    3") {
		t.Errorf("text bar chart missing:\n%s", r.Text)
	}
}

func TestMessage(t *testing.T) {
	r := render(t)
	m, err := r.Message(mail.Address{Name: "Alex Doe", Address: "alex@example.com"}, now, "rp.digest.2026-W48@example.com")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	raw := b.String()
	for _, want := range []string{
		"From: \"Alex Doe\" <alex@example.com>", "To: \"Alex Doe\" <alex@example.com>",
		"Subject: [rapport] Weekly digest: week of 23 November (6 to do)",
		"Message-ID: <rp.digest.2026-W48@example.com>", "Auto-Submitted: auto-generated",
		"X-Auto-Response-Suppress: OOF, AutoReply", "multipart/alternative", "text/plain", "text/html",
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("message lacks %q", want)
		}
	}
	if _, err := r.Message(mail.Address{Address: "alex@example.com"}, now, "a\r\nBcc: x@y"); err == nil {
		t.Error("Message accepted a CRLF in the Message-ID")
	}
	if _, err := r.Message(mail.Address{Address: "alex@example.com"}, time.Time{}, "id@x"); err == nil {
		t.Error("Message accepted a zero date")
	}
}

// FuzzRender: any contact data renders, and none of it becomes markup.
// Seeds are in testdata/fuzz/FuzzRender.
func FuzzRender(f *testing.F) {
	f.Add("Jordan Lee", "Acme", "Happy to chat.", "no company")
	f.Fuzz(func(t *testing.T, name, company, text, reason string) {
		s := fixture()
		for i := range s.Contacts {
			s.Contacts[i].Name, s.Contacts[i].Company, s.Contacts[i].StatusReason = name, company, reason
		}
		s.Replies[0].Text = text
		s.Drafts[1].Subject = text
		d, err := Build(s, params)
		if err != nil {
			t.Fatal(err)
		}
		r, err := d.Render()
		if err != nil {
			t.Fatal(err)
		}
		low := strings.ToLower(r.HTML)
		for _, bad := range []string{"<script", "<img", "<svg", "<iframe", "<style", "<link"} {
			if strings.Count(low, bad) != 0 {
				t.Fatalf("HTML has %q", bad)
			}
		}
		if r.Text == "" || !strings.Contains(r.Text, "YOUR PIPELINE") {
			t.Fatal("text lost its pipeline")
		}
		_ = Notification(Notice{Kind: NoticeReferral, Contact: s.Contacts[0], Text: text, Referred: []string{name}}, now, ny)
	})
}
