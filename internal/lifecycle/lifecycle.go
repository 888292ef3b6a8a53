// Package lifecycle decides what is due for a contact after the first
// request: follow-ups on silent contacts, the respectful no_response, the
// preparation note before a meeting, met once it has ended, the thank-you,
// keep-in-touch notes, and the end of a snooze. It is pure: the contact,
// what the store knows about it and the time come in, a step and its due
// time go out. The caller (internal/app) performs the step and records it.
package lifecycle

import (
	"sort"
	"strings"
	"time"

	"rapport/internal/model"
	"rapport/internal/schedule"
)

// Step is something to do for a contact.
type Step string

const (
	None        Step = ""
	Followup    Step = "followup"    // draft (or queue) a threaded nudge
	NoResponse  Step = "no_response" // follow-ups exhausted, grace over
	Prep        Step = "prep"        // preparation note to the owner
	Met         Step = "met"         // the meeting has ended
	Thankyou    Step = "thankyou"    // draft the thank-you
	KeepInTouch Step = "keepintouch" // draft a short update
	Resume      Step = "resume"      // the snooze is over
)

// Next actions stored on contacts by this package.
const (
	ActionFollowup   = "followup"
	ActionNoResponse = "no_response"
	ActionResume     = "resume"
	ActionMeeting    = "meeting"
	ActionThankyou   = "thankyou"
)

// Policy is the configured timing.
type Policy struct {
	FollowupAfter schedule.Span // between the outreach (or a follow-up) and the next follow-up
	FollowupMax   int           // follow-ups per contact
	FollowupGrace schedule.Span // after the last follow-up, before no_response
	// KeepInTouchEvery is the gap after the last exchange (or the last
	// keep-in-touch note) before the next note.
	KeepInTouchEvery schedule.Span
	// PrepBefore is how long before a meeting the preparation note is due;
	// zero means one calendar day (the day before, same wall-clock time).
	PrepBefore schedule.Span
	// Outreach gives the preferred days and window follow-ups go out in.
	Outreach schedule.Policy
	Calendar schedule.Calendar
	// Home is the owner's zone: business days and grace are counted there.
	Home *time.Location
}

func (p Policy) home() *time.Location {
	if p.Home != nil {
		return p.Home
	}
	return time.UTC
}

// Meeting is the scheduled meeting of a contact.
type Meeting struct {
	Start    time.Time
	Duration time.Duration
}

// End is when it is over.
func (m Meeting) End() time.Time { return m.Start.Add(m.Duration) }

// Facts are what the store knows about a contact beyond its row.
type Facts struct {
	// Loc is the contact's zone (follow-ups land in its morning window);
	// nil means Policy.Home.
	Loc *time.Location
	// Meeting is the scheduled meeting, if any.
	Meeting *Meeting
	// PrepDone: the preparation note for Meeting exists.
	PrepDone bool
	// ThankyouDone: a thank-you was drafted or queued since the contact
	// became met.
	ThankyouDone bool
	// LastKeepInTouch is when the last keep-in-touch note was made.
	LastKeepInTouch time.Time
}

// Due is a step and when it falls due.
type Due struct {
	Step Step
	At   time.Time
}

// Ready reports whether the step is due at now.
func (d Due) Ready(now time.Time) bool { return d.Step != None && !d.At.After(now) }

// Next is the contact's next step and its due time (None when nothing is
// planned). now matters only for the preparation note, which is not worth
// sending once the meeting has started.
func Next(c *model.Contact, f Facts, now time.Time, p Policy) Due {
	loc := f.Loc
	if loc == nil {
		loc = p.home()
	}
	switch c.Status {
	case model.Snoozed:
		// A snooze holds everything, planned follow-ups included.
		at := c.SnoozedUntil
		if at.IsZero() && c.NextAction == ActionResume {
			at = c.NextActionAt
		}
		if at.IsZero() {
			return Due{}
		}
		return Due{Resume, at}

	case model.Contacted:
		if c.NextActionAt.IsZero() {
			return Due{}
		}
		switch c.NextAction {
		case ActionFollowup:
			if c.FollowupsSent >= p.FollowupMax {
				// No follow-up to make (max 0): silence counts from when
				// it would have been due.
				return Due{NoResponse, p.Calendar.Add(c.NextActionAt.In(p.home()), p.FollowupGrace)}
			}
			return Due{Followup, FollowupSlot(c.NextActionAt, loc, p)}
		case ActionNoResponse:
			return Due{NoResponse, c.NextActionAt}
		}
		return Due{}

	case model.Scheduled:
		if f.Meeting == nil {
			return Due{}
		}
		if !f.PrepDone && now.Before(f.Meeting.Start) {
			return Due{Prep, PrepAt(f.Meeting.Start, p)}
		}
		return Due{Met, f.Meeting.End()}

	case model.Met:
		if f.ThankyouDone {
			return Due{}
		}
		return Due{Thankyou, c.StatusChangedAt}

	case model.Thanked:
		base := c.StatusChangedAt
		for _, t := range []time.Time{c.LastExchangeAt, f.LastKeepInTouch} {
			if t.After(base) {
				base = t
			}
		}
		return Due{KeepInTouch, p.Calendar.Add(base.In(p.home()), p.KeepInTouchEvery)}
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

// AfterFollowup is the contact's bookkeeping once a follow-up is made at
// now: the new count and the next action (another follow-up after
// FollowupAfter, or no_response after FollowupGrace).
func AfterFollowup(c *model.Contact, now time.Time, p Policy) (sent int, action string, at time.Time) {
	sent = c.FollowupsSent + 1
	h := now.In(p.home())
	if sent < p.FollowupMax {
		return sent, ActionFollowup, p.Calendar.Add(h, p.FollowupAfter)
	}
	return sent, ActionNoResponse, p.Calendar.Add(h, p.FollowupGrace)
}

// Resumed is where a contact goes when its snooze ends.
type Resumed struct {
	To            model.Status
	NextAction    string
	NextActionAt  time.Time
	FollowupsSent int
	// Requeue: the contact goes back to the outreach queue (the caller
	// plans its slot).
	Requeue bool
}

// ResumeAt decides the end of a snooze at now. A contact who was waiting
// for an answer ("try me in March") gets exactly one gentle, threaded
// follow-up: its count is set one below the maximum (below zero when the
// maximum is zero) so that this one follow-up is allowed and no more.
func ResumeAt(c *model.Contact, now time.Time, p Policy) Resumed {
	to := c.ResumeStatus
	if to == "" {
		to = model.Queued
	}
	r := Resumed{To: to, FollowupsSent: c.FollowupsSent}
	switch to {
	case model.Queued, model.NeedsInfo:
		r.Requeue = to == model.Queued
	case model.Contacted:
		// "Try me in March": at the date one nudge goes, in the thread,
		// and then silence is a respectful no_response.
		r.NextAction, r.NextActionAt = ActionFollowup, now
		r.FollowupsSent = p.FollowupMax - 1
	}
	return r
}

// CompanyRuleDays is the 3B7 rule's wait: three business days of silence
// at a company before the next person there is written to.
const CompanyRuleDays = 3

// BringForward applies the 3B7 rule: at each company where nobody has
// answered and the latest request is CompanyRuleDays business days old, the
// next queued contact (added first) whose outreach is planned later is
// returned, to be brought forward to now. One per company at a time: none
// while another contact there is already due or planned.
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
				if c.NextAction != "outreach" || !c.NextActionAt.After(now) {
					busy = true // already planned in the outbox, or due
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
