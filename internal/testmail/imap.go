// Package testmail runs real IMAP and SMTP servers in-process on loopback,
// for the demo and for fast integration tests of the code that talks to a
// user's mailbox.
//
// The servers are go-imap's imapmemserver and go-smtp, wrapped to behave
// like the providers rapport meets: SPECIAL-USE folders (or their absence),
// odd folder names, TLS with a throwaway certificate, restarts on the same
// port, UIDVALIDITY changes, SMTP error replies per phase, and a final dot
// that is never answered. Nothing here is a mock of a protocol.
package testmail

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Default account of the test servers.
const (
	DefaultUser     = "me@example.test"
	DefaultPassword = "correct horse battery staple"
)

// SpecialUse says how the IMAP server reports special-use folders.
type SpecialUse int

const (
	// SpecialUseAdvertised advertises SPECIAL-USE and returns the
	// attributes only when asked with LIST ... RETURN (SPECIAL-USE), the
	// strictest reading of RFC 6154.
	SpecialUseAdvertised SpecialUse = iota
	// SpecialUseUnadvertised does not advertise SPECIAL-USE but puts the
	// attributes on every LIST response, as Microsoft 365 and Zoho do.
	SpecialUseUnadvertised
	// SpecialUseNone reports no attributes at all; clients must fall back to
	// folder names.
	SpecialUseNone
)

// TLSMode selects how a test server offers TLS.
type TLSMode int

const (
	// TLSOff serves plaintext (authentication allowed, loopback only).
	TLSOff TLSMode = iota
	// TLSImplicit serves TLS from the first byte (IMAPS 993, SMTPS 465).
	TLSImplicit
	// TLSStartTLS serves plaintext with STARTTLS; the IMAP server refuses
	// LOGIN before the upgrade.
	TLSStartTLS
)

// Folder is one mailbox of the test account and its special-use attribute
// (`\Sent`, `\Drafts`, `\Junk`, ... or "").
type Folder struct {
	Name string
	Attr string
}

// Message is a stored message, for assertions.
type Message struct {
	UID          uint32
	Flags        []string
	InternalDate time.Time
	Raw          []byte
}

type imapConfig struct {
	user, password string
	folders        []Folder
	specialUse     SpecialUse
	tlsMode        TLSMode
	cert           *Cert
	rev1Only       bool
}

// IMAPOption configures NewIMAP.
type IMAPOption func(*imapConfig)

// WithUser sets the address and password of the account.
func WithUser(addr, password string) IMAPOption {
	return func(c *imapConfig) { c.user, c.password = addr, password }
}

// WithFolders replaces the default folders (Sent, Drafts, Junk). INBOX is
// always present.
func WithFolders(folders ...Folder) IMAPOption {
	return func(c *imapConfig) { c.folders = folders }
}

// WithFolderNames keeps the default special-use layout under other names,
// e.g. "Sent Items", "INBOX.Drafts", "Spam". An empty name keeps the default.
func WithFolderNames(sent, drafts, junk string) IMAPOption {
	return func(c *imapConfig) {
		for i, f := range c.folders {
			switch {
			case f.Attr == string(imap.MailboxAttrSent) && sent != "":
				c.folders[i].Name = sent
			case f.Attr == string(imap.MailboxAttrDrafts) && drafts != "":
				c.folders[i].Name = drafts
			case f.Attr == string(imap.MailboxAttrJunk) && junk != "":
				c.folders[i].Name = junk
			}
		}
	}
}

// WithSpecialUse sets how special-use attributes are reported.
func WithSpecialUse(mode SpecialUse) IMAPOption {
	return func(c *imapConfig) { c.specialUse = mode }
}

// WithTLS serves TLS in the given mode with cert (a fresh one when nil).
func WithTLS(mode TLSMode, cert *Cert) IMAPOption {
	return func(c *imapConfig) { c.tlsMode, c.cert = mode, cert }
}

// WithIMAP4rev1Only advertises IMAP4rev1 without IMAP4rev2, so no UIDPLUS
// (no APPENDUID), no LIST-EXTENDED and no ESEARCH, like older servers.
func WithIMAP4rev1Only() IMAPOption {
	return func(c *imapConfig) { c.rev1Only = true }
}

// IMAP is an in-process IMAP server with one account.
type IMAP struct {
	t    TB
	cfg  imapConfig
	mem  *imapmemserver.Server
	user *imapmemserver.User
	addr string

	mu      sync.Mutex
	folders []Folder // the account's layout, kept in step with CREATE/DELETE/RENAME
	srv     *imapserver.Server
	running bool

	admin     *imapserver.Server
	adminAddr string
}

// NewIMAP starts an IMAP server on 127.0.0.1:0 holding one account with
// INBOX, Sent, Drafts and Junk. It stops when the test ends.
func NewIMAP(t TB, opts ...IMAPOption) *IMAP {
	t.Helper()
	cfg := imapConfig{
		user:     DefaultUser,
		password: DefaultPassword,
		folders: []Folder{
			{Name: "Sent", Attr: string(imap.MailboxAttrSent)},
			{Name: "Drafts", Attr: string(imap.MailboxAttrDrafts)},
			{Name: "Junk", Attr: string(imap.MailboxAttrJunk)},
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.tlsMode != TLSOff && cfg.cert == nil {
		cfg.cert = NewCert(t)
	}
	s := &IMAP{t: t, cfg: cfg, mem: imapmemserver.New()}
	s.user = imapmemserver.NewUser(cfg.user, cfg.password)
	s.mem.AddUser(s.user)
	s.folders = []Folder{{Name: "INBOX"}}
	if err := s.user.Create("INBOX", nil); err != nil {
		t.Fatalf("create INBOX: %v", err)
	}
	for _, f := range cfg.folders {
		if strings.EqualFold(f.Name, "INBOX") {
			continue
		}
		if err := s.user.Create(f.Name, nil); err != nil {
			t.Fatalf("create %s: %v", f.Name, err)
		}
		s.folders = append(s.folders, f)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)

	// A private plaintext server over the same data, so assertions work
	// while the public one is down or speaks TLS only.
	s.admin = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return s.mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	aln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s.adminAddr = aln.Addr().String()
	go s.admin.Serve(aln) //nolint:errcheck // returns when closed

	t.Cleanup(func() {
		s.Close()
		s.admin.Close()
	})
	return s
}

func (s *IMAP) newServer() *imapserver.Server {
	caps := imap.CapSet{imap.CapIMAP4rev1: {}}
	if !s.cfg.rev1Only {
		caps[imap.CapIMAP4rev2] = struct{}{}
	}
	if s.cfg.specialUse == SpecialUseAdvertised {
		caps[imap.CapSpecialUse] = struct{}{}
	}
	o := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &session{SessionIMAP4rev2: s.mem.NewSession().(imapserver.SessionIMAP4rev2), srv: s}, nil, nil
		},
		Caps:         caps,
		InsecureAuth: s.cfg.tlsMode == TLSOff,
		Logger:       log.New(io.Discard, "", 0),
	}
	if s.cfg.tlsMode == TLSStartTLS {
		o.TLSConfig = s.cfg.cert.Server
	}
	return imapserver.New(o)
}

func (s *IMAP) serve(ln net.Listener) {
	if s.cfg.tlsMode == TLSImplicit {
		ln = tls.NewListener(ln, s.cfg.cert.Server)
	}
	srv := s.newServer()
	s.mu.Lock()
	s.srv, s.running = srv, true
	s.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck // returns when closed
}

// Addr is the host:port clients dial.
func (s *IMAP) Addr() string { return s.addr }

// Host and Port split Addr.
func (s *IMAP) Host() string { h, _, _ := net.SplitHostPort(s.addr); return h }

// Port is the listening port.
func (s *IMAP) Port() int { return s.addr2port() }

func (s *IMAP) addr2port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	var n int
	fmt.Sscan(p, &n) //nolint:errcheck // our own listener's port
	return n
}

// Username and Password of the account.
func (s *IMAP) Username() string { return s.cfg.user }

// Password of the account.
func (s *IMAP) Password() string { return s.cfg.password }

// Cert is the server certificate, nil without TLS.
func (s *IMAP) Cert() *Cert { return s.cfg.cert }

// Close stops listening and drops every connection. Mail is kept; Deliver
// keeps working, as a provider accepts mail while its IMAP front end is
// down. Close is idempotent.
func (s *IMAP) Close() {
	s.mu.Lock()
	srv, running := s.srv, s.running
	s.running = false
	s.mu.Unlock()
	if running {
		srv.Close()
	}
}

// Restart listens again on the same address after Close (or drops every
// connection first if still running).
func (s *IMAP) Restart() {
	s.t.Helper()
	s.Close()
	var ln net.Listener
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; {
		ln, err = net.Listen("tcp", s.addr)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond) // the port is released asynchronously
	}
	if err != nil {
		s.t.Fatalf("listen again on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

// FolderByAttr returns the name of the folder with the special-use
// attribute attr, or "".
func (s *IMAP) FolderByAttr(attr string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.folders {
		if strings.EqualFold(f.Attr, attr) {
			return f.Name
		}
	}
	return ""
}

// Deliver appends raw to mailbox as a delivery would (no flags, internal
// date now) and returns its UID. It fails the test on error; from other
// goroutines use Append.
func (s *IMAP) Deliver(mailbox string, raw []byte) uint32 {
	s.t.Helper()
	uid, err := s.Append(mailbox, raw, nil, time.Now())
	if err != nil {
		s.t.Fatalf("deliver to %s: %v", mailbox, err)
	}
	return uid
}

// Append stores raw in mailbox with flags and date, bypassing the network.
// Sessions with the mailbox selected are notified (EXISTS).
func (s *IMAP) Append(mailbox string, raw []byte, flags []string, date time.Time) (uint32, error) {
	o := &imap.AppendOptions{Time: date}
	for _, f := range flags {
		o.Flags = append(o.Flags, imap.Flag(f))
	}
	data, err := s.user.Append(mailbox, bytes.NewReader(raw), o)
	if err != nil {
		return 0, err
	}
	return uint32(data.UID), nil
}

// Status reports UIDVALIDITY, UIDNEXT and the message count of mailbox.
func (s *IMAP) Status(mailbox string) (uidValidity, uidNext, messages uint32) {
	s.t.Helper()
	st, err := s.user.Status(mailbox, &imap.StatusOptions{UIDValidity: true, UIDNext: true, NumMessages: true})
	if err != nil {
		s.t.Fatalf("status %s: %v", mailbox, err)
	}
	return st.UIDValidity, uint32(st.UIDNext), *st.NumMessages
}

// Messages returns every message of mailbox in UID order, read without
// touching flags.
func (s *IMAP) Messages(mailbox string) []Message {
	s.t.Helper()
	msgs, err := s.messages(mailbox)
	if err != nil {
		s.t.Fatalf("read %s: %v", mailbox, err)
	}
	return msgs
}

// Flags returns UID → flags of every message in mailbox.
func (s *IMAP) Flags(mailbox string) map[uint32][]string {
	s.t.Helper()
	out := make(map[uint32][]string)
	for _, m := range s.Messages(mailbox) {
		out[m.UID] = m.Flags
	}
	return out
}

func (s *IMAP) messages(mailbox string) ([]Message, error) {
	c, err := imapclient.DialInsecure(s.adminAddr, nil)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := c.Login(s.cfg.user, s.cfg.password).Wait(); err != nil {
		return nil, err
	}
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, err
	}
	if sel.NumMessages == 0 {
		return nil, nil
	}
	body := &imap.FetchItemBodySection{Peek: true}
	var all imap.SeqSet
	all.AddRange(1, 0)
	bufs, err := c.Fetch(all, &imap.FetchOptions{
		UID: true, Flags: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{body},
	}).Collect()
	if err != nil {
		return nil, err
	}
	var out []Message
	for _, b := range bufs {
		m := Message{UID: uint32(b.UID), InternalDate: b.InternalDate, Raw: b.FindBodySection(body)}
		for _, f := range b.Flags {
			m.Flags = append(m.Flags, string(f))
		}
		sort.Strings(m.Flags)
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	return out, nil
}

// RecreateMailbox deletes and re-creates mailbox with the same messages
// (same content, flags and dates, new UIDs), which gives it a new
// UIDVALIDITY. Sessions that have the old mailbox selected keep seeing the
// old one until they select again, as with a rebuilt index on a real
// server. It returns the new UIDVALIDITY.
func (s *IMAP) RecreateMailbox(name string) uint32 {
	s.t.Helper()
	msgs, err := s.messages(name)
	if err != nil {
		s.t.Fatalf("read %s: %v", name, err)
	}
	if err := s.user.Delete(name); err != nil {
		s.t.Fatalf("delete %s: %v", name, err)
	}
	if err := s.user.Create(name, nil); err != nil {
		s.t.Fatalf("create %s: %v", name, err)
	}
	for _, m := range msgs {
		if _, err := s.Append(name, m.Raw, m.Flags, m.InternalDate); err != nil {
			s.t.Fatalf("append to %s: %v", name, err)
		}
	}
	uv, _, _ := s.Status(name)
	return uv
}

// session adds what imapmemserver lacks: special-use attributes on LIST
// (MAIL-NOTES §2.1). It embeds SessionIMAP4rev2 so MOVE and NAMESPACE stay
// visible to the server.
type session struct {
	imapserver.SessionIMAP4rev2
	srv *IMAP
}

func (s *session) List(w *imapserver.ListWriter, ref string, patterns []string, o *imap.ListOptions) error {
	if len(patterns) == 0 {
		return s.SessionIMAP4rev2.List(w, ref, patterns, o)
	}
	if o == nil {
		o = &imap.ListOptions{}
	}
	s.srv.mu.Lock()
	folders := slices.Clone(s.srv.folders)
	mode := s.srv.cfg.specialUse
	s.srv.mu.Unlock()
	sort.Slice(folders, func(i, j int) bool { return folders[i].Name < folders[j].Name })
	for _, f := range folders {
		match := false
		for _, p := range patterns {
			if imapserver.MatchList(f.Name, '/', ref, p) {
				match = true
				break
			}
		}
		if !match {
			continue
		}
		if o.SelectSpecialUse && (f.Attr == "" || mode == SpecialUseNone) {
			continue
		}
		data := imap.ListData{Mailbox: f.Name, Delim: '/'}
		if f.Attr != "" {
			switch mode {
			case SpecialUseAdvertised:
				if o.ReturnSpecialUse || o.SelectSpecialUse {
					data.Attrs = append(data.Attrs, imap.MailboxAttr(f.Attr))
				}
			case SpecialUseUnadvertised:
				data.Attrs = append(data.Attrs, imap.MailboxAttr(f.Attr))
			}
		}
		if o.ReturnStatus != nil {
			st, err := s.Status(f.Name, o.ReturnStatus)
			if err == nil {
				data.Status = st
			}
		}
		if err := w.WriteList(&data); err != nil {
			return err
		}
	}
	return nil
}

func (s *session) Create(name string, o *imap.CreateOptions) error {
	if err := s.SessionIMAP4rev2.Create(name, o); err != nil {
		return err
	}
	f := Folder{Name: strings.TrimRight(name, "/")}
	if o != nil && len(o.SpecialUse) > 0 {
		f.Attr = string(o.SpecialUse[0])
	}
	s.srv.mu.Lock()
	s.srv.folders = append(s.srv.folders, f)
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Delete(name string) error {
	if err := s.SessionIMAP4rev2.Delete(name); err != nil {
		return err
	}
	s.srv.mu.Lock()
	s.srv.folders = slices.DeleteFunc(s.srv.folders, func(f Folder) bool { return f.Name == name })
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Rename(name, newName string, o *imap.RenameOptions) error {
	if err := s.SessionIMAP4rev2.Rename(name, newName, o); err != nil {
		return err
	}
	s.srv.mu.Lock()
	for i := range s.srv.folders {
		if s.srv.folders[i].Name == name {
			s.srv.folders[i].Name = strings.TrimRight(newName, "/")
		}
	}
	s.srv.mu.Unlock()
	return nil
}

// Idle first sends what changed since the last command, as Dovecot and
// most servers do; imapmemserver would hold a delivery that landed between
// the client's last command and IDLE until the next change.
func (s *session) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	if err := s.Poll(w, true); err != nil {
		return err
	}
	return s.SessionIMAP4rev2.Idle(w, stop)
}
