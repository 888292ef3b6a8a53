package mailstack_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"

	"rapport/internal/mailstack"
	"rapport/internal/oauth"
	"rapport/internal/testoauth"
)

// The stack's Dovecot takes OAuth2 bearer tokens from a test server for
// IMAP, Postfix submission takes them through Dovecot SASL, an expired or
// revoked token is refused after the JSON error challenge, and passwords
// keep working beside them.
func TestOAuth2OnDovecotAndPostfix(t *testing.T) {
	s := mailstack.FromEnv(t)
	auth := s.StartOAuth(t, testoauth.Options{})
	u := s.UniqueUser(t, "oauth")
	access, _ := auth.Issue(u.Address, "rapport-test")
	tok := oauth.NewToken(access, time.Time{})

	for _, mech := range []string{oauth.MechXOAuth2, oauth.MechOAuthBearer} {
		c, err := imapclient.DialStartTLS(s.IMAPAddr, &imapclient.Options{TLSConfig: s.TLSConfig()})
		if err != nil {
			t.Fatal(err)
		}
		if !c.Caps().Has(imap.AuthCap(mech)) {
			t.Fatalf("Dovecot does not offer AUTH=%s: %v", mech, c.Caps())
		}
		if err := c.Authenticate(oauth.NewClient(mech, u.Address, tok, s.Host, 0)); err != nil {
			t.Fatalf("IMAP %s: %v", mech, err)
		}
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		c.Close()

		sc, err := smtp.DialStartTLS(s.SMTPAddr, s.TLSConfig())
		if err != nil {
			t.Fatal(err)
		}
		if ok, params := sc.Extension("AUTH"); !ok || !strings.Contains(params, mech) {
			t.Fatalf("Postfix submission offers AUTH %q, want %s", params, mech)
		}
		if err := sc.Auth(oauth.NewClient(mech, u.Address, tok, s.Host, 0)); err != nil {
			t.Fatalf("SMTP %s: %v", mech, err)
		}
		subject := "sent with " + mech
		if err := sc.SendMail(u.Address, []string{u.Address}, bytes.NewReader(mailstack.BuildMessage(u.Address, u.Address, subject, "hi"))); err != nil {
			t.Fatal(err)
		}
		sc.Quit()
		s.WaitForMessage(t, u.Address, "INBOX", 20*time.Second, func(m *mailstack.Message) bool { return m.Subject() == subject })
	}
	if c := auth.Counts(u.Address); c.Active < 4 {
		t.Fatalf("Dovecot did not ask the test server: %+v", c)
	}

	// Refused tokens: the exchange ends with NO / 535, and the connection
	// is still usable (the client answered the error challenge).
	auth.ExpireAccessTokens(u.Address)
	for _, mech := range []string{oauth.MechXOAuth2, oauth.MechOAuthBearer} {
		c, err := imapclient.DialStartTLS(s.IMAPAddr, &imapclient.Options{TLSConfig: s.TLSConfig()})
		if err != nil {
			t.Fatal(err)
		}
		cl := oauth.NewClient(mech, u.Address, tok, s.Host, 0).ForIMAP()
		err = c.Authenticate(cl)
		var ie *imap.Error
		if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo {
			t.Fatalf("IMAP %s with an expired token: %v", mech, err)
		}
		if cl.Failure == nil {
			t.Errorf("IMAP %s: no JSON error challenge from Dovecot", mech)
		}
		if err := c.Noop().Wait(); err != nil {
			t.Fatalf("IMAP %s: connection unusable after the refusal: %v", mech, err)
		}
		c.Close()

		sc, err := smtp.DialStartTLS(s.SMTPAddr, s.TLSConfig())
		if err != nil {
			t.Fatal(err)
		}
		err = sc.Auth(oauth.NewClient(mech, u.Address, tok, s.Host, 0))
		var se *smtp.SMTPError
		if !errors.As(err, &se) || se.Code != 535 {
			t.Fatalf("SMTP %s with an expired token: %v", mech, err)
		}
		// 535, not 501: the client answered the error challenge (an
		// error from Next makes go-smtp cancel with "*" instead).
		sc.Close()
	}

	// A token of another user opens nothing.
	other, _ := auth.Issue(s.UniqueUser(t, "other").Address, "rapport-test")
	c, err := imapclient.DialStartTLS(s.IMAPAddr, &imapclient.Options{TLSConfig: s.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Authenticate(oauth.NewClient(oauth.MechXOAuth2, u.Address, oauth.NewToken(other, time.Time{}), s.Host, 0)); err == nil {
		t.Fatal("Dovecot accepted another user's token")
	}
	c.Close()

	// Passwords still work beside OAuth2.
	s.DialIMAP(t, u.Address, nil)
}
