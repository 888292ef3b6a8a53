package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"rapport/internal/compose"
	"rapport/internal/contacts"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// What keeps rapport from writing to people twice or unasked: its own
// marker on the mail it makes, another instance's seen on the mailbox, and
// mail the owner already exchanged with someone about to get a first
// request.

const (
	instanceKey = "instance"
	// foreignKey records when another instance's mail was last seen;
	// while recent, nothing goes to contacts.
	foreignKey = "foreign-instance-seen"
	// foreignHold is how long after the last sighting sending stays off
	// (the owner can release it at once: outbox release).
	foreignHold = 7 * 24 * time.Hour
)

// instance is this database's rapport: made once, kept for good.
func (a *App) instance(ctx context.Context) (string, error) {
	if v, ok, err := a.Store.OnceResult(ctx, a.Account, instanceKey); err != nil || ok {
		return v, err
	}
	if _, err := a.Store.Once(ctx, a.Account, instanceKey, compose.NewInstance()); err != nil {
		return "", err
	}
	v, _, err := a.Store.OnceResult(ctx, a.Account, instanceKey)
	return v, err
}

// markedBy is the instance a message names: its Message-ID (or the one
// Microsoft 365 kept) or rapport's header; "" for mail rapport did not make.
func markedBy(h mailbox.Header) string {
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

// ours reports rapport's own marker on a message, this instance's or
// another's: such mail is never a command and never a reply.
func ours(h mailbox.Header) bool { return markedBy(h) != "" }

// foreign is told of a marked message this instance did not make: another
// rapport runs on the same mailbox with its own database. Sending to
// contacts stops (two instances would write to people twice) and the
// owner is told once per instance.
func (d *Daemon) foreign(ctx context.Context, mb string, h mailbox.Header) error {
	a := d.a
	inst := markedBy(h)
	if inst == "" || inst == a.Me().Instance {
		return nil
	}
	installed, err := a.Store.AccountCreated(ctx, a.Account)
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
	now := a.Clock.Now()
	return a.Store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetState(ctx, a.Account, foreignKey, now.UTC().Format(time.RFC3339)); err != nil {
			return err
		}
		first, err := tx.Once(ctx, a.Account, "foreign-instance:"+inst, h.MessageID)
		if err != nil || !first {
			return err
		}
		a.Log.Error("another rapport is running on this mailbox: sending to contacts stops",
			"other_instance", inst, "this_instance", a.Me().Instance, "mailbox", mb, "message_id", h.MessageID)
		who := &model.Contact{Name: a.Config.Me.Name, Email: a.Config.Me.Email}
		return a.Notifier.Notify(ctx, tx, who, pipeline.Notice{Kind: pipeline.NoticeReview,
			Title: "Another rapport is running on your mailbox: rapport has stopped writing to anyone",
			Reason: fmt.Sprintf("A message made by another copy of rapport (%q, not this one, %q) is in your %s: two copies "+
				"with their own databases would each send your requests, so people would hear from you twice. "+
				"Stop the other copy (on your laptop or server), then run `rapport outbox release` here. "+
				"Until then nothing goes to your contacts; mail to you still does.", inst, a.Me().Instance, mb)}, h.MessageID)
	})
}

// blocked says why nothing may go to contacts now, or "".
func (a *App) blocked(ctx context.Context) (string, error) {
	v, ok, err := a.Store.OnceResult(ctx, a.Account, foreignKey)
	if err != nil || !ok || v == "" {
		return "", err
	}
	seen, err := time.Parse(time.RFC3339, v)
	if err != nil || a.Clock.Now().Sub(seen) > foreignHold {
		return "", nil
	}
	return "another rapport instance runs on this mailbox (seen " + seen.Format(time.RFC3339) + ")", nil
}

// Release lets sending resume after another instance was seen (the owner
// has stopped it).
func (a *App) Release(ctx context.Context) error {
	return a.Store.SetState(ctx, a.Account, foreignKey, "")
}

// hold looks, before a first request, for mail the owner already
// exchanged with the address (Sent and INBOX, history.lookback back): a
// person they already write to is not cold-mailed an introduction. Such a
// contact is held as suggested, and the owner asked.
func (d *Daemon) hold(ctx context.Context, c *model.Contact) (string, error) {
	a := d.a
	lookback := a.Config.History.Lookback.Span
	if lookback.IsZero() || c.Email == "" {
		return "", nil
	}
	if _, ok, err := a.Store.OnceResult(ctx, a.Account, contacts.HistoryApproved(c.ID)); err != nil || ok {
		return "", err
	}
	now := a.Clock.Now()
	since := now.Add(-lookback.D).AddDate(0, 0, -lookback.Days)
	sent, err := d.conn.Correspondence(ctx, d.Folders.Sent.Name, []string{"To", "Cc"}, c.Email, since)
	if err != nil {
		return "", err
	}
	in, err := d.conn.Correspondence(ctx, "INBOX", []string{"From"}, c.Email, since)
	if err != nil {
		return "", err
	}
	if len(sent)+len(in) == 0 {
		return "", nil
	}
	why := fmt.Sprintf("you already correspond with them (%d message(s) in Sent, %d in INBOX since %s)",
		len(sent), len(in), since.Format("2 Jan 2006"))
	err = a.Store.WithTx(ctx, func(tx *store.Tx) error {
		_, err := a.Apply.Do(ctx, tx, c.ID, "", func(cur *model.Contact, _ pipeline.Facts) (pipeline.Decision, error) {
			return pipeline.Known(cur, why), nil
		})
		return err
	})
	return why, err
}
