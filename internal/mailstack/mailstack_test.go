package mailstack_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"

	"rapport/internal/mailstack"
)

// These tests run against the real stack (scripts/mailstack/start.sh) and skip
// without it (fail under CI=true or RAPPORT_E2E_REQUIRED=1).

func TestSubmitDeliversToRecipientInbox(t *testing.T) {
	s := mailstack.FromEnv(t)
	alice := s.UniqueUser(t, "alice")
	subject := "informational interview " + t.Name()
	raw := mailstack.BuildMessage(s.Owner, alice.Address, subject, "Hi Alice,\nwould you have 20 minutes?\n")
	s.Submit(t, s.Owner, []string{alice.Address}, raw)

	m := s.WaitForMessage(t, alice.Address, "INBOX", 20*time.Second, func(m *mailstack.Message) bool {
		return m.Subject() == subject
	})
	if got := m.Header.Get("From"); got != s.Owner {
		t.Errorf("From = %q, want %q", got, s.Owner)
	}
	if !bytes.Contains(m.Body, []byte("20 minutes")) {
		t.Errorf("body = %q", m.Body)
	}
	if slices.Contains(m.Flags, imap.FlagSeen) {
		t.Errorf("message already \\Seen: %v", m.Flags)
	}
}

func TestNamedUsersLogIn(t *testing.T) {
	s := mailstack.FromEnv(t)
	for _, u := range append([]string{s.Owner}, s.Users...) {
		c := s.DialIMAP(t, u, nil)
		if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			t.Errorf("%s: SELECT INBOX: %v", u, err)
		}
	}
}

func TestSubmitRequiresAuth(t *testing.T) {
	s := mailstack.FromEnv(t)
	u := s.User("alice")
	u.Password = "wrong"
	if err := s.SubmitErr(u, []string{"bob"}, mailstack.BuildMessage(u.Address, "bob", "c", "d")); err == nil {
		t.Fatal("submission with a wrong password succeeded")
	}
	if err := s.SubmitErr(s.User(s.Missing), []string{"bob"}, mailstack.BuildMessage(s.Missing, "bob", "c", "d")); err == nil {
		t.Fatal("the missing user can log in")
	}
}

func dsnFor(rcpt string) func(*mailstack.Message) bool {
	return func(m *mailstack.Message) bool {
		return m.IsDSN() && bytes.Contains(bytes.ToLower(m.Raw), []byte("final-recipient: rfc822; "+strings.ToLower(rcpt)))
	}
}

func TestMissingMailboxBouncesWithDSN(t *testing.T) {
	s := mailstack.FromEnv(t)
	sender := s.UniqueUser(t, "owner")
	for _, tc := range []struct{ name, rcpt, diag string }{
		{"lmtp-rejects", s.Missing, "550 5.1.1"},         // Dovecot LMTP says "User doesn't exist"
		{"postfix-unknown", s.UniqueMissing(t), "5.1.1"}, // Postfix: unknown in virtual mailbox table
	} {
		t.Run(tc.name, func(t *testing.T) {
			subject := "hello " + tc.rcpt
			s.Submit(t, sender.Address, []string{tc.rcpt}, mailstack.BuildMessage(sender.Address, tc.rcpt, subject, "Are you there?\n"))
			m := s.WaitForMessage(t, sender.Address, "INBOX", 30*time.Second, dsnFor(tc.rcpt))
			if !strings.Contains(m.Subject(), "Undelivered Mail Returned to Sender") {
				t.Errorf("DSN subject = %q", m.Subject())
			}
			if !bytes.Contains(m.Raw, []byte("Status: 5.1.1")) || !bytes.Contains(m.Raw, []byte(tc.diag)) {
				t.Errorf("DSN lacks Status 5.1.1 / %q:\n%s", tc.diag, m.Raw)
			}
			if !bytes.Contains(m.Raw, []byte(subject)) {
				t.Errorf("DSN does not include the original message headers")
			}
			if from := m.Header.Get("From"); !strings.Contains(strings.ToLower(from), "mailer-daemon") {
				t.Errorf("DSN From = %q", from)
			}
		})
	}
}

func TestMXRejectsUnknownAndForeign(t *testing.T) {
	s := mailstack.FromEnv(t)
	raw := mailstack.BuildMessage("x@example.com", "y", "s", "b")
	var se *smtp.SMTPError
	if err := s.SendRawErr("x@example.com", []string{s.UniqueMissing(t)}, raw); !errors.As(err, &se) || se.Code != 550 || se.EnhancedCode != (smtp.EnhancedCode{5, 1, 1}) {
		t.Errorf("MX did not reject a nobody-* address with 550 5.1.1: %v", err)
	}
	if err := s.SendRawErr("x@example.com", []string{"someone@example.org"}, raw); err == nil {
		t.Errorf("MX relays to other domains")
	}
}

func TestExternalSenderViaMX(t *testing.T) {
	s := mailstack.FromEnv(t)
	owner := s.UniqueUser(t, "owner")
	subject := "Re: informational interview"
	s.SendRaw(t, "maria@example.com", []string{owner.Address},
		mailstack.BuildMessage("Maria <maria@example.com>", owner.Address, subject, "Happy to chat on Tuesday.\n"))
	s.WaitForMessage(t, owner.Address, "INBOX", 20*time.Second, func(m *mailstack.Message) bool { return m.Subject() == subject })
}

func TestVacationAutoReply(t *testing.T) {
	s := mailstack.FromEnv(t)
	sender := s.UniqueUser(t, "owner")
	bob := s.UniqueUser(t, "bob")
	s.SetVacation(t, bob.Address, "I am away until Monday 30 November.\nBack then.")

	// Twice: no once-per-sender suppression, so repeated test runs keep working.
	for i := range 2 {
		raw := mailstack.BuildMessage(sender.Address, bob.Address, fmt.Sprintf("coffee chat? #%d", i), "Hi Bob\n")
		id := messageID(t, raw)
		s.Submit(t, sender.Address, []string{bob.Address}, raw)
		m := s.WaitForMessage(t, sender.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
			return m.IsAutoReply() && m.Header.Get("In-Reply-To") == id
		})
		if m.Subject() != "Out of office" || !bytes.Contains(m.Body, []byte("Monday 30 November")) {
			t.Errorf("auto-reply subject %q body %q", m.Subject(), m.Body)
		}
		t.Logf("auto-reply %d: Auto-Submitted: %s, Subject: %s", i, m.Header.Get("Auto-Submitted"), m.Subject())
	}
	// bob still got the originals.
	if n := len(s.Messages(t, bob.Address, "INBOX")); n != 2 {
		t.Errorf("bob's INBOX has %d messages, want 2", n)
	}
}

func TestSpecialUseMailboxes(t *testing.T) {
	s := mailstack.FromEnv(t)
	c := s.DialIMAP(t, s.UniqueUser(t, "owner").Address, nil)
	caps := c.Caps()
	for _, cp := range []imap.Cap{imap.CapIdle, imap.CapSpecialUse} {
		if !caps.Has(cp) {
			t.Errorf("server lacks %s", cp)
		}
	}
	boxes, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	got := map[imap.MailboxAttr]string{}
	for _, b := range boxes {
		for _, a := range b.Attrs {
			got[a] = b.Mailbox
		}
	}
	for attr, name := range map[imap.MailboxAttr]string{
		imap.MailboxAttrSent: "Sent", imap.MailboxAttrDrafts: "Drafts", imap.MailboxAttrJunk: "Junk",
		imap.MailboxAttrTrash: "Trash", imap.MailboxAttrArchive: "Archive",
	} {
		if got[attr] != name {
			t.Errorf("%s mailbox = %q, want %q", attr, got[attr], name)
		}
	}
}

func TestResetMailbox(t *testing.T) {
	s := mailstack.FromEnv(t)
	u := s.UniqueUser(t, "carol")
	s.SendRaw(t, "x@example.com", []string{u.Address}, mailstack.BuildMessage("x@example.com", u.Address, "one", "1"))
	s.WaitForMessage(t, u.Address, "INBOX", 20*time.Second, nil)
	s.ResetMailbox(t, u.Address)
	if n := len(s.Messages(t, u.Address, "INBOX")); n != 0 {
		t.Errorf("after reset INBOX has %d messages", n)
	}
}

func messageID(t *testing.T, raw []byte) string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return m.Header.Get("Message-ID")
}

func TestReadEnvFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(p, []byte("# c\nRAPPORT_E2E_IMAP_ADDR=127.0.0.1:10143\nexport RAPPORT_E2E_DOMAIN=\"rapport.test\"\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	vars, err := mailstack.ReadEnvFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if vars["RAPPORT_E2E_IMAP_ADDR"] != "127.0.0.1:10143" || vars["RAPPORT_E2E_DOMAIN"] != "rapport.test" {
		t.Errorf("vars = %v", vars)
	}
}

func TestIMAPSAndIdle(t *testing.T) {
	s := mailstack.FromEnv(t)
	u := s.UniqueUser(t, "dave")

	// Implicit TLS port.
	tc, err := imapclient.DialTLS(s.IMAPSAddr, &imapclient.Options{TLSConfig: s.TLSConfig()})
	if err != nil {
		t.Fatalf("IMAPS: %v", err)
	}
	if err := tc.Login(u.Address, u.Password).Wait(); err != nil {
		t.Fatalf("IMAPS login: %v", err)
	}
	tc.Close()

	// IDLE sees a new delivery.
	exists := make(chan uint32, 10)
	c := s.DialIMAP(t, u.Address, &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists <- *d.NumMessages
			}
		},
	}})
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	s.SendRaw(t, "x@example.com", []string{u.Address}, mailstack.BuildMessage("x@example.com", u.Address, "ping", "ping"))
	select {
	case n := <-exists:
		if n != 1 {
			t.Errorf("EXISTS %d, want 1", n)
		}
	case <-time.After(15 * time.Second):
		t.Error("no EXISTS during IDLE within 15s")
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatal(err)
	}
}
