// Package pipeline is rapport's contact state machine: given a contact and
// something that happened (a classified inbound message, the user's own
// mail to the contact), it decides the status change, what to cancel, what
// to suppress and what the owner should hear about. It is pure: no I/O, no
// clock; the caller applies the Decision in one transaction.
package pipeline

import (
	"fmt"
	"strings"
	"time"

	"rapport/internal/classify"
	"rapport/internal/model"
)

// Decision is what to do with a contact after an event.
type Decision struct {
	// To is the new status; "" keeps the current one.
	To model.Status
	// Reason is stored on the contact with a status change.
	Reason string
	// EventType and Detail describe the event on the timeline (always
	// recorded, with or without a status change).
	EventType string
	Detail    string
	// Next is the next action; SetNext says whether to apply it.
	SetNext      bool
	NextAction   string
	NextActionAt time.Time
	SnoozedUntil time.Time
	ResumeStatus model.Status
	// CancelPlanned cancels queued follow-ups and reminders (a reply, an
	// opt-out, a bounce: stop means stop).
	CancelPlanned bool
	// Suppress puts the address on the suppression list with this reason.
	Suppress string
	// Exchange marks a two-way exchange: resets the keep-in-touch clock.
	Exchange bool
	// Notify asks to tell the owner; NotifyTitle is the one-line why.
	Notify      bool
	NotifyTitle string
	// Proposed meeting times to put to the owner.
	Proposed []time.Time
	// Referrals to add as contacts (with an address) or to mention (name only).
	Referrals []classify.Referral
}

// Policy holds the few settings transitions depend on.
type Policy struct {
	// AddBusinessDays moves a time by business days (schedule.Calendar).
	AddBusinessDays func(t time.Time, n int) time.Time
}

// live reports statuses in which a human reply moves the contact to replied.
func live(s model.Status) bool {
	switch s {
	case model.Queued, model.Contacted, model.NoResponse, model.Snoozed, model.Paused, model.NeedsInfo, model.Declined:
		return true
	}
	return false
}

// Inbound decides what a classified message from (or about) the contact
// means. fromContact says whether the contact wrote it (the sender matches
// their address); a human message citing our thread from someone else is
// recorded for review and never moves the contact silently.
func Inbound(c *model.Contact, r classify.Result, fromContact bool, now time.Time, p Policy) Decision {
	why := strings.Join(r.Reasons, "; ")
	switch r.Kind {
	case classify.KindBounce:
		if r.Bounce == nil || !r.Bounce.Permanent {
			return Decision{EventType: model.EventBounce, Detail: "delivery delayed (soft bounce): " + why}
		}
		if c.Status.Suppressing() {
			return Decision{EventType: model.EventBounce, Detail: "another bounce: " + why}
		}
		return Decision{To: model.Bounced, Reason: "the address bounced", EventType: model.EventBounce,
			Detail: "bounced: " + bounceDetail(r.Bounce), CancelPlanned: true, Suppress: "bounced",
			SetNext: true, Notify: true, NotifyTitle: c.Name + "'s address bounced"}

	case classify.KindAutoReply:
		d := Decision{EventType: model.EventAutoReply, Detail: "automatic reply (" + autoSignal(r) + ")"}
		if ar := r.AutoReply; ar != nil && !ar.ReturnDate.IsZero() {
			d.Detail += ", back " + ar.ReturnDate.Format("Mon 2 Jan 2006")
			// The next follow-up waits until they are back, plus a day to
			// catch up on mail.
			if c.Status == model.Contacted && c.NextAction == "followup" {
				back := ar.ReturnDate
				if p.AddBusinessDays != nil {
					back = p.AddBusinessDays(back, 1)
				}
				if back.After(c.NextActionAt) {
					d.SetNext, d.NextAction, d.NextActionAt = true, "followup", back
					d.Detail += "; follow-up moved to " + back.Format("Mon 2 Jan")
				}
			}
		}
		return d

	case classify.KindOwn:
		return Own(c, now)
	}

	// A person wrote, or a calendar answer came.
	if !fromContact {
		d := Decision{EventType: model.EventReview, Detail: "a message in this thread came from someone else; not applied: " + why,
			Notify: true, NotifyTitle: "someone else wrote in your thread with " + c.Name}
		for _, ref := range r.Referrals {
			d.Referrals = append(d.Referrals, ref)
		}
		return d
	}
	if c.Status == model.OptedOut || c.Status == model.Bounced {
		// Stop means stop: a later message is recorded, nothing restarts.
		return Decision{EventType: model.EventReply, Detail: "reply from a contact who is " + string(c.Status) + "; recorded only",
			Exchange: true, Notify: true, NotifyTitle: c.Name + " wrote again"}
	}
	d := Decision{EventType: model.EventReply, Exchange: true, CancelPlanned: true, Referrals: r.Referrals}
	switch r.Intent {
	case classify.IntentOptOut:
		d.To, d.Reason, d.Suppress = model.OptedOut, "asked not to be contacted", "opted_out"
		d.Detail = "asked not to be contacted: " + quote(r.NewText)
		d.SetNext, d.Notify, d.NotifyTitle = true, true, c.Name+" asked not to be contacted"
		return d
	case classify.IntentDecline:
		d.To, d.Reason = model.Declined, "declined"
		d.Detail = "declined: " + quote(r.NewText)
		d.SetNext, d.Notify, d.NotifyTitle = true, true, c.Name+" declined"
		return d
	case classify.IntentSnooze:
		until := r.SnoozeUntil
		d.To, d.Reason = model.Snoozed, "asked to be contacted again on "+until.Format("2 Jan 2006")
		d.Detail = "not now, later: " + quote(r.NewText)
		d.SetNext, d.SnoozedUntil, d.NextAction, d.NextActionAt = true, until, "resume", until
		// When the snooze ends, one gentle, threaded follow-up goes out.
		d.ResumeStatus = model.Contacted
		d.Notify, d.NotifyTitle = true, c.Name+" asked you to get back in touch on "+until.Format("2 Jan 2006")
		return d
	}
	if r.Kind == classify.KindCalendar && r.Calendar != nil {
		d.Detail = "calendar " + strings.ToLower(r.Calendar.Method)
	}
	if len(r.ProposedTimes) > 0 {
		d.Proposed = r.ProposedTimes
		var ts []string
		for _, t := range r.ProposedTimes {
			ts = append(ts, t.Format("Mon 2 Jan 15:04"))
		}
		d.Detail = "replied, proposing " + strings.Join(ts, " or ") + ": " + quote(r.NewText)
		d.NotifyTitle = c.Name + " replied and proposed a time"
	} else {
		d.Detail = "replied: " + quote(r.NewText)
		d.NotifyTitle = c.Name + " replied"
	}
	d.Notify = true
	if live(c.Status) {
		d.To, d.Reason = model.Replied, "replied"
		d.SetNext, d.NextAction = true, "answer"
		d.NextActionAt = now
	}
	return d
}

// Own decides what the user's own message to a contact (seen in Sent) means.
func Own(c *model.Contact, now time.Time) Decision {
	d := Decision{EventType: model.EventOwnMessage, Detail: "you wrote to them", Exchange: true}
	switch c.Status {
	case model.Queued, model.NeedsInfo:
		// The user reached out by hand: the planned outreach must not go.
		d.To, d.Reason, d.CancelPlanned = model.Contacted, "you wrote to them yourself", true
		d.SetNext = true
	case model.Replied:
		d.SetNext, d.NextAction = true, "" // answered: nothing pending from us
		d.Detail = "you answered them"
	case model.Met:
		d.To, d.Reason = model.Thanked, "you wrote after the meeting"
		d.Detail = "you wrote after the meeting (thank-you)"
		d.SetNext = true
	}
	return d
}

// Silence decides what happens when a contacted contact's follow-ups are
// exhausted and the grace period has passed: no_response.
func Silence(c *model.Contact) Decision {
	return Decision{To: model.NoResponse, Reason: "no answer after follow-ups", EventType: model.EventStatus,
		Detail: "no answer after the follow-ups; a respectful no response", SetNext: true, CancelPlanned: true}
}

func bounceDetail(b *classify.Bounce) string {
	var parts []string
	for _, r := range b.Recipients {
		s := r.Addr
		if r.Status != "" {
			s += " " + r.Status
		}
		if r.Diagnostic != "" {
			s += " (" + r.Diagnostic + ")"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "a delivery failure report (" + b.Source + ")"
	}
	return strings.Join(parts, ", ")
}

func autoSignal(r classify.Result) string {
	if r.AutoReply != nil && r.AutoReply.Signal != "" {
		return r.AutoReply.Signal
	}
	return "automated"
}

// quote shortens a reply's new text for the timeline.
func quote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		cut := 160
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return fmt.Sprintf("%q", s)
}
