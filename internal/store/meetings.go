package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Meeting states. A time a contact proposed waits as proposed until the
// owner confirms it (scheduled) or another time is agreed (declined); a
// scheduled meeting that has ended is held; one called off is cancelled.
const (
	MeetingProposed  = "proposed"
	MeetingScheduled = "scheduled"
	MeetingHeld      = "held"
	MeetingCancelled = "cancelled"
	MeetingDeclined  = "declined"
)

// Meeting is one row of the meetings table.
type Meeting struct {
	ID        int64
	AccountID int64
	ContactID int64
	Start     time.Time
	Duration  time.Duration
	Format    string // phone, video, coffee or free text
	State     string
	Source    string // cli, calendar, reply, owner…
	Notes     string
	MessageID string // the message that proposed or announced it
	Location  string // a video link, a phone number or a place
	UID       string // the iCalendar UID of its invitation (received or sent)
	Sequence  int    // the invitation's SEQUENCE: bumped by each update rapport sends
	Prepared  bool   // the preparation note was made
	Timezone  string // the contact's zone when it was agreed
	CreatedAt time.Time
	UpdatedAt time.Time
}

// End is when the meeting is over.
func (m *Meeting) End() time.Time { return m.Start.Add(m.Duration) }

type meetingRow struct {
	ID          int64  `db:"id"`
	AccountID   int64  `db:"account_id"`
	ContactID   int64  `db:"contact_id"`
	StartsAt    int64  `db:"starts_at"`
	DurationMin int64  `db:"duration_min"`
	Format      string `db:"format"`
	State       string `db:"state"`
	Source      string `db:"source"`
	Notes       string `db:"notes"`
	MessageID   string `db:"message_id"`
	Location    string `db:"location"`
	UID         string `db:"uid"`
	Sequence    int    `db:"sequence"`
	Prepared    int    `db:"prepared"`
	Timezone    string `db:"timezone"`
	CreatedAt   int64  `db:"created_at"`
	UpdatedAt   int64  `db:"updated_at"`
}

func (r *meetingRow) meeting() *Meeting {
	return &Meeting{ID: r.ID, AccountID: r.AccountID, ContactID: r.ContactID, Start: tmi(r.StartsAt),
		Duration: time.Duration(r.DurationMin) * time.Minute, Format: r.Format, State: r.State, Source: r.Source,
		Notes: r.Notes, MessageID: r.MessageID, Location: r.Location, UID: r.UID, Sequence: r.Sequence,
		Prepared: r.Prepared != 0, Timezone: r.Timezone, CreatedAt: tmi(r.CreatedAt), UpdatedAt: tmi(r.UpdatedAt)}
}

// InsertMeeting stores a meeting and sets m.ID. The duration is kept in
// whole minutes (at least one).
func (o *ops) InsertMeeting(ctx context.Context, m *Meeting) error {
	mins := int64(m.Duration / time.Minute)
	if mins < 1 {
		mins = 1
	}
	now := o.clock.Now()
	id, err := o.insertID(ctx, o.q.MeetingInsert, m.AccountID, m.ContactID, m.Start.UnixMilli(), mins, m.Format, m.State,
		m.Source, m.Notes, m.MessageID, m.Location, m.UID, m.Sequence, boolInt(m.Prepared), m.Timezone,
		now.UnixMilli(), now.UnixMilli())
	if err != nil {
		return fmt.Errorf("insert meeting: %w", err)
	}
	m.ID, m.Duration, m.CreatedAt, m.UpdatedAt = id, time.Duration(mins)*time.Minute, now, now
	return nil
}

// Meeting returns a meeting by id.
func (o *ops) Meeting(ctx context.Context, id int64) (*Meeting, error) {
	var r meetingRow
	if err := sqlx.GetContext(ctx, o.x, &r, o.q.MeetingByID, id); err != nil {
		return nil, notFound(err)
	}
	return r.meeting(), nil
}

// MeetingsByContact lists a contact's meetings, earliest start first.
func (o *ops) MeetingsByContact(ctx context.Context, contactID int64) ([]*Meeting, error) {
	return o.meetings(ctx, o.q.MeetingsByContact, contactID)
}

// MeetingsInState lists the account's meetings in a state, earliest first.
func (o *ops) MeetingsInState(ctx context.Context, accountID int64, state string) ([]*Meeting, error) {
	return o.meetings(ctx, o.q.MeetingsInState, accountID, state)
}

func (o *ops) meetings(ctx context.Context, q string, args ...any) ([]*Meeting, error) {
	var rows []meetingRow
	if err := sqlx.SelectContext(ctx, o.x, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	out := make([]*Meeting, len(rows))
	for i := range rows {
		out[i] = rows[i].meeting()
	}
	return out, nil
}

// SetMeetingState moves m from its current state (checked) to state.
func (o *ops) SetMeetingState(ctx context.Context, m *Meeting, state string) error {
	res, err := o.x.ExecContext(ctx, o.q.MeetingSetState, state, o.now(), m.ID, m.State)
	if err != nil {
		return fmt.Errorf("meeting %d to %s: %w", m.ID, state, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("meeting %d to %s: %w", m.ID, state, ErrStateChanged)
	}
	m.State, m.UpdatedAt = state, o.clock.Now()
	return nil
}

// SetMeetingNotes stores the main points of a meeting.
func (o *ops) SetMeetingNotes(ctx context.Context, m *Meeting, notes string) error {
	if _, err := o.x.ExecContext(ctx, o.q.MeetingSetNotes, notes, o.now(), m.ID); err != nil {
		return fmt.Errorf("set meeting notes: %w", err)
	}
	m.Notes, m.UpdatedAt = notes, o.clock.Now()
	return nil
}

// SetMeetingPrepared records that the preparation note for m was made.
func (o *ops) SetMeetingPrepared(ctx context.Context, m *Meeting) error {
	if _, err := o.x.ExecContext(ctx, o.q.MeetingSetPrepared, o.now(), m.ID); err != nil {
		return fmt.Errorf("meeting %d prepared: %w", m.ID, err)
	}
	m.Prepared = true
	return nil
}

// UpdateMeeting stores m's time, length, format, place, UID and sequence.
func (o *ops) UpdateMeeting(ctx context.Context, m *Meeting) error {
	mins := int64(m.Duration / time.Minute)
	if mins < 1 {
		mins = 1
	}
	if _, err := o.x.ExecContext(ctx, o.q.MeetingUpdate, m.Start.UnixMilli(), mins, m.Format, m.Location, m.UID,
		m.Sequence, m.Timezone, o.now(), m.ID); err != nil {
		return fmt.Errorf("update meeting %d: %w", m.ID, err)
	}
	m.Duration = time.Duration(mins) * time.Minute
	return nil
}

// MeetingsScheduledAfter lists scheduled meetings starting at or after t
// (the digest's week ahead).
func (o *ops) MeetingsScheduledAfter(ctx context.Context, accountID int64, t time.Time) ([]*Meeting, error) {
	return o.meetings(ctx, o.q.MeetingsSchedAfter, accountID, t.UnixMilli())
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
