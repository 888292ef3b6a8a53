package digest

import (
	"context"
	"fmt"
	"time"

	"rapport/internal/model"
)

// Source is what the digest reads: one mailbox account's contacts, their
// timelines, meetings and mail, through a few indexed queries (the store
// implements it in internal/store/digest.go). Times are instants; lists
// come oldest (or soonest) first.
type Source interface {
	// StatusCounts is how many contacts are in each status now.
	StatusCounts(ctx context.Context) (map[model.Status]int, error)
	// ContactsInStatus lists the contacts in one status.
	ContactsInStatus(ctx context.Context, st model.Status) ([]*model.Contact, error)
	// ContactsWithAction lists the contacts whose next action is a, due
	// before the given time, soonest first, at most limit.
	ContactsWithAction(ctx context.Context, a model.Action, before time.Time, limit int) ([]*model.Contact, error)
	// Contact returns one contact by id, or nil when there is none (it
	// was removed).
	Contact(ctx context.Context, id int64) (*model.Contact, error)
	// Waiting lists the messages from contacts whose next action is the
	// owner's answer (model.ActionAnswer) that came after the last mail
	// the contact got: what the owner has not answered yet.
	Waiting(ctx context.Context) ([]Inbound, error)
	// Changes lists the timeline events in [from, to) that change a status
	// or record a reply.
	Changes(ctx context.Context, from, to time.Time) ([]Change, error)
	// Milestones is, for every contact ever reached or answering, when
	// that first happened.
	Milestones(ctx context.Context) ([]Milestone, error)
	// Meetings lists the meetings starting in [from, to), in any status.
	Meetings(ctx context.Context, from, to time.Time) ([]Meeting, error)
	// MeetingsHeldBefore counts the meetings that took place (held, or
	// confirmed and started) before t.
	MeetingsHeldBefore(ctx context.Context, t time.Time) (int, error)
	// Drafts lists the drafts rapport put in the Drafts folder that are
	// still there (neither sent nor withdrawn).
	Drafts(ctx context.Context) ([]Draft, error)
	// Outbox lists the messages to contacts queued in the outbox and
	// planned before the given time.
	Outbox(ctx context.Context, before time.Time) ([]Planned, error)
}

// Inbound is a contact's message waiting for the owner's answer.
type Inbound struct {
	ContactID int64
	MessageID string
	At        time.Time
	Subject   string
	// Class is the classification rapport stored ("human",
	// "human:question", "human:meeting_proposal"...).
	Class string
	// Detail is the timeline entry recorded for it, which quotes the new
	// text ("replied: \"Happy to chat.\""); "" when there is none.
	Detail string
}

// Change is one timeline event: a status change, or a reply.
type Change struct {
	ContactID int64
	At        time.Time
	Type      string // model.EventReply, EventStatus, EventSent...
	From, To  model.Status
}

// Milestone is when a contact was first reached (first moved to
// contacted) and first answered (first reply); zero when it has not
// happened.
type Milestone struct {
	ContactID         int64
	Status            model.Status // now
	Reached, Answered time.Time
}

// Meeting is a conversation, proposed, confirmed, cancelled or held.
type Meeting struct {
	ID, ContactID int64
	Start         time.Time
	Duration      time.Duration // 0: 30 minutes
	Status        string        // proposed, confirmed (or scheduled), cancelled (or declined), held
	Format        string        // phone, video, coffee...
	Location      string        // link, place or phone number
	Prepared      bool          // the preparation note went out
	Timezone      string        // the contact's zone when it was agreed ("" unknown)
}

// Draft is a message waiting in the Drafts folder.
type Draft struct {
	ContactID int64
	Kind      model.Kind
	Subject   string
	At        time.Time // when rapport put it there
}

// Planned is a message in the outbox, due at At.
type Planned struct {
	ContactID int64
	Kind      model.Kind
	At        time.Time
}

// Read gathers the Snapshot for a digest made at p.Now: the contacts the
// to-do list is about, the week ahead, and the eight weeks behind.
func Read(ctx context.Context, src Source, p Params) (Snapshot, error) {
	s := Snapshot{Contacts: map[int64]*model.Contact{}}
	now := p.Now
	horizon, trendStart := p.horizon(), p.trendStart()
	var err error
	wrap := func(what string, err error) error { return fmt.Errorf("read digest %s: %w", what, err) }

	if s.Counts, err = src.StatusCounts(ctx); err != nil {
		return s, wrap("counts", err)
	}
	add := func(cs []*model.Contact) {
		for _, c := range cs {
			if c != nil {
				s.Contacts[c.ID] = c
			}
		}
	}
	for _, st := range []model.Status{model.Met, model.Suggested, model.NeedsInfo} {
		cs, err := src.ContactsInStatus(ctx, st)
		if err != nil {
			return s, wrap("contacts", err)
		}
		add(cs)
	}
	for _, a := range []model.Action{model.ActionFollowup, model.ActionOutreach} {
		cs, err := src.ContactsWithAction(ctx, a, horizon, maxPlanned)
		if err != nil {
			return s, wrap("plans", err)
		}
		add(cs)
	}
	if s.Waiting, err = src.Waiting(ctx); err != nil {
		return s, wrap("replies", err)
	}
	if s.Meetings, err = src.Meetings(ctx, trendStart, horizon); err != nil {
		return s, wrap("meetings", err)
	}
	if s.MeetingsBefore, err = src.MeetingsHeldBefore(ctx, trendStart); err != nil {
		return s, wrap("meetings", err)
	}
	if s.Drafts, err = src.Drafts(ctx); err != nil {
		return s, wrap("drafts", err)
	}
	if s.Outbox, err = src.Outbox(ctx, horizon); err != nil {
		return s, wrap("outbox", err)
	}
	if s.Changes, err = src.Changes(ctx, trendStart, now.Add(time.Millisecond)); err != nil {
		return s, wrap("timeline", err)
	}
	if s.Milestones, err = src.Milestones(ctx); err != nil {
		return s, wrap("milestones", err)
	}
	// The contacts the remaining items are about.
	var ids []int64
	for _, w := range s.Waiting {
		ids = append(ids, w.ContactID)
	}
	for _, m := range s.Meetings {
		if !m.Start.Before(now.Add(-meetingGrace)) {
			ids = append(ids, m.ContactID)
		}
	}
	for _, d := range s.Drafts {
		ids = append(ids, d.ContactID)
	}
	for _, o := range s.Outbox {
		ids = append(ids, o.ContactID)
	}
	for _, id := range ids {
		if _, ok := s.Contacts[id]; ok || id == 0 {
			continue
		}
		c, err := src.Contact(ctx, id)
		if err != nil {
			return s, wrap("contact", err)
		}
		if c != nil {
			s.Contacts[id] = c
		}
	}
	return s, nil
}

// maxPlanned bounds the planned follow-ups and first messages read for
// one week: far above any daily limit times seven.
const maxPlanned = 1000
