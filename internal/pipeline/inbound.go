package pipeline

import (
	"fmt"
	"strings"
	"time"

	"rapport/internal/classify"
	"rapport/internal/meetings"
	"rapport/internal/model"
)

// live reports statuses in which a human reply moves the contact to replied.
func live(s model.Status) bool {
	switch s {
	case model.Queued, model.Contacted, model.NoResponse, model.Snoozed, model.Paused, model.NeedsInfo,
		model.Declined, model.Suggested:
		return true
	}
	return false
}

// Mail is an inbound message as the state machine sees it.
type Mail struct {
	Result classify.Result
	// FromContact: the contact wrote it (the sender matches their
	// address), or it is a report about their address.
	FromContact bool
	// MessageID identifies it (for the meeting a calendar part is about).
	MessageID string
}

// Inbound decides what a classified message from (or about) the contact
// means. A human message citing our thread from someone else is recorded
// for review and never moves the contact silently.
func Inbound(c *model.Contact, f Facts, m Mail, now time.Time, p Policy) Decision {
	r := m.Result
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
			Detail: "bounced: " + bounceDetail(r.Bounce), CancelPlanned: true, WithdrawDrafts: true, Suppress: "bounced",
			SetNext: true, Notice: &Notice{Kind: NoticeBounce, Title: name(c) + "'s address bounced", Reason: bounceDetail(r.Bounce)}}

	case classify.KindDelay:
		// Not final: the server keeps trying. Recorded; nothing changes.
		return Decision{EventType: model.EventBounce, Detail: "delivery delayed, the server is still trying: " + why}

	case classify.KindComplaint:
		// They marked rapport's mail as spam (or unsubscribed with one
		// click): stop for good, as for an opt-out.
		if c.Status == model.OptedOut {
			return Decision{EventType: model.EventReview, Detail: "another complaint report: " + why}
		}
		return Decision{To: model.OptedOut, Reason: "reported your mail as unwanted", EventType: model.EventReview,
			Detail: "complaint (feedback report): " + why, CancelPlanned: true, WithdrawDrafts: true,
			Suppress: "complained", SetNext: true,
			Notice: &Notice{Kind: NoticeComplaint, Title: name(c) + " reported your mail as unwanted",
				Reason: "Their mail provider sent a complaint report about your message to " + c.Email +
					": rapport will not write to them again, and you should not either."}}

	case classify.KindChallenge:
		// A sender-verification system holds the mail until a person
		// confirms: the owner must, the contact waits.
		d := Decision{EventType: model.EventReview, Detail: "sender verification requested: " + why}
		n := &Notice{Kind: NoticeChallenge, Title: name(c) + "'s mail system asks you to confirm you are a person",
			Reason: "Your message to " + c.Email + " is held by a sender-verification service until you confirm it. " +
				"Open the link in the message in your inbox (rapport never follows links for you); the contact " +
				"waits, nothing else is sent."}
		if r.Challenge != nil && r.Challenge.URL != "" {
			n.Link = "The link: " + r.Challenge.URL
		}
		d.Notice = n
		return d

	case classify.KindReceipt:
		return Decision{EventType: model.EventNote, Detail: "read receipt: " + why}

	case classify.KindOther:
		d := Decision{EventType: model.EventReview, Detail: "a message that is neither a reply nor a report: " + why}
		if m.FromContact {
			// Bulk or spam mail with the contact's own address: forged,
			// or a real note that reads like spam. Nothing changes; the
			// owner looks, because a person's message must not vanish.
			d.Notice = &Notice{Kind: NoticeReview, Title: "a message from " + name(c) + "'s address looked like bulk or spam mail",
				Text: r.NewText, Reason: why + ". rapport changed nothing for them. If they really wrote to you, answer them " +
					"from your mail client; rapport sees your answer and goes on from there."}
		}
		return d

	case classify.KindAutoReply:
		return autoReply(c, r, p)

	case classify.KindOwn:
		return Own(c, f, r.Calendar, now, p)
	}

	// A person wrote, or a calendar answer came.
	if !m.FromContact {
		return Decision{EventType: model.EventReview,
			Detail:  "a message in this thread came from someone else; not applied: " + why,
			Suggest: r.Referrals,
			Notice: &Notice{Kind: NoticeReview, Title: "someone else wrote in your thread with " + name(c),
				Text: r.NewText, Reason: why, Referred: r.Referrals}}
	}
	if c.Status == model.OptedOut || c.Status == model.Bounced {
		// Stop means stop: a later message is recorded, nothing restarts.
		return Decision{EventType: model.EventReply, Detail: "reply from a contact who is " + string(c.Status) + "; recorded only",
			Exchange: true, Notice: &Notice{Kind: NoticeReply, Title: name(c) + " wrote again", Text: r.NewText}}
	}
	d := Decision{EventType: model.EventReply, Exchange: true, CancelPlanned: true, WithdrawDrafts: true, Suggest: r.Referrals}
	switch r.Intent {
	case classify.IntentOptOut:
		d.To, d.Reason, d.Suppress = model.OptedOut, "asked not to be contacted", "opted_out"
		d.Detail = "asked not to be contacted: " + quote(r.NewText)
		d.Suggest = nil // nobody is written to on the word of someone who said stop
		d.SetNext, d.Notice = true, &Notice{Kind: NoticeOptOut, Title: name(c) + " asked not to be contacted", Text: r.NewText}
		return d
	case classify.IntentDecline:
		d.To, d.Reason = model.Declined, "declined"
		d.Detail = "declined: " + quote(r.NewText)
		d.SetNext, d.Notice = true, &Notice{Kind: NoticeDecline, Title: name(c) + " declined", Text: r.NewText, Referred: r.Referrals}
		return d
	case classify.IntentSnooze:
		until := r.SnoozeUntil
		d.To, d.Reason = model.Snoozed, "asked to be contacted again on "+CalendarDay(until)
		d.Detail = "not now, later: " + quote(r.NewText)
		d.SetNext, d.SnoozedUntil, d.NextAction, d.NextActionAt = true, until, model.ActionResume, until
		// When the snooze ends, one gentle, threaded follow-up goes out.
		d.ResumeStatus = model.Contacted
		d.Notice = &Notice{Kind: NoticeSnooze, Title: name(c) + " asked you to get back in touch on " + CalendarDay(until),
			Text: r.NewText, Until: until}
		return d
	}
	n := &Notice{Kind: NoticeReply, Title: name(c) + " replied", Text: r.NewText, Referred: r.Referrals}
	d.Detail = "replied: " + quote(r.NewText)
	if r.Intent == classify.IntentQuestion {
		// They asked something before agreeing: the owner answers;
		// nothing is done for them.
		n.Kind, n.Title = NoticeQuestion, name(c)+" asked you a question"
		d.Detail = "asked a question: " + quote(r.NewText)
	}
	if cal := r.Calendar; cal != nil {
		d.Detail = "calendar " + strings.ToLower(cal.Method) + ": " + quote(cal.Summary)
		if op := calendarOp(c, cal, false); op != nil {
			d.Meeting = op
			n.Kind, n.Title = NoticeMeeting, name(c)+" answered the invitation ("+strings.ToLower(cal.PartStat+" "+cal.Method)+")"
		}
	}
	if d.Meeting == nil && len(r.ProposedTimes) > 0 {
		d.Meeting = &MeetingOp{Op: MeetingPropose, Times: r.ProposedTimes, Source: "reply"}
		// "A video call works for me": the format they asked for.
		if f := meetings.ParseFormat(r.NewText); f.Kind != "" {
			d.Meeting.Format, d.Meeting.Location = f.Noun(), f.Detail
		}
		var ts []string
		for _, t := range r.ProposedTimes {
			ts = append(ts, When(t, p.home()))
		}
		d.Detail = "replied, proposing " + strings.Join(ts, " or ") + ": " + quote(r.NewText)
		n.Kind, n.Title, n.Proposed = NoticeProposal, name(c)+" replied and proposed a time", r.ProposedTimes
	}
	if n.Kind == NoticeReply && len(r.Referrals) > 0 {
		n.Kind, n.Title = NoticeReferral, name(c)+" replied and suggested someone to talk to"
	}
	d.Notice = n
	if live(c.Status) {
		d.To, d.Reason = model.Replied, "replied"
		d.SetNext, d.NextAction, d.NextActionAt = true, model.ActionAnswer, now
	}
	if d.Meeting != nil && d.Meeting.Op == MeetingSchedule && c.Status != model.Scheduled {
		d.To, d.Reason = model.Scheduled, "meeting "+When(d.Meeting.Start, p.home())
	}
	if d.Meeting != nil && d.Meeting.Op == MeetingCancel && c.Status == model.Scheduled {
		d.To, d.Reason = model.Replied, "the meeting was cancelled"
	}
	return d
}

// autoReply keeps the contact where it is; a stated return date moves the
// next follow-up past it.
func autoReply(c *model.Contact, r classify.Result, p Policy) Decision {
	d := Decision{EventType: model.EventAutoReply, Detail: "automatic reply (" + autoSignal(r) + ")"}
	ar := r.AutoReply
	if ar != nil && ar.Personal {
		// A person wrote that they are away: not a reply to the request.
		// The follow-up waits for their return; the owner may want to know.
		d.Detail = "away (" + autoSignal(r) + ")"
		n := &Notice{Kind: NoticeAway, Title: name(c) + " is away", Text: r.NewText, Until: ar.ReturnDate}
		if !ar.ReturnDate.IsZero() {
			n.Title = name(c) + " is away until " + CalendarDay(ar.ReturnDate)
		}
		d.Notice = n
	}
	if ar == nil || ar.ReturnDate.IsZero() {
		return d
	}
	d.Detail += ", back " + CalendarDay(ar.ReturnDate)
	// The next follow-up waits until they are back, plus a day to catch up
	// on mail.
	if c.Status == model.Contacted && c.NextAction == model.ActionFollowup {
		// The day they wrote, at the start of that day where the owner is
		// (not the instant of its midnight in the writer's zone).
		rd := ar.ReturnDate
		back := p.Calendar.AddBusinessDays(time.Date(rd.Year(), rd.Month(), rd.Day(), 0, 0, 0, 0, p.home()), 1)
		if back.After(c.NextActionAt) {
			d.SetNext, d.NextAction, d.NextActionAt = true, model.ActionFollowup, back
			d.Detail += "; follow-up moved to " + Day(back, p.home())
		}
	}
	return d
}

// calendarOp is what a calendar part means for the contact's meetings: an
// invitation from the contact (or sent by the owner) schedules it, an
// acceptance too, a cancellation cancels it.
func calendarOp(c *model.Contact, cal *classify.CalendarEvent, own bool) *MeetingOp {
	switch strings.ToUpper(cal.Method) {
	case "REQUEST", "PUBLISH":
		if cal.Start.IsZero() {
			return nil
		}
		return &MeetingOp{Op: MeetingSchedule, Start: cal.Start, Duration: calDuration(cal), Source: "calendar " + strings.ToLower(cal.Method),
			UID: cal.UID}
	case "REPLY":
		if own || cal.Start.IsZero() {
			return nil
		}
		switch strings.ToUpper(cal.PartStat) {
		case "ACCEPTED", "TENTATIVE":
			return &MeetingOp{Op: MeetingSchedule, Start: cal.Start, Duration: calDuration(cal), Source: "calendar reply", UID: cal.UID}
		case "DECLINED":
			return &MeetingOp{Op: MeetingCancel, Source: "calendar reply (declined)"}
		}
	case "CANCEL":
		return &MeetingOp{Op: MeetingCancel, Source: "calendar cancel"}
	}
	return nil
}

func calDuration(cal *classify.CalendarEvent) time.Duration {
	if end := calEnd(cal); !end.IsZero() && end.After(cal.Start) {
		return end.Sub(cal.Start)
	}
	return DefaultMeeting
}

// Own decides what the owner's own message to a contact (seen in Sent)
// means; cal is a calendar invitation in it, if any.
func Own(c *model.Contact, f Facts, cal *classify.CalendarEvent, now time.Time, p Policy) Decision {
	d := Decision{EventType: model.EventOwnMessage, Detail: "you wrote to them", Exchange: true}
	switch c.Status {
	case model.Queued, model.NeedsInfo, model.Suggested:
		// The owner reached out by hand: the planned outreach must not go.
		d.To, d.Reason, d.CancelPlanned = model.Contacted, "you wrote to them yourself", true
		d.SetNext, d.NextAction, d.NextActionAt = true, model.ActionFollowup, p.Calendar.Add(now.In(p.home()), p.FollowupAfter)
	case model.Contacted:
		// A message of the owner's in the thread counts as the follow-up.
		d.Detail = "you wrote to them (counts as a follow-up)"
	case model.Replied:
		d.SetNext, d.NextAction = true, model.ActionNone // answered: nothing pending from us
		d.Detail = "you answered them"
	case model.Met:
		d.To, d.Reason = model.Thanked, "you wrote after the meeting"
		d.Detail = "you wrote after the meeting (thank-you)"
		d.SetNext = true
	}
	if cal != nil {
		op := calendarOp(c, cal, true)
		if op != nil && op.Op == MeetingSchedule && knownMeeting(f, op.Start) {
			// The invitation rapport drafted for a meeting it knows, sent by
			// the owner: nothing new (after the meeting, it is history).
			op = nil
		}
		if op != nil && !c.Status.Suppressing() {
			d.Meeting = op
			switch {
			case op.Op == MeetingSchedule && c.Status != model.Scheduled:
				d.To, d.Reason = model.Scheduled, "meeting "+When(op.Start, p.home())
			case op.Op == MeetingCancel && c.Status == model.Scheduled:
				d.To, d.Reason = model.Replied, "the meeting was cancelled"
			}
		}
	}
	return d
}

// knownMeeting reports a scheduled or held meeting at start.
func knownMeeting(f Facts, start time.Time) bool {
	for _, m := range f.Meetings {
		if m.Start.Equal(start) && (m.State == MeetingScheduled || m.State == MeetingHeldState) {
			return true
		}
	}
	return false
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
