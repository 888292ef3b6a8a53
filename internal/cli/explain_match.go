package cli

import (
	"context"
	"errors"
	"os"
	"strings"

	"rapport/internal/app"
	"rapport/internal/classify"
	"rapport/internal/config"
	"rapport/internal/model"
	"rapport/internal/store"
)

func init() { openContactMatcher = openAppMatcher }

// appMatcher finds the contact a message concerns in rapport's database,
// the way the daemon does: by thread (the Message-IDs it cites, or that a
// report returns), then by address (the sender, or a bounce's failed
// recipients, or a complaint's recipients).
type appMatcher struct {
	a *app.App
}

func openAppMatcher(ctx context.Context, e *env, cfg *config.Config) (ContactMatcher, error) {
	if p, ok := strings.CutPrefix(cfg.Database, "sqlite://"); ok {
		if _, err := os.Stat(p); err != nil {
			return nil, nil // no database yet: nothing to match against, nothing created
		}
	}
	a, err := app.Open(ctx, cfg, app.Options{Log: e.log, Clock: e.clock})
	if err != nil {
		return nil, err
	}
	return &appMatcher{a: a}, nil
}

func (m *appMatcher) Close() error { return m.a.Close() }

func (m *appMatcher) OurMessage(id string) bool {
	cid, err := m.a.Store.ThreadContact(context.Background(), m.a.Account, id)
	return err == nil && cid != 0
}

func (m *appMatcher) Match(ctx context.Context, msg *classify.Message, r classify.Result) (*ExplainContact, error) {
	st, acct := m.a.Store, m.a.Account
	byThread := func(ids []string, how string) (*ExplainContact, error) {
		for _, id := range ids {
			cid, err := st.ThreadContact(ctx, acct, id)
			if err != nil {
				return nil, err
			}
			if cid != 0 {
				c, err := st.Contact(ctx, cid)
				if err != nil {
					return nil, err
				}
				return found(c, how), nil
			}
		}
		return nil, nil
	}
	byAddress := func(addrs []string, how string) (*ExplainContact, error) {
		for _, a := range addrs {
			c, err := st.ContactByEmail(ctx, acct, classify.NormalizeAddress(a))
			if err == nil {
				return found(c, how), nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
		}
		return nil, nil
	}
	var original []string
	var failed []string
	how := "failed_recipient"
	switch {
	case r.Bounce != nil:
		original = append(original, r.Bounce.OriginalMessageID)
		failed = append(r.Bounce.FailedAddresses(), r.Bounce.FinalAddresses()...)
	case r.Complaint != nil:
		original = append(original, r.Complaint.OriginalMessageID)
		failed, how = r.Complaint.Recipients, "complaint"
	}
	if len(original) > 0 {
		if c, err := byThread(original, "original_message_id"); c != nil || err != nil {
			return c, err
		}
		if c, err := byAddress(failed, how); c != nil || err != nil {
			return c, err
		}
	}
	if c, err := byThread(classify.CandidateIDs(msg), "thread"); c != nil || err != nil {
		return c, err
	}
	var from []string
	for _, a := range append(append([]classify.Address{}, msg.From...), msg.ReplyTo...) {
		from = append(from, a.Addr)
	}
	return byAddress(from, "address")
}

func found(c *model.Contact, how string) *ExplainContact {
	return &ExplainContact{Email: c.Email, Name: c.Name, Status: string(c.Status), MatchedBy: how}
}
