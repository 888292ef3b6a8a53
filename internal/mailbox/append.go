package mailbox

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
)

// SearchHeader returns the UIDs of messages in mailbox whose header field
// contains value (IMAP SEARCH HEADER: a case-insensitive substring match).
// The mailbox is examined afresh so messages added by others are seen.
func (c *Conn) SearchHeader(ctx context.Context, mailbox, header, value string) ([]uint32, error) {
	if _, err := c.Examine(ctx, mailbox); err != nil {
		return nil, err
	}
	return c.searchUIDs(ctx, fmt.Sprintf("search %s for %s", mailbox, header), &imap.SearchCriteria{
		Header: []imap.SearchCriteriaHeaderField{{Key: header, Value: value}},
	})
}

// FindMessageID returns the UIDs of messages in mailbox whose Message-ID or
// X-Microsoft-Original-Message-ID (Microsoft 365 rewrites Message-IDs) is
// exactly messageID (with or without angle brackets). Substring matches of
// SEARCH are checked against the fetched headers.
func (c *Conn) FindMessageID(ctx context.Context, mailbox, messageID string) ([]uint32, error) {
	id := NormalizeMessageID(messageID)
	if id == "" {
		return nil, fmt.Errorf("find message in %s: empty Message-ID", mailbox)
	}
	if _, err := c.Examine(ctx, mailbox); err != nil {
		return nil, err
	}
	return c.searchChecked(ctx, "search "+mailbox+" for Message-ID", &imap.SearchCriteria{
		Or: [][2]imap.SearchCriteria{{
			{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}}},
			{Header: []imap.SearchCriteriaHeaderField{{Key: "X-Microsoft-Original-Message-ID", Value: id}}},
		}},
	}, func(h *Header) bool {
		return h.MessageID == id || slices.Contains(MessageIDs(h.Get("X-Microsoft-Original-Message-ID")), id)
	})
}

// searchChecked runs a SEARCH of the examined mailbox and keeps the UIDs
// whose fetched header passes keep: SEARCH matches substrings, keep says
// what was meant. The UIDs come back in order.
func (c *Conn) searchChecked(ctx context.Context, what string, crit *imap.SearchCriteria, keep func(*Header) bool) ([]uint32, error) {
	uids, err := c.searchUIDs(ctx, what, crit)
	if err != nil || len(uids) == 0 {
		return nil, err
	}
	var out []uint32
	for chunk := range slices.Chunk(uids, DefaultBatch) {
		hs, err := c.fetchHeaders(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for i := range hs {
			if keep(&hs[i]) {
				out = append(out, hs[i].UID)
			}
		}
	}
	return out, nil
}

// Append stores raw in mailbox with flags (e.g. `\Draft`, `\Seen`) and an
// internal date (zero: now). It returns the new UID when the server reports
// it (APPENDUID, with UIDPLUS or IMAP4rev2), else 0.
func (c *Conn) Append(ctx context.Context, mailbox string, raw []byte, flags []string, date time.Time) (uint32, error) {
	opts := &imap.AppendOptions{Time: date}
	for _, f := range flags {
		opts.Flags = append(opts.Flags, imap.Flag(f))
	}
	cl := c.cur()
	var data *imap.AppendData
	err := c.do(ctx, "append to "+mailbox, func() error {
		cmd := cl.Append(mailbox, int64(len(raw)), opts)
		if _, err := cmd.Write(raw); err != nil {
			cmd.Close()
			_, werr := cmd.Wait()
			if werr != nil {
				return werr
			}
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		var err error
		data, err = cmd.Wait()
		return err
	})
	if err != nil {
		return 0, err
	}
	return uint32(data.UID), nil
}

// AppendOnce appends raw to mailbox unless a message with messageID is
// already there, so a crash between APPEND and recording it does not
// leave two drafts or two Sent copies. It returns the UID (0 if the server
// cannot tell) and whether it appended.
func (c *Conn) AppendOnce(ctx context.Context, mailbox, messageID string, raw []byte, flags []string) (uid uint32, appended bool, err error) {
	found, err := c.FindMessageID(ctx, mailbox, messageID)
	if err != nil {
		return 0, false, err
	}
	if len(found) > 0 {
		return found[0], false, nil
	}
	uid, err = c.Append(ctx, mailbox, raw, flags, time.Time{})
	if err != nil {
		return 0, false, err
	}
	if uid == 0 {
		// No APPENDUID: look it up, best effort.
		if found, err := c.FindMessageID(ctx, mailbox, messageID); err == nil && len(found) > 0 {
			uid = found[len(found)-1]
		}
	}
	return uid, true, nil
}
