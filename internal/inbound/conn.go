package inbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"rapport/internal/mailbox"
)

// Conn is the handler's own IMAP connection, for bodies and Sent searches
// (the watcher's is busy idling), redialled when it breaks.
type Conn struct {
	Config mailbox.Config
	Log    *slog.Logger
	// MaxBody caps a fetched body; larger messages are classified on what
	// was fetched.
	MaxBody int64

	mu   sync.Mutex
	conn *mailbox.Conn
}

func (c *Conn) get(ctx context.Context) (*mailbox.Conn, error) {
	if c.conn == nil || c.conn.Broken() {
		if c.conn != nil {
			_ = c.conn.Close()
		}
		log := c.Log
		if log == nil {
			log = slog.New(slog.DiscardHandler)
		}
		conn, err := mailbox.Dial(ctx, c.Config, log)
		if err != nil {
			return nil, err
		}
		c.conn = conn
	}
	return c.conn, nil
}

// Fetch implements Bodies and owner.Mailbox.
func (c *Conn) Fetch(ctx context.Context, mb string, uid uint32) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	conn, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	max := c.MaxBody
	if max == 0 {
		max = 1 << 20
	}
	b, err := conn.FetchBody(ctx, mb, uid, max)
	if errors.Is(err, mailbox.ErrNotFound) {
		// This connection keeps the mailbox examined between messages,
		// and a server with per-session views (Dovecot) shows it mail that
		// arrived since only after a command that syncs the view: a reply
		// the watcher just saw over IDLE is "not found" here until NOOP.
		if err = conn.Noop(ctx); err == nil {
			b, err = conn.FetchBody(ctx, mb, uid, max)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("fetch body %s/%d: %w", mb, uid, err)
	}
	return b.Raw, nil
}

// FindMessageID implements owner.Mailbox.
func (c *Conn) FindMessageID(ctx context.Context, mb, messageID string) ([]uint32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	conn, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	uids, err := conn.FindMessageID(ctx, mb, messageID)
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", mb, err)
	}
	return uids, nil
}

// Close closes the connection.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return nil
	}
	err := c.conn.Close()
	c.conn = nil
	return err
}

// Correspondence returns the UIDs in mb of messages that name addr in one
// of fields since the given day (mailbox.Conn.Correspondence).
func (c *Conn) Correspondence(ctx context.Context, mb string, fields []string, addr string, since time.Time) ([]uint32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	conn, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	return conn.Correspondence(ctx, mb, fields, addr, since)
}
