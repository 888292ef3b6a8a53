package pipeline

import (
	"strings"
	"testing"
	"time"

	"rapport/internal/classify"
	"rapport/internal/model"
)

var now = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

func weekdays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

func TestInboundTransitions(t *testing.T) {
	followupAt := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	contacted := model.Contact{Name: "Maria Lopez", Status: model.Contacted, NextAction: "followup", NextActionAt: followupAt}
	march := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	back := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC) // Monday
	tests := []struct {
		name        string
		c           model.Contact
		r           classify.Result
		fromContact bool
		to          model.Status
		cancel      bool
		suppress    string
		next        model.Action
		nextAt      time.Time
		event       string
	}{
		{"human reply", contacted, classify.Result{Kind: classify.KindHuman, NewText: "Happy to chat!"}, true,
			model.Replied, true, "", "answer", now, model.EventReply},
		{"opt-out", contacted, classify.Result{Kind: classify.KindHuman, Intent: classify.IntentOptOut, NewText: "Please remove me"}, true,
			model.OptedOut, true, "opted_out", "", time.Time{}, model.EventReply},
		{"decline", contacted, classify.Result{Kind: classify.KindHuman, Intent: classify.IntentDecline}, true,
			model.Declined, true, "", "", time.Time{}, model.EventReply},
		{"snooze", contacted, classify.Result{Kind: classify.KindHuman, Intent: classify.IntentSnooze, SnoozeUntil: march}, true,
			model.Snoozed, true, "", "resume", march, model.EventReply},
		{"permanent bounce", contacted, classify.Result{Kind: classify.KindBounce, Bounce: &classify.Bounce{Permanent: true}}, false,
			model.Bounced, true, "bounced", "", time.Time{}, model.EventBounce},
		{"soft bounce", contacted, classify.Result{Kind: classify.KindBounce, Bounce: &classify.Bounce{}}, false,
			"", false, "", "followup", followupAt, model.EventBounce},
		{"auto-reply keeps contacted", contacted, classify.Result{Kind: classify.KindAutoReply, AutoReply: &classify.AutoReply{Signal: "Auto-Submitted"}}, true,
			"", false, "", "followup", followupAt, model.EventAutoReply},
		{"auto-reply with return date moves follow-up", contacted,
			classify.Result{Kind: classify.KindAutoReply, AutoReply: &classify.AutoReply{ReturnDate: back.AddDate(0, 0, 3)}}, true,
			"", false, "", "followup", weekdays(back.AddDate(0, 0, 3), 1), model.EventAutoReply},
		{"someone else in the thread", contacted, classify.Result{Kind: classify.KindHuman, Intent: classify.IntentOptOut}, false,
			"", false, "", "followup", followupAt, model.EventReview},
		{"opted-out stays opted-out", model.Contact{Status: model.OptedOut}, classify.Result{Kind: classify.KindHuman}, true,
			"", false, "", "", time.Time{}, model.EventReply},
		{"reply after the meeting keeps met", model.Contact{Status: model.Met}, classify.Result{Kind: classify.KindHuman}, true,
			"", true, "", "", time.Time{}, model.EventReply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			d := Inbound(&c, Facts{}, Mail{Result: tt.r, FromContact: tt.fromContact}, now, Policy{})
			if d.To != tt.to || d.CancelPlanned != tt.cancel || d.Suppress != tt.suppress || d.EventType != tt.event {
				t.Fatalf("decision %+v", d)
			}
			next, nextAt := c.NextAction, c.NextActionAt
			if d.SetNext {
				next, nextAt = d.NextAction, d.NextActionAt
			}
			if next != tt.next || !nextAt.Equal(tt.nextAt) {
				t.Fatalf("next %q at %v, want %q at %v", next, nextAt, tt.next, tt.nextAt)
			}
			if d.Detail == "" {
				t.Fatal("no detail for the timeline")
			}
		})
	}
}

// Mail from a contact's own address that reads as bulk or spam changes
// nothing, but the owner is told: a person's note must not vanish. The
// same mail from anyone else is only recorded.
func TestBulkMailFromAContactsAddressIsShownToTheOwner(t *testing.T) {
	spam := classify.Result{Kind: classify.KindOther, Reasons: []string{"X-Spam-Flag: YES"}, NewText: "Cheap watches"}
	c := model.Contact{Name: "Maria Lopez", Status: model.Contacted}
	d := Inbound(&c, Facts{}, Mail{Result: spam, FromContact: true}, now, Policy{})
	if d.To != "" || d.CancelPlanned || d.WithdrawDrafts || d.EventType != model.EventReview {
		t.Fatalf("bulk mail from the contact's address changed something: %+v", d)
	}
	if d.Notice == nil || d.Notice.Kind != NoticeReview || !strings.Contains(d.Notice.Title, "Maria") ||
		!strings.Contains(d.Notice.Reason, "X-Spam-Flag") {
		t.Fatalf("the owner is not shown the message: %+v", d.Notice)
	}
	if d := Inbound(&c, Facts{}, Mail{Result: spam}, now, Policy{}); d.Notice != nil {
		t.Fatalf("bulk mail from someone else notified the owner: %+v", d.Notice)
	}
}

func TestSnoozeResumesToAFollowup(t *testing.T) {
	c := model.Contact{Status: model.Contacted}
	d := Inbound(&c, Facts{}, Mail{Result: classify.Result{Kind: classify.KindHuman, Intent: classify.IntentSnooze,
		SnoozeUntil: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}, FromContact: true}, now, Policy{})
	if d.ResumeStatus != model.Contacted || d.Notice == nil || !strings.Contains(d.Notice.Title, "1 Mar 2027") {
		t.Fatalf("%+v", d)
	}
}

func TestOwnMessages(t *testing.T) {
	for _, tt := range []struct {
		from, to model.Status
		cancel   bool
	}{
		{model.Queued, model.Contacted, true},
		{model.Met, model.Thanked, false},
		{model.Replied, "", false},
		{model.Scheduled, "", false},
	} {
		d := Own(&model.Contact{Status: tt.from}, Facts{}, nil, now, Policy{})
		if d.To != tt.to || d.CancelPlanned != tt.cancel || !d.Exchange || d.EventType != model.EventOwnMessage {
			t.Errorf("own message while %s: %+v", tt.from, d)
		}
	}
}

func TestProposalNotifiesWithTimes(t *testing.T) {
	c := model.Contact{Name: "Maria", Status: model.Contacted}
	at := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	d := Inbound(&c, Facts{}, Mail{Result: classify.Result{Kind: classify.KindHuman, Intent: classify.IntentMeetingProposal,
		ProposedTimes: []time.Time{at}, NewText: "Tuesday at 2pm?"}, FromContact: true}, now, Policy{})
	if d.To != model.Replied || d.Meeting == nil || len(d.Meeting.Times) != 1 || d.Notice == nil || !strings.Contains(d.Notice.Title, "proposed") {
		t.Fatalf("%+v", d)
	}
}

// A day someone wrote is that day wherever the owner is: "back on Monday
// 30 November", written in London, is not Sunday the 29th in New York.
func TestAReturnDateIsTheDayWritten(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	c := model.Contact{Name: "Otto Berg", Status: model.Contacted, NextAction: model.ActionFollowup,
		NextActionAt: time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)}
	monday := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	d := Inbound(&c, Facts{}, Mail{Result: classify.Result{Kind: classify.KindAutoReply,
		AutoReply: &classify.AutoReply{ReturnDate: monday, Personal: true}}, FromContact: true}, now, Policy{Home: ny})
	if !strings.Contains(d.Detail, "back 30 Nov 2026") || d.Notice == nil || !strings.Contains(d.Notice.Title, "until 30 Nov 2026") {
		t.Fatalf("detail %q, notice %+v", d.Detail, d.Notice)
	}
	// The follow-up waits until a business day after that Monday, in New York.
	if got := d.NextActionAt.In(ny); got.Day() != 1 || got.Month() != time.December {
		t.Errorf("follow-up moved to %v, want Tuesday 1 December", got)
	}
}
