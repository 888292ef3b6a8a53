package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"rapport/internal/model"
)

// queries is filled from queries.sql by tag.
type queries struct {
	AccountGet          string `query:"account-get"`
	AccountCreated      string `query:"account-created"`
	AccountInsert       string `query:"account-insert"`
	ContactInsert       string `query:"contact-insert"`
	ContactUpdateFields string `query:"contact-update-fields"`
	ContactByEmail      string `query:"contact-by-email"`
	ContactByID         string `query:"contact-by-id"`
	ContactsAll         string `query:"contacts-all"`
	ContactsByStatus    string `query:"contacts-by-status"`
	ContactsDue         string `query:"contacts-due"`
	ContactSetStatus    string `query:"contact-set-status"`
	ContactSetNext      string `query:"contact-set-next"`
	ContactSetFollowups string `query:"contact-set-followups"`
	ContactSetExchange  string `query:"contact-set-exchange"`
	ContactCountBy      string `query:"contact-count-by-status"`
	EventInsert         string `query:"event-insert"`
	EventsByContact     string `query:"events-by-contact"`
	SuppressionInsert   string `query:"suppression-insert"`
	SuppressionGet      string `query:"suppression-get"`
	SuppressionsAll     string `query:"suppressions-all"`
	CheckpointGet       string `query:"checkpoint-get"`
	CheckpointSet       string `query:"checkpoint-set"`
	CheckpointsAll      string `query:"checkpoints-all"`
	OnceInsert          string `query:"once-insert"`
	OnceGet             string `query:"once-get"`
	OnceSet             string `query:"once-set"`
	MessageInsert       string `query:"message-insert"`
	MessageByID         string `query:"message-by-id"`
	MessageByMsgID      string `query:"message-by-message-id"`
	MessagesDue         string `query:"messages-due"`
	MessagesInState     string `query:"messages-in-state"`
	MessagesByContact   string `query:"messages-by-contact"`
	MessageTransition   string `query:"message-transition"`
	MessageSetPlanned   string `query:"message-set-planned"`
	MessageSetLocation  string `query:"message-set-location"`
	MessagePlannedIn    string `query:"message-planned-between"`
	MessageCountBy      string `query:"message-count-by-state"`
	MessageByLocation   string `query:"message-by-location"`
	ThreadInsert        string `query:"thread-insert"`
	ThreadContact       string `query:"thread-contact"`
	ThreadContactFold   string `query:"thread-contact-fold"`
	MeetingInsert       string `query:"meeting-insert"`
	MeetingByID         string `query:"meeting-by-id"`
	MeetingsByContact   string `query:"meetings-by-contact"`
	MeetingsInState     string `query:"meetings-in-state"`
	MeetingSetState     string `query:"meeting-set-state"`
	MeetingSetNotes     string `query:"meeting-set-notes"`
	MeetingSetPrepared  string `query:"meeting-set-prepared"`
	MeetingUpdate       string `query:"meeting-update"`
	MeetingsSchedAfter  string `query:"meetings-scheduled-after"`
	ContactsDueTimers   string `query:"contacts-due-timers"`
	ContactsNextTimer   string `query:"contacts-next-timer"`
	ContactsNextOf      string `query:"contacts-next-timer-of"`
	ContactsDueAction   string `query:"contacts-due-action"`
	ContactsSlots       string `query:"contacts-planned-slots"`
	ContactsQueue       string `query:"contacts-queue"`
	ContactsReferredBy  string `query:"contacts-referred-by"`
	ContactsLastSlot    string `query:"contacts-last-slot"`
	MessagesByMsgIDs    string `query:"messages-by-message-ids" in:"1"`
	MessagesDrafts      string `query:"messages-pending-drafts"`
	ThreadContacts      string `query:"thread-contacts" in:"1"`
	ContactsByEmails    string `query:"contacts-by-emails" in:"1"`
	MessagesNextDue     string `query:"messages-next-due"`
	MessagesNextDueTo   string `query:"messages-next-due-to"`
	MessagesUnfiled     string `query:"messages-unfiled"`
	MessagesCountState  string `query:"messages-count-in-state"`
	MessagesToSince     string `query:"messages-to-since"`
	MessagesLastSent    string `query:"messages-last-sent"`
	MessagesMetaByCont  string `query:"messages-meta-by-contact"`
	// Imports, identities and removal (contacts_import.go).
	ContactInsertMany     string `query:"contact-insert-many"`
	EventInsertMany       string `query:"event-insert-many"`
	ContactInsertArrays   string `query:"contact-insert-arrays"`
	EventInsertArrays     string `query:"event-insert-arrays"`
	ContactKeys           string `query:"contact-keys"`
	ContactSetEmail       string `query:"contact-set-email"`
	ContactDelete         string `query:"contact-delete"`
	ContactMailInFlight   string `query:"contact-mail-in-flight"`
	ContactMailDropUnsent string `query:"contact-mail-drop-unsent"`
	ContactMailDetach     string `query:"contact-mail-detach"`
	ContactMailDelete     string `query:"contact-mail-delete"`
	ContactEventsDetach   string `query:"contact-events-detach"`
	ContactEventsDelete   string `query:"contact-events-delete"`
	ContactThreadsDelete  string `query:"contact-threads-delete"`
	ContactMeetingsDelete string `query:"contact-meetings-delete"`
	ContactsClearReferrer string `query:"contacts-clear-referrer"`
	// The weekly digest (digest.go).
	DigestWaiting    string `query:"digest-waiting"`
	DigestChanges    string `query:"digest-changes"`
	DigestMilestones string `query:"digest-milestones"`
	DigestMeetings   string `query:"digest-meetings"`
	DigestHeldBefore string `query:"digest-meetings-held-before"`
	DigestDrafts     string `query:"digest-drafts"`
	DigestOutbox     string `query:"digest-outbox"`
}

// Account returns the id of the account for a mailbox address, creating it.
func (o *ops) Account(ctx context.Context, email string) (int64, error) {
	if _, err := o.x.ExecContext(ctx, o.q.AccountInsert, email, o.now()); err != nil {
		return 0, fmt.Errorf("create account: %w", err)
	}
	var id int64
	if err := sqlx.GetContext(ctx, o.x, &id, o.q.AccountGet, email); err != nil {
		return 0, fmt.Errorf("get account: %w", err)
	}
	return id, nil
}

// AccountCreated is when the account was first seen (the first run).
func (o *ops) AccountCreated(ctx context.Context, id int64) (time.Time, error) {
	var ms int64
	if err := sqlx.GetContext(ctx, o.x, &ms, o.q.AccountCreated, id); err != nil {
		return time.Time{}, fmt.Errorf("account: %w", err)
	}
	return tmi(ms), nil
}

type contactRow struct {
	ID              int64         `db:"id"`
	AccountID       int64         `db:"account_id"`
	Email           string        `db:"email"`
	Name            string        `db:"name"`
	Company         string        `db:"company"`
	Role            string        `db:"role"`
	Connection      string        `db:"connection"`
	ReferredBy      string        `db:"referred_by"`
	Timezone        string        `db:"timezone"`
	Notes           string        `db:"notes"`
	Custom          string        `db:"custom"`
	Status          string        `db:"status"`
	StatusChangedAt int64         `db:"status_changed_at"`
	StatusReason    string        `db:"status_reason"`
	NextAction      string        `db:"next_action"`
	NextActionAt    sql.NullInt64 `db:"next_action_at"`
	SnoozedUntil    sql.NullInt64 `db:"snoozed_until"`
	ResumeStatus    string        `db:"resume_status"`
	FollowupsSent   int           `db:"followups_sent"`
	LastExchangeAt  sql.NullInt64 `db:"last_exchange_at"`
	CreatedAt       int64         `db:"created_at"`
	UpdatedAt       int64         `db:"updated_at"`
}

func (r *contactRow) contact() *model.Contact {
	c := &model.Contact{
		ID: r.ID, AccountID: r.AccountID, Email: addressOf(r.Email), Name: r.Name, Company: r.Company, Role: r.Role,
		Connection: r.Connection, ReferredBy: r.ReferredBy, Timezone: r.Timezone, Notes: r.Notes,
		Status: model.Status(r.Status), StatusChangedAt: tmi(r.StatusChangedAt), StatusReason: r.StatusReason,
		NextAction: model.Action(r.NextAction), NextActionAt: tm(r.NextActionAt), SnoozedUntil: tm(r.SnoozedUntil),
		ResumeStatus: model.Status(r.ResumeStatus), FollowupsSent: r.FollowupsSent,
		LastExchangeAt: tm(r.LastExchangeAt), CreatedAt: tmi(r.CreatedAt), UpdatedAt: tmi(r.UpdatedAt),
	}
	if r.Custom != "" && r.Custom != "{}" {
		_ = json.Unmarshal([]byte(r.Custom), &c.Custom)
	}
	return c
}

func customJSON(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m) // map[string]string always marshals
	return string(b)
}

// InsertContact stores a new contact and records evType on its timeline.
// It sets c.ID.
func (o *ops) InsertContact(ctx context.Context, c *model.Contact, evType, detail string) error {
	now := o.clock.Now()
	if c.StatusChangedAt.IsZero() {
		c.StatusChangedAt = now
	}
	c.CreatedAt, c.UpdatedAt = now, now
	id, err := o.insertID(ctx, o.q.ContactInsert, c.AccountID, c.Email, c.Name, c.Company, c.Role, c.Connection,
		c.ReferredBy, c.Timezone, c.Notes, customJSON(c.Custom), string(c.Status), c.StatusChangedAt.UnixMilli(),
		c.StatusReason, c.NextAction, ms(c.NextActionAt), now.UnixMilli(), now.UnixMilli())
	if err != nil {
		return fmt.Errorf("insert contact %s: %w", c.Email, err)
	}
	c.ID = id
	return o.AddEvent(ctx, c.AccountID, &model.Event{ContactID: id, Type: evType, To: c.Status, Detail: detail})
}

// UpdateContactFields stores the descriptive fields (not the status).
func (o *ops) UpdateContactFields(ctx context.Context, c *model.Contact) error {
	c.UpdatedAt = o.clock.Now()
	_, err := o.x.ExecContext(ctx, o.q.ContactUpdateFields, c.Name, c.Company, c.Role, c.Connection, c.ReferredBy,
		c.Timezone, c.Notes, customJSON(c.Custom), c.UpdatedAt.UnixMilli(), c.ID)
	if err != nil {
		return fmt.Errorf("update contact %s: %w", c.Email, err)
	}
	return nil
}

// ContactByEmail returns the account's contact with that address.
func (o *ops) ContactByEmail(ctx context.Context, accountID int64, email string) (*model.Contact, error) {
	var r contactRow
	if err := sqlx.GetContext(ctx, o.x, &r, o.q.ContactByEmail, accountID, email); err != nil {
		return nil, notFound(err)
	}
	return r.contact(), nil
}

// Contact returns a contact by id.
func (o *ops) Contact(ctx context.Context, id int64) (*model.Contact, error) {
	var r contactRow
	if err := sqlx.GetContext(ctx, o.x, &r, o.q.ContactByID, id); err != nil {
		return nil, notFound(err)
	}
	return r.contact(), nil
}

// Contacts lists the account's contacts, optionally only those in status.
func (o *ops) Contacts(ctx context.Context, accountID int64, status model.Status) ([]*model.Contact, error) {
	var rows []contactRow
	var err error
	if status == "" {
		err = sqlx.SelectContext(ctx, o.x, &rows, o.q.ContactsAll, accountID)
	} else {
		err = sqlx.SelectContext(ctx, o.x, &rows, o.q.ContactsByStatus, accountID, string(status))
	}
	if err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	out := make([]*model.Contact, len(rows))
	for i := range rows {
		out[i] = rows[i].contact()
	}
	return out, nil
}

// DueContacts lists contacts whose next action is due at or before t.
func (o *ops) DueContacts(ctx context.Context, accountID int64, t time.Time) ([]*model.Contact, error) {
	var rows []contactRow
	if err := sqlx.SelectContext(ctx, o.x, &rows, o.q.ContactsDue, accountID, t.UnixMilli()); err != nil {
		return nil, fmt.Errorf("list due contacts: %w", err)
	}
	out := make([]*model.Contact, len(rows))
	for i := range rows {
		out[i] = rows[i].contact()
	}
	return out, nil
}

// ErrStatusChanged is returned when a contact's status is no longer the one
// the caller read: someone else moved it first.
var ErrStatusChanged = errors.New("contact status changed concurrently")

// Transition describes a status change and what it is for.
type Transition struct {
	To           model.Status
	Reason       string // stored on the contact, shown in lists
	NextAction   model.Action
	NextActionAt time.Time
	SnoozedUntil time.Time
	ResumeStatus model.Status
	EventType    string // default model.EventStatus
	Detail       string
	MessageID    string
	At           time.Time // default: now
}

// WriteStatus moves c from its current status, checked in the WHERE clause,
// and records the change on the timeline. It updates c in place. Only the
// state machine's applier (internal/apply) calls it.
func (o *ops) WriteStatus(ctx context.Context, c *model.Contact, t Transition) error {
	at := t.At
	if at.IsZero() {
		at = o.clock.Now()
	}
	res, err := o.x.ExecContext(ctx, o.q.ContactSetStatus, string(t.To), at.UnixMilli(), t.Reason, string(t.NextAction),
		ms(t.NextActionAt), ms(t.SnoozedUntil), string(t.ResumeStatus), o.now(), c.ID, string(c.Status))
	if err != nil {
		return fmt.Errorf("set status of %s: %w", c.Email, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set status of %s to %s: %w", c.Email, t.To, ErrStatusChanged)
	}
	typ := t.EventType
	if typ == "" {
		typ = model.EventStatus
	}
	from := c.Status
	c.Status, c.StatusChangedAt, c.StatusReason = t.To, at, t.Reason
	c.NextAction, c.NextActionAt, c.SnoozedUntil, c.ResumeStatus = t.NextAction, t.NextActionAt, t.SnoozedUntil, t.ResumeStatus
	return o.AddEvent(ctx, c.AccountID, &model.Event{ContactID: c.ID, At: at, Type: typ, From: from, To: t.To,
		Detail: t.Detail, MessageID: t.MessageID})
}

// WriteNextAction changes what happens next to a contact without changing its status.
func (o *ops) WriteNextAction(ctx context.Context, c *model.Contact, action model.Action, at time.Time) error {
	if _, err := o.x.ExecContext(ctx, o.q.ContactSetNext, string(action), ms(at), o.now(), c.ID); err != nil {
		return fmt.Errorf("set next action of %s: %w", c.Email, err)
	}
	c.NextAction, c.NextActionAt = action, at
	return nil
}

// WriteFollowups records how many follow-ups a contact has had.
func (o *ops) WriteFollowups(ctx context.Context, c *model.Contact, n int) error {
	if _, err := o.x.ExecContext(ctx, o.q.ContactSetFollowups, n, o.now(), c.ID); err != nil {
		return fmt.Errorf("set follow-ups of %s: %w", c.Email, err)
	}
	c.FollowupsSent = n
	return nil
}

// SetLastExchange records the time of the last message either way.
func (o *ops) SetLastExchange(ctx context.Context, c *model.Contact, at time.Time) error {
	if _, err := o.x.ExecContext(ctx, o.q.ContactSetExchange, ms(at), o.now(), c.ID); err != nil {
		return fmt.Errorf("set last exchange of %s: %w", c.Email, err)
	}
	c.LastExchangeAt = at
	return nil
}

// CountByStatus returns the number of contacts per status.
func (o *ops) CountByStatus(ctx context.Context, accountID int64) (map[model.Status]int, error) {
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := sqlx.SelectContext(ctx, o.x, &rows, o.q.ContactCountBy, accountID); err != nil {
		return nil, fmt.Errorf("count contacts: %w", err)
	}
	out := map[model.Status]int{}
	for _, r := range rows {
		out[model.Status(r.Status)] = r.N
	}
	return out, nil
}

// AddEvent appends to a contact's timeline. A zero At means now.
func (o *ops) AddEvent(ctx context.Context, accountID int64, e *model.Event) error {
	if e.At.IsZero() {
		e.At = o.clock.Now()
	}
	var cid any
	if e.ContactID != 0 {
		cid = e.ContactID
	}
	if _, err := o.x.ExecContext(ctx, o.q.EventInsert, accountID, cid, e.At.UnixMilli(), e.Type, string(e.From),
		string(e.To), e.Detail, e.MessageID); err != nil {
		return fmt.Errorf("add event: %w", err)
	}
	return nil
}

// Events returns a contact's timeline, oldest first.
func (o *ops) Events(ctx context.Context, contactID int64) ([]model.Event, error) {
	var rows []struct {
		ID        int64  `db:"id"`
		ContactID int64  `db:"contact_id"`
		At        int64  `db:"at"`
		Type      string `db:"type"`
		From      string `db:"from_status"`
		To        string `db:"to_status"`
		Detail    string `db:"detail"`
		MessageID string `db:"message_id"`
	}
	if err := sqlx.SelectContext(ctx, o.x, &rows, o.q.EventsByContact, contactID); err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	out := make([]model.Event, len(rows))
	for i, r := range rows {
		out[i] = model.Event{ID: r.ID, ContactID: r.ContactID, At: tmi(r.At), Type: r.Type, From: model.Status(r.From),
			To: model.Status(r.To), Detail: r.Detail, MessageID: r.MessageID}
	}
	return out, nil
}

// Suppress puts an address on the suppression list (idempotent).
func (o *ops) Suppress(ctx context.Context, accountID int64, email, reason, messageID string) error {
	if _, err := o.x.ExecContext(ctx, o.q.SuppressionInsert, accountID, email, reason, messageID, o.now()); err != nil {
		return fmt.Errorf("suppress %s: %w", email, err)
	}
	return nil
}

// Suppressed reports whether an address is suppressed, and why.
func (o *ops) Suppressed(ctx context.Context, accountID int64, email string) (bool, string, error) {
	var reason string
	err := sqlx.GetContext(ctx, o.x, &reason, o.q.SuppressionGet, accountID, email)
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("check suppression: %w", err)
	}
	return true, reason, nil
}

// Suppression is one suppressed address.
type Suppression struct {
	Email     string    `json:"email"`
	Reason    string    `json:"reason"`
	MessageID string    `json:"message_id"`
	CreatedAt time.Time `json:"created_at"`
}

// Suppressions lists the suppression list.
func (o *ops) Suppressions(ctx context.Context, accountID int64) ([]Suppression, error) {
	var rows []struct {
		Email     string `db:"email"`
		Reason    string `db:"reason"`
		MessageID string `db:"message_id"`
		CreatedAt int64  `db:"created_at"`
	}
	if err := sqlx.SelectContext(ctx, o.x, &rows, o.q.SuppressionsAll, accountID); err != nil {
		return nil, fmt.Errorf("list suppressions: %w", err)
	}
	out := make([]Suppression, len(rows))
	for i, r := range rows {
		out[i] = Suppression{r.Email, r.Reason, r.MessageID, tmi(r.CreatedAt)}
	}
	return out, nil
}

// Checkpoint is a mailbox's sync position.
type Checkpoint struct {
	Mailbox     string    `json:"mailbox"`
	UIDValidity uint32    `json:"uidvalidity"`
	LastUID     uint32    `json:"last_uid"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Checkpoint returns the mailbox's (UIDVALIDITY, last UID); zeros if none.
func (o *ops) Checkpoint(ctx context.Context, accountID int64, mailbox string) (uidValidity, lastUID uint32, err error) {
	var r struct {
		V int64 `db:"uidvalidity"`
		L int64 `db:"last_uid"`
	}
	err = sqlx.GetContext(ctx, o.x, &r, o.q.CheckpointGet, accountID, mailbox)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("get checkpoint %s: %w", mailbox, err)
	}
	return uint32(r.V), uint32(r.L), nil
}

// SetCheckpoint stores the mailbox's sync position. Call it in the
// transaction that records what was processed.
func (o *ops) SetCheckpoint(ctx context.Context, accountID int64, mailbox string, uidValidity, lastUID uint32) error {
	if _, err := o.x.ExecContext(ctx, o.q.CheckpointSet, accountID, mailbox, int64(uidValidity), int64(lastUID), o.now()); err != nil {
		return fmt.Errorf("set checkpoint %s: %w", mailbox, err)
	}
	return nil
}

// Checkpoints lists every mailbox's sync position.
func (o *ops) Checkpoints(ctx context.Context, accountID int64) ([]Checkpoint, error) {
	var rows []struct {
		Mailbox string `db:"mailbox"`
		V       int64  `db:"uidvalidity"`
		L       int64  `db:"last_uid"`
		U       int64  `db:"updated_at"`
	}
	if err := sqlx.SelectContext(ctx, o.x, &rows, o.q.CheckpointsAll, accountID); err != nil {
		return nil, fmt.Errorf("list checkpoints: %w", err)
	}
	out := make([]Checkpoint, len(rows))
	for i, r := range rows {
		out[i] = Checkpoint{r.Mailbox, uint32(r.V), uint32(r.L), tmi(r.U)}
	}
	return out, nil
}

// Once records key as done and reports whether this call was the first.
func (o *ops) Once(ctx context.Context, accountID int64, key, result string) (bool, error) {
	res, err := o.x.ExecContext(ctx, o.q.OnceInsert, accountID, key, result, o.now())
	if err != nil {
		return false, fmt.Errorf("record %s: %w", key, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetState records a value under key, replacing any before: small state
// that changes (when another instance was last seen).
func (o *ops) SetState(ctx context.Context, accountID int64, key, value string) error {
	if _, err := o.x.ExecContext(ctx, o.q.OnceSet, accountID, key, value, o.now()); err != nil {
		return fmt.Errorf("record %s: %w", key, err)
	}
	return nil
}

// OnceResult returns what was recorded with key, and whether it exists.
func (o *ops) OnceResult(ctx context.Context, accountID int64, key string) (string, bool, error) {
	var r string
	err := sqlx.GetContext(ctx, o.x, &r, o.q.OnceGet, accountID, key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("get %s: %w", key, err)
	}
	return r, true, nil
}

// DueTimers lists contacts whose lifecycle timer (model.Timers but
// outreach, which is the outbox's) is due at t, earliest first, at most
// limit.
func (o *ops) DueTimers(ctx context.Context, accountID int64, t time.Time, limit int) ([]*model.Contact, error) {
	return o.contactList(ctx, o.q.ContactsDueTimers, accountID, t.UnixMilli(), limit)
}

// DueAction lists contacts whose next action is a and due at t.
func (o *ops) DueAction(ctx context.Context, accountID int64, a model.Action, t time.Time, limit int) ([]*model.Contact, error) {
	return o.contactList(ctx, o.q.ContactsDueAction, accountID, string(a), t.UnixMilli(), limit)
}

// NextTimer is the earliest due time of any contact's lifecycle timer
// (zero when none).
func (o *ops) NextTimer(ctx context.Context, accountID int64) (time.Time, error) {
	var v sql.NullInt64
	if err := sqlx.GetContext(ctx, o.x, &v, o.q.ContactsNextTimer, accountID); err != nil {
		return time.Time{}, fmt.Errorf("next timer: %w", err)
	}
	return tm(v), nil
}

// NextTimerOf is the earliest due time of one action (zero when none).
func (o *ops) NextTimerOf(ctx context.Context, accountID int64, a model.Action) (time.Time, error) {
	var v sql.NullInt64
	if err := sqlx.GetContext(ctx, o.x, &v, o.q.ContactsNextOf, accountID, string(a)); err != nil {
		return time.Time{}, fmt.Errorf("next %s: %w", a, err)
	}
	return tm(v), nil
}

// PlannedSlots returns the planned outreach slots of queued contacts in
// [from, to).
func (o *ops) PlannedSlots(ctx context.Context, accountID int64, from, to time.Time) ([]time.Time, error) {
	var raw []int64
	if err := sqlx.SelectContext(ctx, o.x, &raw, o.q.ContactsSlots, accountID, from.UnixMilli(), to.UnixMilli()); err != nil {
		return nil, fmt.Errorf("list planned slots: %w", err)
	}
	out := make([]time.Time, len(raw))
	for i, r := range raw {
		out[i] = tmi(r)
	}
	return out, nil
}

// Queue lists the queued contacts waiting for their first request, in plan
// order.
func (o *ops) Queue(ctx context.Context, accountID int64) ([]*model.Contact, error) {
	return o.contactList(ctx, o.q.ContactsQueue, accountID)
}

func (o *ops) contactList(ctx context.Context, q string, args ...any) ([]*model.Contact, error) {
	var rows []contactRow
	if err := sqlx.SelectContext(ctx, o.x, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	out := make([]*model.Contact, len(rows))
	for i := range rows {
		out[i] = rows[i].contact()
	}
	return out, nil
}

// ReferredBy lists the contacts someone referred (referred_by is their
// address), oldest first.
func (o *ops) ReferredBy(ctx context.Context, accountID int64, email string) ([]*model.Contact, error) {
	return o.contactList(ctx, o.q.ContactsReferredBy, accountID, email)
}

// LastPlannedSlot is the latest planned first-request slot of a queued
// contact (zero when the queue is empty).
func (o *ops) LastPlannedSlot(ctx context.Context, accountID int64) (time.Time, error) {
	var v sql.NullInt64
	if err := sqlx.GetContext(ctx, o.x, &v, o.q.ContactsLastSlot, accountID); err != nil {
		return time.Time{}, fmt.Errorf("last planned slot: %w", err)
	}
	return tm(v), nil
}

// ContactsByEmails returns the contacts with these addresses, by address.
func (o *ops) ContactsByEmails(ctx context.Context, accountID int64, emails []string) (map[string]*model.Contact, error) {
	out := map[string]*model.Contact{}
	for _, chunk := range chunks(emails) {
		q, args, err := o.in(o.q.ContactsByEmails, accountID, chunk)
		if err != nil {
			return nil, err
		}
		cs, err := o.contactList(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[c.Email] = c
		}
	}
	return out, nil
}

// ThreadContacts returns, for those of ids that belong to a contact's
// thread, the contact's id.
func (o *ops) ThreadContacts(ctx context.Context, accountID int64, ids []string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, chunk := range chunks(ids) {
		q, args, err := o.in(o.q.ThreadContacts, accountID, chunk)
		if err != nil {
			return nil, err
		}
		var rows []struct {
			MessageID string `db:"message_id"`
			ContactID int64  `db:"contact_id"`
		}
		if err := sqlx.SelectContext(ctx, o.x, &rows, q, args...); err != nil {
			return nil, fmt.Errorf("find threads: %w", err)
		}
		for _, r := range rows {
			out[r.MessageID] = r.ContactID
		}
	}
	return out, nil
}

// MessagesByMessageIDs returns the recorded messages (without bodies) with
// these Message-IDs, by Message-ID.
func (o *ops) MessagesByMessageIDs(ctx context.Context, accountID int64, ids []string) (map[string]*Message, error) {
	out := map[string]*Message{}
	for _, chunk := range chunks(ids) {
		q, args, err := o.in(o.q.MessagesByMsgIDs, accountID, chunk)
		if err != nil {
			return nil, err
		}
		var ms []*Message
		if err := sqlx.SelectContext(ctx, o.x, &ms, q, args...); err != nil {
			return nil, fmt.Errorf("find messages: %w", err)
		}
		for _, m := range ms {
			out[m.MessageID] = m
		}
	}
	return out, nil
}

// chunks splits a list for IN queries (SQLite allows 32766 variables;
// a few hundred keep statements small), dropping duplicates and empties.
func chunks(l []string) [][]string {
	seen := map[string]bool{}
	var uniq []string
	for _, s := range l {
		if s != "" && !seen[s] {
			seen[s] = true
			uniq = append(uniq, s)
		}
	}
	var out [][]string
	for len(uniq) > 0 {
		n := min(len(uniq), 500)
		out = append(out, uniq[:n])
		uniq = uniq[n:]
	}
	return out
}
