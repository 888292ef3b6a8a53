package pipeline

import (
	"time"

	"rapport/internal/model"
	"rapport/internal/schedule"
)

// Policy is the configured behaviour the state machine depends on.
type Policy struct {
	// Home is the owner's zone: business days and grace are counted there.
	Home     *time.Location
	Calendar schedule.Calendar
	// Outreach gives the preferred days and window follow-ups go out in.
	Outreach schedule.Policy

	FollowupAfter schedule.Span // between the outreach (or a follow-up) and the next follow-up
	FollowupMax   int           // follow-ups per contact
	FollowupGrace schedule.Span // after the last follow-up, before no_response
	FollowupMode  Mode

	// ThankyouAfter is how long after a meeting's end the thank-you draft
	// is made (never later than MaxThankyouDelay).
	ThankyouAfter schedule.Span
	ThankyouMode  Mode

	// KeepInTouchEvery is the gap after the last exchange (or the last
	// keep-in-touch note) before the next note.
	KeepInTouchEvery schedule.Span
	KeepInTouchMode  Mode

	// PrepBefore is how long before a meeting the preparation note is due;
	// zero means one calendar day (the day before, same wall-clock time).
	PrepBefore schedule.Span

	// AutoReferrals queues referred people at once instead of asking the
	// owner first (config referrals: auto).
	AutoReferrals bool
	// Invite is how invitations go: send, draft or off.
	Invite string
}

func (p Policy) home() *time.Location {
	if p.Home != nil {
		return p.Home
	}
	return time.UTC
}

// MaxThankyouDelay bounds ThankyouAfter: a thank-you is due within a day.
const MaxThankyouDelay = 24 * time.Hour

// DefaultMeeting is the length of a meeting nobody gave a length for.
const DefaultMeeting = 30 * time.Minute

// Meeting is one of a contact's meetings, as the state machine sees it.
type Meeting struct {
	ID       int64
	Start    time.Time
	Duration time.Duration
	Format   string
	Location string
	State    string // proposed, scheduled, held, cancelled, declined
	Prepared bool   // the preparation note was made
}

// End is when it is over.
func (m Meeting) End() time.Time {
	d := m.Duration
	if d <= 0 {
		d = DefaultMeeting
	}
	return m.Start.Add(d)
}

// Meeting states as stored.
const (
	MeetingProposed  = "proposed"
	MeetingScheduled = "scheduled"
	MeetingHeldState = "held"
	MeetingCancelled = "cancelled"
	MeetingDeclined  = "declined"
)

// Facts are what the store knows about a contact beyond its row.
type Facts struct {
	// Loc is the contact's zone (follow-ups land in its morning window);
	// nil means Policy.Home.
	Loc *time.Location
	// Meetings are the contact's meetings, earliest first.
	Meetings []Meeting
	// ThankyouDone: a thank-you was made since the contact became met.
	ThankyouDone bool
	// LastKeepInTouch is when the last keep-in-touch note was made.
	LastKeepInTouch time.Time
	// FollowupsSent counts follow-ups that actually went (sent by rapport,
	// or drafts the owner sent); FollowupDrafts counts drafts still waiting.
	FollowupsSent  int
	FollowupDrafts int
	// Suppressed: the address is on the suppression list.
	Suppressed bool
}

// Scheduled is the contact's scheduled meeting, or nil.
func (f Facts) Scheduled() *Meeting {
	var out *Meeting
	for i := range f.Meetings {
		if f.Meetings[i].State == MeetingScheduled {
			out = &f.Meetings[i]
		}
	}
	return out
}

// Held is the contact's last held meeting, or nil.
func (f Facts) Held() *Meeting {
	var out *Meeting
	for i := range f.Meetings {
		if f.Meetings[i].State == MeetingHeldState {
			out = &f.Meetings[i]
		}
	}
	return out
}

// Proposals are the times the contact proposed that wait for the owner,
// earliest first.
func (f Facts) Proposals() []Meeting {
	var out []Meeting
	for _, m := range f.Meetings {
		if m.State == MeetingProposed {
			out = append(out, m)
		}
	}
	return out
}

func (f Facts) loc(p Policy) *time.Location {
	if f.Loc != nil {
		return f.Loc
	}
	return p.home()
}

// contact is a short way to name a contact in texts.
func name(c *model.Contact) string {
	if c.Name != "" {
		return c.Name
	}
	return c.Email
}
