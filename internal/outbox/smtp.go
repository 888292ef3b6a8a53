package outbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"rapport/internal/config"
	"rapport/internal/oauth"
)

// SMTPConfig is where and how to submit mail.
type SMTPConfig struct {
	Host      string
	Port      int
	Security  string // tls | starttls | none (loopback only)
	Username  string
	Password  config.Secret
	RootCAs   *x509.CertPool // nil: the system pool
	HelloName string         // EHLO name; default the sender's domain
	Timeout   time.Duration  // per command; default 60s
	// OAuth2, when set, authenticates with an access token from it (AUTH
	// OAUTHBEARER or XOAUTH2, as the server offers) instead of Password;
	// it is asked at every dial.
	OAuth2 oauth.TokenSource
}

// Phase is how far an SMTP transaction got.
type Phase string

const (
	PhaseConnect Phase = "connect"
	PhaseAuth    Phase = "auth"
	PhaseMail    Phase = "mail"
	PhaseRcpt    Phase = "rcpt"
	PhaseData    Phase = "data" // the DATA command, before any content
	PhaseDot     Phase = "dot"  // content sent; waiting for the final reply
)

// SendError says what went wrong, and what it means for the message.
type SendError struct {
	Phase    Phase
	Code     int    // SMTP reply code, 0 for network errors
	Enhanced string // e.g. "5.1.1"
	Message  string
	Err      error
}

func (e *SendError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "smtp %s", e.Phase)
	if e.Code != 0 {
		fmt.Fprintf(&b, ": %d", e.Code)
		if e.Enhanced != "" {
			b.WriteString(" " + e.Enhanced)
		}
		if e.Message != "" {
			b.WriteString(" " + e.Message)
		}
	} else if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *SendError) Unwrap() error { return e.Err }

// InDoubt reports whether the server may have accepted the message: the
// content went out and no reply to the final dot came back.
func (e *SendError) InDoubt() bool { return e.Phase == PhaseDot && e.Code == 0 }

// Permanent reports whether the server refused this message for good (a 5xx
// reply that is not about quota or authentication).
func (e *SendError) Permanent() bool {
	return e.Code >= 500 && !e.Quota() && !e.AuthFailed()
}

// AuthFailed reports a rejected login: nothing will go out until the user
// fixes the password.
func (e *SendError) AuthFailed() bool {
	return e.Phase == PhaseAuth && (e.Code == 535 || e.Code == 534 || e.Code == 530 || e.Code == 0 && e.Err != nil)
}

// quotaCodes are enhanced status codes providers use for "you are sending
// too much": 4.7.0 (Gmail's 421 "try again later"), 4.2.1 and 5.4.5
// (rate and daily limits), 4.7.28 and 5.7.28 (Gmail's rate limits).
var quotaCodes = map[string]bool{"4.7.0": true, "4.2.1": true, "5.4.5": true, "4.7.28": true, "5.7.28": true}

// Quota reports a rate or quota reply: the server wants us to slow down,
// so sending pauses instead of retrying hard.
func (e *SendError) Quota() bool {
	if e.Code >= 400 && quotaCodes[e.Enhanced] {
		return true
	}
	m := strings.ToLower(e.Message)
	for _, w := range []string{"rate limit", "too many messages", "quota exceeded", "sending limit", "daily limit"} {
		if e.Code >= 400 && strings.Contains(m, w) {
			return true
		}
	}
	return false
}

// Temporary reports an error worth retrying later with backoff.
func (e *SendError) Temporary() bool {
	return !e.InDoubt() && !e.Permanent() && !e.Quota() && !e.AuthFailed()
}

// classify wraps an error from go-smtp with the phase it happened in.
func classify(phase Phase, err error) *SendError {
	if err == nil {
		return nil
	}
	var se *SendError
	if errors.As(err, &se) {
		return se
	}
	out := &SendError{Phase: phase, Err: err}
	var smtpErr *smtp.SMTPError
	if errors.As(err, &smtpErr) {
		out.Code = smtpErr.Code
		out.Message = smtpErr.Message
		if smtpErr.EnhancedCode != smtp.NoEnhancedCode && smtpErr.EnhancedCode != (smtp.EnhancedCode{}) {
			ec := smtpErr.EnhancedCode
			out.Enhanced = fmt.Sprintf("%d.%d.%d", ec[0], ec[1], ec[2])
		}
	}
	return out
}

// Conn is one SMTP connection, reused for a batch of messages.
type Conn struct {
	c    *smtp.Client
	conn net.Conn
}

// Dial connects, secures and authenticates. Authentication is refused over
// a cleartext connection unless the server is on loopback.
//
// With OAuth2, a refused access token is renewed once and tried on a new
// connection (go-smtp cancels a failed AUTH with "*", which Postfix takes
// for a stray command and drops the connection). A grant that cannot be
// renewed (oauth.ErrSignInExpired) is an authentication failure, so
// sending pauses until a new sign-in; a provider that cannot be reached is
// a temporary connect failure.
func Dial(ctx context.Context, cfg SMTPConfig) (*Conn, error) {
	if cfg.OAuth2 == nil || cfg.Username == "" {
		return dial(ctx, cfg, oauth.Token{})
	}
	tokenErr := func(err error) error {
		err = fmt.Errorf("sign in as %s: %w", cfg.Username, err)
		if oauth.Temporary(err) || ctx.Err() != nil {
			return &SendError{Phase: PhaseConnect, Err: err}
		}
		return &SendError{Phase: PhaseAuth, Err: err}
	}
	tok, err := cfg.OAuth2.Token(ctx)
	if err != nil {
		return nil, tokenErr(err)
	}
	c, err := dial(ctx, cfg, tok)
	var se *SendError
	if err == nil || !errors.As(err, &se) || se.Phase != PhaseAuth || !se.AuthFailed() || se.Code == 0 {
		return c, err
	}
	if tok, err = cfg.OAuth2.Renew(ctx, tok); err != nil {
		return nil, tokenErr(err)
	}
	c, err = dial(ctx, cfg, tok)
	if errors.As(err, &se) && se.Phase == PhaseAuth && se.AuthFailed() && se.Code != 0 {
		se.Err = fmt.Errorf("%w: %w", se.Err, oauth.ErrTokenRefused)
	}
	return c, err
}

// dial is one connection attempt; a non-zero tok authenticates with it.
func dial(ctx context.Context, cfg SMTPConfig, tok oauth.Token) (*Conn, error) {
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	d := net.Dialer{Timeout: timeout}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, classify(PhaseConnect, fmt.Errorf("dial %s: %w", addr, err))
	}
	tlsCfg := &tls.Config{ServerName: cfg.Host, RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}
	var c *smtp.Client
	// Close the socket if ctx ends while we wait for the server.
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	_ = raw.SetDeadline(time.Now().Add(timeout))
	switch cfg.Security {
	case "tls":
		tc := tls.Client(raw, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, classify(PhaseConnect, fmt.Errorf("tls to %s: %w", addr, err))
		}
		c = smtp.NewClient(tc)
	case "starttls":
		c, err = smtp.NewClientStartTLS(raw, tlsCfg)
		if err != nil {
			raw.Close()
			return nil, classify(PhaseConnect, fmt.Errorf("starttls to %s: %w", addr, err))
		}
	case "none":
		if !config.IsLoopback(cfg.Host) {
			raw.Close()
			return nil, classify(PhaseConnect, fmt.Errorf("refusing cleartext SMTP to %s: security none is for loopback only", cfg.Host))
		}
		c = smtp.NewClient(raw)
	default:
		raw.Close()
		return nil, classify(PhaseConnect, fmt.Errorf("unknown security %q", cfg.Security))
	}
	c.CommandTimeout = timeout
	c.SubmissionTimeout = 2 * timeout
	hello := cfg.HelloName
	if hello == "" {
		hello = "localhost"
	}
	if err := c.Hello(hello); err != nil {
		c.Close()
		return nil, classify(PhaseConnect, err)
	}
	if cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			c.Close()
			return nil, classify(PhaseAuth, errors.New("server offers no AUTH"))
		}
		if !tok.IsZero() {
			if err := authOAuth2(c, cfg, tok); err != nil {
				c.Close()
				return nil, err
			}
		} else if err := c.Auth(sasl.NewPlainClient("", cfg.Username, cfg.Password.Reveal())); err != nil {
			// The password goes only into the SASL exchange; go-smtp's
			// errors carry the server's reply, never what we sent.
			c.Close()
			return nil, classify(PhaseAuth, err)
		}
	}
	_ = raw.SetDeadline(time.Time{})
	return &Conn{c: c, conn: raw}, nil
}

// authOAuth2 authenticates with tok: OAUTHBEARER where offered, else
// XOAUTH2.
func authOAuth2(c *smtp.Client, cfg SMTPConfig, tok oauth.Token) error {
	_, params := c.Extension("AUTH")
	mech := oauth.ChooseMechanism(strings.Fields(params))
	if mech == "" {
		return classify(PhaseAuth, fmt.Errorf("the server offers no OAuth2 mechanism (AUTH %s); use smtp.auth password", params))
	}
	sc := oauth.NewClient(mech, cfg.Username, tok, cfg.Host, cfg.Port)
	if err := c.Auth(sc); err != nil {
		se := classify(PhaseAuth, err)
		if r := sc.Reason(); r != "" && se.Code != 0 {
			se.Message += " (" + r + ")"
		}
		return se
	}
	return nil
}

// Send submits one message. beforeData runs after the recipient is
// accepted and before DATA: the caller commits "in flight" there, so a
// crash from then on leaves the message in doubt rather than unsent. It
// returns the server's final reply text.
func (c *Conn) Send(ctx context.Context, from, to string, raw []byte, beforeData func() error) (string, error) {
	stop := context.AfterFunc(ctx, func() { c.conn.Close() })
	defer stop()
	if err := c.c.Mail(from, nil); err != nil {
		c.reset()
		return "", classify(PhaseMail, err)
	}
	if err := c.c.Rcpt(to, nil); err != nil {
		c.reset()
		return "", classify(PhaseRcpt, err)
	}
	if beforeData != nil {
		if err := beforeData(); err != nil {
			c.reset()
			return "", fmt.Errorf("before DATA: %w", err)
		}
	}
	w, err := c.c.Data()
	if err != nil {
		// The server refused DATA itself; nothing of the message was sent.
		return "", classify(PhaseData, err)
	}
	if _, err := io.Copy(w, bytes.NewReader(raw)); err != nil {
		_ = c.conn.Close()
		return "", &SendError{Phase: PhaseDot, Err: fmt.Errorf("write message: %w", err)}
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		se := classify(PhaseDot, err)
		if se.Code == 0 {
			_ = c.conn.Close()
		}
		return "", se
	}
	return resp.StatusText, nil
}

// reset clears a failed transaction so the connection can be reused.
func (c *Conn) reset() { _ = c.c.Reset() }

// Close says QUIT and closes.
func (c *Conn) Close() error {
	err := c.c.Quit()
	_ = c.c.Close()
	return err
}
