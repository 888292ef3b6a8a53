package testmail

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Phase is the SMTP command an injected error answers.
type Phase string

// Phases that accept injected errors.
const (
	PhaseMail Phase = "MAIL"
	PhaseRcpt Phase = "RCPT"
	PhaseData Phase = "DATA" // the reply to the final dot
)

// Reply is an SMTP reply: code, enhanced status code ("4.7.0", may be
// empty) and text.
type Reply struct {
	Code     int
	Enhanced string
	Message  string
}

// Common replies from providers.
var (
	ReplyServiceUnavailable = Reply{421, "4.7.0", "Try again later, closing connection"}
	ReplyMailboxBusy        = Reply{450, "4.2.1", "The user you are trying to contact is receiving mail too quickly"}
	ReplyQuotaExceeded      = Reply{550, "5.4.5", "Daily user sending limit exceeded"}
	ReplyNoSuchUser         = Reply{550, "5.1.1", "The email account that you tried to reach does not exist"}
)

func (r Reply) err() *smtp.SMTPError {
	e := &smtp.SMTPError{Code: r.Code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: r.Message}
	var a, b, c int
	if _, err := fmt.Sscanf(r.Enhanced, "%d.%d.%d", &a, &b, &c); err == nil {
		e.EnhancedCode = smtp.EnhancedCode{a, b, c}
	}
	return e
}

// Received is a message the SMTP server read.
type Received struct {
	From      string   // envelope sender
	To        []string // envelope recipients
	Data      []byte
	MessageID string // without angle brackets
	AuthUser  string
	// Delivered is false when the data was read but dropped (a hang with
	// deliver=false).
	Delivered bool
	// Hung is true when the final dot was never answered.
	Hung bool
}

type failure struct {
	reply Reply
	times int // remaining; <= 0 means until cleared
}

type hang struct {
	deliver bool
	hold    time.Duration
}

type smtpConfig struct {
	user, password string
	tlsMode        TLSMode
	cert           *Cert
	deliver        []*IMAP
	sentCopy       []*IMAP
	failures       map[Phase]*failure
	onAccept       func(Received)
}

// WithOnAccept calls fn, in its own goroutine, with every delivered
// message: the demo's simulated contacts answer from there.
func WithOnAccept(fn func(Received)) SMTPOption {
	return func(c *smtpConfig) { c.onAccept = fn }
}

// SMTPOption configures NewSMTP.
type SMTPOption func(*smtpConfig)

// WithSMTPUser sets the account allowed to AUTH PLAIN.
func WithSMTPUser(user, password string) SMTPOption {
	return func(c *smtpConfig) { c.user, c.password = user, password }
}

// WithSMTPTLS serves STARTTLS or implicit TLS with cert (fresh when nil).
func WithSMTPTLS(mode TLSMode, cert *Cert) SMTPOption {
	return func(c *smtpConfig) { c.tlsMode, c.cert = mode, cert }
}

// WithDelivery delivers each accepted message to the INBOX of every given
// IMAP server whose account is one of the envelope recipients.
func WithDelivery(servers ...*IMAP) SMTPOption {
	return func(c *smtpConfig) { c.deliver = append(c.deliver, servers...) }
}

// WithSentCopy files each accepted message, \Seen, into the Sent folder of
// the IMAP server whose account sent it (authenticated user or envelope
// sender), as Gmail and Microsoft 365 do with submitted mail.
func WithSentCopy(servers ...*IMAP) SMTPOption {
	return func(c *smtpConfig) { c.sentCopy = append(c.sentCopy, servers...) }
}

// WithFailure injects an error reply at phase for the next times commands
// (times <= 0: until ClearFailures).
func WithFailure(phase Phase, r Reply, times int) SMTPOption {
	return func(c *smtpConfig) {
		if c.failures == nil {
			c.failures = make(map[Phase]*failure)
		}
		c.failures[phase] = &failure{reply: r, times: times}
	}
}

// SMTP is an in-process submission server that records what it accepts.
type SMTP struct {
	t    TB
	cfg  smtpConfig
	srv  *smtp.Server
	addr string
	done chan struct{}

	mu        sync.Mutex
	msgs      []Received
	byID      map[string]int
	failures  map[Phase]*failure
	rcptFail  map[string]Reply
	hang      *hang
	closeOnce sync.Once
}

// NewSMTP starts an SMTP server on 127.0.0.1:0 that requires AUTH PLAIN
// (allowed without TLS on loopback). It stops when the test ends.
func NewSMTP(t TB, opts ...SMTPOption) *SMTP {
	t.Helper()
	cfg := smtpConfig{user: DefaultUser, password: DefaultPassword}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.tlsMode != TLSOff && cfg.cert == nil {
		cfg.cert = NewCert(t)
	}
	s := &SMTP{
		t: t, cfg: cfg, done: make(chan struct{}),
		byID: make(map[string]int), failures: make(map[Phase]*failure), rcptFail: make(map[string]Reply),
	}
	for p, f := range cfg.failures {
		cp := *f
		s.failures[p] = &cp
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{s: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.EnableDSN = true
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 35 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	switch cfg.tlsMode {
	case TLSStartTLS:
		srv.TLSConfig = cfg.cert.Server
	case TLSImplicit:
		ln = tls.NewListener(ln, cfg.cert.Server)
	}
	s.srv = srv
	s.addr = ln.Addr().String()
	go srv.Serve(ln) //nolint:errcheck // returns when closed
	t.Cleanup(s.Close)
	return s
}

// Addr is the host:port clients dial.
func (s *SMTP) Addr() string { return s.addr }

// Port is the listening port.
func (s *SMTP) Port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	var n int
	fmt.Sscan(p, &n) //nolint:errcheck // our own listener's port
	return n
}

// Cert is the server certificate, nil without TLS.
func (s *SMTP) Cert() *Cert { return s.cfg.cert }

// Username and Password of the account.
func (s *SMTP) Username() string { return s.cfg.user }

// Password of the account.
func (s *SMTP) Password() string { return s.cfg.password }

// Close stops the server and drops connections, hung ones included.
func (s *SMTP) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.Close()
	})
}

// Fail injects r at phase for the next times commands (times <= 0: until
// ClearFailures). It replaces an earlier injection at the same phase.
func (s *SMTP) Fail(phase Phase, r Reply, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[phase] = &failure{reply: r, times: times}
}

// FailRcpt answers RCPT TO:<addr> with r until ClearFailures.
func (s *SMTP) FailRcpt(addr string, r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcptFail[strings.ToLower(addr)] = r
}

// ClearFailures removes every injected error and a pending hang.
func (s *SMTP) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = make(map[Phase]*failure)
	s.rcptFail = make(map[string]Reply)
	s.hang = nil
}

// HangAfterData makes the next message's final dot go unanswered: the
// server reads the data, waits hold (or until Close when hold < 0), then
// drops the connection without a reply. With deliver, the message is
// delivered (and counted) all the same, as when a provider accepted the
// mail but the reply was lost; without, it is dropped.
func (s *SMTP) HangAfterData(deliver bool, hold time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang = &hang{deliver: deliver, hold: hold}
}

// Received returns every message whose data was read, in order.
func (s *SMTP) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, len(s.msgs))
	copy(out, s.msgs)
	return out
}

// Count is how many times a message with this Message-ID (with or without
// angle brackets) was delivered.
func (s *SMTP) Count(messageID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[normID(messageID)]
}

func normID(id string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
}

// injected returns the error to answer at phase, consuming one use.
func (s *SMTP) injected(phase Phase) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.failures[phase]
	if f == nil {
		return nil
	}
	if f.times > 0 {
		f.times--
		if f.times == 0 {
			delete(s.failures, phase)
		}
	}
	return f.reply.err()
}

func (s *SMTP) accept(r Received) error {
	if hdr, err := mail.ReadMessage(bytes.NewReader(r.Data)); err == nil {
		r.MessageID = normID(hdr.Header.Get("Message-Id"))
	}
	if r.Delivered {
		now := time.Now()
		for _, im := range s.cfg.deliver {
			for _, rcpt := range r.To {
				if strings.EqualFold(rcpt, im.Username()) {
					if _, err := im.Append("INBOX", r.Data, nil, now); err != nil {
						return err
					}
				}
			}
		}
		for _, im := range s.cfg.sentCopy {
			if strings.EqualFold(r.AuthUser, im.Username()) || strings.EqualFold(r.From, im.Username()) {
				sent := im.FolderByAttr(`\Sent`)
				if sent == "" {
					sent = "Sent"
				}
				if _, err := im.Append(sent, r.Data, []string{`\Seen`}, now); err != nil {
					return err
				}
			}
		}
	}
	if r.Delivered && s.cfg.onAccept != nil {
		go s.cfg.onAccept(r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	if r.Delivered && r.MessageID != "" {
		s.byID[r.MessageID]++
	}
	return nil
}

type smtpSession struct {
	s    *SMTP
	conn *smtp.Conn
	user string
	from string
	to   []string
}

var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && identity != username {
			return smtp.ErrAuthFailed
		}
		if username != ss.s.cfg.user || password != ss.s.cfg.password {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.user == "" {
		return errAuthRequired
	}
	if err := ss.s.injected(PhaseMail); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	r, bad := ss.s.rcptFail[strings.ToLower(to)]
	ss.s.mu.Unlock()
	if bad {
		return r.err()
	}
	if err := ss.s.injected(PhaseRcpt); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := ss.s
	s.mu.Lock()
	h := s.hang
	s.hang = nil
	s.mu.Unlock()
	rec := Received{From: ss.from, To: append([]string(nil), ss.to...), Data: data, AuthUser: ss.user, Delivered: true}
	if h != nil {
		rec.Hung, rec.Delivered = true, h.deliver
		if err := s.accept(rec); err != nil {
			return err
		}
		if h.hold >= 0 {
			select {
			case <-time.After(h.hold):
			case <-s.done:
			}
		} else {
			<-s.done
		}
		ss.conn.Conn().Close()
		return &smtp.SMTPError{Code: 421, Message: "connection dropped"} // never reaches the client
	}
	if err := s.injected(PhaseData); err != nil {
		return err
	}
	if err := s.accept(rec); err != nil {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "local delivery failed"}
	}
	return nil
}

func (ss *smtpSession) Reset() { ss.from, ss.to = "", nil }

func (ss *smtpSession) Logout() error { return nil }
