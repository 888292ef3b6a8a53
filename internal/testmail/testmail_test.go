package testmail_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"rapport/internal/testmail"
)

func msg(id string) []byte {
	return []byte("From: me@example.test\r\nTo: maria@example.org\r\nSubject: hello\r\nMessage-ID: <" + id + ">\r\n\r\nHi Maria\r\n")
}

// smtpClient logs in to s over plaintext (or STARTTLS with cert).
func smtpClient(t *testing.T, s *testmail.SMTP, cert *testmail.Cert) *smtp.Client {
	t.Helper()
	var c *smtp.Client
	var err error
	if cert != nil {
		c, err = smtp.DialStartTLS(s.Addr(), cert.Client())
	} else {
		c, err = smtp.Dial(s.Addr())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Auth(sasl.NewPlainClient("", s.Username(), s.Password())); err != nil {
		t.Fatalf("auth: %v", err)
	}
	return c
}

func send(c *smtp.Client, from, to string, data []byte) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	if err := c.Rcpt(to, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	return w.Close()
}

func code(err error) string {
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return fmt.Sprintf("not an SMTP error: %v", err)
	}
	return fmt.Sprintf("%d %d.%d.%d", se.Code, se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
}

func TestSMTPRecordsAndDelivers(t *testing.T) {
	me := testmail.NewIMAP(t, testmail.WithFolderNames("Sent Items", "", ""))
	maria := testmail.NewIMAP(t, testmail.WithUser("maria@example.org", "pw"))
	s := testmail.NewSMTP(t, testmail.WithDelivery(maria), testmail.WithSentCopy(me))
	c := smtpClient(t, s, nil)
	if err := send(c, "me@example.test", "maria@example.org", msg("ob.1@me.example")); err != nil {
		t.Fatal(err)
	}
	got := s.Received()
	if len(got) != 1 || got[0].From != "me@example.test" || !slices.Equal(got[0].To, []string{"maria@example.org"}) ||
		got[0].MessageID != "ob.1@me.example" || got[0].AuthUser != testmail.DefaultUser || !got[0].Delivered {
		t.Fatalf("received %+v", got)
	}
	if n := s.Count("<ob.1@me.example>"); n != 1 {
		t.Errorf("Count = %d", n)
	}
	inbox := maria.Messages("INBOX")
	if len(inbox) != 1 || !bytes.Contains(inbox[0].Raw, []byte("Hi Maria")) {
		t.Errorf("recipient INBOX = %+v", inbox)
	}
	sent := me.Messages("Sent Items")
	if len(sent) != 1 || !slices.Equal(sent[0].Flags, []string{`\Seen`}) {
		t.Errorf("sender's Sent = %+v", sent)
	}
}

func TestSMTPRequiresAuth(t *testing.T) {
	s := testmail.NewSMTP(t)
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("me@example.test", nil); code(err) != "530 5.7.0" {
		t.Errorf("MAIL without AUTH: %v", err)
	}
	if err := c.Auth(sasl.NewPlainClient("", s.Username(), "wrong")); err == nil {
		t.Error("wrong password accepted")
	}
}

func TestSMTPErrorInjection(t *testing.T) {
	s := testmail.NewSMTP(t)
	c := smtpClient(t, s, nil)

	s.Fail(testmail.PhaseMail, testmail.ReplyServiceUnavailable, 1)
	if err := send(c, "me@example.test", "a@example.org", msg("m1@x")); code(err) != "421 4.7.0" {
		t.Errorf("MAIL: %v", err)
	}
	c.Reset()
	s.Fail(testmail.PhaseRcpt, testmail.ReplyMailboxBusy, 1)
	if err := send(c, "me@example.test", "a@example.org", msg("m2@x")); code(err) != "450 4.2.1" {
		t.Errorf("RCPT: %v", err)
	}
	c.Reset()
	s.FailRcpt("nobody@example.org", testmail.ReplyNoSuchUser)
	if err := send(c, "me@example.test", "nobody@example.org", msg("m3@x")); code(err) != "550 5.1.1" {
		t.Errorf("RCPT per address: %v", err)
	}
	c.Reset()
	s.Fail(testmail.PhaseData, testmail.ReplyQuotaExceeded, 0)
	for i := range 2 {
		if err := send(c, "me@example.test", "a@example.org", msg("m4@x")); code(err) != "550 5.4.5" {
			t.Errorf("DATA #%d: %v", i, err)
		}
	}
	if n := s.Count("m4@x"); n != 0 {
		t.Errorf("rejected message counted %d times", n)
	}
	s.ClearFailures()
	if err := send(c, "me@example.test", "a@example.org", msg("m5@x")); err != nil {
		t.Errorf("after ClearFailures: %v", err)
	}
	if n := s.Count("m5@x"); n != 1 {
		t.Errorf("Count = %d", n)
	}
}

func TestSMTPHangAfterData(t *testing.T) {
	for _, deliver := range []bool{true, false} {
		t.Run(fmt.Sprint("deliver=", deliver), func(t *testing.T) {
			me := testmail.NewIMAP(t)
			s := testmail.NewSMTP(t, testmail.WithSentCopy(me))
			c := smtpClient(t, s, nil)
			s.HangAfterData(deliver, 50*time.Millisecond)
			err := send(c, "me@example.test", "a@example.org", msg("hang@x"))
			var se *smtp.SMTPError
			if err == nil || errors.As(err, &se) {
				t.Fatalf("final dot answered: %v", err)
			}
			want := 0
			if deliver {
				want = 1
			}
			if n := s.Count("hang@x"); n != want {
				t.Errorf("Count = %d, want %d", n, want)
			}
			if n := len(me.Messages("Sent")); n != want {
				t.Errorf("Sent copies = %d, want %d", n, want)
			}
			if r := s.Received(); len(r) != 1 || !r[0].Hung {
				t.Errorf("received %+v", r)
			}
		})
	}
}

func TestSMTPStartTLS(t *testing.T) {
	cert := testmail.NewCert(t)
	s := testmail.NewSMTP(t, testmail.WithSMTPTLS(testmail.TLSStartTLS, cert))
	c := smtpClient(t, s, cert)
	if _, ok := c.TLSConnectionState(); !ok {
		t.Fatal("not on TLS")
	}
	if err := send(c, "me@example.test", "a@example.org", msg("tls@x")); err != nil {
		t.Fatal(err)
	}
	bad, err := smtp.DialStartTLS(s.Addr(), testmail.NewCert(t).Client())
	if err == nil {
		err = bad.Noop() // the handshake may be lazy
		bad.Close()
	}
	if err == nil {
		t.Error("untrusted certificate accepted")
	}
}

func imapLogin(t *testing.T, s *testmail.IMAP) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(s.Username(), s.Password()).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

func attrsOf(t *testing.T, c *imapclient.Client, o *imap.ListOptions) map[string][]imap.MailboxAttr {
	t.Helper()
	l, err := c.List("", "*", o).Collect()
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]imap.MailboxAttr)
	for _, d := range l {
		out[d.Mailbox] = d.Attrs
	}
	return out
}

func TestIMAPSpecialUseModes(t *testing.T) {
	ret := &imap.ListOptions{ReturnSpecialUse: true}

	adv := imapLogin(t, testmail.NewIMAP(t))
	if !adv.Caps().Has(imap.CapSpecialUse) {
		t.Error("SPECIAL-USE not advertised")
	}
	if a := attrsOf(t, adv, ret)["Sent"]; !slices.Contains(a, imap.MailboxAttrSent) {
		t.Errorf("RETURN (SPECIAL-USE): Sent attrs %v", a)
	}
	if a := attrsOf(t, adv, nil)["Sent"]; len(a) != 0 {
		t.Errorf("plain LIST: Sent attrs %v, want none", a)
	}

	un := imapLogin(t, testmail.NewIMAP(t, testmail.WithSpecialUse(testmail.SpecialUseUnadvertised), testmail.WithFolderNames("Sent Items", "", "")))
	if un.Caps().Has(imap.CapSpecialUse) {
		t.Error("SPECIAL-USE advertised")
	}
	if a := attrsOf(t, un, nil)["Sent Items"]; !slices.Contains(a, imap.MailboxAttrSent) {
		t.Errorf("plain LIST: attrs %v", a)
	}

	none := imapLogin(t, testmail.NewIMAP(t, testmail.WithSpecialUse(testmail.SpecialUseNone)))
	for name, a := range attrsOf(t, none, nil) {
		if len(a) != 0 {
			t.Errorf("%s has attrs %v", name, a)
		}
	}
}

func TestIMAPRestartAndRecreate(t *testing.T) {
	s := testmail.NewIMAP(t)
	s.Deliver("INBOX", msg("r1@x"))
	c := imapLogin(t, s)
	s.Close()
	if err := c.Noop().Wait(); err == nil {
		t.Error("connection survived Close")
	}
	s.Deliver("INBOX", msg("r2@x")) // while down
	s.Restart()
	c2 := imapLogin(t, s)
	sel, err := c2.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil || sel.NumMessages != 2 {
		t.Fatalf("after restart: %v messages, %v", sel, err)
	}

	before, _, _ := s.Status("INBOX")
	after := s.RecreateMailbox("INBOX")
	if after == before {
		t.Fatalf("UIDVALIDITY unchanged: %d", after)
	}
	msgs := s.Messages("INBOX")
	if len(msgs) != 2 || !strings.Contains(string(msgs[1].Raw), "r2@x") {
		t.Errorf("messages after recreate: %d", len(msgs))
	}
}

func TestIMAPImplicitTLS(t *testing.T) {
	s := testmail.NewIMAP(t, testmail.WithTLS(testmail.TLSImplicit, nil))
	c, err := imapclient.DialTLS(s.Addr(), &imapclient.Options{TLSConfig: s.Cert().Client()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(s.Username(), s.Password()).Wait(); err != nil {
		t.Fatal(err)
	}
	if len(s.Messages("INBOX")) != 0 {
		t.Error("INBOX not empty")
	}
}
