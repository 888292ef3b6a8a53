package lifecycle_test

import (
	"testing"
	"time"

	"rapport/internal/clock"
	"rapport/internal/lifecycle"
	"rapport/internal/model"
	"rapport/internal/schedule"
)

var ny = mustLoc("America/New_York")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// at is a wall-clock time in New York.
func at(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, ny) }

func policy() lifecycle.Policy {
	return lifecycle.Policy{
		FollowupAfter:    schedule.MustSpan("7bd"),
		FollowupMax:      1,
		FollowupGrace:    schedule.MustSpan("7bd"),
		KeepInTouchEvery: schedule.MustSpan("120d"),
		Outreach:         schedule.DefaultPolicy(ny),
		Home:             ny,
	}
}

func TestNext(t *testing.T) {
	// US daylight saving time ends on Sunday 1 November 2026.
	meetingSunday := &lifecycle.Meeting{Start: at(2026, 11, 1, 10, 0), Duration: 30 * time.Minute}
	tomorrow := &lifecycle.Meeting{Start: at(2026, 11, 25, 14, 0), Duration: 30 * time.Minute}
	berlin := mustLoc("Europe/Berlin")
	cases := []struct {
		name string
		c    model.Contact
		f    lifecycle.Facts
		now  time.Time
		p    func(*lifecycle.Policy)
		want lifecycle.Step
		at   time.Time
	}{
		{name: "follow-up due on a Thursday waits for Tuesday's window, after the DST change",
			c:    model.Contact{Status: model.Contacted, NextAction: "followup", NextActionAt: at(2026, 11, 5, 10, 0)},
			want: lifecycle.Followup, at: at(2026, 11, 10, 9, 0)},
		{name: "follow-up due inside a window stays put",
			c:    model.Contact{Status: model.Contacted, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 30)},
			want: lifecycle.Followup, at: at(2026, 11, 24, 9, 30)},
		{name: "follow-up lands in the contact's morning, not the owner's",
			c:    model.Contact{Status: model.Contacted, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 30)},
			f:    lifecycle.Facts{Loc: berlin},
			want: lifecycle.Followup, at: time.Date(2026, 11, 25, 9, 0, 0, 0, berlin)},
		{name: "with max 0 silence is counted from the follow-up date",
			c:    model.Contact{Status: model.Contacted, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 30)},
			p:    func(p *lifecycle.Policy) { p.FollowupMax = 0 },
			want: lifecycle.NoResponse, at: at(2026, 12, 3, 9, 30)},
		{name: "follow-ups exhausted: no_response when the grace ends",
			c:    model.Contact{Status: model.Contacted, FollowupsSent: 1, NextAction: "no_response", NextActionAt: at(2026, 12, 3, 9, 30)},
			want: lifecycle.NoResponse, at: at(2026, 12, 3, 9, 30)},
		{name: "contacted with nothing planned", c: model.Contact{Status: model.Contacted}, want: lifecycle.None},
		{name: "a reply stops follow-ups",
			c:    model.Contact{Status: model.Replied, NextAction: "answer", NextActionAt: at(2026, 11, 24, 9, 0)},
			want: lifecycle.None},
		{name: "bounced", c: model.Contact{Status: model.Bounced, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 0)}, want: lifecycle.None},
		{name: "opted out", c: model.Contact{Status: model.OptedOut, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 0)}, want: lifecycle.None},
		{name: "paused", c: model.Contact{Status: model.Paused, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 0)}, want: lifecycle.None},
		{name: "a snooze holds a follow-up that falls inside it",
			c: model.Contact{Status: model.Snoozed, NextAction: "resume", NextActionAt: at(2027, 3, 1, 0, 0),
				SnoozedUntil: at(2027, 3, 1, 0, 0), ResumeStatus: model.Contacted},
			now: at(2026, 12, 1, 10, 0), want: lifecycle.Resume, at: at(2027, 3, 1, 0, 0)},
		{name: "preparation note the day before, same wall clock across DST",
			c: model.Contact{Status: model.Scheduled}, f: lifecycle.Facts{Meeting: meetingSunday},
			now: at(2026, 10, 29, 9, 0), want: lifecycle.Prep, at: at(2026, 10, 31, 10, 0)},
		{name: "preparation note late but before the meeting is still worth it",
			c: model.Contact{Status: model.Scheduled}, f: lifecycle.Facts{Meeting: tomorrow},
			now: at(2026, 11, 25, 13, 0), want: lifecycle.Prep, at: at(2026, 11, 24, 14, 0)},
		{name: "after the preparation note: met when the meeting ends",
			c: model.Contact{Status: model.Scheduled}, f: lifecycle.Facts{Meeting: tomorrow, PrepDone: true},
			now: at(2026, 11, 24, 15, 0), want: lifecycle.Met, at: at(2026, 11, 25, 14, 30)},
		{name: "no preparation note once the meeting has started",
			c: model.Contact{Status: model.Scheduled}, f: lifecycle.Facts{Meeting: tomorrow},
			now: at(2026, 11, 25, 14, 10), want: lifecycle.Met, at: at(2026, 11, 25, 14, 30)},
		{name: "scheduled by hand without a meeting time", c: model.Contact{Status: model.Scheduled}, want: lifecycle.None},
		{name: "met: thank-you at once",
			c:    model.Contact{Status: model.Met, StatusChangedAt: at(2026, 11, 25, 14, 30)},
			want: lifecycle.Thankyou, at: at(2026, 11, 25, 14, 30)},
		{name: "met with the thank-you made",
			c: model.Contact{Status: model.Met, StatusChangedAt: at(2026, 11, 25, 14, 30)}, f: lifecycle.Facts{ThankyouDone: true},
			want: lifecycle.None},
		{name: "keep in touch 120 days after the last exchange, wall clock kept across DST",
			c:    model.Contact{Status: model.Thanked, StatusChangedAt: at(2026, 9, 1, 10, 0), LastExchangeAt: at(2026, 10, 1, 10, 0)},
			want: lifecycle.KeepInTouch, at: at(2027, 1, 29, 10, 0)},
		{name: "keep in touch counts from the last note when it is newer",
			c:    model.Contact{Status: model.Thanked, StatusChangedAt: at(2026, 9, 1, 10, 0), LastExchangeAt: at(2026, 10, 1, 10, 0)},
			f:    lifecycle.Facts{LastKeepInTouch: at(2027, 1, 29, 10, 0)},
			want: lifecycle.KeepInTouch, at: at(2027, 5, 29, 10, 0)},
		{name: "any exchange resets the keep-in-touch clock",
			c:    model.Contact{Status: model.Thanked, StatusChangedAt: at(2026, 9, 1, 10, 0), LastExchangeAt: at(2027, 2, 10, 10, 0)},
			f:    lifecycle.Facts{LastKeepInTouch: at(2027, 1, 29, 10, 0)},
			want: lifecycle.KeepInTouch, at: at(2027, 6, 10, 10, 0)},
		{name: "thanked without any exchange counts from the thank-you",
			c:    model.Contact{Status: model.Thanked, StatusChangedAt: at(2026, 12, 1, 9, 0)},
			want: lifecycle.KeepInTouch, at: at(2027, 3, 31, 9, 0)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := policy()
			if tc.p != nil {
				tc.p(&p)
			}
			now := tc.now
			if now.IsZero() {
				now = at(2026, 11, 1, 0, 0)
			}
			got := lifecycle.Next(&tc.c, tc.f, now, p)
			if got.Step != tc.want || (tc.want != lifecycle.None && !got.At.Equal(tc.at)) {
				t.Fatalf("Next = %s at %v, want %s at %v", got.Step, got.At.In(ny), tc.want, tc.at)
			}
			if got.Step != lifecycle.None && (got.Ready(got.At.Add(-time.Second)) || !got.Ready(got.At)) {
				t.Errorf("Ready is wrong around %v", got.At)
			}
		})
	}
}

func TestAfterFollowup(t *testing.T) {
	p := policy()
	p.FollowupMax = 2
	friday := at(2026, 11, 27, 10, 0)
	c := &model.Contact{Status: model.Contacted}
	n, action, next := lifecycle.AfterFollowup(c, friday, p)
	if n != 1 || action != "followup" || !next.Equal(at(2026, 12, 8, 10, 0)) {
		t.Fatalf("first of two: %d %s %v", n, action, next.In(ny))
	}
	c.FollowupsSent = 1
	n, action, next = lifecycle.AfterFollowup(c, friday, p)
	if n != 2 || action != "no_response" || !next.Equal(at(2026, 12, 8, 10, 0)) {
		t.Fatalf("last: %d %s %v", n, action, next.In(ny))
	}
	// Compressed spans for tests work the same way.
	p.FollowupAfter, p.FollowupGrace = schedule.MustSpan("2s"), schedule.MustSpan("5s")
	c.FollowupsSent = 0
	if _, _, next := lifecycle.AfterFollowup(c, friday, p); !next.Equal(friday.Add(2 * time.Second)) {
		t.Errorf("2s after: %v", next)
	}
	c.FollowupsSent = 1
	if _, _, next := lifecycle.AfterFollowup(c, friday, p); !next.Equal(friday.Add(5 * time.Second)) {
		t.Errorf("5s grace: %v", next)
	}
}

func TestResumeAt(t *testing.T) {
	p := policy()
	now := at(2027, 3, 1, 0, 0)
	cases := []struct {
		from    model.Status
		sent    int
		to      model.Status
		action  string
		sentNow int
		requeue bool
	}{
		{from: model.Contacted, sent: 1, to: model.Contacted, action: "followup", sentNow: 0},
		{from: model.Contacted, sent: 0, to: model.Contacted, action: "followup", sentNow: 0},
		{from: "", to: model.Queued, requeue: true},
		{from: model.Queued, to: model.Queued, requeue: true},
		{from: model.Replied, sent: 1, to: model.Replied, sentNow: 1},
		{from: model.Thanked, to: model.Thanked},
	}
	for _, tc := range cases {
		c := &model.Contact{Status: model.Snoozed, ResumeStatus: tc.from, FollowupsSent: tc.sent}
		r := lifecycle.ResumeAt(c, now, p)
		if r.To != tc.to || r.NextAction != tc.action || r.FollowupsSent != tc.sentNow || r.Requeue != tc.requeue {
			t.Errorf("resume from %q: %+v", tc.from, r)
		}
		if tc.action != "" && !r.NextActionAt.Equal(now) {
			t.Errorf("resume from %q: next at %v", tc.from, r.NextActionAt)
		}
	}
	// With follow-ups switched off, the resumed contact still gets one.
	p.FollowupMax = 0
	r := lifecycle.ResumeAt(&model.Contact{Status: model.Snoozed, ResumeStatus: model.Contacted}, now, p)
	c := &model.Contact{Status: r.To, NextAction: r.NextAction, NextActionAt: r.NextActionAt, FollowupsSent: r.FollowupsSent}
	if d := lifecycle.Next(c, lifecycle.Facts{}, now, p); d.Step != lifecycle.Followup {
		t.Fatalf("resumed with max 0: %+v", d)
	}
	n, action, _ := lifecycle.AfterFollowup(c, now, p)
	if n != 0 || action != "no_response" {
		t.Fatalf("after the resumed follow-up with max 0: %d %s", n, action)
	}
}

// TestSnoozeCrossingAFollowupDate drives one contact through a snooze on a
// fake clock, hour by hour, applying each step as the daemon would: the
// follow-up planned inside the snooze never happens, exactly one happens
// after it, and then no_response after the grace.
func TestSnoozeCrossingAFollowupDate(t *testing.T) {
	p := policy()
	clk := clock.NewFake(at(2026, 11, 24, 10, 0))
	c := &model.Contact{Status: model.Contacted, NextAction: "followup", NextActionAt: at(2026, 12, 3, 10, 0),
		StatusChangedAt: clk.Now()}
	type done struct {
		step lifecycle.Step
		at   time.Time
	}
	var log []done
	for clk.Now().Before(at(2027, 3, 31, 0, 0)) {
		now := clk.Now()
		if now.Equal(at(2026, 11, 26, 10, 0)) {
			// "Try me in March" (what the pipeline does with it).
			c.ResumeStatus, c.Status = model.Contacted, model.Snoozed
			c.SnoozedUntil, c.NextAction, c.NextActionAt = at(2027, 3, 1, 0, 0), "resume", at(2027, 3, 1, 0, 0)
		}
		for i := 0; i < 5; i++ {
			d := lifecycle.Next(c, lifecycle.Facts{}, now, p)
			if !d.Ready(now) {
				break
			}
			log = append(log, done{d.Step, now})
			switch d.Step {
			case lifecycle.Followup:
				c.FollowupsSent, c.NextAction, c.NextActionAt = lifecycle.AfterFollowup(c, now, p)
			case lifecycle.NoResponse:
				c.Status, c.NextAction, c.NextActionAt = model.NoResponse, "", time.Time{}
			case lifecycle.Resume:
				r := lifecycle.ResumeAt(c, now, p)
				c.Status, c.NextAction, c.NextActionAt, c.FollowupsSent = r.To, r.NextAction, r.NextActionAt, r.FollowupsSent
				c.SnoozedUntil = time.Time{}
			default:
				t.Fatalf("unexpected step %s at %v", d.Step, now)
			}
		}
		clk.Advance(time.Hour)
	}
	want := []done{
		{lifecycle.Resume, at(2027, 3, 1, 0, 0)},
		// Monday 1 March: the first preferred window is Tuesday 2 March.
		{lifecycle.Followup, at(2027, 3, 2, 9, 0)},
		// 7 business days of grace (no holidays configured).
		{lifecycle.NoResponse, at(2027, 3, 11, 9, 0)},
	}
	if len(log) != len(want) {
		t.Fatalf("steps %+v, want %+v", log, want)
	}
	for i := range want {
		if log[i].step != want[i].step || !log[i].at.Equal(want[i].at) {
			t.Errorf("step %d: %s at %v, want %s at %v", i, log[i].step, log[i].at.In(ny), want[i].step, want[i].at)
		}
	}
}

func TestBringForward3B7(t *testing.T) {
	p := policy()
	tue := at(2026, 11, 17, 10, 0)
	later := at(2026, 12, 15, 9, 0)
	contact := func(id int64, company string, st model.Status, changed time.Time, action string, next time.Time) *model.Contact {
		return &model.Contact{ID: id, Company: company, Status: st, StatusChangedAt: changed, NextAction: action,
			NextActionAt: next, CreatedAt: tue.Add(time.Duration(id) * time.Minute)}
	}
	base := func() []*model.Contact {
		return []*model.Contact{
			contact(1, "Acme", model.Contacted, tue, "followup", tue.AddDate(0, 0, 9)),
			contact(3, "acme ", model.Queued, tue, "outreach", later),
			contact(2, "ACME", model.Queued, tue, "outreach", later),
			contact(4, "", model.Queued, tue, "outreach", later),
			contact(5, "Globex", model.Queued, tue, "outreach", later),
		}
	}
	ids := func(cs []*model.Contact) []int64 {
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	// Three business days after Tuesday 10:00 is Friday 10:00.
	if got := lifecycle.BringForward(base(), at(2026, 11, 20, 9, 59), p); len(got) != 0 {
		t.Errorf("before three business days: %v", ids(got))
	}
	if got := lifecycle.BringForward(base(), at(2026, 11, 20, 10, 0), p); len(got) != 1 || got[0].ID != 2 {
		t.Errorf("after three business days: %v, want [2] (added first)", ids(got))
	}
	answered := base()
	answered = append(answered, contact(6, "Acme", model.Replied, tue, "answer", tue))
	if got := lifecycle.BringForward(answered, at(2026, 11, 23, 10, 0), p); len(got) != 0 {
		t.Errorf("someone at the company answered: %v", ids(got))
	}
	planned := base()
	planned[2].NextAction, planned[2].NextActionAt = "send", at(2026, 11, 24, 9, 0)
	if got := lifecycle.BringForward(planned, at(2026, 11, 23, 10, 0), p); len(got) != 0 {
		t.Errorf("the next person is already planned: %v", ids(got))
	}
	silent := base()
	silent[0].Status = model.NoResponse
	if got := lifecycle.BringForward(silent, at(2026, 11, 23, 10, 0), p); len(got) != 1 || got[0].ID != 2 {
		t.Errorf("no_response counts as silence: %v", ids(got))
	}
}
