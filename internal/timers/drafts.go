package timers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"rapport/internal/apply"
	"rapport/internal/clock"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// Drafts keeps the Drafts folder in step with what rapport recorded: a
// draft a decision made is appended (once: by Message-ID, so a crash
// between the APPEND and recording its UID leaves one copy), and a draft
// that no longer fits (the contact answered, bounced, went silent for
// good) is taken out — only if it is still exactly what rapport put there.
// A draft the owner edited is left where it is, and the owner told.
type Drafts struct {
	Account int64
	Clock   clock.Clock
	Log     *slog.Logger
	Store   *store.Store
	Apply   *apply.Applier
	IMAP    mailbox.Config
	// Folder is the Drafts folder's name.
	Folder string

	mu   sync.Mutex
	conn *mailbox.Conn
	// retryAt holds the worker back after a failure (a broken server
	// must not make it spin).
	retryAt time.Time
	fails   int
}

// TestHookDraftAppended, when set (tests only), runs after a draft is in
// the Drafts folder and before its UID is recorded: an error there is a
// crash at the worst moment.
var TestHookDraftAppended func(m *store.Message) error

func (d *Drafts) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Next is now when drafts wait to be placed or withdrawn, else zero.
func (d *Drafts) Next(ctx context.Context) (time.Time, error) {
	ms, err := d.Store.PendingDrafts(ctx, d.Account, 1)
	if err != nil || len(ms) == 0 {
		return time.Time{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.Clock.Now()
	if d.retryAt.After(now) {
		return d.retryAt, nil
	}
	return now, nil
}

// Run places and withdraws what is pending.
func (d *Drafts) Run(ctx context.Context) error {
	ms, err := d.Store.PendingDrafts(ctx, d.Account, 100)
	if err != nil || len(ms) == 0 {
		return err
	}
	var errs []error
	for _, m := range ms {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		if m.State == model.MsgWithdraw {
			err = d.withdraw(ctx, m)
		} else {
			err = d.place(ctx, m)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(errs) > 0 {
		d.fails++
		d.retryAt = d.Clock.Now().Add(min(time.Duration(1<<min(d.fails, 8))*time.Second, 5*time.Minute))
		d.closeLocked()
	} else {
		d.fails, d.retryAt = 0, time.Time{}
	}
	return errors.Join(errs...)
}

func (d *Drafts) imap(ctx context.Context) (*mailbox.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil && !d.conn.Broken() {
		return d.conn, nil
	}
	d.closeLocked()
	c, err := mailbox.Dial(ctx, d.IMAP, d.log())
	if err != nil {
		return nil, fmt.Errorf("imap: %w", err)
	}
	d.conn = c
	return c, nil
}

func (d *Drafts) closeLocked() {
	if d.conn != nil {
		_ = d.conn.Close()
		d.conn = nil
	}
}

// Close closes the connection.
func (d *Drafts) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closeLocked()
	return nil
}

// place puts a recorded draft in Drafts with \Draft, unless a message with
// its Message-ID is there already, then records where.
func (d *Drafts) place(ctx context.Context, m *store.Message) error {
	if d.Folder == "" {
		return errors.New("no Drafts folder found; set imap.folders.drafts")
	}
	full, err := d.Store.Message(ctx, m.ID) // PendingDrafts may be read without bodies
	if err != nil {
		return err
	}
	conn, err := d.imap(ctx)
	if err != nil {
		return err
	}
	uid, appended, err := conn.AppendOnce(ctx, d.Folder, full.MessageID, full.Raw, []string{`\Draft`, `\Seen`})
	if err != nil {
		return fmt.Errorf("append draft %s: %w", full.MessageID, err)
	}
	if !appended {
		d.log().Info("draft already in Drafts; recording it", "message_id", full.MessageID, "uid", uid)
	}
	if TestHookDraftAppended != nil {
		if err := TestHookDraftAppended(full); err != nil {
			return err
		}
	}
	st, err := conn.Status(ctx, d.Folder)
	if err != nil {
		return fmt.Errorf("status %s: %w", d.Folder, err)
	}
	d.log().Info("draft in Drafts", "kind", full.Kind, "to", full.ToAddr, "message_id", full.MessageID)
	return d.Store.SetMessageLocation(ctx, full, d.Folder, st.UIDValidity, uid)
}

// withdraw takes a draft that no longer fits out of Drafts, if it is still
// rapport's own, unchanged; otherwise it stays, and the owner hears why.
func (d *Drafts) withdraw(ctx context.Context, m *store.Message) error {
	full, err := d.Store.Message(ctx, m.ID)
	if err != nil {
		return err
	}
	if full.Mailbox == "" || full.UID == 0 {
		// Never placed: nothing to take out.
		return d.settle(ctx, full, "never put in Drafts", false)
	}
	conn, err := d.imap(ctx)
	if err != nil {
		return err
	}
	st, err := conn.Status(ctx, full.Mailbox)
	if err != nil {
		return fmt.Errorf("status %s: %w", full.Mailbox, err)
	}
	if st.UIDValidity != uint32(full.UIDValidity) && full.UIDValidity != 0 {
		return d.settle(ctx, full, "the Drafts folder was rebuilt; left alone", true)
	}
	err = conn.WithdrawDraft(ctx, full.Mailbox, uint32(full.UID), full.Raw)
	switch {
	case err == nil:
		d.log().Info("took an unsent draft out of Drafts: it no longer fits", "kind", full.Kind, "to", full.ToAddr,
			"message_id", full.MessageID)
		why := "the contact moved on"
		if full.LastError != "" {
			why = full.LastError
		}
		return d.settle(ctx, full, "taken out of Drafts: "+why, false)
	case errors.Is(err, mailbox.ErrNotFound):
		// Mail clients save an edited draft as a new message with the same
		// Message-ID: that one is the owner's now, and stays.
		if uids, ferr := conn.FindMessageID(ctx, full.Mailbox, full.MessageID); ferr == nil && len(uids) > 0 {
			return d.settle(ctx, full, "you edited it, so it stays in Drafts", true)
		} else if ferr != nil {
			return fmt.Errorf("look for the edited draft %s: %w", full.MessageID, ferr)
		}
		return d.settle(ctx, full, "no longer in Drafts (sent, moved or deleted by you)", false)
	case errors.Is(err, mailbox.ErrChanged):
		return d.settle(ctx, full, "you edited it, so it stays in Drafts", true)
	case errors.Is(err, mailbox.ErrNoUIDPlus):
		return d.settle(ctx, full, "left in Drafts: the server cannot remove one message safely", true)
	}
	return fmt.Errorf("withdraw draft %s: %w", full.MessageID, err)
}

// settle records how a withdrawal ended; tell says the owner should know
// (the draft is still in Drafts, ready to be sent by mistake).
func (d *Drafts) settle(ctx context.Context, m *store.Message, how string, tell bool) error {
	return d.Store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgWithdrawn, Attempts: m.Attempts,
			LastError: how}); err != nil {
			if errors.Is(err, store.ErrStateChanged) {
				return nil
			}
			return err
		}
		if m.Contact() == 0 {
			return nil
		}
		_, err := d.Apply.Do(ctx, tx, m.Contact(), m.MessageID, func(c *model.Contact, _ pipeline.Facts) (pipeline.Decision, error) {
			dec := pipeline.Decision{EventType: model.EventDraft, Detail: string(m.Kind) + " draft " + how + ": " + m.Subject}
			if tell {
				dec.Notice = &pipeline.Notice{Kind: pipeline.NoticeEdited,
					Title:  "your " + string(m.Kind) + " draft to " + c.Name + " is still in Drafts",
					Reason: c.Name + " has moved on (" + string(c.Status) + "), so do not send it as it is: " + how + "."}
			}
			return dec, nil
		})
		return err
	})
}
