package pipeline

import (
	"errors"
	"fmt"
	"time"

	"rapport/internal/model"
)

// Corrections and commands from the owner: by mail (internal/owner) or the
// CLI (internal/contacts). They return an error, in words for the owner,
// when the request makes no sense for the contact as it is.

// ErrCannot is wrapped by every refusal of a correction.
var ErrCannot = errors.New("cannot")

func cannot(format string, args ...any) error {
	return fmt.Errorf("%w "+format, append([]any{ErrCannot}, args...)...)
}

// SetStatus is a manual correction to any status. Moving to opted_out or
// bounced suppresses the address; moving to a final status stops planned
// mail; moving back to queued plans the outreach again.
func SetStatus(c *model.Contact, f Facts, to model.Status, why string) (Decision, error) {
	if why == "" {
		why = "set by you"
	}
	if c.Status == to {
		return Decision{Skip: true}, nil
	}
	if f.Suppressed && !to.Suppressing() && to != model.Declined && to != model.NoResponse && to != model.Met && to != model.Thanked {
		return Decision{}, cannot("move %s to %s: the address is on the suppression list", c.Email, to)
	}
	d := Decision{To: to, Reason: why, EventType: model.EventStatus, Detail: why, SetNext: true}
	switch to {
	case model.Queued:
		d.Requeue, d.NextAction = true, model.ActionOutreach
	case model.Contacted:
		d.NextAction = model.ActionNone
	case model.Replied:
		d.NextAction = model.ActionAnswer
	case model.Met:
		if m := f.Scheduled(); m != nil {
			d.Meeting = &MeetingOp{Op: MeetingHeld, ID: m.ID}
		}
	case model.Snoozed, model.Paused:
		return Decision{}, cannot("use pause or snooze for %s", to)
	case model.Suggested:
		return Decision{}, cannot("set %s to suggested: that is for people a contact referred", c.Email)
	}
	if to.Final() {
		d.CancelPlanned, d.WithdrawDrafts = true, true
	}
	if to.Suppressing() {
		d.Suppress = string(to)
	}
	return d, nil
}

// Hold pauses a contact (until Resume) or snoozes it until a date, then
// resumes where it was.
func Hold(c *model.Contact, to model.Status, until time.Time, why string) (Decision, error) {
	if c.Status.Final() {
		return Decision{}, cannot("hold %s: it is %s; set its status explicitly to change that", c.Email, c.Status)
	}
	if c.Status == model.Suggested {
		return Decision{}, cannot("hold %s: nothing is sent to a suggested contact until you approve", c.Email)
	}
	resume := c.Status
	if c.Status == model.Paused || c.Status == model.Snoozed {
		resume = c.ResumeStatus // keep where it was before the first hold
	}
	d := Decision{To: to, Reason: why, EventType: model.EventStatus, Detail: why, ResumeStatus: resume, SetNext: true}
	if to == model.Snoozed {
		if until.IsZero() {
			return Decision{}, cannot("snooze %s: no date", c.Email)
		}
		d.SnoozedUntil, d.NextAction, d.NextActionAt = until, model.ActionResume, until
	}
	if to == c.Status && until.Equal(c.SnoozedUntil) {
		return Decision{Skip: true}, nil
	}
	return d, nil
}

// ResumeNow returns a paused or snoozed contact to where it was, at the
// owner's word.
func ResumeNow(c *model.Contact, now time.Time, p Policy, why string) (Decision, error) {
	if c.Status != model.Paused && c.Status != model.Snoozed {
		return Decision{}, cannot("resume %s: it is %s, not paused or snoozed", c.Email, c.Status)
	}
	return Resume(c, now, p, why), nil
}

// Approve is the owner's yes to writing to a suggested contact: it is
// queued for the next send slot.
func Approve(c *model.Contact, why string) (Decision, error) {
	if c.Status != model.Suggested {
		return Decision{}, cannot("approve %s: it is %s, not waiting for your approval", c.Email, c.Status)
	}
	return Decision{To: model.Queued, Reason: why, EventType: model.EventStatus, Detail: why,
		SetNext: true, NextAction: model.ActionOutreach, Requeue: true}, nil
}

// Note records the owner's notes on the timeline.
func Note(text string) Decision {
	return Decision{EventType: model.EventNote, Detail: text}
}

// Schedule makes start the contact's meeting (an owner command, the CLI,
// a confirmed proposal when proposal is set) and, per the invitation
// policy, makes the invitation (an update when the meeting moves).
func Schedule(c *model.Contact, f Facts, start time.Time, dur time.Duration, format, location, source string, proposal int64,
	now time.Time, p Policy) (Decision, error) {
	if c.Status.Suppressing() || f.Suppressed {
		return Decision{}, cannot("schedule a meeting with %s: the address is %s", c.Email, orStatus(c, f))
	}
	if start.IsZero() {
		return Decision{}, cannot("schedule a meeting with %s: no time", c.Email)
	}
	if dur <= 0 {
		dur = DefaultMeeting
	}
	if cur := f.Scheduled(); cur != nil && cur.Start.Equal(start) && cur.Duration == dur && proposal == 0 &&
		(format == "" || format == cur.Format) && c.Status == model.Scheduled {
		return Decision{Skip: true}, nil
	}
	when := When(start, p.home())
	d := Decision{To: model.Scheduled, Reason: "meeting " + when, EventType: model.EventMeeting,
		Detail: "meeting on " + when, SetNext: true,
		Meeting: &MeetingOp{Op: MeetingSchedule, ID: proposal, Start: start, Duration: dur, Format: format,
			Location: location, Source: source}}
	if source != "" {
		d.Detail += " (" + source + ")"
	}
	if c.Status == model.Scheduled {
		d.To = "" // a reschedule: same status, new time
	}
	if mode := inviteMode(p); mode != "" && start.Add(dur).After(now) {
		// An invitation for a meeting still to come (one recorded after
		// the fact needs none).
		d.Make = append(d.Make, Make{Kind: model.KindInvite, Mode: mode, Method: "REQUEST"})
	}
	return d, nil
}

// Confirm makes the index-th (from 1) time the contact proposed the
// meeting.
func Confirm(c *model.Contact, f Facts, index int, now time.Time, p Policy) (Decision, error) {
	props := f.Proposals()
	if index < 1 || index > len(props) {
		return Decision{}, cannot("confirm a time for %s: %s proposed %d time(s), there is no number %d",
			c.Email, name(c), len(props), index)
	}
	m := props[index-1]
	return Schedule(c, f, m.Start, m.Duration, m.Format, m.Location, "confirmed", m.ID, now, p)
}

// CancelMeeting cancels the scheduled meeting; the conversation goes on
// (replied). An invitation that went gets its CANCEL.
func CancelMeeting(c *model.Contact, f Facts, why string, now time.Time, p Policy) (Decision, error) {
	m := f.Scheduled()
	if m == nil {
		return Decision{}, cannot("cancel a meeting with %s: none is scheduled", c.Email)
	}
	d := Decision{EventType: model.EventMeeting, Detail: "the meeting on " + When(m.Start, p.home()) + " was cancelled: " + why,
		Meeting: &MeetingOp{Op: MeetingCancel, ID: m.ID, Source: why}}
	if c.Status == model.Scheduled {
		d.To, d.Reason = model.Replied, "the meeting was cancelled"
		d.SetNext, d.NextAction = true, model.ActionNone
	}
	if mode := inviteMode(p); mode != "" && m.End().After(now) {
		d.Make = append(d.Make, Make{Kind: model.KindInvite, Mode: mode, Method: "CANCEL", Meeting: m.ID})
	}
	return d, nil
}

func inviteMode(p Policy) Mode {
	switch p.Invite {
	case "send":
		return ModeSend
	case "draft", "":
		return ModeDraft
	}
	return ""
}

func orStatus(c *model.Contact, f Facts) string {
	if c.Status.Suppressing() {
		return string(c.Status)
	}
	return "suppressed"
}

// Created is the first status of a new contact and its timeline entry:
// queued (planned for the next slot), needs_info (a field is missing), or
// suggested (waiting for the owner's yes).
func Created(status model.Status, eventType, detail string) Decision {
	d := Decision{To: status, EventType: eventType, Detail: detail, SetNext: true, Reason: detail}
	switch status {
	case model.Queued:
		d.Requeue, d.NextAction = true, model.ActionOutreach
	case model.NeedsInfo:
		d.NextAction = model.ActionComplete
	case model.Suggested:
		d.NextAction = model.ActionApprove
	}
	return d
}

// Referred is the first status of a person a contact suggested: asked
// about (suggested) unless the owner chose referrals: auto.
func Referred(by *model.Contact, p Policy) Decision {
	detail := "referred by " + name(by) + " <" + by.Email + ">"
	if p.AutoReferrals {
		return Created(model.Queued, model.EventCreated, detail)
	}
	d := Created(model.Suggested, model.EventCreated, detail+"; waiting for your approval")
	return d
}

// Completed queues a needs_info contact that now has everything a first
// request needs.
func Completed(c *model.Contact, why string) Decision {
	if c.Status != model.NeedsInfo {
		return Decision{Skip: true}
	}
	return Decision{To: model.Queued, Reason: why, EventType: model.EventStatus, Detail: why, SetNext: true,
		NextAction: model.ActionOutreach, Requeue: true}
}

// Known holds a contact about to get a first request because the owner
// already corresponds with them: suggested, waiting for the owner's yes,
// rather than cold-mailed an introduction.
func Known(c *model.Contact, why string) Decision {
	if c.Status != model.Queued {
		return Decision{Skip: true}
	}
	return Decision{To: model.Suggested, Reason: why, EventType: model.EventStatus,
		Detail: "held before the first request: " + why, SetNext: true, NextAction: model.ActionApprove,
		Notice: &Notice{Kind: NoticeSuggested, Title: "rapport held its first request to " + name(c),
			Reason: "You already correspond with " + name(c) + " <" + c.Email + ">: " + why + ". " +
				"rapport sends nothing to them unless you approve it (reply \"approve " + c.Email + "\" or run " +
				"rapport contacts approve " + c.Email + ")."}}
}
