package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"rapport/internal/model"
)

// A contact without an address (a LinkedIn connection who hides theirs, a
// phone-book entry) is stored with its identity key in the email column;
// keys never contain "@". Such a contact reads back with Email "".
func addressOf(column string) string {
	if strings.Contains(column, "@") {
		return column
	}
	return ""
}

// IsIdentityKey reports whether s can be stored as the key of a contact
// without an address.
func IsIdentityKey(s string) bool { return s != "" && !strings.Contains(s, "@") }

// Rows per multi-row statement on SQLite: 17 parameters a contact stays
// far below its limit on bound parameters. PostgreSQL takes a whole batch
// in one statement of column arrays.
const insertChunk = 250

var placeholderRE = regexp.MustCompile(`\$\d+`)

// repeatValues turns a loaded single-row INSERT (rebound for the dialect)
// into one inserting n rows: its VALUES tuple repeated n times.
func (o *ops) repeatValues(q string, n int) (string, error) {
	q = placeholderRE.ReplaceAllString(q, "?")
	i := strings.Index(q, "VALUES")
	if i < 0 {
		return "", fmt.Errorf("repeat values: no VALUES in %q", q)
	}
	open := strings.IndexByte(q[i:], '(')
	close := strings.IndexByte(q[i:], ')')
	if open < 0 || close < open {
		return "", fmt.Errorf("repeat values: no tuple in %q", q)
	}
	tuple := q[i+open : i+close+1]
	var b strings.Builder
	b.WriteString(q[:i+open])
	for k := 0; k < n; k++ {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	b.WriteString(q[i+close+1:])
	return o.x.Rebind(b.String()), nil
}

// InsertContacts stores new contacts with a few statements (one round trip
// for the contacts of a batch and one for their events, instead of two per
// contact) and records evType on each one's timeline. keys[i] is stored in
// place of the address of a contact with Email "" (it must satisfy
// IsIdentityKey); keys may be nil when every contact has an address. It
// sets each contact's ID.
func (o *ops) InsertContacts(ctx context.Context, cs []*model.Contact, keys []string, evType, detail string) error {
	if len(cs) == 0 {
		return nil
	}
	now := o.clock.Now()
	cols := make([]string, len(cs))
	for i, c := range cs {
		cols[i] = c.Email
		if cols[i] == "" {
			if keys == nil || !IsIdentityKey(keys[i]) {
				return fmt.Errorf("insert contact %q: no address and no identity key", c.Name)
			}
			cols[i] = keys[i]
		}
		if c.StatusChangedAt.IsZero() {
			c.StatusChangedAt = now
		}
		c.CreatedAt, c.UpdatedAt = now, now
	}
	chunk := insertChunk
	if o.d == Postgres {
		chunk = len(cs)
	}
	for start := 0; start < len(cs); start += chunk {
		end := min(start+chunk, len(cs))
		if err := o.insertContactRows(ctx, cs[start:end], cols[start:end], now); err != nil {
			return err
		}
	}
	evs := make([]*model.Event, len(cs))
	for i, c := range cs {
		evs[i] = &model.Event{ContactID: c.ID, At: now, Type: evType, To: c.Status, Detail: detail}
	}
	return o.AddEvents(ctx, cs[0].AccountID, evs)
}

func (o *ops) insertContactRows(ctx context.Context, cs []*model.Contact, cols []string, now time.Time) error {
	var q string
	var args []any
	if o.d == Postgres {
		q = o.q.ContactInsertArrays
		n := len(cs)
		var (
			acct, changed, created, updated = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
			next                            = make([]sql.NullInt64, n)
			email, name, company, role      = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
			conn, ref, tz, notes, custom    = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
			status, reason, action          = make([]string, n), make([]string, n), make([]string, n)
		)
		for i, c := range cs {
			acct[i], email[i], name[i], company[i], role[i] = c.AccountID, cols[i], c.Name, c.Company, c.Role
			conn[i], ref[i], tz[i], notes[i], custom[i] = c.Connection, c.ReferredBy, c.Timezone, c.Notes, customJSON(c.Custom)
			status[i], changed[i], reason[i], action[i] = string(c.Status), c.StatusChangedAt.UnixMilli(), c.StatusReason, string(c.NextAction)
			next[i], created[i], updated[i] = ms(c.NextActionAt), now.UnixMilli(), now.UnixMilli()
		}
		args = []any{pq.Array(acct), pq.Array(email), pq.Array(name), pq.Array(company), pq.Array(role), pq.Array(conn),
			pq.Array(ref), pq.Array(tz), pq.Array(notes), pq.Array(custom), pq.Array(status), pq.Array(changed),
			pq.Array(reason), pq.Array(action), pq.Array(next), pq.Array(created), pq.Array(updated)}
	} else {
		var err error
		if q, err = o.repeatValues(o.q.ContactInsertMany, len(cs)); err != nil {
			return err
		}
		args = make([]any, 0, 17*len(cs))
		for i, c := range cs {
			args = append(args, c.AccountID, cols[i], c.Name, c.Company, c.Role, c.Connection, c.ReferredBy, c.Timezone,
				c.Notes, customJSON(c.Custom), string(c.Status), c.StatusChangedAt.UnixMilli(), c.StatusReason,
				string(c.NextAction), ms(c.NextActionAt), now.UnixMilli(), now.UnixMilli())
		}
	}
	var rows []struct {
		ID    int64  `db:"id"`
		Email string `db:"email"`
	}
	if err := sqlx.SelectContext(ctx, o.x, &rows, q, args...); err != nil {
		return fmt.Errorf("insert %d contacts: %w", len(cs), err)
	}
	if len(rows) != len(cs) {
		return fmt.Errorf("insert %d contacts: %d ids returned", len(cs), len(rows))
	}
	// RETURNING order is not guaranteed: match rows by the unique column.
	index := make(map[string]*model.Contact, len(cs))
	for i, c := range cs {
		index[cols[i]] = c
	}
	for _, r := range rows {
		c, ok := index[r.Email]
		if !ok {
			return fmt.Errorf("insert contacts: unexpected row %q returned", r.Email)
		}
		c.ID = r.ID
	}
	return nil
}

// AddEvents appends many events in a few statements. A zero At means now.
func (o *ops) AddEvents(ctx context.Context, accountID int64, evs []*model.Event) error {
	now := o.clock.Now()
	for _, e := range evs {
		if e.At.IsZero() {
			e.At = now
		}
	}
	if o.d == Postgres && len(evs) > 0 {
		n := len(evs)
		acct, cid, at := make([]int64, n), make([]sql.NullInt64, n), make([]int64, n)
		typ, from, to, detail, msg := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		for i, e := range evs {
			acct[i], at[i], typ[i], from[i], to[i], detail[i], msg[i] = accountID, e.At.UnixMilli(), e.Type,
				string(e.From), string(e.To), e.Detail, e.MessageID
			cid[i] = sql.NullInt64{Int64: e.ContactID, Valid: e.ContactID != 0}
		}
		if _, err := o.x.ExecContext(ctx, o.q.EventInsertArrays, pq.Array(acct), pq.Array(cid), pq.Array(at), pq.Array(typ),
			pq.Array(from), pq.Array(to), pq.Array(detail), pq.Array(msg)); err != nil {
			return fmt.Errorf("add %d events: %w", n, err)
		}
		return nil
	}
	for start := 0; start < len(evs); start += insertChunk {
		end := min(start+insertChunk, len(evs))
		q, err := o.repeatValues(o.q.EventInsertMany, end-start)
		if err != nil {
			return err
		}
		args := make([]any, 0, 8*(end-start))
		for _, e := range evs[start:end] {
			var cid any
			if e.ContactID != 0 {
				cid = e.ContactID
			}
			args = append(args, accountID, cid, e.At.UnixMilli(), e.Type, string(e.From), string(e.To), e.Detail, e.MessageID)
		}
		if _, err := o.x.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("add %d events: %w", end-start, err)
		}
	}
	return nil
}

// ContactKeys returns the identity keys of the account's contacts that
// have no address, by contact id.
func (o *ops) ContactKeys(ctx context.Context, accountID int64) (map[int64]string, error) {
	var rows []struct {
		ID  int64  `db:"id"`
		Key string `db:"email"`
	}
	if err := sqlx.SelectContext(ctx, o.x, &rows, o.q.ContactKeys, accountID); err != nil {
		return nil, fmt.Errorf("list contact keys: %w", err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Key
	}
	return out, nil
}

// ContactByKey returns the contact without an address stored under key.
func (o *ops) ContactByKey(ctx context.Context, accountID int64, key string) (*model.Contact, error) {
	if !IsIdentityKey(key) {
		return nil, ErrNotFound
	}
	return o.ContactByEmail(ctx, accountID, key)
}

// SetContactEmail gives a contact its address (email, normalised), or with
// email a key (IsIdentityKey) re-keys a contact that has none.
func (o *ops) SetContactEmail(ctx context.Context, c *model.Contact, email string) error {
	if _, err := o.x.ExecContext(ctx, o.q.ContactSetEmail, email, o.now(), c.ID); err != nil {
		return fmt.Errorf("set address of %s: %w", c.Name, err)
	}
	c.Email = addressOf(email)
	return nil
}

// ErrMailInFlight is returned when removing a contact while a message to
// them is on its way: the outcome must be known first.
var ErrMailInFlight = fmt.Errorf("a message to this contact is being sent or its delivery is being checked")

// DeleteContact takes a contact out of the store. Mail not yet on the wire
// is dropped; thread ids and meetings go. With forget, its timeline and
// every message to or from it go too; without, the timeline and the
// messages stay in the account's log, detached (so the mailbox sync still
// recognises those messages). Run it in a transaction.
func (o *ops) DeleteContact(ctx context.Context, c *model.Contact, forget bool) error {
	var n int
	if err := sqlx.GetContext(ctx, o.x, &n, o.q.ContactMailInFlight, c.ID); err != nil {
		return fmt.Errorf("remove contact: %w", err)
	}
	if n > 0 {
		return ErrMailInFlight
	}
	steps := []string{o.q.ContactMailDropUnsent, o.q.ContactThreadsDelete, o.q.ContactMeetingsDelete}
	if forget {
		steps = append(steps, o.q.ContactMailDelete, o.q.ContactEventsDelete)
	} else {
		steps = append(steps, o.q.ContactMailDetach, o.q.ContactEventsDetach)
	}
	steps = append(steps, o.q.ContactDelete)
	for _, q := range steps {
		if _, err := o.x.ExecContext(ctx, q, c.ID); err != nil {
			return fmt.Errorf("remove contact: %w", err)
		}
	}
	return nil
}

// ClearReferrer forgets an address as other contacts' referrer.
func (o *ops) ClearReferrer(ctx context.Context, accountID int64, email string) error {
	if _, err := o.x.ExecContext(ctx, o.q.ContactsClearReferrer, o.now(), accountID, email); err != nil {
		return fmt.Errorf("clear referrer: %w", err)
	}
	return nil
}
