package testoauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
)

// Check reports whether token is an active access token of username, as
// an IMAP or SMTP server validating it by introspection would.
func (s *Server) Check(username, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.access[token]
	if a == nil {
		return errors.New("unknown token")
	}
	c := s.countsOf(a.g.user)
	c.Introspections++
	switch {
	case a.voided || a.g.revoked || !s.opts.Now().Before(a.expires):
		return errors.New("token not active")
	case !strings.EqualFold(a.g.user, username):
		return fmt.Errorf("token of another user")
	}
	c.Active++
	return nil
}

// ErrSASLProtocol is wrapped by the SASL server's error when the client
// broke the mechanism's rules.
var ErrSASLProtocol = errors.New("SASL protocol violation")

// NewSASLServer is the server side of XOAUTH2 or OAUTHBEARER for
// in-process IMAP and SMTP test servers, strict as Dovecot and Gmail are:
// a refused token gets a JSON error challenge, which the client must
// answer with an empty response (XOAUTH2) or %x01 (OAUTHBEARER, RFC 7628
// §3.2.3) before the exchange fails with fail. check validates the token;
// done is called with the username once it is accepted. Over IMAP
// (forIMAP), XOAUTH2's error challenge may also be answered with %x01.
func NewSASLServer(mech string, forIMAP bool, check func(username, token string) error, fail error, done func(username string)) sasl.Server {
	return &saslServer{mech: strings.ToUpper(mech), imap: forIMAP, check: check, fail: fail, done: done}
}

type saslServer struct {
	mech    string
	imap    bool
	check   func(username, token string) error
	fail    error
	done    func(string)
	started bool
	failed  bool
}

func (s *saslServer) Next(resp []byte) ([]byte, bool, error) {
	if s.failed {
		want := []byte{}
		ok := len(resp) == 0 || s.imap && bytes.Equal(resp, []byte{0x01})
		if s.mech == sasl.OAuthBearer {
			want = []byte{0x01}
			ok = bytes.Equal(resp, want)
		}
		if !ok {
			return nil, true, fmt.Errorf("%w: %s: the client answered the error challenge with %q, want %q", ErrSASLProtocol, s.mech, resp, want)
		}
		return nil, true, s.fail
	}
	if resp == nil && !s.started {
		s.started = true
		return []byte{}, false, nil // ask for the initial response
	}
	user, token, err := s.parse(resp)
	if err != nil {
		return nil, true, err
	}
	if err := s.check(user, token); err != nil {
		s.failed = true
		ch, _ := json.Marshal(map[string]string{"status": "401", "schemes": "bearer", "scope": "mail"})
		if s.mech == sasl.OAuthBearer {
			ch, _ = json.Marshal(map[string]string{"status": "invalid_token", "scope": "mail"})
		}
		return ch, false, nil
	}
	if s.done != nil {
		s.done(user)
	}
	return nil, true, nil
}

func (s *saslServer) parse(resp []byte) (user, token string, err error) {
	msg := string(resp)
	if s.mech == sasl.OAuthBearer {
		gs2, rest, ok := strings.Cut(msg, "\x01")
		if !ok || !strings.HasPrefix(gs2, "n,") {
			return "", "", fmt.Errorf("%w: OAUTHBEARER: bad GS2 header", ErrSASLProtocol)
		}
		for _, f := range strings.Split(strings.TrimPrefix(gs2, "n,"), ",") {
			if a, ok := strings.CutPrefix(f, "a="); ok {
				user = a
			}
		}
		msg = rest
	}
	for _, kv := range strings.Split(msg, "\x01") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "user":
			user = v
		case "auth":
			b, ok := strings.CutPrefix(v, "Bearer ")
			if !ok {
				return "", "", fmt.Errorf("%w: %s: auth is not a Bearer token", ErrSASLProtocol, s.mech)
			}
			token = b
		}
	}
	if user == "" || token == "" || !strings.HasSuffix(msg, "\x01\x01") && !strings.HasSuffix(string(resp), "\x01\x01") {
		return "", "", fmt.Errorf("%w: %s: malformed initial response", ErrSASLProtocol, s.mech)
	}
	return user, token, nil
}
