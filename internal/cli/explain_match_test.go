package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"rapport/internal/app"
	"rapport/internal/config"
)

// explain with a config and a database names the contact a message would
// be matched to, as the daemon matches it: a reply citing rapport's mail
// by thread, a bounce by its failed recipient.
func TestExplainNamesTheContact(t *testing.T) {
	te := newTestEnv(t)
	if code, _, errs := te.run("contacts", "add", "--name", "Maria Lopez", "--email", "maria@example.org", "--company", "Acme"); code != 0 {
		t.Fatalf("add: %s", errs)
	}
	ctx := context.Background()
	cfg, err := config.Load(te.config)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, cfg, app.Options{Clock: te.clock})
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Contacts.Get(ctx, "maria@example.org")
	if err != nil {
		t.Fatal(err)
	}
	const ours = "rp.0123abcd.20261124T143000.0011223344556677@example.com"
	if err := a.Store.AddThreadID(ctx, a.Account, c.ID, ours, "outbox"); err != nil {
		t.Fatal(err)
	}
	a.Close()
	reply := "From: Someone <someone.else@example.net>\r\nTo: alex@example.com\r\nSubject: Re: Learning about your work\r\n" +
		"Date: Tue, 24 Nov 2026 12:00:00 -0500\r\nMessage-ID: <r1@example.net>\r\nIn-Reply-To: <" + ours + ">\r\n\r\nHappy to help!\r\n"
	bounce := "From: MAILER-DAEMON@mx.example.org\r\nTo: alex@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Date: Tue, 24 Nov 2026 12:00:00 -0500\r\nMessage-ID: <b1@mx.example.org>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nfailed\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n" +
		"Final-Recipient: rfc822; maria@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n--B--\r\n"
	for _, tc := range []struct{ name, raw, how string }{
		{"reply", reply, "thread"},
		{"bounce", bounce, "failed_recipient"},
	} {
		p := filepath.Join(te.dir, tc.name+".eml")
		if err := os.WriteFile(p, []byte(tc.raw), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errs := te.run("explain", p, "--json")
		if code != 0 {
			t.Fatalf("%s: explain exit %d: %s", tc.name, code, errs)
		}
		var ex struct {
			Kind    string `json:"kind"`
			Contact *struct {
				Email     string `json:"email"`
				MatchedBy string `json:"matched_by"`
			} `json:"contact"`
		}
		if err := json.Unmarshal([]byte(out), &ex); err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, out)
		}
		if ex.Contact == nil || ex.Contact.Email != "maria@example.org" || ex.Contact.MatchedBy != tc.how {
			t.Errorf("%s: contact %+v, want maria by %s\n%s", tc.name, ex.Contact, tc.how, out)
		}
	}
}
