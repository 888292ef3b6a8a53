package mailbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// ErrChanged is returned by WithdrawDraft when the draft at the UID is not
// the one rapport put there (the owner edited it): it is left alone.
var ErrChanged = errors.New("draft changed since rapport made it")

// ErrNoUIDPlus is returned by WithdrawDraft on a server without UIDPLUS:
// without UID EXPUNGE, removing one message would also remove every other
// message the owner marked deleted, so nothing is removed.
var ErrNoUIDPlus = errors.New("server lacks UIDPLUS (UID EXPUNGE)")

// WithdrawDraft removes one of rapport's own unsent drafts from mailbox —
// the only thing rapport ever deletes — and only if the message at uid is
// byte for byte the one rapport appended (want). It selects the mailbox
// read-write for the STORE and UID EXPUNGE, and returns ErrNotFound when
// the UID is gone (the owner sent, moved or replaced it), ErrChanged when
// it differs.
func (c *Conn) WithdrawDraft(ctx context.Context, mailbox string, uid uint32, want []byte) error {
	caps, err := c.capabilities(ctx)
	if err != nil {
		return err
	}
	if !caps.Has(imap.CapUIDPlus) && !caps.Has(imap.CapIMAP4rev2) {
		return ErrNoUIDPlus
	}
	body, err := c.FetchBody(ctx, mailbox, uid, 0)
	if err != nil {
		return err
	}
	if !bytes.Equal(normalizeEOL(body.Raw), normalizeEOL(want)) {
		return ErrChanged
	}
	cl := c.cur()
	// EXAMINE left the mailbox read-only: SELECT it for writing. Any later
	// use of the connection examines again.
	c.selected = ""
	if err := c.do(ctx, "select "+mailbox, func() error {
		_, err := cl.Select(mailbox, nil).Wait()
		return err
	}); err != nil {
		return err
	}
	set := imap.UIDSetNum(imap.UID(uid))
	if err := c.do(ctx, fmt.Sprintf("flag %s/%d deleted", mailbox, uid), func() error {
		return cl.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
	}); err != nil {
		return err
	}
	return c.do(ctx, fmt.Sprintf("expunge %s/%d", mailbox, uid), func() error {
		return cl.UIDExpunge(set).Close()
	})
}

func normalizeEOL(b []byte) []byte {
	return bytes.TrimRight(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), "\n")
}
