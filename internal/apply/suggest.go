package apply

import (
	"context"
	"errors"
	"strings"
	"time"

	"rapport/internal/classify"
	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// suggest adds a person a contact referred: a suggested contact that waits
// for the owner's approval (or, with referrals: auto, a queued one). A
// name alone, the owner, the referrer, a role or scheduling address, a
// suppressed address or an existing contact adds nobody.
func (ap *Applier) suggest(ctx context.Context, tx *store.Tx, by *model.Contact, ref classify.Referral, now time.Time) error {
	addr := classify.NormalizeAddress(ref.Email)
	if addr == "" || !strings.Contains(addr, "@") || strings.ContainsAny(addr, " \r\n\t<>") {
		return nil // a name alone goes to the owner, who can add them
	}
	if addr == classify.NormalizeAddress(ap.Owner) || addr == classify.NormalizeAddress(by.Email) || pipeline.RoleAddress(addr) {
		return nil
	}
	if sup, _, err := tx.Suppressed(ctx, ap.Account, addr); err != nil || sup {
		return err
	}
	if _, err := tx.ContactByEmail(ctx, ap.Account, addr); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	name := strings.Join(strings.Fields(ref.Name), " ")
	if name == "" || strings.ContainsAny(name, "\r\n\x00") || len(name) > 200 {
		name = strings.Split(addr, "@")[0]
	}
	// Usually a colleague: the referrer's company until the owner says
	// otherwise.
	c := &model.Contact{Email: addr, Name: name, ReferredBy: by.Email, Company: by.Company}
	return ap.Create(ctx, tx, c, pipeline.Referred(by, ap.Policy))
}
