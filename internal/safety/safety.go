// Package safety keeps rapport from writing to people twice or unasked: its
// own marker on the mail it makes, another instance's seen on the mailbox
// (sending to contacts stops until the owner releases it), and mail the
// owner already exchanged with someone about to get a first request (the
// contact is held and the owner asked).
package safety

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"rapport/internal/apply"
	"rapport/internal/clock"
	"rapport/internal/compose"
	"rapport/internal/contacts"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

const (
	instanceKey = "instance"
	// foreignKey records when another instance's mail was last seen;
	// while recent, nothing goes to contacts.
	foreignKey = "foreign-instance-seen"
	// ForeignHold is how long after the last sighting sending stays off
	// (the owner can release it at once: outbox release).
	ForeignHold = 7 * 24 * time.Hour
)

// Instance is this database's rapport: made once, kept for good.
func Instance(ctx context.Context, st *store.Store, account int64) (string, error) {
	if v, ok, err := st.OnceResult(ctx, account, instanceKey); err != nil || ok {
		return v, err
	}
	if _, err := st.Once(ctx, account, instanceKey, compose.NewInstance()); err != nil {
		return "", err
	}
	v, _, err := st.OnceResult(ctx, account, instanceKey)
	return v, err
}

// MarkedBy is the instance a message names: its Message-ID (or the one
// Microsoft 365 kept) or rapport's header; "" for mail rapport did not make.
func MarkedBy(h mailbox.Header) string {
	if v := strings.TrimSpace(h.Get(compose.InstanceHeader)); v != "" {
		return v
	}
	if inst := compose.InstanceOf(h.MessageID); inst != "" {
		return inst
	}
	for _, id := range mailbox.MessageIDs(h.Get("X-Microsoft-Original-Message-ID")) {
		if inst := compose.InstanceOf(id); inst != "" {
			return inst
		}
	}
	return ""
}

// Ours reports rapport's own marker on a message, this instance's or
// another's: such mail is never a command and never a reply.
func Ours(h mailbox.Header) bool { return MarkedBy(h) != "" }

// Notifier tells the owner.
type Notifier interface {
	Notify(ctx context.Context, tx *store.Tx, c *model.Contact, n pipeline.Notice, cause string) error
}

// Applier writes a contact's decision (the state machine's one writer).
type Applier interface {
	Do(ctx context.Context, tx *store.Tx, contactID int64, cause string, decide apply.Decide) (*apply.Result, error)
}

// History finds the owner's mail with an address in a mailbox.
type History interface {
	Correspondence(ctx context.Context, mb string, fields []string, addr string, since time.Time) ([]uint32, error)
}

// Guard holds the checks for one account.
type Guard struct {
	Store    *store.Store
	Account  int64
	Clock    clock.Clock
	Log      *slog.Logger
	Owner    compose.Me // the owner, with this instance
	Notifier Notifier
	Apply    Applier
	// Lookback is how far back Hold looks for correspondence; zero turns
	// the check off.
	Lookback schedule.Span
}

// Foreign is told of a marked message this instance did not make: another
// rapport runs on the same mailbox with its own database. Sending to
// contacts stops (two instances would write to people twice) and the
// owner is told once per instance.
func (g *Guard) Foreign(ctx context.Context, mb string, h mailbox.Header) error {
	inst := MarkedBy(h)
	if inst == "" || inst == g.Owner.Instance {
		return nil
	}
	installed, err := g.Store.AccountCreated(ctx, g.Account)
	if err != nil {
		return err
	}
	when := h.InternalDate
	if when.IsZero() {
		when = h.Date
	}
	if !when.IsZero() && when.Before(installed) {
		return nil // from before this database: an earlier installation's mail
	}
	now := g.Clock.Now()
	return g.Store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetState(ctx, g.Account, foreignKey, now.UTC().Format(time.RFC3339)); err != nil {
			return err
		}
		first, err := tx.Once(ctx, g.Account, "foreign-instance:"+inst, h.MessageID)
		if err != nil || !first {
			return err
		}
		g.Log.Error("another rapport is running on this mailbox: sending to contacts stops",
			"other_instance", inst, "this_instance", g.Owner.Instance, "mailbox", mb, "message_id", h.MessageID)
		who := &model.Contact{Name: g.Owner.Name, Email: g.Owner.Email}
		return g.Notifier.Notify(ctx, tx, who, pipeline.Notice{Kind: pipeline.NoticeReview,
			Title: "Another rapport is running on your mailbox: rapport has stopped writing to anyone",
			Reason: fmt.Sprintf("A message made by another copy of rapport (%q, not this one, %q) is in your %s: two copies "+
				"with their own databases would each send your requests, so people would hear from you twice. "+
				"Stop the other copy (on your laptop or server), then run `rapport outbox release` here. "+
				"Until then nothing goes to your contacts; mail to you still does.", inst, g.Owner.Instance, mb)}, h.MessageID)
	})
}

// Blocked says why nothing may go to contacts now, or "".
func (g *Guard) Blocked(ctx context.Context) (string, error) {
	v, ok, err := g.Store.OnceResult(ctx, g.Account, foreignKey)
	if err != nil || !ok || v == "" {
		return "", err
	}
	seen, err := time.Parse(time.RFC3339, v)
	if err != nil || g.Clock.Now().Sub(seen) > ForeignHold {
		return "", nil
	}
	return "another rapport instance runs on this mailbox (seen " + seen.Format(time.RFC3339) + ")", nil
}

// Release lets sending resume after another instance was seen (the owner
// has stopped it).
func (g *Guard) Release(ctx context.Context) error {
	return g.Store.SetState(ctx, g.Account, foreignKey, "")
}

// Hold looks, before a first request, for mail the owner already
// exchanged with the address (Sent and INBOX, Lookback back): a person
// they already write to is not cold-mailed an introduction. Such a contact
// is held as suggested, and the owner asked.
func (g *Guard) Hold(ctx context.Context, hist History, sentFolder string, c *model.Contact) (string, error) {
	if g.Lookback.IsZero() || c.Email == "" {
		return "", nil
	}
	if _, ok, err := g.Store.OnceResult(ctx, g.Account, contacts.HistoryApproved(c.ID)); err != nil || ok {
		return "", err
	}
	now := g.Clock.Now()
	since := now.Add(-g.Lookback.D).AddDate(0, 0, -g.Lookback.Days)
	sent, err := hist.Correspondence(ctx, sentFolder, []string{"To", "Cc"}, c.Email, since)
	if err != nil {
		return "", err
	}
	in, err := hist.Correspondence(ctx, "INBOX", []string{"From"}, c.Email, since)
	if err != nil {
		return "", err
	}
	if len(sent)+len(in) == 0 {
		return "", nil
	}
	why := fmt.Sprintf("you already correspond with them (%d message(s) in Sent, %d in INBOX since %s)",
		len(sent), len(in), since.Format("2 Jan 2006"))
	err = g.Store.WithTx(ctx, func(tx *store.Tx) error {
		_, err := g.Apply.Do(ctx, tx, c.ID, "", func(cur *model.Contact, _ pipeline.Facts) (pipeline.Decision, error) {
			return pipeline.Known(cur, why), nil
		})
		return err
	})
	return why, err
}
