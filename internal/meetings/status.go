package meetings

import (
	"fmt"
	"strings"
)

// Status is where a meeting stands. The strings appear in JSON and
// templates.
type Status string

// The statuses of a meeting.
const (
	// Proposed: a time is on the table (the contact offered it in a reply,
	// or rapport offered it) and nobody has confirmed it.
	Proposed Status = "proposed"
	// Confirmed: agreed by both; an invitation goes out.
	Confirmed Status = "confirmed"
	// Cancelled: called off, or a proposal that was not taken.
	Cancelled Status = "cancelled"
	// Held: it took place (its end has passed, or the owner said "met").
	Held Status = "held"
)

// Statuses lists every status, in lifecycle order.
func Statuses() []Status { return []Status{Proposed, Confirmed, Cancelled, Held} }

// statusAliases are names other parts of rapport have used for the same
// states: the store's "scheduled" is confirmed, a "declined" proposal is
// one that will not happen.
var statusAliases = map[string]Status{
	"scheduled": Confirmed,
	"declined":  Cancelled,
	"canceled":  Cancelled,
	"met":       Held,
}

// ParseStatus reads a status, case-insensitive, accepting the aliases
// "scheduled" (confirmed), "declined" and "canceled" (cancelled) and "met"
// (held).
func ParseStatus(s string) (Status, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	for _, st := range Statuses() {
		if v == string(st) {
			return st, nil
		}
	}
	if st, ok := statusAliases[v]; ok {
		return st, nil
	}
	return "", fmt.Errorf("unknown meeting status %q (want proposed, confirmed, cancelled or held)", s)
}

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool {
	switch s {
	case Proposed, Confirmed, Cancelled, Held:
		return true
	}
	return false
}

// Active reports whether the meeting is still expected to happen or has
// happened (not cancelled).
func (s Status) Active() bool { return s == Proposed || s == Confirmed || s == Held }

// Source says where a meeting came from. The strings appear in JSON.
type Source string

// The sources of a meeting. Other values (older rows, new callers) are
// kept as they are.
const (
	// FromCommand: the owner wrote a meeting command by mail.
	FromCommand Source = "command"
	// FromReply: the contact proposed the time in a reply.
	FromReply Source = "reply"
	// FromInvitation: a calendar invitation the contact (or their
	// assistant) sent.
	FromInvitation Source = "invitation"
	// FromCLI: `rapport contacts schedule` on the command line.
	FromCLI Source = "cli"
)
