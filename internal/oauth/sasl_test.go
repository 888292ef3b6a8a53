package oauth

import (
	"bytes"
	"testing"
	"time"
)

func TestXOAuth2Client(t *testing.T) {
	c := NewClient(MechXOAuth2, "alex@example.com", NewToken("ya29.t", time.Time{}), "imap.gmail.com", 993)
	mech, ir, err := c.Start()
	if err != nil || mech != "XOAUTH2" || string(ir) != "user=alex@example.com\x01auth=Bearer ya29.t\x01\x01" {
		t.Fatalf("start: %q %q %v", mech, ir, err)
	}
	resp, err := c.Next([]byte(`{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}`))
	if err != nil || resp == nil || len(resp) != 0 {
		t.Fatalf("error challenge must get an empty (non-nil) response: %q %v", resp, err)
	}
	if got := c.Reason(); got != "XOAUTH2: status 401, scope https://mail.google.com/" {
		t.Fatalf("reason %q", got)
	}
}

func TestOAuthBearerClient(t *testing.T) {
	c := NewClient(MechOAuthBearer, "alex@example.com", NewToken("tok", time.Time{}), "mail.example.com", 587)
	mech, ir, err := c.Start()
	if err != nil || mech != "OAUTHBEARER" || !bytes.HasPrefix(ir, []byte("n,a=alex@example.com,")) ||
		!bytes.Contains(ir, []byte("\x01auth=Bearer tok\x01\x01")) || !bytes.Contains(ir, []byte("\x01port=587")) {
		t.Fatalf("start: %q %q %v", mech, ir, err)
	}
	resp, err := c.Next([]byte(`{"status":"invalid_token"}`))
	if err != nil || !bytes.Equal(resp, []byte{1}) {
		t.Fatalf("RFC 7628 3.2.3 wants %%x01: %q %v", resp, err)
	}
	if c.Reason() != "OAUTHBEARER: status invalid_token" {
		t.Fatalf("reason %q", c.Reason())
	}
}

func TestChooseMechanism(t *testing.T) {
	for _, tc := range []struct {
		offered []string
		want    string
	}{
		{[]string{"PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER"}, MechOAuthBearer},
		{[]string{"plain", "xoauth2"}, MechXOAuth2},
		{[]string{"PLAIN", "LOGIN"}, ""},
		{nil, ""},
	} {
		if got := ChooseMechanism(tc.offered); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.offered, got, tc.want)
		}
	}
}
