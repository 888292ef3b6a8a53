package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"rapport/internal/digest"
	"rapport/internal/model"
)

// DigestSource reads what the weekly digest is built from, for one
// account: it implements digest.Source with indexed queries (the
// digest-* blocks of queries.sql). Made from a Tx, it reads one
// consistent snapshot.
type DigestSource struct {
	o       *ops
	account int64
}

var _ digest.Source = DigestSource{}

// DigestSource returns the digest's reader for an account.
func (o *ops) DigestSource(accountID int64) DigestSource {
	return DigestSource{o: o, account: accountID}
}

// StatusCounts is how many contacts are in each status.
func (d DigestSource) StatusCounts(ctx context.Context) (map[model.Status]int, error) {
	return d.o.CountByStatus(ctx, d.account)
}

// ContactsInStatus lists the contacts in one status.
func (d DigestSource) ContactsInStatus(ctx context.Context, st model.Status) ([]*model.Contact, error) {
	return d.o.Contacts(ctx, d.account, st)
}

// ContactsWithAction lists the contacts whose next action is a, due
// before the given time, soonest first.
func (d DigestSource) ContactsWithAction(ctx context.Context, a model.Action, before time.Time, limit int) ([]*model.Contact, error) {
	return d.o.DueAction(ctx, d.account, a, before.Add(-time.Millisecond), limit)
}

// Contact returns a contact by id, nil when it was removed.
func (d DigestSource) Contact(ctx context.Context, id int64) (*model.Contact, error) {
	c, err := d.o.Contact(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if c.AccountID != d.account {
		return nil, nil
	}
	return c, nil
}

// Waiting lists the unanswered messages of contacts waiting for the
// owner's answer.
func (d DigestSource) Waiting(ctx context.Context) ([]digest.Inbound, error) {
	var rows []struct {
		ContactID int64  `db:"contact_id"`
		MessageID string `db:"message_id"`
		Subject   string `db:"subject"`
		Class     string `db:"classification"`
		At        int64  `db:"at"`
		Detail    string `db:"detail"`
	}
	if err := sqlx.SelectContext(ctx, d.o.x, &rows, d.o.q.DigestWaiting, d.account); err != nil {
		return nil, fmt.Errorf("list waiting replies: %w", err)
	}
	out := make([]digest.Inbound, len(rows))
	for i, r := range rows {
		out[i] = digest.Inbound{ContactID: r.ContactID, MessageID: r.MessageID, At: tmi(r.At), Subject: r.Subject,
			Class: r.Class, Detail: r.Detail}
	}
	return out, nil
}

// Changes lists the status changes and replies in [from, to).
func (d DigestSource) Changes(ctx context.Context, from, to time.Time) ([]digest.Change, error) {
	var rows []struct {
		ContactID sql.NullInt64 `db:"contact_id"`
		At        int64         `db:"at"`
		Type      string        `db:"type"`
		From      string        `db:"from_status"`
		To        string        `db:"to_status"`
	}
	if err := sqlx.SelectContext(ctx, d.o.x, &rows, d.o.q.DigestChanges, d.account, from.UnixMilli(), to.UnixMilli()); err != nil {
		return nil, fmt.Errorf("list timeline changes: %w", err)
	}
	out := make([]digest.Change, len(rows))
	for i, r := range rows {
		out[i] = digest.Change{ContactID: r.ContactID.Int64, At: tmi(r.At), Type: r.Type, From: model.Status(r.From), To: model.Status(r.To)}
	}
	return out, nil
}

// Milestones is when each contact was first reached and first answered.
func (d DigestSource) Milestones(ctx context.Context) ([]digest.Milestone, error) {
	var rows []struct {
		ContactID int64         `db:"contact_id"`
		Status    string        `db:"status"`
		Reached   sql.NullInt64 `db:"reached"`
		Answered  sql.NullInt64 `db:"answered"`
	}
	if err := sqlx.SelectContext(ctx, d.o.x, &rows, d.o.q.DigestMilestones, d.account); err != nil {
		return nil, fmt.Errorf("list milestones: %w", err)
	}
	out := make([]digest.Milestone, len(rows))
	for i, r := range rows {
		out[i] = digest.Milestone{ContactID: r.ContactID, Status: model.Status(r.Status), Reached: tm(r.Reached), Answered: tm(r.Answered)}
	}
	return out, nil
}

// Meetings lists the meetings starting in [from, to).
func (d DigestSource) Meetings(ctx context.Context, from, to time.Time) ([]digest.Meeting, error) {
	var rows []struct {
		ID          int64  `db:"id"`
		ContactID   int64  `db:"contact_id"`
		StartsAt    int64  `db:"starts_at"`
		DurationMin int64  `db:"duration_min"`
		Format      string `db:"format"`
		State       string `db:"state"`
		Location    string `db:"location"`
		Prepared    int    `db:"prepared"`
		Timezone    string `db:"timezone"`
	}
	if err := sqlx.SelectContext(ctx, d.o.x, &rows, d.o.q.DigestMeetings, d.account, from.UnixMilli(), to.UnixMilli()); err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	out := make([]digest.Meeting, len(rows))
	for i, r := range rows {
		out[i] = digest.Meeting{ID: r.ID, ContactID: r.ContactID, Start: tmi(r.StartsAt), Duration: time.Duration(r.DurationMin) * time.Minute,
			Status: r.State, Format: r.Format, Location: r.Location, Prepared: r.Prepared != 0, Timezone: r.Timezone}
	}
	return out, nil
}

// MeetingsHeldBefore counts the meetings that took place before t.
func (d DigestSource) MeetingsHeldBefore(ctx context.Context, t time.Time) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, d.o.x, &n, d.o.q.DigestHeldBefore, d.account, t.UnixMilli()); err != nil {
		return 0, fmt.Errorf("count meetings: %w", err)
	}
	return n, nil
}

// Drafts lists the drafts still in the Drafts folder.
func (d DigestSource) Drafts(ctx context.Context) ([]digest.Draft, error) {
	var rows []struct {
		ContactID int64  `db:"contact_id"`
		Kind      string `db:"kind"`
		Subject   string `db:"subject"`
		CreatedAt int64  `db:"created_at"`
	}
	if err := sqlx.SelectContext(ctx, d.o.x, &rows, d.o.q.DigestDrafts, d.account); err != nil {
		return nil, fmt.Errorf("list drafts: %w", err)
	}
	out := make([]digest.Draft, len(rows))
	for i, r := range rows {
		out[i] = digest.Draft{ContactID: r.ContactID, Kind: model.Kind(r.Kind), Subject: r.Subject, At: tmi(r.CreatedAt)}
	}
	return out, nil
}

// Outbox lists the first messages and follow-ups queued to contacts and
// planned before the given time.
func (d DigestSource) Outbox(ctx context.Context, before time.Time) ([]digest.Planned, error) {
	var rows []struct {
		ContactID int64         `db:"contact_id"`
		Kind      string        `db:"kind"`
		At        sql.NullInt64 `db:"at"`
	}
	if err := sqlx.SelectContext(ctx, d.o.x, &rows, d.o.q.DigestOutbox, d.account, before.UnixMilli()); err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	out := make([]digest.Planned, len(rows))
	for i, r := range rows {
		out[i] = digest.Planned{ContactID: r.ContactID, Kind: model.Kind(r.Kind), At: tm(r.At)}
	}
	return out, nil
}
