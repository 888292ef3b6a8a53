package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"rapport/internal/mailbox"
	"rapport/internal/store"
)

// IMAPSent is the Sent folder over IMAP, with one connection kept open and
// redialled when it breaks.
type IMAPSent struct {
	Config mailbox.Config
	Folder string
	Log    *slog.Logger

	mu   sync.Mutex
	conn *mailbox.Conn
}

func (s *IMAPSent) Name() string { return s.Folder }

func (s *IMAPSent) get(ctx context.Context) (*mailbox.Conn, error) {
	if s.conn != nil && !s.conn.Broken() {
		return s.conn, nil
	}
	if s.conn != nil {
		_ = s.conn.Close()
	}
	c, err := mailbox.Dial(ctx, s.Config, s.Log)
	if err != nil {
		return nil, err
	}
	s.conn = c
	return c, nil
}

// Find searches by Message-ID, then by X-Microsoft-Original-Message-ID
// (Microsoft 365 replaces the Message-ID of submitted mail and keeps ours
// there).
func (s *IMAPSent) Find(ctx context.Context, messageID string) (uint32, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.get(ctx)
	if err != nil {
		return 0, false, err
	}
	uids, err := c.FindMessageID(ctx, s.Folder, messageID)
	if err != nil {
		return 0, false, fmt.Errorf("search %s for %s: %w", s.Folder, messageID, err)
	}
	if len(uids) == 0 {
		uids, err = c.SearchHeader(ctx, s.Folder, "X-Microsoft-Original-Message-ID", "<"+messageID+">")
		if err != nil {
			return 0, false, fmt.Errorf("search %s for %s: %w", s.Folder, messageID, err)
		}
	}
	if len(uids) == 0 {
		return 0, false, nil
	}
	return uids[0], true, nil
}

// Append files a copy marked \Seen, as a client does for mail it sent.
func (s *IMAPSent) Append(ctx context.Context, raw []byte, date time.Time) (uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.get(ctx)
	if err != nil {
		return 0, err
	}
	return c.Append(ctx, s.Folder, raw, []string{`\Seen`}, date)
}

// Close closes the connection.
func (s *IMAPSent) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}

// Filing modes of the provider, learned by looking once.
const (
	filingProvider = "provider" // files submitted mail in Sent itself (Gmail, Microsoft 365)
	filingAppend   = "append"   // does not: rapport appends the copy
	filingKey      = "sent-filing"
)

// ReconcileSent makes sure every sent message is in Sent exactly once.
// The first time, it waits SentGrace after sending and looks: a provider
// that filed the message itself is remembered as such and never gets a
// second copy; otherwise rapport appends, and does so from then on. Every
// append is preceded by a search, so a crash between the two cannot make a
// duplicate.
func (o *Outbox) ReconcileSent(ctx context.Context) error {
	o.defaults()
	if o.Sent == nil {
		return nil
	}
	msgs, err := o.Store.MessagesInState(ctx, o.Account, store.MsgSent)
	if err != nil {
		return err
	}
	mode, _, err := o.Store.OnceResult(ctx, o.Account, filingKey)
	if err != nil {
		return err
	}
	now := o.Clock.Now()
	for _, m := range msgs {
		if m.Mailbox != "" || m.Direction != store.Out {
			continue
		}
		if mode != filingAppend && now.Sub(m.SentAt()) < o.SentGrace {
			continue // give the provider time to file it
		}
		uid, found, err := o.Sent.Find(ctx, m.MessageID)
		if err != nil {
			return err
		}
		if found {
			if mode == "" {
				mode = filingProvider
				if _, err := o.Store.Once(ctx, o.Account, filingKey, mode); err != nil {
					return err
				}
				o.Log.Info("the provider files sent mail itself: no copies will be appended to Sent", "folder", o.Sent.Name())
			}
		} else {
			if mode == filingProvider && now.Sub(m.SentAt()) < 10*o.SentGrace {
				continue // it may still be on its way
			}
			uid, err = o.Sent.Append(ctx, m.Raw, m.SentAt())
			if err != nil {
				return fmt.Errorf("append to %s: %w", o.Sent.Name(), err)
			}
			if mode == "" {
				mode = filingAppend
				if _, err := o.Store.Once(ctx, o.Account, filingKey, mode); err != nil {
					return err
				}
				o.Log.Info("the provider does not file sent mail: rapport appends a copy to Sent", "folder", o.Sent.Name())
			}
		}
		if err := o.Store.SetMessageLocation(ctx, m, o.Sent.Name(), 0, uid); err != nil {
			return err
		}
	}
	return nil
}

// ResolveInDoubt settles messages whose final reply never came, by looking
// in Sent: found means sent. Not found is only conclusive on a provider
// that files sent mail itself, after InDoubtGrace: then it did not go and is
// queued again. Otherwise it stays in doubt and is reported, never resent
// blindly.
func (o *Outbox) ResolveInDoubt(ctx context.Context) (resolved int, err error) {
	o.defaults()
	if o.Sent == nil {
		return 0, nil
	}
	msgs, err := o.Store.MessagesInState(ctx, o.Account, store.MsgInDoubt)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	mode, _, err := o.Store.OnceResult(ctx, o.Account, filingKey)
	if err != nil {
		return 0, err
	}
	now := o.Clock.Now()
	for _, m := range msgs {
		uid, found, err := o.Sent.Find(ctx, m.MessageID)
		if err != nil {
			return resolved, err
		}
		switch {
		case found:
			err = o.Store.WithTx(ctx, func(tx *store.Tx) error {
				if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: store.MsgSent, Attempts: m.Attempts, SentAt: now,
					LastError: "resolved: found in " + o.Sent.Name()}); err != nil {
					return err
				}
				if err := tx.SetMessageLocation(ctx, m, o.Sent.Name(), 0, uid); err != nil {
					return err
				}
				return o.advance(ctx, tx, m, now, "in doubt, found in "+o.Sent.Name())
			})
			o.Log.Info("in-doubt message found in Sent: it was sent", "message_id", m.MessageID, "to", m.ToAddr)
		case mode == filingProvider && now.Sub(time.UnixMilli(m.UpdatedAtMs)) >= o.InDoubtGrace:
			err = o.Store.TransitionMessage(ctx, m, store.MsgUpdate{To: store.MsgQueued, Attempts: m.Attempts,
				LastError: "resolved: not in " + o.Sent.Name() + " of a provider that files sent mail, so it was not sent"})
			o.Log.Info("in-doubt message absent from Sent: it did not go, queued again", "message_id", m.MessageID, "to", m.ToAddr)
		default:
			continue
		}
		if err != nil && !errors.Is(err, store.ErrStateChanged) {
			return resolved, err
		}
		resolved++
	}
	return resolved, nil
}
