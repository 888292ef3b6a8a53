package mailbox

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Correspondence returns the UIDs of messages in mailbox that addr is in
// (the header fields given, e.g. From, or To and Cc) since the given day:
// mail the owner already exchanged with a person. SEARCH matches
// substrings, so each hit is checked against the fetched header: "ann@x"
// does not match "joann@x".
func (c *Conn) Correspondence(ctx context.Context, mailbox string, fields []string, addr string, since time.Time) ([]uint32, error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" || len(fields) == 0 {
		return nil, nil
	}
	if _, err := c.Examine(ctx, mailbox); err != nil {
		return nil, err
	}
	crit := &imap.SearchCriteria{Since: since}
	if len(fields) == 1 {
		crit.Header = []imap.SearchCriteriaHeaderField{{Key: fields[0], Value: addr}}
	} else {
		crit.Or = [][2]imap.SearchCriteria{{
			{Header: []imap.SearchCriteriaHeaderField{{Key: fields[0], Value: addr}}},
			{Header: []imap.SearchCriteriaHeaderField{{Key: fields[1], Value: addr}}},
		}}
	}
	return c.searchChecked(ctx, fmt.Sprintf("search %s for %s", mailbox, strings.Join(fields, "/")), crit, func(h *Header) bool {
		for _, f := range fields {
			var l []*mail.Address
			switch strings.ToLower(f) {
			case "from":
				l = h.From
			case "to":
				l = h.To
			case "cc":
				l = h.Cc
			case "reply-to":
				l = h.ReplyTo
			}
			for _, a := range l {
				if strings.EqualFold(a.Address, addr) {
					return true
				}
			}
		}
		return false
	})
}
