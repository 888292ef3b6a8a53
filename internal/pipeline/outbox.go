package pipeline

import (
	"time"

	"rapport/internal/model"
)

// What the outbox did with a contact's mail.

// Sent decides what a message of kind accepted by the server at at means:
// the first request makes the contact contacted, with the first follow-up
// planned; other mail to them is an exchange; mail to the owner about them
// is only noted.
func Sent(c *model.Contact, kind model.Kind, subject, detail string, at time.Time, p Policy) Decision {
	if kind.ToOwner() {
		return Decision{EventType: model.EventNotification, Detail: string(kind) + " sent to you: " + subject}
	}
	d := Decision{EventType: model.EventSent, Detail: string(kind) + " sent: " + subject, Exchange: true}
	if kind == model.KindOutreach && (c.Status == model.Queued || c.Status == model.NeedsInfo) {
		d.To, d.Reason = model.Contacted, "outreach sent"
		d.Detail = "outreach sent: " + subject + " (" + detail + ")"
		d.SetNext, d.NextAction = true, model.ActionFollowup
		d.NextActionAt = p.FollowupAfter.AddTo(at.In(p.home()), p.Calendar.IsBusinessDay)
	}
	return d
}

// Claimed records that the first request is in the outbox, being sent.
func Claimed(c *model.Contact, at time.Time) Decision {
	if c.Status != model.Queued || c.NextAction != model.ActionOutreach {
		return Decision{Skip: true}
	}
	return Decision{SetNext: true, NextAction: model.ActionSend, NextActionAt: at}
}

// Replanned moves a queued contact's first request to a new slot (the
// plan moved: downtime, a full day, a holiday).
func Replanned(c *model.Contact, at time.Time) Decision {
	if c.Status != model.Queued || c.NextActionAt.Equal(at) {
		return Decision{Skip: true}
	}
	return Decision{SetNext: true, NextAction: model.ActionOutreach, NextActionAt: at}
}

// Refused decides what a permanent refusal of a message means: a recipient
// the server says does not exist bounces the contact; a first request that
// cannot go needs the owner; anything else is recorded.
func Refused(c *model.Contact, kind model.Kind, recipientUnknown bool, msg string) Decision {
	if kind.ToOwner() {
		return Decision{EventType: model.EventFailed, Detail: string(kind) + " to you not sent: " + msg}
	}
	if recipientUnknown {
		d := Decision{EventType: model.EventBounce, Detail: "the server refused the address: " + msg,
			Suppress: "bounced", CancelPlanned: true, WithdrawDrafts: true}
		if !c.Status.Suppressing() {
			d.To, d.Reason, d.SetNext = model.Bounced, "recipient refused: "+msg, true
			d.Notice = &Notice{Kind: NoticeBounce, Title: name(c) + "'s address was refused by your mail server", Reason: msg}
		}
		return d
	}
	if kind == model.KindOutreach && c.Status == model.Queued {
		return Decision{To: model.NeedsInfo, Reason: "send failed: " + msg, EventType: model.EventFailed,
			Detail: "outreach not sent: " + msg, SetNext: true, NextAction: model.ActionComplete,
			Notice: &Notice{Kind: NoticeBounce, Title: "your request to " + name(c) + " could not be sent", Reason: msg}}
	}
	return Decision{EventType: model.EventFailed, Detail: string(kind) + " not sent: " + msg}
}

// InDoubt decides what a message whose final reply never came means: it
// may or may not have gone, it is never sent again on a guess, and the
// owner is asked.
func InDoubt(c *model.Contact, kind model.Kind, messageID, msg string) Decision {
	return Decision{EventType: model.EventFailed,
		Detail: string(kind) + " in doubt: the server never confirmed it (" + msg + "); not resent",
		Notice: &Notice{Kind: NoticeInDoubt, Title: "a message to " + name(c) + " may or may not have gone",
			Reason: "the mail server did not confirm " + messageID + " and it is not in your Sent folder; " +
				"rapport will not send it again unless you tell it to"}}
}

// Resolved records how an in-doubt message was settled.
func Resolved(c *model.Contact, kind model.Kind, sent bool, how string) Decision {
	if sent {
		return Decision{EventType: model.EventNote, Detail: string(kind) + " was sent after all: " + how}
	}
	return Decision{EventType: model.EventNote, Detail: string(kind) + " in doubt: " + how}
}
