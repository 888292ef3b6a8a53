package compose

import (
	"fmt"
	"strings"
)

// MissingFieldError says that a kind of mail needs a field the data does not
// have. The pipeline turns it into the needs_info status: nothing is sent.
type MissingFieldError struct {
	Kind  Kind
	Field string // data path, e.g. "Contact.Company"
}

func (e *MissingFieldError) Error() string {
	return fmt.Sprintf("%s: %s", e.Kind, describeMissing(e.Field))
}

var missingText = map[string]string{
	"Contact.Name":       "contact has no name",
	"Contact.FirstName":  "contact has no name",
	"Contact.Email":      "contact has no email address",
	"Contact.Company":    "contact has no company",
	"Contact.Role":       "contact has no role",
	"Me.Name":            "me.name (your name) is not set",
	"Me.FirstName":       "me.name (your name) is not set",
	"Me.Email":           "me.email (your address) is not set",
	"Me.Intro":           "me.intro (who you are) is not set",
	"Me.Interest":        "me.interest (what you want to learn about) is not set",
	"Options":            "no meeting options to propose (check me.availability)",
	"Thread.Subject":     "no earlier subject to reply to",
	"Thread.MessageIDs":  "no earlier message to thread on",
	"Meeting.When":       "no meeting time",
	"Meeting.Start":      "no meeting start time",
	"Notification.Title": "notification has no title",
}

func describeMissing(field string) string {
	if s, ok := missingText[field]; ok {
		return s
	}
	if k, ok := strings.CutPrefix(field, "Contact.Custom."); ok {
		return fmt.Sprintf("contact has no %q field", k)
	}
	return field + " is empty"
}

// FieldError says a value cannot be put in a header safely: a name with a
// line break, an address that is not one plain address, a malformed
// Message-ID. It is a data error, never retried.
type FieldError struct {
	Kind   Kind
	Field  string
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %s %s", e.Kind, e.Field, e.Reason)
}
