package contacts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// requeueTx moves a contact from needs_info to queued (planned for the
// next free slot), recorded on the timeline, through the state machine.
func (s *Service) requeueTx(ctx context.Context, tx *store.Tx, c *model.Contact, why string) error {
	res, err := s.applier().Do(ctx, tx, c.ID, "", func(cur *model.Contact, _ pipeline.Facts) (pipeline.Decision, error) {
		return pipeline.Completed(cur, why), nil
	})
	if err == nil {
		*c = *res.Contact
	}
	return err
}

// Find returns the contact a person means: an address, a LinkedIn profile
// URL, the key shown for a contact without an address, or a name (when
// only one contact has it).
func (s *Service) Find(ctx context.Context, who string) (*model.Contact, error) {
	who = strings.TrimSpace(who)
	if who == "" {
		return nil, errors.New("no contact named")
	}
	if strings.Contains(who, "@") {
		return s.Get(ctx, who)
	}
	if k := LinkedInKey(who); k != "" {
		if c, err := s.Store.ContactByKey(ctx, s.Account, k); err == nil {
			return c, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	if strings.HasPrefix(who, "name:") {
		if c, err := s.Store.ContactByKey(ctx, s.Account, who); err == nil {
			return c, nil
		}
	}
	all, err := s.Store.Contacts(ctx, s.Account, "")
	if err != nil {
		return nil, err
	}
	lk := LinkedInKey(who)
	name := strings.ToLower(collapseSpace(who))
	var hits []*model.Contact
	for _, c := range all {
		if lk != "" && LinkedInKey(linkedInOf(c)) == lk || lk == "" && strings.ToLower(c.Name) == name {
			hits = append(hits, c)
		}
	}
	switch len(hits) {
	case 0:
		return nil, fmt.Errorf("no contact %s", who)
	case 1:
		return hits[0], nil
	}
	var hs []string
	for _, c := range hits {
		hs = append(hs, Handle(c)+" ("+c.Company+")")
	}
	return nil, fmt.Errorf("%d contacts are called %s: name one by address or LinkedIn profile: %s", len(hits), who, strings.Join(hs, ", "))
}

// Edit changes a contact's descriptive fields: every non-empty field of in
// replaces the stored one (custom fields one by one), and an address can
// be given to a contact that has none. A needs_info contact that no longer
// lacks anything is queued. checker may be nil.
func (s *Service) Edit(ctx context.Context, who string, in Input, checker Checker, why string) (*model.Contact, []string, error) {
	c, err := s.Find(ctx, who)
	if err != nil {
		return nil, nil, err
	}
	if why == "" {
		why = "edited by the user"
	}
	upd, missing, err := in.validate()
	if err != nil {
		return nil, nil, err
	}
	_ = missing // an edit names only what changes
	var changed []string
	err = s.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		merged, fields := merge(cur, upd)
		changed = fields
		if upd.Email != "" && upd.Email != cur.Email {
			if cur.Email != "" {
				return fmt.Errorf("%s already has an address; remove it and add the new one to change it", cur.Email)
			}
			if sup, reason, err := tx.Suppressed(ctx, s.Account, upd.Email); err != nil {
				return err
			} else if sup {
				return fmt.Errorf("%s: %w (%s)", upd.Email, ErrSuppressed, reason)
			}
			if _, err := tx.ContactByEmail(ctx, s.Account, upd.Email); err == nil {
				return fmt.Errorf("%s: %w", upd.Email, ErrExists)
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err := tx.SetContactEmail(ctx, merged, upd.Email); err != nil {
				return err
			}
			changed = append([]string{"email"}, changed...)
		} else if merged.Email == "" {
			keys, err := tx.ContactKeys(ctx, s.Account)
			if err != nil {
				return err
			}
			if k := IdentityKey(merged); k != "" && k != keys[cur.ID] {
				if err := tx.SetContactEmail(ctx, merged, k); err != nil {
					return err
				}
			}
		}
		if len(changed) == 0 {
			*c = *merged
			return nil
		}
		if err := tx.UpdateContactFields(ctx, merged); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, s.Account, &model.Event{ContactID: cur.ID, Type: model.EventUpdated,
			Detail: why + ": changed " + strings.Join(changed, ", ")}); err != nil {
			return err
		}
		*c = *merged
		return s.maybeRequeue(ctx, tx, c, checker, why)
	})
	if err != nil {
		return nil, nil, err
	}
	return c, changed, nil
}

// maybeRequeue queues a needs_info contact that now has everything.
func (s *Service) maybeRequeue(ctx context.Context, tx *store.Tx, c *model.Contact, checker Checker, why string) error {
	if c.Status != model.NeedsInfo || !requeueable(c.StatusReason) || c.Email == "" || c.Name == "" {
		return nil
	}
	if checker != nil {
		missing, err := checker.Missing(ctx, c)
		if err != nil {
			return err
		}
		if missing != "" {
			return nil
		}
	}
	return s.requeueTx(ctx, tx, c, why+": nothing is missing any more")
}

// AddOrComplete adds a contact (as Add does), or, when a contact without
// an address has the same LinkedIn profile (or name and company), gives it
// this address and queues it if checker finds nothing missing. completed
// says which happened.
func (s *Service) AddOrComplete(ctx context.Context, in Input, checker Checker, detail string) (c *model.Contact, completed bool, err error) {
	probe, _, err := in.validate()
	if err == nil && probe.Email != "" {
		for _, k := range []string{LinkedInKey(linkedInOf(probe)), NameKey(probe.Name, probe.Company)} {
			if k == "" {
				continue
			}
			_, err := s.Store.ContactByKey(ctx, s.Account, k)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, false, err
			}
			if _, err := s.Store.ContactByEmail(ctx, s.Account, probe.Email); err == nil {
				break // the address is taken: let Add say so
			}
			c, _, err := s.Edit(ctx, k, in, checker, detail)
			return c, err == nil, err
		}
	}
	c, err = s.Add(ctx, in, detail)
	return c, false, err
}
