package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"

	"rapport/internal/oauth"
)

// ErrTimeout is wrapped by errors of commands that got no answer within the
// command timeout. The connection is closed when it happens.
var ErrTimeout = errors.New("imap server did not answer in time")

// ErrClosed is wrapped by errors of commands on a connection that is
// already closed or broken (a timeout, a response go-imap could not parse,
// a dropped TCP connection). Dial again.
var ErrClosed = errors.New("imap connection closed")

// ErrUIDValidityChanged is returned when a mailbox's UIDVALIDITY changed
// under an operation that relied on UIDs (after a reconnect).
var ErrUIDValidityChanged = errors.New("imap UIDVALIDITY changed")

// Conn is one logged-in IMAP connection. It is not safe for concurrent use:
// one goroutine drives it.
type Conn struct {
	cfg     Config
	log     *slog.Logger
	timeout time.Duration
	// exists is signalled (never blocking) from go-imap's reader goroutine
	// when the server reports EXISTS for the selected mailbox.
	exists chan struct{}

	mu     sync.Mutex // guards raw, client, broken against the deadline goroutines
	raw    net.Conn   // the TCP connection, closed to unblock anything
	client *imapclient.Client
	broken bool

	caps     imap.CapSet
	selected string
	status   MailboxStatus
}

// Dial connects, protects the connection as cfg.Security says, and logs in.
// logger may be nil. The password appears in no error and no log.
func Dial(ctx context.Context, cfg Config, logger *slog.Logger) (*Conn, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Conn{
		cfg:     cfg,
		log:     logger.With("imap", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)), "user", cfg.Username),
		timeout: cfg.CommandTimeout,
		exists:  make(chan struct{}, 1),
	}
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Conn) options() *imapclient.Options {
	return &imapclient.Options{
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			// These run on go-imap's reader goroutine: only signal.
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case c.exists <- struct{}{}:
					default:
					}
				}
			},
			Expunge: func(uint32) {},
			// Unsolicited FETCH (flag changes by other clients, or a UID
			// outside a N:* range) must be drained or the reader blocks.
			Fetch: func(m *imapclient.FetchMessageData) { _, _ = m.Collect() },
		},
	}
}

// connect dials and logs in, replacing any previous connection.
func (c *Conn) connect(ctx context.Context) error {
	addr := net.JoinHostPort(c.cfg.Host, strconv.Itoa(c.cfg.Port))
	tlsCfg, err := c.cfg.tlsConfig()
	if err != nil {
		return err
	}
	d := &net.Dialer{
		Timeout: c.cfg.DialTimeout,
		KeepAliveConfig: net.KeepAliveConfig{
			Enable: true, Idle: 60 * time.Second, Interval: 15 * time.Second, Count: 4,
		},
	}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("dial imap %s: %w", addr, err)
	}
	opts := c.options()
	var client *imapclient.Client
	switch c.cfg.Security {
	case SecurityTLS:
		tlsCfg.NextProtos = []string{"imap"}
		tc := tls.Client(raw, tlsCfg)
		hctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
		err = tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			raw.Close()
			return fmt.Errorf("tls handshake with %s: %w", addr, err)
		}
		client = imapclient.New(tc, opts)
	case SecurityStartTLS:
		opts.TLSConfig = tlsCfg
		type result struct {
			c   *imapclient.Client
			err error
		}
		ch := make(chan result, 1)
		go func() {
			cl, err := imapclient.NewStartTLS(raw, opts)
			ch <- result{cl, err}
		}()
		t := time.NewTimer(c.timeout)
		defer t.Stop()
		select {
		case r := <-ch:
			if r.err != nil {
				raw.Close()
				return fmt.Errorf("starttls with %s: %w", addr, r.err)
			}
			client = r.c
		case <-t.C:
			raw.Close()
			return fmt.Errorf("starttls with %s: %w", addr, ErrTimeout)
		case <-ctx.Done():
			raw.Close()
			return fmt.Errorf("starttls with %s: %w", addr, ctx.Err())
		}
	default:
		client = imapclient.New(raw, opts)
	}

	c.mu.Lock()
	c.raw, c.client, c.broken = raw, client, false
	c.mu.Unlock()
	c.selected, c.status, c.caps = "", MailboxStatus{}, nil

	if err := c.do(ctx, "read imap greeting", client.WaitGreeting); err != nil {
		c.hardClose()
		return err
	}
	caps, err := c.capabilities(ctx)
	if err != nil {
		c.hardClose()
		return err
	}
	if c.cfg.OAuth2 != nil {
		err = c.authenticateOAuth2(ctx, client, caps)
	} else {
		err = c.login(ctx, client, caps)
	}
	if err != nil {
		c.hardClose()
		return err
	}
	c.caps = nil // LOGIN may change them
	caps, err = c.capabilities(ctx)
	if err != nil {
		c.hardClose()
		return err
	}
	if caps.Has(imap.CapID) {
		// Some providers refuse SELECT before ID; failures are not fatal.
		if err := c.do(ctx, "send id", func() error {
			_, err := client.ID(&imap.IDData{Name: "rapport", Version: "1"}).Wait()
			return err
		}); err != nil {
			c.log.Debug("imap ID refused", "err", err)
		}
	}
	c.log.Debug("imap logged in", "security", c.cfg.Security)
	return nil
}

// login signs in with LOGIN and the password.
func (c *Conn) login(ctx context.Context, client *imapclient.Client, caps imap.CapSet) error {
	if caps.Has(imap.CapLoginDisabled) {
		return fmt.Errorf("login as %s: server refuses LOGIN on this connection (LOGINDISABLED); use security tls or starttls", c.cfg.Username)
	}
	user, pass := c.cfg.Username, c.cfg.Password
	return c.do(ctx, "login as "+user, func() error { return client.Login(user, pass).Wait() })
}

// authenticateOAuth2 signs in with an access token: OAUTHBEARER where the
// server offers it, else XOAUTH2. A refused token is renewed once (it may
// have been revoked or have expired early at the provider); a renewed
// token refused again is ErrTokenRefused, a grant that cannot be renewed
// is oauth.ErrSignInExpired.
func (c *Conn) authenticateOAuth2(ctx context.Context, client *imapclient.Client, caps imap.CapSet) error {
	user := c.cfg.Username
	var offered []string
	for cp := range caps {
		if m, ok := strings.CutPrefix(string(cp), "AUTH="); ok {
			offered = append(offered, m)
		}
	}
	mech := oauth.ChooseMechanism(offered)
	if mech == "" {
		slices.Sort(offered)
		return fmt.Errorf("sign in as %s: the server offers no OAuth2 mechanism (only %s); use imap.auth password",
			user, strings.Join(offered, ", "))
	}
	src := c.cfg.OAuth2
	tok, err := src.Token(ctx)
	if err != nil {
		return fmt.Errorf("sign in as %s: %w", user, err)
	}
	for renewed := false; ; renewed = true {
		sc := oauth.NewClient(mech, user, tok, c.cfg.Host, c.cfg.Port).ForIMAP()
		err := c.do(ctx, "authenticate as "+user+" ("+mech+")", func() error { return client.Authenticate(sc) })
		if err == nil {
			return nil
		}
		var ie *imap.Error
		if !errors.As(err, &ie) || c.Broken() {
			return err
		}
		if r := sc.Reason(); r != "" {
			err = fmt.Errorf("%w (%s)", err, r)
		}
		if renewed {
			return fmt.Errorf("%w: %w", err, oauth.ErrTokenRefused)
		}
		c.log.Debug("imap refused the access token; renewing it", "mechanism", mech, "err", err)
		if tok, err = src.Renew(ctx, tok); err != nil {
			return fmt.Errorf("sign in as %s: %w", user, err)
		}
	}
}

func (c *Conn) capabilities(ctx context.Context) (imap.CapSet, error) {
	if c.caps != nil {
		return c.caps, nil
	}
	cl := c.cur()
	var caps imap.CapSet
	err := c.do(ctx, "read capabilities", func() error {
		caps = cl.Caps()
		if caps == nil {
			return errors.New("no capability list")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.caps = caps
	return caps, nil
}

// Capabilities lists what the server advertises (after login).
func (c *Conn) Capabilities(ctx context.Context) ([]string, error) {
	caps, err := c.capabilities(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for k := range caps {
		out = append(out, string(k))
	}
	return out, nil
}

func (c *Conn) canIdle(ctx context.Context) bool {
	caps, err := c.capabilities(ctx)
	return err == nil && (caps.Has(imap.CapIdle) || caps.Has(imap.CapIMAP4rev2))
}

func (c *Conn) cur() *imapclient.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.client
}

// Broken reports whether the connection is closed or unusable; every
// further command fails with ErrClosed.
func (c *Conn) Broken() bool {
	c.mu.Lock()
	cl, broken := c.client, c.broken
	c.mu.Unlock()
	if broken || cl == nil {
		return true
	}
	select {
	case <-cl.Closed():
		return true
	default:
		return false
	}
}

// hardClose closes the TCP connection: it unblocks go-imap whatever state
// its reader goroutine is in (MAIL-NOTES §1.7, go-imap #650).
func (c *Conn) hardClose() {
	c.mu.Lock()
	raw := c.raw
	c.broken = true
	c.mu.Unlock()
	if raw != nil {
		raw.Close()
	}
}

// Close logs out (briefly) and closes the connection.
func (c *Conn) Close() error {
	if !c.Broken() {
		cl := c.cur()
		ctx, cancel := context.WithTimeout(context.Background(), min(c.timeout, 5*time.Second))
		_ = c.do(ctx, "logout", func() error { return cl.Logout().Wait() })
		cancel()
	}
	c.hardClose()
	if cl := c.cur(); cl != nil {
		select {
		case <-cl.Closed():
		case <-time.After(5 * time.Second):
		}
	}
	return nil
}

// do runs f, which waits for a command, under the command deadline and ctx.
// On expiry the connection is hard-closed, which makes f return.
func (c *Conn) do(ctx context.Context, what string, f func() error) error {
	if c.Broken() {
		return fmt.Errorf("%s: %w", what, ErrClosed)
	}
	done := make(chan error, 1)
	go func() { done <- f() }()
	t := time.NewTimer(c.timeout)
	defer t.Stop()
	var cause error
	select {
	case err := <-done:
		if err != nil {
			if c.Broken() && !errors.Is(err, ErrClosed) {
				return fmt.Errorf("%s: %w (%w)", what, ErrClosed, err)
			}
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	case <-t.C:
		cause = fmt.Errorf("%w after %v", ErrTimeout, c.timeout)
	case <-ctx.Done():
		cause = ctx.Err()
	}
	c.hardClose()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		c.log.Warn("imap command did not return after closing the connection", "command", what)
	}
	return fmt.Errorf("%s: %w", what, cause)
}

// Noop sends NOOP: a health check that also collects pending EXISTS.
func (c *Conn) Noop(ctx context.Context) error {
	cl := c.cur()
	return c.do(ctx, "noop", func() error { return cl.Noop().Wait() })
}

func (c *Conn) drainExists() {
	select {
	case <-c.exists:
	default:
	}
}
