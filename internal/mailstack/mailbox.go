package mailstack

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Message is a message read back from a mailbox.
type Message struct {
	Mailbox string
	UID     imap.UID
	Flags   []imap.Flag
	Raw     []byte
	Header  mail.Header
	Body    []byte // undecoded body (everything after the header)
}

// Subject returns the decoded Subject header.
func (m *Message) Subject() string {
	s := m.Header.Get("Subject")
	if d, err := new(mime.WordDecoder).DecodeHeader(s); err == nil {
		return d
	}
	return s
}

// MediaType returns the Content-Type media type (lower case) and its parameters.
func (m *Message) MediaType() (string, map[string]string) {
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return "", nil
	}
	return mt, params
}

// IsDSN reports whether the message is a delivery status notification
// (multipart/report; report-type=delivery-status).
func (m *Message) IsDSN() bool {
	mt, p := m.MediaType()
	return mt == "multipart/report" && strings.EqualFold(p["report-type"], "delivery-status")
}

// IsAutoReply reports whether the message carries Auto-Submitted: auto-replied.
func (m *Message) IsAutoReply() bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(m.Header.Get("Auto-Submitted"))), "auto-replied")
}

// Messages returns every message in mailbox (read-only: flags, \Seen included, are not changed).
func (s *Stack) Messages(t testing.TB, user, mailbox string) []*Message {
	t.Helper()
	c := s.DialIMAP(t, user, nil)
	msgs, err := fetchAll(c, mailbox)
	// Done with the connection now, not at the end of the test: a test
	// that polls would otherwise reach Dovecot's connection limit.
	_ = c.Logout().Wait()
	_ = c.Close()
	if err != nil {
		t.Fatalf("mailstack: reading %s of %s: %v", mailbox, s.Address(user), err)
	}
	return msgs
}

func fetchAll(c *imapclient.Client, mailbox string) ([]*Message, error) {
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, err
	}
	if sel.NumMessages == 0 {
		return nil, nil
	}
	var set imap.SeqSet
	set.AddRange(1, sel.NumMessages)
	section := &imap.FetchItemBodySection{Peek: true}
	bufs, err := c.Fetch(set, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, err
	}
	out := make([]*Message, 0, len(bufs))
	for _, b := range bufs {
		raw := b.FindBodySection(section)
		m := &Message{Mailbox: mailbox, UID: b.UID, Flags: b.Flags, Raw: raw}
		if pm, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
			m.Header = pm.Header
			m.Body, _ = io.ReadAll(pm.Body)
		} else {
			m.Header = mail.Header{}
		}
		out = append(out, m)
	}
	return out, nil
}

// WaitForMessage polls mailbox until a message satisfies match (nil matches
// anything) and returns it, or fails the test after timeout.
func (s *Stack) WaitForMessage(t testing.TB, user, mailbox string, timeout time.Duration, match func(*Message) bool) *Message {
	t.Helper()
	c := s.DialIMAP(t, user, nil)
	deadline := time.Now().Add(timeout)
	var seen int
	for {
		msgs, err := fetchAll(c, mailbox)
		if err != nil {
			t.Fatalf("mailstack: reading %s of %s: %v", mailbox, s.Address(user), err)
		}
		seen = len(msgs)
		for _, m := range msgs {
			if match == nil || match(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailstack: no matching message in %s of %s after %v (%d other messages there); see %s",
				mailbox, s.Address(user), timeout, seen, s.LogDir)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// ResetMailbox empties every mailbox of user over IMAP and removes the user's
// sieve script. (UniqueUser is usually simpler: a fresh address is empty.)
func (s *Stack) ResetMailbox(t testing.TB, user string) {
	t.Helper()
	c := s.DialIMAP(t, user, nil)
	boxes, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("mailstack: LIST for %s: %v", s.Address(user), err)
	}
	for _, b := range boxes {
		if hasAttr(b.Attrs, imap.MailboxAttrNoSelect) || hasAttr(b.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		sel, err := c.Select(b.Mailbox, nil).Wait()
		if err != nil {
			t.Fatalf("mailstack: SELECT %s: %v", b.Mailbox, err)
		}
		if sel.NumMessages == 0 {
			continue
		}
		var set imap.SeqSet
		set.AddRange(1, sel.NumMessages)
		if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
			t.Fatalf("mailstack: STORE \\Deleted in %s: %v", b.Mailbox, err)
		}
		if err := c.Expunge().Close(); err != nil {
			t.Fatalf("mailstack: EXPUNGE %s: %v", b.Mailbox, err)
		}
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Logf("mailstack: UNSELECT: %v", err)
	}
	s.ClearSieve(t, user)
}

func hasAttr(attrs []imap.MailboxAttr, a imap.MailboxAttr) bool {
	for _, x := range attrs {
		if strings.EqualFold(string(x), string(a)) {
			return true
		}
	}
	return false
}

// SieveScriptPath is the file Dovecot runs at delivery for user (absent = no script).
func (s *Stack) SieveScriptPath(user string) string {
	return filepath.Join(s.SieveDir, strings.ToLower(s.Address(user))+".sieve")
}

// SetSieve installs script as user's active Sieve script (Pigeonhole; the
// vacation and vacation-seconds extensions are enabled). It is removed when
// the test ends.
func (s *Stack) SetSieve(t testing.TB, user, script string) {
	t.Helper()
	if s.SieveDir == "" {
		t.Fatalf("mailstack: %s not set; cannot install sieve scripts", EnvSieveDir)
	}
	path := s.SieveScriptPath(user)
	tmp, err := os.CreateTemp(s.SieveDir, ".tmp-*.sieve")
	if err != nil {
		t.Fatalf("mailstack: writing sieve script: %v", err)
	}
	_, werr := tmp.WriteString(script)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		t.Fatalf("mailstack: writing sieve script: %v %v", werr, cerr)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		t.Fatal(err)
	}
	// Make sure Dovecot recompiles: drop the old binary (best effort: the dir
	// is sticky, so a non-root test cannot remove Dovecot's file) and date the
	// script in the future so it is newer than any binary.
	_ = os.Remove(strings.TrimSuffix(path, ".sieve") + ".svbin")
	future := time.Now().Add(2 * time.Second)
	_ = os.Chtimes(tmp.Name(), future, future)
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		t.Fatalf("mailstack: installing sieve script for %s: %v", s.Address(user), err)
	}
	t.Cleanup(func() { s.ClearSieve(t, user) })
}

// ClearSieve removes user's sieve script (no error if there is none).
func (s *Stack) ClearSieve(t testing.TB, user string) {
	t.Helper()
	if s.SieveDir == "" {
		return
	}
	path := s.SieveScriptPath(user)
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		t.Errorf("mailstack: removing %s: %v", path, err)
	}
	_ = os.Remove(strings.TrimSuffix(path, ".sieve") + ".svbin")
}

// VacationScript returns a Sieve script that answers every message (no
// once-per-sender suppression: ":seconds 0", allowed because the stack sets
// sieve_vacation_min_period = 0) with subject and text.
func VacationScript(subject, text string) string {
	return fmt.Sprintf("require [\"vacation\", \"vacation-seconds\"];\r\nvacation :seconds 0 :subject %s %s;\r\n",
		sieveString(subject), sieveString(text))
}

// SetVacation makes user auto-reply ("Out of office", Auto-Submitted:
// auto-replied) to every incoming message that names user in To/Cc and is
// not itself automatic, until the test ends. Replies leave through the MX
// port, so they reach senders at the stack's domain.
func (s *Stack) SetVacation(t testing.TB, user, text string) {
	t.Helper()
	s.SetSieve(t, user, VacationScript("Out of office", text))
}

func sieveString(v string) string {
	v = strings.ReplaceAll(v, `\`, `\\`)
	v = strings.ReplaceAll(v, `"`, `\"`)
	v = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\n", "\r\n")
	return `"` + v + `"`
}

// FillMaildir delivers msgs into user's INBOX the way a local delivery
// agent does, by writing Maildir files (tmp/, then new/), which is two
// orders of magnitude faster than IMAP APPEND. It needs write access to
// the mail store (CI runs as root); it reports false, having written
// nothing, when it has none. Dovecot indexes the files at the next look.
func (s *Stack) FillMaildir(t testing.TB, user string, msgs [][]byte) bool {
	t.Helper()
	// A login makes Dovecot create the mailbox directories.
	c := s.DialIMAP(t, user, nil)
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("mailstack: select INBOX of %s: %v", s.Address(user), err)
	}
	_ = c.Logout().Wait()
	_ = c.Close()
	local, domain, _ := strings.Cut(s.Address(user), "@")
	dir := filepath.Join(s.StateDir, "mail", domain, local, "Maildir")
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatalf("mailstack: %s: %v", dir, err)
	}
	uid, gid := -1, -1
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		uid, gid = int(sys.Uid), int(sys.Gid)
	}
	probe := filepath.Join(dir, "tmp", ".rapport-probe")
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		return false
	}
	os.Remove(probe)
	now := time.Now().Unix()
	for i, m := range msgs {
		name := fmt.Sprintf("%d.M%dP%d.rapport,S=%d", now, i, os.Getpid(), len(m))
		tmp := filepath.Join(dir, "tmp", name)
		if err := os.WriteFile(tmp, m, 0o600); err != nil {
			t.Fatalf("mailstack: %v", err)
		}
		if uid >= 0 {
			if err := os.Chown(tmp, uid, gid); err != nil {
				t.Fatalf("mailstack: %v", err)
			}
		}
		if err := os.Rename(tmp, filepath.Join(dir, "new", name)); err != nil {
			t.Fatalf("mailstack: %v", err)
		}
	}
	return true
}
