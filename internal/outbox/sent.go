package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"rapport/internal/mailbox"
	"rapport/internal/model"
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

// TestHookSentAppended, when set (tests only), runs right after a copy is
// appended to Sent, before anything is recorded: an error there is a crash
// in the middle of the very first append.
var TestHookSentAppended func(m *store.Message) error

// appendKey marks that rapport is about to append (or has appended) a copy
// of a message to Sent: finding that copy later proves nothing about the
// provider.
func appendKey(messageID string) string { return "sent-append:" + messageID }

// ReconcileSent makes sure every sent message is in Sent exactly once.
// The first time, it waits SentGrace after sending and looks: a provider
// that filed the message itself is remembered as such and never gets a
// second copy; otherwise rapport appends, and does so from then on. What
// the provider does is learned only from a completed observation: a copy
// found in Sent counts as the provider's only when rapport never started
// appending it (an append interrupted by a crash leaves a copy that is
// rapport's own). Every append is preceded by a search, so a crash between
// the two cannot make a duplicate.
func (o *Outbox) ReconcileSent(ctx context.Context) error {
	o.defaults()
	if o.Sent == nil {
		return nil
	}
	msgs, err := o.Store.UnfiledSent(ctx, o.Account, o.Batch)
	if err != nil || len(msgs) == 0 {
		return err
	}
	mode, _, err := o.Store.OnceResult(ctx, o.Account, filingKey)
	if err != nil {
		return err
	}
	now := o.Clock.Now()
	for _, m := range msgs {
		if mode != filingAppend && now.Sub(m.SentAt()) < o.SentGrace {
			continue // give the provider time to file it
		}
		uid, found, err := o.Sent.Find(ctx, m.MessageID)
		if err != nil {
			return err
		}
		_, ours, err := o.Store.OnceResult(ctx, o.Account, appendKey(m.MessageID))
		if err != nil {
			return err
		}
		if found {
			if mode == "" {
				learned := filingProvider
				if ours {
					learned = filingAppend // our own interrupted append: the provider did not file it
				}
				if err := o.learnFiling(ctx, learned); err != nil {
					return err
				}
				mode = learned
			}
		} else {
			if mode == filingProvider && now.Sub(m.SentAt()) < 10*o.SentGrace {
				continue // it may still be on its way
			}
			if _, err := o.Store.Once(ctx, o.Account, appendKey(m.MessageID), ""); err != nil {
				return err
			}
			uid, err = o.Sent.Append(ctx, m.Raw, m.SentAt())
			if err != nil {
				return fmt.Errorf("append to %s: %w", o.Sent.Name(), err)
			}
			if TestHookSentAppended != nil {
				if err := TestHookSentAppended(m); err != nil {
					return err
				}
			}
			if mode == "" {
				if err := o.learnFiling(ctx, filingAppend); err != nil {
					return err
				}
				mode = filingAppend
			}
		}
		if err := o.Store.SetMessageLocation(ctx, m, o.Sent.Name(), 0, uid); err != nil {
			return err
		}
	}
	return nil
}

func (o *Outbox) learnFiling(ctx context.Context, mode string) error {
	if _, err := o.Store.Once(ctx, o.Account, filingKey, mode); err != nil {
		return err
	}
	if mode == filingProvider {
		o.Log.Info("the provider files sent mail itself: no copies will be appended to Sent", "folder", o.Sent.Name())
	} else {
		o.Log.Info("the provider does not file sent mail: rapport appends a copy to Sent", "folder", o.Sent.Name())
	}
	return nil
}

// ResolveInDoubt looks in Sent for messages whose final reply never came:
// found means sent. Not found settles nothing: the message stays in doubt
// and the owner decides (Resolve), because a message that may have gone is
// never sent again on a guess.
func (o *Outbox) ResolveInDoubt(ctx context.Context) (resolved int, err error) {
	o.defaults()
	if o.Sent == nil {
		return 0, nil
	}
	now := o.Clock.Now()
	o.mu.Lock()
	recent := !o.lastInDoubt.IsZero() && now.Sub(o.lastInDoubt) < o.InDoubtRecheck
	o.mu.Unlock()
	if recent {
		return 0, nil
	}
	msgs, err := o.Store.MessagesInState(ctx, o.Account, model.MsgInDoubt)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	o.mu.Lock()
	o.lastInDoubt = now
	o.mu.Unlock()
	for _, m := range msgs {
		uid, found, err := o.Sent.Find(ctx, m.MessageID)
		if err != nil {
			return resolved, err
		}
		if !found {
			continue
		}
		if err := o.settle(ctx, m, true, uid, "found in "+o.Sent.Name()); err != nil {
			return resolved, err
		}
		o.Log.Info("in-doubt message found in Sent: it was sent", "message_id", m.MessageID, "to", m.ToAddr)
		resolved++
	}
	return resolved, nil
}

// ErrNotInDoubt is returned by Resolve for a message that is not in doubt.
var ErrNotInDoubt = errors.New("message is not in doubt")

// Resolve settles an in-doubt message on the owner's word: sent (it did
// go: the contact moves on as if the server had said so) or resend (it did
// not: it is queued again, once).
func (o *Outbox) Resolve(ctx context.Context, messageID string, sent bool) (*store.Message, error) {
	o.defaults()
	m, err := o.Store.MessageByMessageID(ctx, o.Account, strings.Trim(strings.TrimSpace(messageID), "<>"))
	if err != nil {
		return nil, fmt.Errorf("message %s: %w", messageID, err)
	}
	if m.State != model.MsgInDoubt {
		return m, fmt.Errorf("%s is %s: %w", m.MessageID, m.State, ErrNotInDoubt)
	}
	how := "you said it went"
	if !sent {
		how = "you said it did not go: queued again"
	}
	return m, o.settle(ctx, m, sent, 0, how)
}

func (o *Outbox) settle(ctx context.Context, m *store.Message, sent bool, uid uint32, how string) error {
	now := o.Clock.Now()
	err := o.Store.WithTx(ctx, func(tx *store.Tx) error {
		if !sent {
			return tx.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgQueued, Attempts: m.Attempts,
				NextAttempt: now, LastError: "resolved: " + how})
		}
		if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: model.MsgSent, Attempts: m.Attempts, SentAt: now,
			LastError: "resolved: " + how}); err != nil {
			return err
		}
		if uid != 0 {
			if err := tx.SetMessageLocation(ctx, m, o.Sent.Name(), 0, uid); err != nil {
				return err
			}
		}
		return o.advance(ctx, tx, m, now, "in doubt, "+how)
	})
	if errors.Is(err, store.ErrStateChanged) {
		return nil
	}
	return err
}
