package contacts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"rapport/internal/apply"
	"rapport/internal/meetings"
	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// Planner decides when a newly queued contact's outreach is due, before
// the contact is stored (imports). Contacts stored through the engine get
// their slot from the engine's planner instead.
type Planner interface {
	NextOutreach(c *model.Contact, now time.Time) time.Time
}

// Service manages one account's contacts: adding and importing them, and
// the owner's corrections (from the CLI and from mail commands). Every
// change of status goes through the state machine (internal/pipeline) and
// its applier.
type Service struct {
	Store   *store.Store
	Account int64
	Planner Planner
	// Apply writes decisions; nil means a plain applier with no planner,
	// notifier or renderer (tests of this package alone).
	Apply *apply.Applier
}

// ErrSuppressed is returned when adding an address on the suppression list.
var ErrSuppressed = errors.New("address is on the suppression list")

// ErrExists is returned when adding an address that is already a contact.
var ErrExists = errors.New("contact already exists")

// NextActionOutreach is the next_action of a queued contact.
const NextActionOutreach = model.ActionOutreach

func (s *Service) applier() *apply.Applier {
	if s.Apply != nil {
		return s.Apply
	}
	return &apply.Applier{Account: s.Account, Clock: s.Store.Clock()}
}

// queue makes c a queued contact due at its planned slot (imports, which
// store contacts in batches).
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
	if detail == "" {
		detail = "added"
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
		return s.applier().Create(ctx, tx, c, pipeline.Created(model.Queued, model.EventCreated, detail))
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

// Correct applies an owner's correction to the contact with an address:
// decide is asked on the contact as the transaction reads it.
func (s *Service) Correct(ctx context.Context, email string, decide apply.Decide) (*apply.Result, error) {
	c, err := s.Get(ctx, email)
	if err != nil {
		return nil, err
	}
	var res *apply.Result
	err = s.Store.WithTx(ctx, func(tx *store.Tx) error {
		r, err := s.applier().Do(ctx, tx, c.ID, "", decide)
		res = r
		return err
	})
	return res, err
}

func (s *Service) correct(ctx context.Context, email string, decide apply.Decide) (*model.Contact, error) {
	res, err := s.Correct(ctx, email, decide)
	if err != nil {
		return nil, err
	}
	return res.Contact, nil
}

func (s *Service) now() time.Time { return s.Store.Clock().Now() }

// SetStatus is a manual correction to any status, recorded on the timeline.
// Moving to opted_out or bounced suppresses the address; moving back to
// queued plans the outreach again.
func (s *Service) SetStatus(ctx context.Context, email string, to model.Status, why string) (*model.Contact, error) {
	return s.correct(ctx, email, func(c *model.Contact, f pipeline.Facts) (pipeline.Decision, error) {
		return pipeline.SetStatus(c, f, to, why)
	})
}

// Pause stops everything for a contact until Resume.
func (s *Service) Pause(ctx context.Context, email string) (*model.Contact, error) {
	return s.correct(ctx, email, func(c *model.Contact, _ pipeline.Facts) (pipeline.Decision, error) {
		return pipeline.Hold(c, model.Paused, time.Time{}, "paused by you")
	})
}

// Snooze holds a contact until a date, then resumes where it was.
func (s *Service) Snooze(ctx context.Context, email string, until time.Time, why string) (*model.Contact, error) {
	if why == "" {
		why = "snoozed by you until " + until.Format("2006-01-02")
	}
	return s.correct(ctx, email, func(c *model.Contact, _ pipeline.Facts) (pipeline.Decision, error) {
		return pipeline.Hold(c, model.Snoozed, until, why)
	})
}

// Resume returns a paused or snoozed contact to where it was.
func (s *Service) Resume(ctx context.Context, email string) (*model.Contact, error) {
	return s.correct(ctx, email, func(c *model.Contact, _ pipeline.Facts) (pipeline.Decision, error) {
		return pipeline.ResumeNow(c, s.now(), s.applier().Policy, "resumed by you")
	})
}

// Approve is the owner's yes to writing to a suggested contact (someone
// referred, or someone they already correspond with: the look for earlier
// mail is not made again).
func (s *Service) Approve(ctx context.Context, email string) (*model.Contact, error) {
	c, err := s.Get(ctx, email)
	if err != nil {
		return nil, err
	}
	var res *apply.Result
	err = s.Store.WithTx(ctx, func(tx *store.Tx) error {
		r, err := s.applier().Do(ctx, tx, c.ID, "", func(cur *model.Contact, _ pipeline.Facts) (pipeline.Decision, error) {
			return pipeline.Approve(cur, "approved by you")
		})
		if err != nil {
			return err
		}
		res = r
		_, err = tx.Once(ctx, s.Account, HistoryApproved(c.ID), "")
		return err
	})
	if err != nil {
		return nil, err
	}
	return res.Contact, nil
}

// HistoryApproved is the key that records the owner's yes to a contact
// they already corresponded with.
func HistoryApproved(id int64) string { return fmt.Sprintf("history-ok:%d", id) }

// Note records the owner's notes on a contact's timeline.
func (s *Service) Note(ctx context.Context, email, text string) (*model.Contact, error) {
	return s.correct(ctx, email, func(*model.Contact, pipeline.Facts) (pipeline.Decision, error) {
		return pipeline.Note(text), nil
	})
}

// Meeting is what `contacts schedule` and the meeting command ask for.
type Meeting struct {
	Start    time.Time
	Duration time.Duration
	Format   string
	Location string
	Source   string
}

// Schedule records an agreed meeting with a contact and moves it to
// scheduled (an invitation follows, per meetings.invite).
func (s *Service) Schedule(ctx context.Context, email string, m Meeting) (*model.Contact, error) {
	return s.correct(ctx, email, func(c *model.Contact, f pipeline.Facts) (pipeline.Decision, error) {
		return pipeline.Schedule(c, f, m.Start, m.Duration, m.Format, m.Location, m.Source, 0, s.now(), s.applier().Policy)
	})
}

// Confirm makes the index-th (from 1) time the contact proposed the meeting.
func (s *Service) Confirm(ctx context.Context, email string, index int) (*model.Contact, error) {
	return s.correct(ctx, email, func(c *model.Contact, f pipeline.Facts) (pipeline.Decision, error) {
		return pipeline.Confirm(c, f, index, s.now(), s.applier().Policy)
	})
}

// CancelMeeting calls off the contact's scheduled meeting.
func (s *Service) CancelMeeting(ctx context.Context, email, why string) (*model.Contact, error) {
	if why == "" {
		why = "cancelled by you"
	}
	return s.correct(ctx, email, func(c *model.Contact, f pipeline.Facts) (pipeline.Decision, error) {
		return pipeline.CancelMeeting(c, f, why, s.now(), s.applier().Policy)
	})
}

// Meetings lists a contact's meetings, earliest first.
func (s *Service) Meetings(ctx context.Context, email string) ([]*store.Meeting, error) {
	c, err := s.Get(ctx, email)
	if err != nil {
		return nil, err
	}
	return s.Store.MeetingsByContact(ctx, c.ID)
}

// Detail is a contact with its timeline, for `contacts show`.
type Detail struct {
	*model.Contact
	Events   []model.Event      `json:"events"`
	Meetings []meetings.Meeting `json:"meetings"`
}

// Show returns a contact (found as Find finds it) with its timeline and
// meetings.
func (s *Service) Show(ctx context.Context, who string) (*Detail, error) {
	c, err := s.Find(ctx, who)
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
	ms, err := s.Store.MeetingsByContact(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	d := &Detail{Contact: c, Events: evs, Meetings: []meetings.Meeting{}}
	for _, m := range ms {
		d.Meetings = append(d.Meetings, meetingView(c, m))
	}
	return d, nil
}

// meetingView is a stored meeting as `contacts show --json` prints it: in
// the contact's zone, with the status, format and source in the shared
// vocabulary.
func meetingView(c *model.Contact, m *store.Meeting) meetings.Meeting {
	zone := time.UTC
	for _, name := range []string{c.Timezone, m.Timezone} {
		if name == "" {
			continue
		}
		if l, err := time.LoadLocation(name); err == nil {
			zone = l
			break
		}
	}
	st, err := meetings.ParseStatus(m.State)
	if err != nil {
		st = meetings.Status(m.State)
	}
	src := meetings.Source(m.Source)
	switch s := strings.ToLower(m.Source); {
	case s == "cli":
		src = meetings.FromCLI
	case strings.Contains(s, "command"):
		src = meetings.FromCommand
	case strings.HasPrefix(s, "calendar"):
		src = meetings.FromInvitation
	case s == "reply" || s == "confirmed":
		src = meetings.FromReply
	}
	return meetings.Meeting{Start: m.Start, End: m.End(), Zone: zone, Status: st,
		Format: meetings.ParseFormat(strings.TrimSpace(m.Format + " " + m.Location)), Source: src}
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
	ms := d.Meetings
	if ms == nil {
		ms = []meetings.Meeting{}
	}
	mj, err := json.Marshal(ms)
	if err != nil {
		return nil, err
	}
	// b is an object: splice "events" and "meetings" in before its
	// closing brace.
	out := append(b[:len(b)-1], []byte(`,"events":`)...)
	out = append(out, ev...)
	out = append(out, []byte(`,"meetings":`)...)
	out = append(out, mj...)
	return append(out, '}'), nil
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
