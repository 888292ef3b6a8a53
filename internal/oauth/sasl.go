package oauth

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
)

// SASL mechanism names.
const (
	MechXOAuth2     = "XOAUTH2"
	MechOAuthBearer = sasl.OAuthBearer // RFC 7628
)

// ChooseMechanism picks the OAuth2 SASL mechanism from those a server
// offers (IMAP AUTH= capabilities, SMTP's AUTH list): OAUTHBEARER, the
// standard, where offered, else XOAUTH2 (Microsoft 365 offers only that).
// "" means neither.
func ChooseMechanism(offered []string) string {
	var x bool
	for _, m := range offered {
		switch strings.ToUpper(m) {
		case MechOAuthBearer:
			return MechOAuthBearer
		case MechXOAuth2:
			x = true
		}
	}
	if x {
		return MechXOAuth2
	}
	return ""
}

// Client is a SASL client for one OAuth2 mechanism. When the server
// rejects the token it sends a JSON challenge (RFC 7628 §3.2.2; Google
// and Dovecot do the same for XOAUTH2): the client answers it as the
// mechanism requires, so the server can finish with its final NO or 535,
// and keeps the status for the error message.
type Client struct {
	mech  string
	inner sasl.Client // OAUTHBEARER's initial response comes from go-sasl
	ir    []byte
	imap  bool
	// Failure is the server's error challenge, decoded, once one came.
	Failure *sasl.OAuthBearerError
}

// NewClient returns a client for mech (MechXOAuth2 or MechOAuthBearer).
// host and port go into OAUTHBEARER's message (optional there).
func NewClient(mech, username string, token Token, host string, port int) *Client {
	c := &Client{mech: mech}
	switch mech {
	case MechOAuthBearer:
		c.inner = sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: username, Token: token.reveal(), Host: host, Port: port})
	default:
		c.mech = MechXOAuth2
		// https://developers.google.com/gmail/imap/xoauth2-protocol
		c.ir = []byte("user=" + username + "\x01auth=Bearer " + token.reveal() + "\x01\x01")
	}
	return c
}

// ForIMAP adapts the client to go-imap, which writes an empty
// continuation response as "=" (RFC 4959's form for an empty initial
// response); Dovecot refuses that as bad base64, with BAD instead of the
// NO that carries the reason. Over IMAP, XOAUTH2's error challenge is
// therefore answered with %x01, as OAUTHBEARER's is: the server ends the
// exchange with NO on any answer.
func (c *Client) ForIMAP() *Client {
	c.imap = true
	return c
}

// Start implements sasl.Client.
func (c *Client) Start() (string, []byte, error) {
	if c.inner != nil {
		return c.inner.Start()
	}
	return c.mech, c.ir, nil
}

// Next implements sasl.Client: the only challenge either mechanism gets is
// the error report. XOAUTH2 answers it with an empty response,
// OAUTHBEARER with a single %x01 (RFC 7628 §3.2.3). Returning an error
// instead would leave go-imap's AUTHENTICATE waiting and make go-smtp
// cancel the exchange, losing the server's reason.
func (c *Client) Next(challenge []byte) ([]byte, error) {
	var f sasl.OAuthBearerError
	if json.Unmarshal(challenge, &f) == nil {
		c.Failure = &f
	} else {
		c.Failure = &sasl.OAuthBearerError{Status: oneLine(string(challenge), 80)}
	}
	if c.mech == MechOAuthBearer || c.imap {
		return []byte{0x01}, nil
	}
	return []byte{}, nil
}

// Reason describes the server's error challenge, or "".
func (c *Client) Reason() string {
	if c.Failure == nil {
		return ""
	}
	parts := []string{}
	if s := oneLine(c.Failure.Status, 40); s != "" {
		parts = append(parts, "status "+s)
	}
	if s := oneLine(c.Failure.Scope, 200); s != "" {
		parts = append(parts, "scope "+s)
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("%s: %s", c.mech, strings.Join(parts, ", "))
}
