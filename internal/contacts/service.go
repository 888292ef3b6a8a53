package contacts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"rapport/internal/model"
	"rapport/internal/store"
)

// Planner decides when a newly queued contact's outreach is due. The app
// gives one built from the schedule policy; without it, outreach is due at
// once (the sender still applies the send window and daily limit).
type Planner interface {
	NextOutreach(c *model.Contact, now time.Time) time.Time
}

// Service manages one account's contacts.
type Service struct {
	Store   *store.Store
	Account int64
	Planner Planner
}

// ErrSuppressed is returned when adding an address on the suppression list.
var ErrSuppressed = errors.New("address is on the suppression list")

// ErrExists is returned when adding an address that is already a contact.
var ErrExists = errors.New("contact already exists")

// NextActionOutreach is the next_action of a queued contact.
const NextActionOutreach = "outreach"

func (s *Service) queue(c *model.Contact) {
	c.AccountID = s.Account
	c.Status = model.Queued
	c.NextAction = NextActionOutreach
	now := s.Store.Clock().Now()
	c.NextActionAt = now
	if s.Planner != nil {
		c.NextActionAt = s.Planner.NextOutreach(c, now)
	}
}

// Add validates and stores one contact, queued for outreach.
func (s *Service) Add(ctx context.Context, in Input, detail string) (*model.Contact, error) {
	c, err := in.Validate()
	if err != nil {
		return nil, err
	}
	err = s.Store.WithTx(ctx, func(tx *store.Tx) error {
		if sup, why, err := tx.Suppressed(ctx, s.Account, c.Email); err != nil {
			return err
		} else if sup {
			return fmt.Errorf("%s: %w (%s)", c.Email, ErrSuppressed, why)
		}
		if _, err := tx.ContactByEmail(ctx, s.Account, c.Email); err == nil {
			return fmt.Errorf("%s: %w", c.Email, ErrExists)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		s.queue(c)
		if detail == "" {
			detail = "added"
		}
		return tx.InsertContact(ctx, c, model.EventCreated, detail)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Get returns the contact with an address (normalised first).
func (s *Service) Get(ctx context.Context, email string) (*model.Contact, error) {
	norm, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	c, err := s.Store.ContactByEmail(ctx, s.Account, norm)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("no contact %s", norm)
	}
	return c, err
}

// SetStatus is a manual correction to any status, recorded on the timeline.
// Moving to opted_out or bounced suppresses the address; moving back to
// queued plans the outreach again.
func (s *Service) SetStatus(ctx context.Context, email string, to model.Status, why string) (*model.Contact, error) {
	c, err := s.Get(ctx, email)
	if err != nil {
		return nil, err
	}
	if why == "" {
		why = "set by the user"
	}
	err = s.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		*c = *cur
		if c.Status == to {
			return nil
		}
		t := store.Transition{To: to, Reason: why, Detail: why}
		if to == model.Queued {
			q := *c
			s.queue(&q)
			t.NextAction, t.NextActionAt = q.NextAction, q.NextActionAt
		}
		if err := tx.SetStatus(ctx, c, t); err != nil {
			return err
		}
		if to.Suppressing() {
			return tx.Suppress(ctx, s.Account, c.Email, string(to), "")
		}
		return nil
	})
	return c, err
}

// Pause stops everything for a contact until Resume.
func (s *Service) Pause(ctx context.Context, email string) (*model.Contact, error) {
	return s.hold(ctx, email, model.Paused, time.Time{}, "paused by the user")
}

// Snooze holds a contact until a date, then resumes where it was.
func (s *Service) Snooze(ctx context.Context, email string, until time.Time, why string) (*model.Contact, error) {
	if why == "" {
		why = "snoozed by the user until " + until.Format("2006-01-02")
	}
	return s.hold(ctx, email, model.Snoozed, until, why)
}

func (s *Service) hold(ctx context.Context, email string, to model.Status, until time.Time, why string) (*model.Contact, error) {
	c, err := s.Get(ctx, email)
	if err != nil {
		return nil, err
	}
	err = s.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		*c = *cur
		if c.Status.Final() {
			return fmt.Errorf("%s is %s; set its status explicitly to change that", c.Email, c.Status)
		}
		resume := c.Status
		if c.Status == model.Paused || c.Status == model.Snoozed {
			resume = c.ResumeStatus // keep where it was before the first hold
		}
		t := store.Transition{To: to, Reason: why, Detail: why, ResumeStatus: resume}
		if !until.IsZero() {
			t.SnoozedUntil, t.NextAction, t.NextActionAt = until, "resume", until
		}
		return tx.SetStatus(ctx, c, t)
	})
	return c, err
}

// Resume returns a paused or snoozed contact to where it was.
func (s *Service) Resume(ctx context.Context, email string) (*model.Contact, error) {
	c, err := s.Get(ctx, email)
	if err != nil {
		return nil, err
	}
	err = s.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		*c = *cur
		return ResumeTx(ctx, tx, c, s, "resumed by the user")
	})
	return c, err
}

// ResumeTx moves a paused or snoozed contact back to its previous status in
// tx; a contact that was queued is planned again.
func ResumeTx(ctx context.Context, tx *store.Tx, c *model.Contact, s *Service, why string) error {
	if c.Status != model.Paused && c.Status != model.Snoozed {
		return fmt.Errorf("%s is %s, not paused or snoozed", c.Email, c.Status)
	}
	to := c.ResumeStatus
	if to == "" {
		to = model.Queued
	}
	t := store.Transition{To: to, Reason: why, Detail: why}
	if to == model.Queued {
		q := *c
		s.queue(&q)
		t.NextAction, t.NextActionAt = q.NextAction, q.NextActionAt
	}
	return tx.SetStatus(ctx, c, t)
}

// Detail is a contact with its timeline, for `contacts show`.
type Detail struct {
	*model.Contact
	Events []model.Event `json:"events"`
}

// Show returns a contact and its timeline.
func (s *Service) Show(ctx context.Context, email string) (*Detail, error) {
	c, err := s.Get(ctx, email)
	if err != nil {
		return nil, err
	}
	evs, err := s.Store.Events(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if evs == nil {
		evs = []model.Event{}
	}
	return &Detail{Contact: c, Events: evs}, nil
}

// MarshalJSON flattens the contact and adds events.
func (d Detail) MarshalJSON() ([]byte, error) {
	b, err := d.Contact.MarshalJSON()
	if err != nil {
		return nil, err
	}
	ev, err := json.Marshal(d.Events)
	if err != nil {
		return nil, err
	}
	// b is an object: splice "events" in before its closing brace.
	return append(append(append(b[:len(b)-1], []byte(`,"events":`)...), ev...), '}'), nil
}

// sortedKeys is for stable output of custom fields.
func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// FormatCustom renders custom fields as "k=v, k=v".
func FormatCustom(m map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ", ")
}
