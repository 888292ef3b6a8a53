// Package model holds the domain types every part of rapport shares: a
// contact, its status in the outreach lifecycle, and the events on its
// timeline. It has no behaviour beyond parsing and formatting.
package model

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Status is where a contact is in the lifecycle. The strings are part of
// the interface contract (JSON, templates, CLI).
type Status string

const (
	Queued     Status = "queued"
	Contacted  Status = "contacted"
	Replied    Status = "replied"
	Scheduled  Status = "scheduled"
	Met        Status = "met"
	Thanked    Status = "thanked"
	NeedsInfo  Status = "needs_info"
	Suggested  Status = "suggested" // referred, or already in correspondence: waits for the owner's yes
	Snoozed    Status = "snoozed"
	Paused     Status = "paused"
	Declined   Status = "declined"
	OptedOut   Status = "opted_out"
	Bounced    Status = "bounced"
	NoResponse Status = "no_response"
)

// Statuses lists every status, main line first.
var Statuses = []Status{Queued, Contacted, Replied, Scheduled, Met, Thanked,
	NeedsInfo, Suggested, Snoozed, Paused, Declined, OptedOut, Bounced, NoResponse}

// ParseStatus accepts a status string, case-insensitively, with "-" or " "
// for "_".
func ParseStatus(s string) (Status, error) {
	n := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	for _, st := range Statuses {
		if string(st) == n {
			return st, nil
		}
	}
	names := make([]string, len(Statuses))
	for i, st := range Statuses {
		names[i] = string(st)
	}
	return "", fmt.Errorf("unknown status %q (want one of %s)", s, strings.Join(names, ", "))
}

// Suppressing reports whether the status puts the address on the
// suppression list: nothing is ever sent to it again.
func (s Status) Suppressing() bool { return s == OptedOut || s == Bounced }

// Final reports whether nothing more is sent to the contact unprompted.
func (s Status) Final() bool {
	return s == OptedOut || s == Bounced || s == Declined || s == NoResponse
}

// Contact is a person the user wants to learn from.
type Contact struct {
	ID              int64             `json:"-"`
	AccountID       int64             `json:"-"`
	Email           string            `json:"email"`
	Name            string            `json:"name"`
	Company         string            `json:"company"`
	Role            string            `json:"role"`
	Connection      string            `json:"connection"`
	ReferredBy      string            `json:"referred_by"`
	Timezone        string            `json:"timezone"`
	Notes           string            `json:"notes"`
	Custom          map[string]string `json:"custom,omitempty"`
	Status          Status            `json:"status"`
	StatusChangedAt time.Time         `json:"status_changed_at"`
	StatusReason    string            `json:"status_reason,omitempty"`
	NextAction      Action            `json:"next_action"`
	NextActionAt    time.Time         `json:"next_action_at"`
	SnoozedUntil    time.Time         `json:"snoozed_until,omitempty"`
	ResumeStatus    Status            `json:"-"`
	FollowupsSent   int               `json:"followups_sent"`
	LastExchangeAt  time.Time         `json:"last_exchange_at,omitempty"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
}

// FirstName is the first word of the name.
func (c *Contact) FirstName() string { return FirstName(c.Name) }

// FirstName returns the first word of a full name.
func FirstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// MarshalJSON writes times as RFC 3339 with millisecond precision and
// null for unset times.
func (c Contact) MarshalJSON() ([]byte, error) {
	type alias Contact
	return json.Marshal(struct {
		alias
		StatusChangedAt JSONTime  `json:"status_changed_at"`
		NextActionAt    JSONTime  `json:"next_action_at"`
		SnoozedUntil    *JSONTime `json:"snoozed_until,omitempty"`
		LastExchangeAt  *JSONTime `json:"last_exchange_at,omitempty"`
		CreatedAt       JSONTime  `json:"created_at"`
		UpdatedAt       JSONTime  `json:"updated_at"`
	}{
		alias:           alias(c),
		StatusChangedAt: JSONTime(c.StatusChangedAt),
		NextActionAt:    JSONTime(c.NextActionAt),
		SnoozedUntil:    optTime(c.SnoozedUntil),
		LastExchangeAt:  optTime(c.LastExchangeAt),
		CreatedAt:       JSONTime(c.CreatedAt),
		UpdatedAt:       JSONTime(c.UpdatedAt),
	})
}

func optTime(t time.Time) *JSONTime {
	if t.IsZero() {
		return nil
	}
	j := JSONTime(t)
	return &j
}

// Event is one entry on a contact's timeline.
type Event struct {
	ID        int64     `json:"-"`
	ContactID int64     `json:"-"`
	At        time.Time `json:"at"`
	Type      string    `json:"type"`
	From      Status    `json:"from"`
	To        Status    `json:"to"`
	Detail    string    `json:"detail"`
	MessageID string    `json:"message_id"`
}

// MarshalJSON writes At as RFC 3339 with millisecond precision.
func (e Event) MarshalJSON() ([]byte, error) {
	type alias Event
	return json.Marshal(struct {
		alias
		At JSONTime `json:"at"`
	}{alias(e), JSONTime(e.At)})
}

// Event types on the timeline.
const (
	EventCreated      = "created"
	EventImported     = "imported"
	EventStatus       = "status"
	EventUpdated      = "updated"
	EventSent         = "sent"
	EventDraft        = "draft"
	EventReply        = "reply"
	EventAutoReply    = "auto_reply"
	EventBounce       = "bounce"
	EventOwnMessage   = "own_message"
	EventNote         = "note"
	EventMeeting      = "meeting"
	EventReview       = "review"
	EventFailed       = "failed"
	EventNotification = "notification"
)

// JSONTime marshals as RFC 3339 in UTC with millisecond precision, or null
// when zero.
type JSONTime time.Time

// TimeFormat is the JSON time layout: RFC 3339 with milliseconds.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

func (t JSONTime) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + tt.UTC().Format(TimeFormat) + `"`), nil
}
