// Package pipeline is rapport's one state machine. Everything that can
// change a contact — a classified inbound message, the owner's own mail in
// Sent, what the outbox did, a timer falling due, an owner command, a CLI
// correction, a meeting — is a function here that takes the contact, the
// facts the store knows about it and the time, and returns a Decision: the
// new status, the timeline event, the messages to make, what to cancel,
// suppress or tell the owner. Next says what the contact waits for after
// any decision, and when.
//
// The package is pure: no I/O, no clock, no store. internal/apply is the one
// place that writes a Decision, inside the transaction that read the
// contact; nothing else writes a contact's status.
package pipeline

import (
	"time"

	"rapport/internal/classify"
	"rapport/internal/model"
)

// Decision is what to do with a contact after something happened.
type Decision struct {
	// Skip: the event does not apply to the contact as it is now (it moved
	// on in the meantime); nothing is written, not even an event.
	Skip bool

	// To is the new status; "" keeps the current one.
	To model.Status
	// Reason is stored on the contact with a status change.
	Reason string
	// EventType and Detail describe the timeline event (always recorded
	// unless Skip, with or without a status change).
	EventType string
	Detail    string

	// SetNext sets the contact's base next action (the applier then lets
	// Next refine it: a follow-up lands in the contact's morning window).
	SetNext      bool
	NextAction   model.Action
	NextActionAt time.Time
	// Snooze fields go with a move to snoozed or paused.
	SnoozedUntil time.Time
	ResumeStatus model.Status
	// Followups, when SetFollowups, is the new count of follow-ups made.
	SetFollowups bool
	Followups    int
	// Requeue plans the contact's outreach slot again (a move to queued).
	Requeue bool

	// CancelPlanned cancels queued mail to the contact (a reply, an
	// opt-out, a bounce: stop means stop). WithdrawDrafts takes rapport's
	// own unsent drafts to the contact out of Drafts (unless the owner has
	// edited them).
	CancelPlanned  bool
	WithdrawDrafts bool
	// Suppress puts the address on the suppression list with this reason.
	Suppress string
	// Exchange marks a two-way exchange: resets the keep-in-touch clock.
	Exchange bool

	// Make lists messages to make for the contact, in order.
	Make []Make
	// Meeting changes the contact's meetings.
	Meeting *MeetingOp
	// Suggest lists people the contact referred: each becomes a suggested
	// contact (or, with referrals: auto, a queued one).
	Suggest []classify.Referral
	// Notice tells the owner (instantly, or in the digest).
	Notice *Notice
}

// Mode is how a message is made.
type Mode string

const (
	ModeDraft Mode = "draft" // put in Drafts for the owner to send
	ModeSend  Mode = "send"  // queued in the outbox
)

// Make is one message to make.
type Make struct {
	Kind model.Kind
	Mode Mode
	// Meeting is the meeting the message is about (prep, invite), if any.
	Meeting int64
	// Method is the iTIP method of an invitation: REQUEST or CANCEL.
	Method string
}

// NoticeKind says what a notice to the owner is about.
type NoticeKind string

const (
	NoticeReply     NoticeKind = "reply"
	NoticeProposal  NoticeKind = "proposal"
	NoticeQuestion  NoticeKind = "question"
	NoticeReferral  NoticeKind = "referral"
	NoticeOptOut    NoticeKind = "opt_out"
	NoticeDecline   NoticeKind = "decline"
	NoticeSnooze    NoticeKind = "snooze"
	NoticeBounce    NoticeKind = "bounce"
	NoticeComplaint NoticeKind = "complaint"
	NoticeChallenge NoticeKind = "challenge"
	NoticeReview    NoticeKind = "review"
	NoticeAway      NoticeKind = "away"
	NoticeSuggested NoticeKind = "suggested"
	NoticeInDoubt   NoticeKind = "in_doubt"
	NoticeMeeting   NoticeKind = "meeting"
	NoticeEdited    NoticeKind = "draft_edited"
)

// Notice is what the owner hears about a decision.
type Notice struct {
	Kind  NoticeKind
	Title string // one line: what happened
	// Text is the contact's own words, when they wrote.
	Text     string
	Proposed []time.Time
	Until    time.Time
	Referred []classify.Referral
	// Reason adds why (a bounce's diagnostic, a review's detail).
	Reason string
	// Link is a verification link (challenge mail).
	Link string
}

// MeetingOpKind is a change to a contact's meetings.
type MeetingOpKind string

const (
	// MeetingPropose records times the contact proposed, for the owner to
	// confirm.
	MeetingPropose MeetingOpKind = "propose"
	// MeetingSchedule makes a time the meeting: a new one, or the proposal
	// with ID; other scheduled meetings are cancelled, other proposals
	// declined.
	MeetingSchedule MeetingOpKind = "schedule"
	// MeetingCancel cancels the scheduled meeting.
	MeetingCancel MeetingOpKind = "cancel"
	// MeetingHeld marks the scheduled meeting held.
	MeetingHeld MeetingOpKind = "held"
	// MeetingPrepared records that the preparation note was made.
	MeetingPrepared MeetingOpKind = "prepared"
)

// MeetingOp is a change to a contact's meetings.
type MeetingOp struct {
	Op       MeetingOpKind
	ID       int64 // the meeting (schedule a proposal, held, prepared)
	Start    time.Time
	Duration time.Duration
	Format   string
	Location string
	Source   string
	// Times are proposed times (MeetingPropose).
	Times []time.Time
	// UID is a received invitation's UID, kept so updates match.
	UID string
}
