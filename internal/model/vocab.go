package model

// The typed vocabulary shared by every part of rapport: what kind of mail a
// message is (and whether it goes to the owner, decided here only), the
// next action planned for a contact (and whether it is a timer the
// scheduler wakes for), and the states and directions of stored messages.

// Kind is a kind of mail rapport writes. The strings name the template
// files and are stored in the messages table.
type Kind string

// The kinds of mail rapport writes.
const (
	KindOutreach     Kind = "outreach"     // the first request, to a contact
	KindFollowup     Kind = "followup"     // a threaded nudge, to a contact
	KindThankyou     Kind = "thankyou"     // after the meeting, to a contact
	KindKeepInTouch  Kind = "keepintouch"  // a slow-cadence update, to a contact
	KindInvite       Kind = "invite"       // a calendar invitation (iTIP), to a contact
	KindNotification Kind = "notification" // something needs the owner
	KindConfirmation Kind = "confirmation" // the answer to the owner's command mail
	KindDigest       Kind = "digest"       // the weekly digest, to the owner
	KindPrep         Kind = "prep"         // the preparation note before a meeting, to the owner
)

// Kinds lists every kind, in a stable order.
func Kinds() []Kind {
	return []Kind{KindOutreach, KindFollowup, KindThankyou, KindKeepInTouch, KindInvite,
		KindNotification, KindConfirmation, KindDigest, KindPrep}
}

// ToOwner reports whether mail of this kind goes to the mailbox owner rather
// than to a contact: it may concern a contact, but it is not an exchange
// with them, it is marked automatic (Auto-Submitted), and it never counts
// against the daily limit or the spacing between requests.
func (k Kind) ToOwner() bool {
	switch k {
	case KindNotification, KindConfirmation, KindDigest, KindPrep:
		return true
	}
	return false
}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds() {
		if k == x {
			return true
		}
	}
	return false
}

// Action is the next thing planned for a contact, stored with the time it
// is due (next_action, next_action_at). The strings are part of the JSON
// contract.
type Action string

// The next actions.
const (
	ActionNone        Action = ""
	ActionOutreach    Action = "outreach"    // queued: the first request goes at the planned slot
	ActionSend        Action = "send"        // the request is in the outbox, being sent
	ActionFollowup    Action = "followup"    // contacted: a follow-up is due
	ActionNoResponse  Action = "no_response" // contacted: follow-ups done; silence becomes no_response
	ActionResume      Action = "resume"      // snoozed: the snooze ends
	ActionPrep        Action = "prep"        // scheduled: the preparation note is due
	ActionMet         Action = "met"         // scheduled: the meeting ends
	ActionThankyou    Action = "thankyou"    // met: the thank-you draft is due
	ActionKeepInTouch Action = "keepintouch" // thanked: the next keep-in-touch note is due
	ActionAnswer      Action = "answer"      // the owner should answer the contact (not a timer)
	ActionApprove     Action = "approve"     // suggested: waits for the owner's yes (not a timer)
	ActionComplete    Action = "complete"    // needs_info: the owner must fill in a field (not a timer)
)

// Timers lists the actions the scheduler wakes for at next_action_at.
func Timers() []Action {
	return []Action{ActionOutreach, ActionFollowup, ActionNoResponse, ActionResume, ActionPrep, ActionMet,
		ActionThankyou, ActionKeepInTouch}
}

// Timer reports whether rapport itself acts when the action falls due; the
// others wait for the owner (or, for send, for the outbox's own queue).
func (a Action) Timer() bool {
	for _, t := range Timers() {
		if a == t {
			return true
		}
	}
	return false
}

// Direction says whether a stored message came in or went (or will go) out.
type Direction string

// Message directions.
const (
	Out Direction = "out"
	In  Direction = "in"
)

// MsgState is where a stored message is. Outbound mail moves queued →
// sending → in_flight → sent, or to failed, in_doubt or cancelled; drafts
// are drafted (then sent by the owner, or withdrawn by rapport when they
// no longer fit); inbound mail rapport has processed is received.
type MsgState string

// Message states.
const (
	MsgQueued    MsgState = "queued"
	MsgSending   MsgState = "sending"   // claimed; the SMTP transaction has not reached DATA
	MsgInFlight  MsgState = "in_flight" // DATA is about to start or has started
	MsgSent      MsgState = "sent"
	MsgInDoubt   MsgState = "in_doubt" // the final reply never came; only the owner resolves it
	MsgFailed    MsgState = "failed"
	MsgCancelled MsgState = "cancelled"
	MsgDrafted   MsgState = "drafted"
	MsgWithdraw  MsgState = "withdraw"  // a draft to take out of Drafts (the contact answered)
	MsgWithdrawn MsgState = "withdrawn" // taken out of Drafts, or left there because the owner edited it
	MsgReceived  MsgState = "received"
)
