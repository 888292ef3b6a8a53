package pipeline_test

import (
	"testing"
	"time"

	"rapport/internal/classify"
	"rapport/internal/clock"
	"rapport/internal/model"
	"rapport/internal/pipeline"
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

func policy() pipeline.Policy {
	return pipeline.Policy{
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
	meetingSunday := pipeline.Meeting{Start: at(2026, 11, 1, 10, 0), Duration: 30 * time.Minute, State: pipeline.MeetingScheduled}
	tomorrow := pipeline.Meeting{Start: at(2026, 11, 25, 14, 0), Duration: 30 * time.Minute, State: pipeline.MeetingScheduled}
	prepared := tomorrow
	prepared.Prepared = true
	berlin := mustLoc("Europe/Berlin")
	cases := []struct {
		name string
		c    model.Contact
		f    pipeline.Facts
		now  time.Time
		p    func(*pipeline.Policy)
		want model.Action
		at   time.Time
	}{
		{name: "follow-up due on a Thursday waits for Tuesday's window, after the DST change",
			c:    model.Contact{Status: model.Contacted, NextAction: "followup", NextActionAt: at(2026, 11, 5, 10, 0)},
			want: model.ActionFollowup, at: at(2026, 11, 10, 9, 0)},
		{name: "follow-up due inside a window stays put",
			c:    model.Contact{Status: model.Contacted, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 30)},
			want: model.ActionFollowup, at: at(2026, 11, 24, 9, 30)},
		{name: "follow-up lands in the contact's morning, not the owner's",
			c:    model.Contact{Status: model.Contacted, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 30)},
			f:    pipeline.Facts{Loc: berlin},
			want: model.ActionFollowup, at: time.Date(2026, 11, 25, 9, 0, 0, 0, berlin)},
		{name: "with max 0 silence is counted from the follow-up date",
			c:    model.Contact{Status: model.Contacted, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 30)},
			p:    func(p *pipeline.Policy) { p.FollowupMax = 0 },
			want: model.ActionNoResponse, at: at(2026, 12, 3, 9, 30)},
		{name: "follow-ups exhausted: no_response when the grace ends",
			c:    model.Contact{Status: model.Contacted, FollowupsSent: 1, NextAction: "no_response", NextActionAt: at(2026, 12, 3, 9, 30)},
			want: model.ActionNoResponse, at: at(2026, 12, 3, 9, 30)},
		{name: "contacted with nothing planned", c: model.Contact{Status: model.Contacted}, want: model.ActionNone},
		{name: "a reply stops follow-ups: the owner answers, no timer",
			c:    model.Contact{Status: model.Replied, NextAction: "answer", NextActionAt: at(2026, 11, 24, 9, 0)},
			want: model.ActionAnswer, at: at(2026, 11, 24, 9, 0)},
		{name: "thank-you thankyou.after the meeting's end",
			c:    model.Contact{Status: model.Met, StatusChangedAt: at(2026, 11, 25, 14, 30)},
			f:    pipeline.Facts{Meetings: []pipeline.Meeting{{Start: at(2026, 11, 25, 14, 0), Duration: 30 * time.Minute, State: pipeline.MeetingHeldState}}},
			p:    func(p *pipeline.Policy) { p.ThankyouAfter = schedule.MustSpan("2h") },
			want: model.ActionThankyou, at: at(2026, 11, 25, 16, 30)},
		{name: "thank-you never later than a day after the meeting",
			c:    model.Contact{Status: model.Met, StatusChangedAt: at(2026, 11, 25, 14, 30)},
			p:    func(p *pipeline.Policy) { p.ThankyouAfter = schedule.MustSpan("3d") },
			want: model.ActionThankyou, at: at(2026, 11, 26, 14, 30)},
		{name: "bounced", c: model.Contact{Status: model.Bounced, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 0)}, want: model.ActionNone},
		{name: "opted out", c: model.Contact{Status: model.OptedOut, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 0)}, want: model.ActionNone},
		{name: "paused", c: model.Contact{Status: model.Paused, NextAction: "followup", NextActionAt: at(2026, 11, 24, 9, 0)}, want: model.ActionNone},
		{name: "a snooze holds a follow-up that falls inside it",
			c: model.Contact{Status: model.Snoozed, NextAction: "resume", NextActionAt: at(2027, 3, 1, 0, 0),
				SnoozedUntil: at(2027, 3, 1, 0, 0), ResumeStatus: model.Contacted},
			now: at(2026, 12, 1, 10, 0), want: model.ActionResume, at: at(2027, 3, 1, 0, 0)},
		{name: "preparation note the day before, same wall clock across DST",
			c: model.Contact{Status: model.Scheduled}, f: pipeline.Facts{Meetings: []pipeline.Meeting{meetingSunday}},
			now: at(2026, 10, 29, 9, 0), want: model.ActionPrep, at: at(2026, 10, 31, 10, 0)},
		{name: "preparation note late but before the meeting is still worth it",
			c: model.Contact{Status: model.Scheduled}, f: pipeline.Facts{Meetings: []pipeline.Meeting{tomorrow}},
			now: at(2026, 11, 25, 13, 0), want: model.ActionPrep, at: at(2026, 11, 24, 14, 0)},
		{name: "after the preparation note: met when the meeting ends",
			c: model.Contact{Status: model.Scheduled}, f: pipeline.Facts{Meetings: []pipeline.Meeting{prepared}},
			now: at(2026, 11, 24, 15, 0), want: model.ActionMet, at: at(2026, 11, 25, 14, 30)},
		{name: "no preparation note once the meeting has started",
			c: model.Contact{Status: model.Scheduled}, f: pipeline.Facts{Meetings: []pipeline.Meeting{tomorrow}},
			now: at(2026, 11, 25, 14, 10), want: model.ActionMet, at: at(2026, 11, 25, 14, 30)},
		{name: "scheduled by hand without a meeting time", c: model.Contact{Status: model.Scheduled}, want: model.ActionNone},
		{name: "met: thank-you at once",
			c:    model.Contact{Status: model.Met, StatusChangedAt: at(2026, 11, 25, 14, 30)},
			want: model.ActionThankyou, at: at(2026, 11, 25, 14, 30)},
		{name: "met with the thank-you made",
			c: model.Contact{Status: model.Met, StatusChangedAt: at(2026, 11, 25, 14, 30)}, f: pipeline.Facts{ThankyouDone: true},
			want: model.ActionNone},
		{name: "keep in touch 120 days after the last exchange, wall clock kept across DST",
			c:    model.Contact{Status: model.Thanked, StatusChangedAt: at(2026, 9, 1, 10, 0), LastExchangeAt: at(2026, 10, 1, 10, 0)},
			want: model.ActionKeepInTouch, at: at(2027, 1, 29, 10, 0)},
		{name: "keep in touch counts from the last note when it is newer",
			c:    model.Contact{Status: model.Thanked, StatusChangedAt: at(2026, 9, 1, 10, 0), LastExchangeAt: at(2026, 10, 1, 10, 0)},
			f:    pipeline.Facts{LastKeepInTouch: at(2027, 1, 29, 10, 0)},
			want: model.ActionKeepInTouch, at: at(2027, 5, 29, 10, 0)},
		{name: "any exchange resets the keep-in-touch clock",
			c:    model.Contact{Status: model.Thanked, StatusChangedAt: at(2026, 9, 1, 10, 0), LastExchangeAt: at(2027, 2, 10, 10, 0)},
			f:    pipeline.Facts{LastKeepInTouch: at(2027, 1, 29, 10, 0)},
			want: model.ActionKeepInTouch, at: at(2027, 6, 10, 10, 0)},
		{name: "thanked without any exchange counts from the thank-you",
			c:    model.Contact{Status: model.Thanked, StatusChangedAt: at(2026, 12, 1, 9, 0)},
			want: model.ActionKeepInTouch, at: at(2027, 3, 31, 9, 0)},
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
			got := pipeline.Next(&tc.c, tc.f, now, p)
			if got.Action != tc.want || (tc.want != model.ActionNone && !got.At.Equal(tc.at)) {
				t.Fatalf("Next = %s at %v, want %s at %v", got.Action, got.At.In(ny), tc.want, tc.at)
			}
			if got.Action.Timer() && (got.Ready(got.At.Add(-time.Second)) || !got.Ready(got.At)) {
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
	n, action, next := pipeline.AfterFollowup(c, friday, p)
	if n != 1 || action != "followup" || !next.Equal(at(2026, 12, 8, 10, 0)) {
		t.Fatalf("first of two: %d %s %v", n, action, next.In(ny))
	}
	c.FollowupsSent = 1
	n, action, next = pipeline.AfterFollowup(c, friday, p)
	if n != 2 || action != "no_response" || !next.Equal(at(2026, 12, 8, 10, 0)) {
		t.Fatalf("last: %d %s %v", n, action, next.In(ny))
	}
	// Compressed spans for tests work the same way.
	p.FollowupAfter, p.FollowupGrace = schedule.MustSpan("2s"), schedule.MustSpan("5s")
	c.FollowupsSent = 0
	if _, _, next := pipeline.AfterFollowup(c, friday, p); !next.Equal(friday.Add(2 * time.Second)) {
		t.Errorf("2s after: %v", next)
	}
	c.FollowupsSent = 1
	if _, _, next := pipeline.AfterFollowup(c, friday, p); !next.Equal(friday.Add(5 * time.Second)) {
		t.Errorf("5s grace: %v", next)
	}
}

func TestResume(t *testing.T) {
	p := policy()
	now := at(2027, 3, 1, 0, 0)
	cases := []struct {
		from      model.Status
		sent      int
		to        model.Status
		action    model.Action
		followups int // -1: unchanged
		requeue   bool
	}{
		{from: model.Contacted, sent: 1, to: model.Contacted, action: model.ActionFollowup, followups: 0},
		{from: model.Contacted, sent: 0, to: model.Contacted, action: model.ActionFollowup, followups: 0},
		{from: "", to: model.Queued, action: model.ActionOutreach, followups: -1, requeue: true},
		{from: model.Queued, to: model.Queued, action: model.ActionOutreach, followups: -1, requeue: true},
		{from: model.Replied, sent: 1, to: model.Replied, action: model.ActionAnswer, followups: -1},
		{from: model.Thanked, to: model.Thanked, followups: -1},
	}
	for _, tc := range cases {
		c := &model.Contact{Status: model.Snoozed, ResumeStatus: tc.from, FollowupsSent: tc.sent}
		d := pipeline.Resume(c, now, p, "over")
		if d.To != tc.to || d.NextAction != tc.action || d.Requeue != tc.requeue ||
			(tc.followups >= 0) != d.SetFollowups || (d.SetFollowups && d.Followups != tc.followups) {
			t.Errorf("resume from %q: %+v", tc.from, d)
		}
		if tc.action == model.ActionFollowup && !d.NextActionAt.Equal(now) {
			t.Errorf("resume from %q: next at %v", tc.from, d.NextActionAt)
		}
	}
	if d := pipeline.Resume(&model.Contact{Status: model.Contacted}, now, p, "x"); !d.Skip {
		t.Errorf("resuming a contact that is not held: %+v", d)
	}
	// With follow-ups switched off, the resumed contact still gets one.
	p.FollowupMax = 0
	d := pipeline.Resume(&model.Contact{Status: model.Snoozed, ResumeStatus: model.Contacted}, now, p, "over")
	c := &model.Contact{Status: d.To, NextAction: d.NextAction, NextActionAt: d.NextActionAt, FollowupsSent: d.Followups}
	if due := pipeline.Next(c, pipeline.Facts{}, now, p); due.Action != model.ActionFollowup {
		t.Fatalf("resumed with max 0: %+v", due)
	}
	n, action, _ := pipeline.AfterFollowup(c, now, p)
	if n != 0 || action != model.ActionNoResponse {
		t.Fatalf("after the resumed follow-up with max 0: %d %s", n, action)
	}
}

// apply is what internal/apply does with a decision, minus the store, for
// driving the state machine in these tests.
func apply(c *model.Contact, f pipeline.Facts, d pipeline.Decision, now time.Time, p pipeline.Policy) {
	if d.Skip {
		return
	}
	if d.To != "" && d.To != c.Status {
		c.Status, c.StatusChangedAt = d.To, now
	}
	if d.SetNext {
		c.NextAction, c.NextActionAt = d.NextAction, d.NextActionAt
	}
	if d.To == model.Snoozed {
		c.SnoozedUntil, c.ResumeStatus = d.SnoozedUntil, d.ResumeStatus
	}
	if d.SetFollowups {
		c.FollowupsSent = d.Followups
	}
	due := pipeline.Next(c, f, now, p)
	c.NextAction, c.NextActionAt = due.Action, due.At
}

// TestSnoozeCrossingAFollowupDate drives one contact through a snooze on a
// fake clock, hour by hour, applying each step as the daemon would: the
// follow-up planned inside the snooze never happens, exactly one happens
// after it, and then no_response after the grace.
func TestSnoozeCrossingAFollowupDate(t *testing.T) {
	p := policy()
	clk := clock.NewFake(at(2026, 11, 24, 10, 0))
	c := &model.Contact{Status: model.Contacted, NextAction: model.ActionFollowup, NextActionAt: at(2026, 12, 3, 10, 0),
		StatusChangedAt: clk.Now()}
	type done struct {
		step model.Action
		at   time.Time
	}
	var log []done
	for clk.Now().Before(at(2027, 3, 31, 0, 0)) {
		now := clk.Now()
		if now.Equal(at(2026, 11, 26, 10, 0)) {
			// "Try me in March" (what the pipeline does with it).
			d := pipeline.Inbound(c, pipeline.Facts{}, pipeline.Mail{FromContact: true, Result: classify.Result{
				Kind: classify.KindHuman, Intent: classify.IntentSnooze, SnoozeUntil: at(2027, 3, 1, 0, 0)}}, now, p)
			apply(c, pipeline.Facts{}, d, now, p)
		}
		for i := 0; i < 5; i++ {
			due := pipeline.Next(c, pipeline.Facts{}, now, p)
			if !due.Ready(now) {
				break
			}
			log = append(log, done{due.Action, now})
			d := pipeline.Step(c, pipeline.Facts{}, now, p)
			if d.Skip {
				t.Fatalf("a due step was skipped at %v", now)
			}
			apply(c, pipeline.Facts{}, d, now, p)
		}
		clk.Advance(time.Hour)
	}
	want := []done{
		{model.ActionResume, at(2027, 3, 1, 0, 0)},
		// Monday 1 March: the first preferred window is Tuesday 2 March.
		{model.ActionFollowup, at(2027, 3, 2, 9, 0)},
		// 7 business days of grace (no holidays configured).
		{model.ActionNoResponse, at(2027, 3, 11, 9, 0)},
	}
	if len(log) != len(want) {
		t.Fatalf("steps %+v, want %+v", log, want)
	}
	for i := range want {
		if log[i].step != want[i].step || !log[i].at.Equal(want[i].at) {
			t.Errorf("step %d: %s at %v, want %s at %v", i, log[i].step, log[i].at.In(ny), want[i].step, want[i].at)
		}
	}
	if c.Status != model.NoResponse {
		t.Errorf("ended %s, want no_response", c.Status)
	}
}

func TestBringForward3B7(t *testing.T) {
	p := policy()
	tue := at(2026, 11, 17, 10, 0)
	later := at(2026, 12, 15, 9, 0)
	contact := func(id int64, company string, st model.Status, changed time.Time, action model.Action, next time.Time) *model.Contact {
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
	if got := pipeline.BringForward(base(), at(2026, 11, 20, 9, 59), p); len(got) != 0 {
		t.Errorf("before three business days: %v", ids(got))
	}
	if got := pipeline.BringForward(base(), at(2026, 11, 20, 10, 0), p); len(got) != 1 || got[0].ID != 2 {
		t.Errorf("after three business days: %v, want [2] (added first)", ids(got))
	}
	answered := base()
	answered = append(answered, contact(6, "Acme", model.Replied, tue, "answer", tue))
	if got := pipeline.BringForward(answered, at(2026, 11, 23, 10, 0), p); len(got) != 0 {
		t.Errorf("someone at the company answered: %v", ids(got))
	}
	planned := base()
	planned[2].NextAction, planned[2].NextActionAt = "send", at(2026, 11, 24, 9, 0)
	if got := pipeline.BringForward(planned, at(2026, 11, 23, 10, 0), p); len(got) != 0 {
		t.Errorf("the next person is already planned: %v", ids(got))
	}
	silent := base()
	silent[0].Status = model.NoResponse
	if got := pipeline.BringForward(silent, at(2026, 11, 23, 10, 0), p); len(got) != 1 || got[0].ID != 2 {
		t.Errorf("no_response counts as silence: %v", ids(got))
	}
}
