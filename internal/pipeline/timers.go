package pipeline

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"rapport/internal/model"
	"rapport/internal/schedule"
)

// Due is a contact's next action and when it falls due.
type Due struct {
	Action model.Action
	At     time.Time
}

// Ready reports whether rapport itself acts on the due action at now.
func (d Due) Ready(now time.Time) bool { return d.Action.Timer() && !d.At.After(now) }

// Next is what a contact waits for and when: the one definition of
// next_action and next_action_at. For the statuses whose timers follow from
// facts (a meeting's time, the thank-you made, the last exchange) it is
// computed; for the others it is the base the last decision stored
// (refined: a follow-up lands in the contact's morning window).
func Next(c *model.Contact, f Facts, now time.Time, p Policy) Due {
	switch c.Status {
	case model.Snoozed:
		// A snooze holds everything, planned follow-ups included.
		at := c.SnoozedUntil
		if at.IsZero() && c.NextAction == model.ActionResume {
			at = c.NextActionAt
		}
		if at.IsZero() {
			return Due{}
		}
		return Due{model.ActionResume, at}

	case model.Contacted:
		if c.NextActionAt.IsZero() {
			return Due{}
		}
		switch c.NextAction {
		case model.ActionFollowup:
			if c.FollowupsSent >= p.FollowupMax {
				// No follow-up to make (max 0): silence counts from when
				// it would have been due.
				return Due{model.ActionNoResponse, p.Calendar.Add(c.NextActionAt.In(p.home()), p.FollowupGrace)}
			}
			return Due{model.ActionFollowup, FollowupSlot(c.NextActionAt, f.loc(p), p)}
		case model.ActionNoResponse:
			return Due{model.ActionNoResponse, c.NextActionAt}
		}
		return Due{}

	case model.Scheduled:
		m := f.Scheduled()
		if m == nil {
			return Due{}
		}
		if !m.Prepared && now.Before(m.Start) {
			return Due{model.ActionPrep, PrepAt(m.Start, p)}
		}
		return Due{model.ActionMet, m.End()}

	case model.Met:
		if f.ThankyouDone {
			return Due{}
		}
		end := c.StatusChangedAt
		if m := f.Held(); m != nil && m.End().After(end.Add(-MaxThankyouDelay)) && !m.End().After(end) {
			end = m.End()
		}
		return Due{model.ActionThankyou, ThankyouAt(end, p)}

	case model.Thanked:
		base := c.StatusChangedAt
		for _, t := range []time.Time{c.LastExchangeAt, f.LastKeepInTouch} {
			if t.After(base) {
				base = t
			}
		}
		return Due{model.ActionKeepInTouch, p.Calendar.Add(base.In(p.home()), p.KeepInTouchEvery)}

	case model.Queued:
		if c.NextAction == model.ActionOutreach || c.NextAction == model.ActionSend {
			return Due{c.NextAction, c.NextActionAt}
		}
		return Due{}

	case model.Replied:
		if c.NextAction == model.ActionAnswer {
			return Due{model.ActionAnswer, c.NextActionAt}
		}
		return Due{}

	case model.Suggested:
		return Due{model.ActionApprove, time.Time{}}

	case model.NeedsInfo:
		return Due{model.ActionComplete, time.Time{}}
	}
	return Due{}
}

// FollowupSlot moves a follow-up's due time to the start of the next
// preferred-day window in the contact's zone (or keeps it when it is
// already inside one).
func FollowupSlot(due time.Time, loc *time.Location, p Policy) time.Time {
	t, err := schedule.NextPreferredSlot(due, loc, p.Outreach, p.Calendar)
	if err != nil {
		return due
	}
	return t
}

// PrepAt is when the preparation note for a meeting at start is due.
func PrepAt(start time.Time, p Policy) time.Time {
	s := p.PrepBefore
	if s.IsZero() {
		s = schedule.Span{Days: 1}
	}
	if s.Days != 0 {
		if s.Business {
			return p.Calendar.AddBusinessDays(start.In(p.home()), -s.Days)
		}
		return start.In(p.home()).AddDate(0, 0, -s.Days)
	}
	return start.Add(-s.D)
}

// ThankyouAt is when the thank-you for a meeting that ended at end is due:
// ThankyouAfter later, never more than a day.
func ThankyouAt(end time.Time, p Policy) time.Time {
	at := p.Calendar.Add(end.In(p.home()), p.ThankyouAfter)
	if at.Sub(end) > MaxThankyouDelay {
		at = end.Add(MaxThankyouDelay)
	}
	if at.Before(end) {
		at = end
	}
	return at
}

// AfterFollowup is the contact's bookkeeping once a follow-up is made at
// now: the new count and the next action (another follow-up after
// FollowupAfter, or no_response after FollowupGrace).
func AfterFollowup(c *model.Contact, now time.Time, p Policy) (made int, action model.Action, at time.Time) {
	made = c.FollowupsSent + 1
	h := now.In(p.home())
	if made < p.FollowupMax {
		return made, model.ActionFollowup, p.Calendar.Add(h, p.FollowupAfter)
	}
	return made, model.ActionNoResponse, p.Calendar.Add(h, p.FollowupGrace)
}

// Step decides what to do for a contact whose timer has fallen due at now.
// It is Skip when nothing is due (the contact moved on since it was found).
func Step(c *model.Contact, f Facts, now time.Time, p Policy) Decision {
	due := Next(c, f, now, p)
	if !due.Ready(now) {
		return Decision{Skip: true}
	}
	switch due.Action {
	case model.ActionFollowup:
		made, action, at := AfterFollowup(c, now, p)
		return Decision{Make: []Make{{Kind: model.KindFollowup, Mode: p.FollowupMode}},
			SetFollowups: true, Followups: made, SetNext: true, NextAction: action, NextActionAt: at}
	case model.ActionNoResponse:
		return Silence(c, f)
	case model.ActionPrep:
		m := f.Scheduled()
		return Decision{Make: []Make{{Kind: model.KindPrep, Meeting: m.ID}},
			Meeting: &MeetingOp{Op: MeetingPrepared, ID: m.ID}}
	case model.ActionMet:
		m := f.Scheduled()
		when := When(m.Start, p.home())
		return Decision{To: model.Met, Reason: "met " + when, EventType: model.EventMeeting,
			Detail: "the meeting on " + when + " has ended", Meeting: &MeetingOp{Op: MeetingHeld, ID: m.ID}}
	case model.ActionThankyou:
		return Decision{Make: []Make{{Kind: model.KindThankyou, Mode: p.ThankyouMode}}}
	case model.ActionKeepInTouch:
		return Decision{Make: []Make{{Kind: model.KindKeepInTouch, Mode: p.KeepInTouchMode}}}
	case model.ActionResume:
		return Resume(c, now, p, "the snooze until "+c.SnoozedUntil.In(p.home()).Format("2 Jan 2006")+" ended")
	}
	return Decision{Skip: true}
}

// Silence decides what happens when a contacted contact's follow-ups are
// exhausted and the grace period has passed: a respectful no_response. It
// says truthfully whether follow-ups went: drafts the owner never sent are
// not follow-ups, and they leave Drafts.
func Silence(c *model.Contact, f Facts) Decision {
	d := Decision{To: model.NoResponse, Reason: "no answer", EventType: model.EventStatus,
		SetNext: true, CancelPlanned: true, WithdrawDrafts: true}
	switch {
	case f.FollowupsSent > 0:
		d.Reason = "no answer after follow-ups"
		d.Detail = fmt.Sprintf("no answer after the request and %s; a respectful no response", plural(f.FollowupsSent, "follow-up"))
	case f.FollowupDrafts > 0:
		d.Detail = fmt.Sprintf("no answer to the request; the follow-up %s in Drafts never went (taken out of Drafts); a respectful no response",
			pluralWord(f.FollowupDrafts, "draft", "drafts"))
	default:
		d.Detail = "no answer to the request; a respectful no response"
	}
	return d
}

// Resume ends a snooze or a pause at now. A contact who was waiting for an
// answer ("try me in March") gets exactly one gentle, threaded follow-up:
// its count is set one below the maximum (below zero when the maximum is
// zero) so that this one follow-up is allowed and no more. A contact who
// was queued is planned again.
func Resume(c *model.Contact, now time.Time, p Policy, why string) Decision {
	if c.Status != model.Snoozed && c.Status != model.Paused {
		return Decision{Skip: true}
	}
	to := c.ResumeStatus
	if to == "" || to == model.Paused || to == model.Snoozed {
		to = model.Queued
	}
	d := Decision{To: to, Reason: why, EventType: model.EventStatus, Detail: why, SetNext: true}
	switch to {
	case model.Queued:
		d.Requeue = true
		d.NextAction = model.ActionOutreach
	case model.Contacted:
		d.NextAction, d.NextActionAt = model.ActionFollowup, now
		d.SetFollowups, d.Followups = true, p.FollowupMax-1
		d.Detail += "; one gentle follow-up in the thread"
	case model.Replied:
		d.NextAction, d.NextActionAt = model.ActionAnswer, now
	case model.NeedsInfo:
		d.NextAction = model.ActionComplete
	}
	return d
}

// CompanyRuleDays is the 3B7 rule's wait: three business days of silence
// at a company before the next person there is written to.
const CompanyRuleDays = 3

// BringForward applies the 3B7 rule: at each company where nobody has
// answered and the latest request is CompanyRuleDays business days old, the
// next queued contact (added first) whose outreach is planned later is
// returned, to be brought forward to now. One per company at a time: none
// while another contact there is already due or in the outbox.
func BringForward(cs []*model.Contact, now time.Time, p Policy) []*model.Contact {
	byCompany := map[string][]*model.Contact{}
	var order []string
	for _, c := range cs {
		k := strings.ToLower(strings.Join(strings.Fields(c.Company), " "))
		if k == "" {
			continue
		}
		if _, ok := byCompany[k]; !ok {
			order = append(order, k)
		}
		byCompany[k] = append(byCompany[k], c)
	}
	var out []*model.Contact
	for _, k := range order {
		group := byCompany[k]
		var last time.Time
		answered, busy := false, false
		var queued []*model.Contact
		for _, c := range group {
			switch c.Status {
			case model.Replied, model.Scheduled, model.Met, model.Thanked, model.Snoozed:
				answered = true
			case model.Contacted, model.NoResponse, model.Bounced:
				if c.StatusChangedAt.After(last) {
					last = c.StatusChangedAt
				}
			case model.Queued:
				if c.NextAction != model.ActionOutreach || !c.NextActionAt.After(now) {
					busy = true // already in the outbox, or due
					continue
				}
				queued = append(queued, c)
			}
		}
		if answered || busy || last.IsZero() || len(queued) == 0 {
			continue
		}
		if p.Calendar.AddBusinessDays(last.In(p.home()), CompanyRuleDays).After(now) {
			continue
		}
		sort.SliceStable(queued, func(i, j int) bool {
			if !queued[i].CreatedAt.Equal(queued[j].CreatedAt) {
				return queued[i].CreatedAt.Before(queued[j].CreatedAt)
			}
			return queued[i].ID < queued[j].ID
		})
		out = append(out, queued[0])
	}
	return out
}

// BroughtForward is the decision for a contact the 3B7 rule moves up.
func BroughtForward(c *model.Contact, now time.Time) Decision {
	if c.Status != model.Queued || c.NextAction != model.ActionOutreach || !c.NextActionAt.After(now) {
		return Decision{Skip: true}
	}
	return Decision{EventType: model.EventNote, SetNext: true, NextAction: model.ActionOutreach, NextActionAt: now,
		Detail: fmt.Sprintf("3B7: nobody at %s has answered in %d business days; %s is next", c.Company, CompanyRuleDays, name(c))}
}

func plural(n int, word string) string {
	return fmt.Sprintf("%d %s", n, pluralWord(n, word, word+"s"))
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
