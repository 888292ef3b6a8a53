package contacts

import (
	"context"
	"errors"
	"fmt"

	"rapport/internal/model"
	"rapport/internal/store"
)

// SuppressForgotten is the suppression reason of a forgotten contact.
const SuppressForgotten = "forgotten"

// Remove takes a contact out of the pipeline: planned mail is dropped and
// nothing more is sent. Its timeline and messages stay in the account's
// history, detached, ending with the removal. With forget, the timeline,
// messages and meetings are erased too, the address is no one's referrer
// any more, and only a suppression entry keeps it, so that no import or
// command writes to it again. A message on its way blocks both until its
// outcome is known.
func (s *Service) Remove(ctx context.Context, who string, forget bool) (*model.Contact, error) {
	c, err := s.Find(ctx, who)
	if err != nil {
		return nil, err
	}
	err = s.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		*c = *cur
		if !forget {
			what := c.Name
			if c.Email != "" {
				what += " <" + c.Email + ">"
			}
			if err := tx.AddEvent(ctx, s.Account, &model.Event{ContactID: c.ID, Type: model.EventStatus, From: c.Status,
				Detail: "removed by the user: " + what}); err != nil {
				return err
			}
		}
		if err := tx.DeleteContact(ctx, c, forget); err != nil {
			if errors.Is(err, store.ErrMailInFlight) {
				return fmt.Errorf("%s: %w; try again in a few minutes", Handle(c), err)
			}
			return err
		}
		if forget && c.Email != "" {
			if err := tx.Suppress(ctx, s.Account, c.Email, SuppressForgotten, ""); err != nil {
				return err
			}
			return tx.ClearReferrer(ctx, s.Account, c.Email)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
