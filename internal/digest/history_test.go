package digest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"rapport/internal/clock"
	"rapport/internal/compose"
	"rapport/internal/digest"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/store/storetest"
)

var newYork = func() *time.Location {
	l, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return l
}()

func nyAt(m time.Month, d, h, mi int) time.Time { return time.Date(2026, m, d, h, mi, 0, 0, newYork) }

// history writes four weeks of outreach into a store the way the engine
// does (contacts, timeline, mail rows, meetings), moving a fake clock
// through them.
type history struct {
	t       *testing.T
	ctx     context.Context
	s       *store.Store
	clk     *clock.Fake
	account int64
	seq     int
}

func (h *history) at(t time.Time) { h.clk.Set(t) }

func (h *history) must(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *history) add(name, email, company string) *model.Contact {
	h.t.Helper()
	c := &model.Contact{AccountID: h.account, Email: email, Name: name, Company: company, Status: model.Queued,
		NextAction: model.ActionOutreach, NextActionAt: h.clk.Now().Add(time.Hour)}
	h.must(h.s.InsertContact(h.ctx, c, model.EventCreated, "added"))
	return c
}

func (h *history) id() string {
	h.seq++
	return fmt.Sprintf("m%d@example.com", h.seq)
}

func (h *history) send(c *model.Contact) {
	h.t.Helper()
	id := h.id()
	_, err := h.s.InsertMessage(h.ctx, h.account, store.NewMessage{ContactID: c.ID, Direction: model.Out, Kind: model.KindOutreach,
		State: model.MsgSent, MessageID: id, Subject: "A question about " + c.Company, From: "alex@example.com", To: c.Email,
		SentAt: h.clk.Now(), PlannedAt: h.clk.Now()})
	h.must(err)
	h.must(h.s.WriteStatus(h.ctx, c, store.Transition{To: model.Contacted, EventType: model.EventSent, Detail: "sent", MessageID: id,
		NextAction: model.ActionFollowup, NextActionAt: h.clk.Now().AddDate(0, 0, 9)}))
}

// reply records a person's answer: replied, waiting for the owner's answer.
func (h *history) reply(c *model.Contact, class, text string) {
	h.t.Helper()
	id := h.id()
	_, err := h.s.InsertMessage(h.ctx, h.account, store.NewMessage{ContactID: c.ID, Direction: model.In, Kind: "human",
		State: model.MsgReceived, MessageID: id, Subject: "Re: A question about " + c.Company, From: c.Email, To: "alex@example.com",
		SentAt: h.clk.Now(), Class: class})
	h.must(err)
	detail := fmt.Sprintf("replied: %q", text)
	if c.Status == model.Contacted {
		h.must(h.s.WriteStatus(h.ctx, c, store.Transition{To: model.Replied, EventType: model.EventReply, Detail: detail, MessageID: id,
			NextAction: model.ActionAnswer, NextActionAt: h.clk.Now()}))
	} else {
		h.must(h.s.AddEvent(h.ctx, h.account, &model.Event{ContactID: c.ID, Type: model.EventReply, From: c.Status, To: c.Status,
			Detail: detail, MessageID: id}))
		h.must(h.s.WriteNextAction(h.ctx, c, model.ActionAnswer, h.clk.Now()))
	}
	h.must(h.s.SetLastExchange(h.ctx, c, h.clk.Now()))
}

// answer is the owner's own message to c, seen in Sent.
func (h *history) answer(c *model.Contact) {
	h.t.Helper()
	_, err := h.s.InsertMessage(h.ctx, h.account, store.NewMessage{ContactID: c.ID, Direction: model.Out, Kind: "own",
		State: model.MsgSent, MessageID: h.id(), From: "alex@example.com", To: c.Email, SentAt: h.clk.Now()})
	h.must(err)
	h.must(h.s.AddEvent(h.ctx, h.account, &model.Event{ContactID: c.ID, Type: model.EventOwnMessage, From: c.Status, To: c.Status, Detail: "you answered them"}))
	h.must(h.s.WriteNextAction(h.ctx, c, model.ActionNone, time.Time{}))
	h.must(h.s.SetLastExchange(h.ctx, c, h.clk.Now()))
}

func (h *history) meeting(c *model.Contact, start time.Time, format, location string) *store.Meeting {
	h.t.Helper()
	m := &store.Meeting{AccountID: h.account, ContactID: c.ID, Start: start, Duration: 30 * time.Minute, Format: format,
		Location: location, State: store.MeetingScheduled, Source: "command"}
	h.must(h.s.InsertMeeting(h.ctx, m))
	h.must(h.s.WriteStatus(h.ctx, c, store.Transition{To: model.Scheduled, EventType: model.EventMeeting, Detail: "meeting set",
		NextAction: model.ActionPrep, NextActionAt: start.Add(-24 * time.Hour)}))
	return m
}

func (h *history) draft(c *model.Contact, kind model.Kind, subject string) int64 {
	h.t.Helper()
	id, err := h.s.InsertMessage(h.ctx, h.account, store.NewMessage{ContactID: c.ID, Direction: model.Out, Kind: kind,
		State: model.MsgDrafted, MessageID: h.id(), Subject: subject, From: "alex@example.com", To: c.Email})
	h.must(err)
	return id
}

// held is the meeting's end: met, with a thank-you draft in Drafts.
func (h *history) held(c *model.Contact, m *store.Meeting) int64 {
	h.t.Helper()
	h.must(h.s.SetMeetingState(h.ctx, m, store.MeetingHeld))
	h.must(h.s.WriteStatus(h.ctx, c, store.Transition{To: model.Met, Detail: "the meeting ended"}))
	return h.draft(c, model.KindThankyou, "Thank you")
}

// TestFourWeekHistory builds a month of outreach on the fake clock in a
// real store (SQLite and PostgreSQL), then reads the digest through the
// store's DigestSource at Monday 08:00 and checks it shows everything that
// needs the owner this week, and nothing that no longer does.
func TestFourWeekHistory(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) { fourWeeks(t, dialect) })
	}
}

func fourWeeks(t *testing.T, dialect string) {
	clk := clock.NewFake(nyAt(10, 26, 8, 0))
	s := storetest.Open(t, dialect, clk)
	ctx := context.Background()
	account, err := s.Account(ctx, "alex@example.com")
	if err != nil {
		t.Fatal(err)
	}
	h := &history{t: t, ctx: ctx, s: s, clk: clk, account: account}

	// Week 1 (from Monday 26 October): five requests.
	h.at(nyAt(10, 26, 9, 0))
	maria := h.add("Maria Lopez", "maria@example.org", "Northwind")
	sam := h.add("Sam Rivera", "sam@example.net", "Globex")
	chris := h.add("Chris Park", "chris@example.org", "Initech")
	gus := h.add("Gus Ortiz", "gus@example.com", "Soylent")
	rae := h.add("Rae Chen", "rae@example.com", "Hooli")
	h.at(nyAt(10, 27, 9, 30))
	for _, c := range []*model.Contact{maria, sam, chris, gus, rae} {
		h.send(c)
		clk.Advance(4 * time.Minute)
	}
	h.at(nyAt(10, 28, 15, 0))
	h.reply(chris, "human", "Happy to help. Thursday next week?")
	h.at(nyAt(10, 29, 10, 0))
	h.reply(maria, "human", "Sure, let's talk.")
	h.answer(chris)
	h.answer(maria)

	// Week 2: meetings agreed; Maria's happens and she is thanked;
	// she refers Brad (waiting for approval).
	h.at(nyAt(11, 2, 10, 0))
	mMaria := h.meeting(maria, nyAt(11, 5, 12, 0), "video", "https://meet.example.org/maria")
	h.at(nyAt(11, 5, 12, 30))
	thanksDraft := h.held(maria, mMaria)
	h.at(nyAt(11, 5, 17, 0))
	// The owner sends the thank-you draft: it leaves Drafts.
	m, err := s.Message(ctx, thanksDraft)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgSent, SentAt: clk.Now()}); err != nil {
		t.Fatal(err)
	}
	h.must(s.WriteStatus(ctx, maria, store.Transition{To: model.Thanked, EventType: model.EventOwnMessage, Detail: "thank-you sent",
		NextAction: model.ActionKeepInTouch, NextActionAt: clk.Now().AddDate(0, 4, 0)}))
	h.at(nyAt(11, 6, 9, 0))
	brad := &model.Contact{AccountID: account, Email: "brad@example.com", Name: "Brad Smith", Company: "Stark",
		Status: model.Suggested, StatusReason: "referred by Maria Lopez <maria@example.org>; waiting for your approval",
		ReferredBy: "maria@example.org", NextAction: model.ActionApprove}
	h.must(s.InsertContact(ctx, brad, model.EventCreated, "referred by Maria Lopez <maria@example.org>; waiting for your approval"))

	// Week 3: more requests; Gus gets a follow-up draft and stays silent.
	h.at(nyAt(11, 10, 9, 30))
	jordan := h.add("Jordan Lee", "jordan.lee@example.org", "Acme Analytics")
	pat := h.add("Pat Kim", "pat@example.com", "Initech")
	fay := h.add("Fay Wu", "fay@example.com", "Initrode")
	for _, c := range []*model.Contact{jordan, pat, fay} {
		clk.Advance(5 * time.Minute)
		h.send(c)
	}
	h.at(nyAt(11, 11, 9, 0))
	gusDraft := h.draft(gus, model.KindFollowup, "Re: A question about Soylent")
	h.must(s.WriteNextAction(ctx, gus, model.ActionNoResponse, nyAt(11, 22, 9, 0)))
	h.at(nyAt(11, 12, 14, 0))
	h.reply(sam, "human", "Glad to. Any time next week.")
	h.answer(sam)
	h.at(nyAt(11, 13, 11, 0))
	mChris := h.meeting(chris, nyAt(11, 19, 14, 0), "phone", "+1 312 555 0142")

	// Week 4: Chris's meeting happens (not thanked yet); replies and a
	// question wait; two meetings are set for the coming week; Gus is
	// closed as no_response the day before the digest, his draft still
	// in Drafts; Fay's follow-up is due Thursday.
	h.at(nyAt(11, 19, 14, 30))
	h.held(chris, mChris)
	h.at(nyAt(11, 20, 16, 5))
	h.reply(jordan, "human", "Hi Alex, happy to chat. Tuesday at 2pm works for me.")
	h.at(nyAt(11, 21, 11, 0))
	h.meeting(sam, nyAt(11, 24, 14, 0), "video", "https://meet.example.org/sam")
	h.meeting(rae, nyAt(11, 25, 10, 0), "coffee", "Blue Bottle, Ferry Building")
	h.at(nyAt(11, 22, 9, 0))
	h.must(s.WriteStatus(ctx, gus, store.Transition{To: model.NoResponse, Detail: "no answer after the follow-ups"}))
	h.at(nyAt(11, 22, 19, 0))
	h.reply(pat, "human:question", "Before we talk: what would you like to cover?")
	h.must(s.WriteNextAction(ctx, fay, model.ActionFollowup, nyAt(11, 26, 9, 40)))
	dana := h.add("Dana Kim", "dana@example.com", "Umbrella")
	h.must(s.WriteNextAction(ctx, dana, model.ActionOutreach, nyAt(11, 24, 9, 40)))
	_ = gusDraft

	// Monday 23 November, 08:00: the digest is due.
	h.at(nyAt(11, 23, 8, 0))
	sched, err := digest.ParseSchedule("mon", "08:00", newYork)
	if err != nil {
		t.Fatal(err)
	}
	slot, key, due := sched.Due(clk.Now())
	if !due || !slot.Equal(nyAt(11, 23, 8, 0)) || key != "2026-W48" {
		t.Fatalf("Due at %v = %v %q %v", clk.Now(), slot, key, due)
	}
	p := digest.Params{Now: clk.Now(), Loc: newYork, FollowupMode: "draft", Me: compose.Me{Name: "Alex Doe", Email: "alex@example.com"}}
	var snap digest.Snapshot
	if err := s.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		snap, err = digest.Read(ctx, tx.DigestSource(account), p)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	d, err := digest.Build(snap, p)
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.Render()
	if err != nil {
		t.Fatal(err)
	}
	text := r.Text

	for _, want := range []string{
		// Replies and the question, oldest first, with how long they waited.
		"- Answer Jordan Lee <jordan.lee@example.org>, Acme Analytics: replied Fri 20 Nov, waiting 3 days (late)\n" +
			"    > “Hi Alex, happy to chat. Tuesday at 2pm works for me.”\n" +
			"- Answer Pat Kim <pat@example.com>, Initech: asked a question Sun 22 Nov, waiting 1 day\n" +
			"    > “Before we talk: what would you like to cover?”\n",
		// The two meetings of the coming week, with format and preparation.
		"- Tue 24 Nov, 2pm ET: Sam Rivera <sam@example.net>, Globex\n    Format: video, 30 min, https://meet.example.org/sam\n" +
			"    Preparation: rapport's prep mail comes Mon 23 Nov, 2pm ET\n",
		"- Wed 25 Nov, 10am ET: Rae Chen <rae@example.com>, Hooli\n    Format: coffee, 30 min, Blue Bottle, Ferry Building\n",
		// Chris: met Thursday, not thanked yet, the draft waiting.
		"- Thank Chris Park <chris@example.org>, Initech: met Thu 19 Nov, 4 days ago (late)\n    Draft: in your Drafts folder since Thu 19 Nov",
		// Brad waits for approval.
		"- Approve Brad Smith <brad@example.com>, Stark: suggested by Maria Lopez <maria@example.org>, Fri 6 Nov\n" +
			"    Nothing is sent to Brad until you reply \"approve brad@example.com\".",
		// Fay's follow-up on Thursday.
		"- Thu 26 Nov, 9:40am ET: Fay Wu <fay@example.com>, Initrode: follow-up, a draft in your Drafts folder for you to send\n",
		"- Tue 24 Nov: first message to Dana Kim (Umbrella)\n",
		"| contacted    |    1 |         0 |        +3 |",
		"| no response  |    1 |        +1 |         0 |",
		"| thanked      |    1 |         0 |         0 |",
		"| 26 Oct  |    5 |       2 |        0 |         40% |        0.00 |",
		"| 2 Nov   |    0 |       0 |        1 |         40% |        0.20 |",
		"| 9 Nov   |    3 |       1 |        0 |         38% |        0.12 |",
		"| 16 Nov  |    0 |       2 |        1 |         63% |        0.25 |",
		"Answer rate to date: 63% (5 of 8 people reached have answered).",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the digest lacks\n%s\n--- digest:\n%s", want, text)
		}
	}
	// Nothing stale: Maria was thanked (no thank-you, no draft), Gus was
	// closed (his follow-up draft is not listed), Sam and Chris were
	// answered, and the meetings that took place are not "this week".
	for _, stale := range []string{"Thank Maria", "maria@example.org>, Northwind", "Gus", "Answer Sam", "Answer Chris",
		"Thu 19 Nov, 2pm", "Thu 5 Nov"} {
		if strings.Contains(text, stale) {
			t.Errorf("the digest shows something no longer true (%q):\n%s", stale, text)
		}
	}
	if d.ToDo() != 2+1+1 || len(d.Meetings) != 2 || len(d.Drafts) != 0 || len(d.Followups) != 1 {
		t.Errorf("to do %d, meetings %d, drafts %d, follow-ups %d", d.ToDo(), len(d.Meetings), len(d.Drafts), len(d.Followups))
	}
	// Multipart mail to the owner, marked automatic.
	msg, err := d.Message(compose.Envelope{Date: clk.Now(), MessageID: "rp.digest.2026-W48@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := msg.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"multipart/alternative", "text/plain", "text/html", "Auto-Submitted: auto-generated",
		"To: \"Alex Doe\" <alex@example.com>"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("digest mail lacks %q", want)
		}
	}
	if got := msg.Rendered.Subject; got != "[rapport] Weekly digest, Monday 23 to Sunday 29 November: 4 to do, 2 meetings" {
		t.Errorf("subject %q", got)
	}
}
