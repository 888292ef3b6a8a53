package apply

import (
	"context"
	"time"

	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// Outbox is the state machine's side of the outbox (outbox.Contacts): what
// the outbox did with a contact's mail becomes a decision, applied in the
// outbox's own transaction.
type Outbox struct{ A *Applier }

func (o Outbox) do(ctx context.Context, tx *store.Tx, id int64, cause string, d func(c *model.Contact, f pipeline.Facts) pipeline.Decision) error {
	_, err := o.A.Do(ctx, tx, id, cause, func(c *model.Contact, f pipeline.Facts) (pipeline.Decision, error) {
		return d(c, f), nil
	})
	return err
}

// Claimed implements outbox.Contacts.
func (o Outbox) Claimed(ctx context.Context, tx *store.Tx, id int64, at time.Time) error {
	return o.do(ctx, tx, id, "", func(c *model.Contact, _ pipeline.Facts) pipeline.Decision { return pipeline.Claimed(c, at) })
}

// Replanned implements outbox.Contacts.
func (o Outbox) Replanned(ctx context.Context, tx *store.Tx, id int64, at time.Time) error {
	return o.do(ctx, tx, id, "", func(c *model.Contact, _ pipeline.Facts) pipeline.Decision { return pipeline.Replanned(c, at) })
}

// NeedsInfo implements outbox.Contacts.
func (o Outbox) NeedsInfo(ctx context.Context, tx *store.Tx, id int64, why string) error {
	return o.do(ctx, tx, id, "", func(c *model.Contact, _ pipeline.Facts) pipeline.Decision {
		if c.Status != model.Queued {
			return pipeline.Decision{Skip: true}
		}
		return pipeline.Decision{To: model.NeedsInfo, Reason: why, EventType: model.EventStatus,
			Detail: "nothing sent: " + why, SetNext: true, NextAction: model.ActionComplete}
	})
}

// Sent implements outbox.Contacts.
func (o Outbox) Sent(ctx context.Context, tx *store.Tx, m *store.Message, at time.Time, detail string) error {
	return o.do(ctx, tx, m.Contact(), m.MessageID, func(c *model.Contact, _ pipeline.Facts) pipeline.Decision {
		return pipeline.Sent(c, m.Kind, m.Subject, detail, at, o.A.Policy)
	})
}

// Refused implements outbox.Contacts.
func (o Outbox) Refused(ctx context.Context, tx *store.Tx, m *store.Message, unknown bool, msg string) error {
	return o.do(ctx, tx, m.Contact(), m.MessageID, func(c *model.Contact, _ pipeline.Facts) pipeline.Decision {
		return pipeline.Refused(c, m.Kind, unknown, msg)
	})
}

// InDoubt implements outbox.Contacts.
func (o Outbox) InDoubt(ctx context.Context, tx *store.Tx, m *store.Message, msg string) error {
	return o.do(ctx, tx, m.Contact(), m.MessageID, func(c *model.Contact, _ pipeline.Facts) pipeline.Decision {
		return pipeline.InDoubt(c, m.Kind, m.MessageID, msg)
	})
}
