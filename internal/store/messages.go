package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"rapport/internal/model"
)

// Message directions and states: see model.Direction and model.MsgState.
const (
	Out = model.Out
	In  = model.In

	MsgQueued    = model.MsgQueued
	MsgSending   = model.MsgSending
	MsgInFlight  = model.MsgInFlight
	MsgSent      = model.MsgSent
	MsgInDoubt   = model.MsgInDoubt
	MsgFailed    = model.MsgFailed
	MsgCancelled = model.MsgCancelled
	MsgDrafted   = model.MsgDrafted
	MsgWithdraw  = model.MsgWithdraw
	MsgWithdrawn = model.MsgWithdrawn
	MsgReceived  = model.MsgReceived
)

// Message is one row of the messages table.
type Message struct {
	ID             int64           `db:"id"`
	AccountID      int64           `db:"account_id"`
	ContactID      sql.NullInt64   `db:"contact_id"`
	Direction      model.Direction `db:"direction"`
	Kind           model.Kind      `db:"kind"`
	State          model.MsgState  `db:"state"`
	MessageID      string          `db:"message_id"`
	InReplyTo      string          `db:"in_reply_to"`
	Refs           string          `db:"refs"`
	Subject        string          `db:"subject"`
	FromAddr       string          `db:"from_addr"`
	ToAddr         string          `db:"to_addr"`
	Raw            []byte          `db:"raw"`
	PlannedAtMs    sql.NullInt64   `db:"planned_at"`
	NextAttemptMs  sql.NullInt64   `db:"next_attempt_at"`
	Attempts       int             `db:"attempts"`
	SentAtMs       sql.NullInt64   `db:"sent_at"`
	LastError      string          `db:"last_error"`
	Mailbox        string          `db:"mailbox"`
	UIDValidity    int64           `db:"uidvalidity"`
	UID            int64           `db:"uid"`
	Classification string          `db:"classification"`
	MeetingID      int64           `db:"meeting_id"`
	CreatedAtMs    int64           `db:"created_at"`
	UpdatedAtMs    int64           `db:"updated_at"`
}

// PlannedAt is when the message is meant to go.
func (m *Message) PlannedAt() time.Time { return tm(m.PlannedAtMs) }

// NextAttemptAt is when a retry is due (zero if none).
func (m *Message) NextAttemptAt() time.Time { return tm(m.NextAttemptMs) }

// SentAt is when the server accepted it.
func (m *Message) SentAt() time.Time { return tm(m.SentAtMs) }

// Contact is the contact id, or 0.
func (m *Message) Contact() int64 { return m.ContactID.Int64 }

// NewMessage fills the bookkeeping fields of a row to insert.
type NewMessage struct {
	ContactID   int64
	Direction   model.Direction
	Kind        model.Kind
	State       model.MsgState
	MessageID   string
	InReplyTo   string
	Refs        string
	Subject     string
	From, To    string
	Raw         []byte
	PlannedAt   time.Time
	SentAt      time.Time
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	Class       string
	MeetingID   int64
}

// InsertMessage stores a message row and returns its id.
func (o *ops) InsertMessage(ctx context.Context, accountID int64, m NewMessage) (int64, error) {
	var cid any
	if m.ContactID != 0 {
		cid = m.ContactID
	}
	now := o.now()
	id, err := o.insertID(ctx, o.q.MessageInsert, accountID, cid, string(m.Direction), string(m.Kind), string(m.State), m.MessageID,
		m.InReplyTo, m.Refs, m.Subject, m.From, m.To, m.Raw, ms(m.PlannedAt), nil, 0, ms(m.SentAt), "",
		m.Mailbox, int64(m.UIDValidity), int64(m.UID), m.Class, m.MeetingID, now, now)
	if err != nil {
		return 0, fmt.Errorf("insert message %s: %w", m.MessageID, err)
	}
	return id, nil
}

// Message returns a message by row id.
func (o *ops) Message(ctx context.Context, id int64) (*Message, error) {
	var m Message
	if err := sqlx.GetContext(ctx, o.x, &m, o.q.MessageByID, id); err != nil {
		return nil, notFound(err)
	}
	return &m, nil
}

// MessageByMessageID returns a message by its Message-ID (without <>).
func (o *ops) MessageByMessageID(ctx context.Context, accountID int64, messageID string) (*Message, error) {
	var m Message
	if err := sqlx.GetContext(ctx, o.x, &m, o.q.MessageByMsgID, accountID, messageID); err != nil {
		return nil, notFound(err)
	}
	return &m, nil
}

// MessageAt returns the message recorded at a mailbox position.
func (o *ops) MessageAt(ctx context.Context, accountID int64, mailbox string, uidValidity, uid uint32) (*Message, error) {
	var m Message
	if err := sqlx.GetContext(ctx, o.x, &m, o.q.MessageByLocation, accountID, mailbox, int64(uidValidity), int64(uid)); err != nil {
		return nil, notFound(err)
	}
	return &m, nil
}

// DueMessages lists queued outbound messages due at t, oldest first.
func (o *ops) DueMessages(ctx context.Context, accountID int64, t time.Time, limit int) ([]*Message, error) {
	var ms []*Message
	if err := sqlx.SelectContext(ctx, o.x, &ms, o.q.MessagesDue, accountID, t.UnixMilli(), limit); err != nil {
		return nil, fmt.Errorf("list due messages: %w", err)
	}
	return ms, nil
}

// MessagesInState lists the account's messages in a state.
func (o *ops) MessagesInState(ctx context.Context, accountID int64, state model.MsgState) ([]*Message, error) {
	var ms []*Message
	if err := sqlx.SelectContext(ctx, o.x, &ms, o.q.MessagesInState, accountID, string(state)); err != nil {
		return nil, fmt.Errorf("list %s messages: %w", state, err)
	}
	return ms, nil
}

// MessagesByContact lists a contact's messages, oldest first.
func (o *ops) MessagesByContact(ctx context.Context, contactID int64) ([]*Message, error) {
	var ms []*Message
	if err := sqlx.SelectContext(ctx, o.x, &ms, o.q.MessagesByContact, contactID); err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	return ms, nil
}

// ErrStateChanged is returned when a message is no longer in the state the
// caller expected: another worker claimed it.
var ErrStateChanged = errors.New("message state changed concurrently")

// MsgUpdate is a message state change.
type MsgUpdate struct {
	To          model.MsgState
	Attempts    int
	NextAttempt time.Time
	SentAt      time.Time
	LastError   string
}

// TransitionMessage moves m from its current state (checked) and updates m.
func (o *ops) TransitionMessage(ctx context.Context, m *Message, u MsgUpdate) error {
	res, err := o.x.ExecContext(ctx, o.q.MessageTransition, string(u.To), u.Attempts, ms(u.NextAttempt), ms(u.SentAt),
		u.LastError, o.now(), m.ID, string(m.State))
	if err != nil {
		return fmt.Errorf("message %s to %s: %w", m.MessageID, u.To, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("message %s to %s: %w", m.MessageID, u.To, ErrStateChanged)
	}
	m.State, m.Attempts, m.NextAttemptMs, m.SentAtMs, m.LastError = u.To, u.Attempts, ms(u.NextAttempt), ms(u.SentAt), u.LastError
	return nil
}

// SetMessagePlanned moves a message's planned time.
func (o *ops) SetMessagePlanned(ctx context.Context, m *Message, at time.Time) error {
	if _, err := o.x.ExecContext(ctx, o.q.MessageSetPlanned, ms(at), o.now(), m.ID); err != nil {
		return fmt.Errorf("replan message: %w", err)
	}
	m.PlannedAtMs = ms(at)
	return nil
}

// SetMessageLocation records where a copy of the message lives (a draft's
// or a Sent copy's folder and UID).
func (o *ops) SetMessageLocation(ctx context.Context, m *Message, mailbox string, uidValidity, uid uint32) error {
	if _, err := o.x.ExecContext(ctx, o.q.MessageSetLocation, mailbox, int64(uidValidity), int64(uid), o.now(), m.ID); err != nil {
		return fmt.Errorf("set message location: %w", err)
	}
	m.Mailbox, m.UIDValidity, m.UID = mailbox, int64(uidValidity), int64(uid)
	return nil
}

// SendTimes returns the send (or planned) times of live outbound messages
// of a kind in [from, to): what the daily limit and spacing count.
func (o *ops) SendTimes(ctx context.Context, accountID int64, kind string, from, to time.Time) ([]time.Time, error) {
	var raw []int64
	if err := sqlx.SelectContext(ctx, o.x, &raw, o.q.MessagePlannedIn, accountID, kind, from.UnixMilli(), to.UnixMilli()); err != nil {
		return nil, fmt.Errorf("list send times: %w", err)
	}
	out := make([]time.Time, len(raw))
	for i, r := range raw {
		out[i] = tmi(r)
	}
	return out, nil
}

// OutboxCounts returns outbound messages per state.
func (o *ops) OutboxCounts(ctx context.Context, accountID int64) (map[string]int, error) {
	var rows []struct {
		State string `db:"state"`
		N     int    `db:"n"`
	}
	if err := sqlx.SelectContext(ctx, o.x, &rows, o.q.MessageCountBy, accountID); err != nil {
		return nil, fmt.Errorf("count outbox: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}

// AddThreadID records that a Message-ID belongs to a contact's thread.
func (o *ops) AddThreadID(ctx context.Context, accountID, contactID int64, messageID, source string) error {
	if messageID == "" {
		return nil
	}
	if _, err := o.x.ExecContext(ctx, o.q.ThreadInsert, accountID, messageID, contactID, source, o.now()); err != nil {
		return fmt.Errorf("add thread id: %w", err)
	}
	return nil
}

// ThreadContact returns the contact whose thread holds messageID: an exact
// match first, then a case-insensitive one. 0 if none.
func (o *ops) ThreadContact(ctx context.Context, accountID int64, messageID string) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, o.x, &id, o.q.ThreadContact, accountID, messageID)
	if errors.Is(err, sql.ErrNoRows) {
		err = sqlx.GetContext(ctx, o.x, &id, o.q.ThreadContactFold, accountID, messageID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find thread: %w", err)
	}
	return id, nil
}

// MessagesMeta lists a contact's messages without their bodies, oldest
// first: what the state machine's facts are read from.
func (o *ops) MessagesMeta(ctx context.Context, contactID int64) ([]*Message, error) {
	var ms []*Message
	if err := sqlx.SelectContext(ctx, o.x, &ms, o.q.MessagesMetaByCont, contactID); err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	return ms, nil
}

// NextDueMessage is the earliest time a queued outbound message is due
// (zero when none).
func (o *ops) NextDueMessage(ctx context.Context, accountID int64) (time.Time, error) {
	var v sql.NullInt64
	if err := sqlx.GetContext(ctx, o.x, &v, o.q.MessagesNextDue, accountID); err != nil {
		return time.Time{}, fmt.Errorf("next due message: %w", err)
	}
	return tm(v), nil
}

// NextDueMessageTo is NextDueMessage for messages to one address.
func (o *ops) NextDueMessageTo(ctx context.Context, accountID int64, to string) (time.Time, error) {
	var v sql.NullInt64
	if err := sqlx.GetContext(ctx, o.x, &v, o.q.MessagesNextDueTo, accountID, to); err != nil {
		return time.Time{}, fmt.Errorf("next due message: %w", err)
	}
	return tm(v), nil
}

// UnfiledSent lists sent messages with no known copy in Sent yet.
func (o *ops) UnfiledSent(ctx context.Context, accountID int64, limit int) ([]*Message, error) {
	var ms []*Message
	if err := sqlx.SelectContext(ctx, o.x, &ms, o.q.MessagesUnfiled, accountID, limit); err != nil {
		return nil, fmt.Errorf("list unfiled sent mail: %w", err)
	}
	return ms, nil
}

// CountInState counts the account's messages in a state.
func (o *ops) CountInState(ctx context.Context, accountID int64, state model.MsgState) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, o.x, &n, o.q.MessagesCountState, accountID, string(state)); err != nil {
		return 0, fmt.Errorf("count %s messages: %w", state, err)
	}
	return n, nil
}

// MailToSince counts outbound messages to an address made since t.
func (o *ops) MailToSince(ctx context.Context, accountID int64, to string, t time.Time) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, o.x, &n, o.q.MessagesToSince, accountID, to, t.UnixMilli()); err != nil {
		return 0, fmt.Errorf("count mail to %s: %w", to, err)
	}
	return n, nil
}

// LastSent is when the last message of a kind went (or may have gone:
// in flight or in doubt); zero when none.
func (o *ops) LastSent(ctx context.Context, accountID int64, kind model.Kind) (time.Time, error) {
	var v sql.NullInt64
	if err := sqlx.GetContext(ctx, o.x, &v, o.q.MessagesLastSent, accountID, string(kind)); err != nil {
		return time.Time{}, fmt.Errorf("last %s sent: %w", kind, err)
	}
	return tm(v), nil
}

// PendingDrafts lists drafts still to put in Drafts (recorded, not yet
// appended) and drafts to take out of it (withdraw).
func (o *ops) PendingDrafts(ctx context.Context, accountID int64, limit int) ([]*Message, error) {
	var ms []*Message
	if err := sqlx.SelectContext(ctx, o.x, &ms, o.q.MessagesDrafts, accountID, limit); err != nil {
		return nil, fmt.Errorf("list pending drafts: %w", err)
	}
	return ms, nil
}
