// Package testoauth is an OAuth2 authorization server for tests, on
// 127.0.0.1: the authorization endpoint (code flow with PKCE, S256 only),
// the token endpoint (authorization_code, refresh_token with rotation,
// device_code), device authorization (RFC 8628), token introspection (RFC
// 7662, what Dovecot's oauth2 passdb asks) and revocation (RFC 7009). A
// test drives it like a provider's console: it expires access tokens,
// revokes grants, refuses a sign-in, and counts what clients did.
//
// There is no login page: /authorize signs in the user named by
// login_hint (rapport sends the mailbox username) and redirects at once,
// as a browser with a remembered session and consent would be.
//
// Access tokens name the server's port ("at.PORT.random"), so one
// Router on a fixed port (what the real Dovecot is configured with) can
// send each introspection to the test server that issued the token; every
// test process starts its own server on a free port.
package testoauth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Client is a registered OAuth client. Secret "" is a public client.
type Client struct {
	ID, Secret string
}

// Options configure a Server. Zero values take the defaults.
type Options struct {
	// Addr to listen on; default 127.0.0.1:0.
	Addr string
	// AccessTTL is the lifetime of access tokens; default 1h.
	AccessTTL time.Duration
	// KeepRefreshTokens turns off refresh-token rotation (by default,
	// as at Microsoft, every refresh issues a new refresh token and
	// voids the old one).
	KeepRefreshTokens bool
	// Clients that may sign in; default one public client "rapport-test".
	Clients []Client
	// DeviceInterval is the device flow's polling interval; default 1s.
	DeviceInterval time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Counts is what clients did for one user.
type Counts struct {
	Authorizations int // codes issued by /authorize
	CodeExchanges  int
	DeviceGrants   int
	Refreshes      int // successful refresh_token grants
	RefusedGrants  int // token requests refused with invalid_grant
	Introspections int
	Active         int // introspections that found the token active
}

// Server is a running authorization server.
type Server struct {
	URL  string // http://127.0.0.1:PORT
	Port int

	opts Options
	ln   net.Listener
	srv  *http.Server

	mu      sync.Mutex
	clients map[string]Client
	codes   map[string]*authCode
	devices map[string]*device // by device_code
	access  map[string]*accessToken
	refresh map[string]*grant // current refresh token → grant
	grants  []*grant
	counts  map[string]*Counts
	denied  map[string]bool
	issued  []string
}

type grant struct {
	user, client, scope string
	refresh             string
	revoked             bool
}

type accessToken struct {
	g       *grant
	expires time.Time
	voided  bool
}

type authCode struct {
	user, client, redirect, scope, challenge string
	expires                                  time.Time
	used                                     bool
}

type device struct {
	client, scope, userCode string
	user                    string // set once approved
	denied                  bool
	expires                 time.Time
	done                    bool
}

// Start listens and serves until Close.
func Start(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.AccessTTL <= 0 {
		opts.AccessTTL = time.Hour
	}
	if len(opts.Clients) == 0 {
		opts.Clients = []Client{{ID: "rapport-test"}}
	}
	if opts.DeviceInterval <= 0 {
		opts.DeviceInterval = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("testoauth: listen %s: %w", opts.Addr, err)
	}
	s := &Server{
		opts: opts, ln: ln,
		clients: map[string]Client{}, codes: map[string]*authCode{}, devices: map[string]*device{},
		access: map[string]*accessToken{}, refresh: map[string]*grant{}, counts: map[string]*Counts{}, denied: map[string]bool{},
	}
	for _, c := range opts.Clients {
		s.clients[c.ID] = c
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	s.URL = "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("POST /device/code", s.deviceCode)
	mux.HandleFunc("GET /device", s.deviceApprove)
	mux.HandleFunc("POST /introspect", s.introspect)
	mux.HandleFunc("POST /revoke", s.revoke)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Endpoints.
func (s *Server) AuthURL() string       { return s.URL + "/authorize" }
func (s *Server) TokenURL() string      { return s.URL + "/token" }
func (s *Server) DeviceAuthURL() string { return s.URL + "/device/code" }
func (s *Server) IntrospectURL() string { return s.URL + "/introspect" }

func (s *Server) countsOf(user string) *Counts {
	c := s.counts[strings.ToLower(user)]
	if c == nil {
		c = &Counts{}
		s.counts[strings.ToLower(user)] = c
	}
	return c
}

// Counts returns what clients did for user so far.
func (s *Server) Counts(user string) Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.countsOf(user)
}

// ExpireAccessTokens ends every access token of user now, as a provider
// does when a token's hour is up (the client is not told). It returns how
// many were alive.
func (s *Server) ExpireAccessTokens(user string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	now := s.opts.Now()
	for _, a := range s.access {
		if strings.EqualFold(a.g.user, user) && !a.voided && now.Before(a.expires) {
			a.voided = true
			n++
		}
	}
	return n
}

// RevokeGrants revokes every grant of user (the user removed the app's
// access, or changed their password): refresh tokens and access tokens
// stop working. It returns how many grants were revoked.
func (s *Server) RevokeGrants(user string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, g := range s.grants {
		if strings.EqualFold(g.user, user) && !g.revoked {
			g.revoked = true
			n++
		}
	}
	return n
}

// SetDenied makes /authorize refuse user's sign-in (access_denied).
func (s *Server) SetDenied(user string, denied bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[strings.ToLower(user)] = denied
}

// Issue grants user a token pair directly, as an external token helper
// would have obtained it.
func (s *Server) Issue(user, clientID string) (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.newGrant(user, clientID, "mail")
	return s.newAccess(g), g.refresh
}

// Issued returns every token, code and secret value the server has handed
// out (for tests that check none of them leaked).
func (s *Server) Issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// ApproveDevice approves a pending device sign-in as user, as the user
// would at the verification page.
func (s *Server) ApproveDevice(userCode, user string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.devices {
		if d.userCode == strings.ToUpper(strings.TrimSpace(userCode)) && !d.done {
			if s.denied[strings.ToLower(user)] {
				d.denied = true
			} else {
				d.user = user
			}
			return nil
		}
	}
	return fmt.Errorf("testoauth: no pending device sign-in with code %q", userCode)
}

func (s *Server) secret(prefix string) string {
	var b [18]byte
	_, _ = rand.Read(b[:])
	v := prefix + base64.RawURLEncoding.EncodeToString(b[:])
	s.issued = append(s.issued, v)
	return v
}

func (s *Server) newGrant(user, client, scope string) *grant {
	g := &grant{user: user, client: client, scope: scope, refresh: s.secret("rt.")}
	s.grants = append(s.grants, g)
	s.refresh[g.refresh] = g
	return g
}

func (s *Server) newAccess(g *grant) string {
	t := s.secret("at." + strconv.Itoa(s.Port) + ".")
	s.access[t] = &accessToken{g: g, expires: s.opts.Now().Add(s.opts.AccessTTL)}
	return t
}

// PortOf returns the port an access token names, or 0.
func PortOf(token string) int {
	parts := strings.SplitN(token, ".", 3)
	if len(parts) != 3 || parts[0] != "at" {
		return 0
	}
	p, err := strconv.Atoi(parts[1])
	if err != nil || p < 1 || p > 65535 {
		return 0
	}
	return p
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	ru, err := url.Parse(redirect)
	if err != nil || ru.Scheme != "http" || !loopback(ru.Hostname()) {
		http.Error(w, "redirect_uri must be a loopback http address", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fail := func(code, desc string) {
		v := ru.Query()
		v.Set("error", code)
		v.Set("error_description", desc)
		v.Set("state", q.Get("state"))
		ru.RawQuery = v.Encode()
		http.Redirect(w, r, ru.String(), http.StatusFound)
	}
	if _, ok := s.clients[q.Get("client_id")]; !ok {
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	}
	user := q.Get("login_hint")
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "only code")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		fail("invalid_request", "PKCE with S256 is required")
	case user == "":
		fail("invalid_request", "login_hint names the test user")
	case s.denied[strings.ToLower(user)]:
		fail("access_denied", "the user declined")
	default:
		code := s.secret("ac.")
		s.codes[code] = &authCode{user: user, client: q.Get("client_id"), redirect: redirect, scope: q.Get("scope"),
			challenge: q.Get("code_challenge"), expires: s.opts.Now().Add(10 * time.Minute)}
		s.countsOf(user).Authorizations++
		v := ru.Query()
		v.Set("code", code)
		v.Set("state", q.Get("state"))
		ru.RawQuery = v.Encode()
		http.Redirect(w, r, ru.String(), http.StatusFound)
	}
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type tokenError struct {
	status int
	code   string
	desc   string
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// clientOf authenticates the client (client_secret_basic or _post; none
// for public clients).
func (s *Server) clientOf(r *http.Request) (Client, *tokenError) {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	c, ok := s.clients[id]
	if !ok {
		return Client{}, &tokenError{http.StatusUnauthorized, "invalid_client", "unknown client"}
	}
	if c.Secret != "" && subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return Client{}, &tokenError{http.StatusUnauthorized, "invalid_client", "wrong client secret"}
	}
	return c, nil
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, terr := s.clientOf(r)
	if terr != nil {
		writeJSON(w, terr.status, map[string]string{"error": terr.code, "error_description": terr.desc})
		return
	}
	resp, terr := s.grantToken(c, r.PostForm)
	if terr != nil {
		writeJSON(w, terr.status, map[string]string{"error": terr.code, "error_description": terr.desc})
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) tokenResponse(g *grant) map[string]any {
	return map[string]any{"access_token": s.newAccess(g), "token_type": "Bearer", "refresh_token": g.refresh,
		"expires_in": int(s.opts.AccessTTL.Seconds()), "scope": g.scope}
}

func (s *Server) grantToken(c Client, f url.Values) (map[string]any, *tokenError) {
	now := s.opts.Now()
	bad := func(desc string) *tokenError { return &tokenError{http.StatusBadRequest, "invalid_grant", desc} }
	switch f.Get("grant_type") {
	case "authorization_code":
		ac := s.codes[f.Get("code")]
		switch {
		case ac == nil || ac.used || now.After(ac.expires):
			return nil, bad("unknown, used or expired code")
		case ac.client != c.ID:
			return nil, bad("code of another client")
		case ac.redirect != f.Get("redirect_uri"):
			return nil, bad("redirect_uri differs from the authorization request")
		}
		sum := sha256.Sum256([]byte(f.Get("code_verifier")))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != ac.challenge {
			return nil, bad("code_verifier does not match the code_challenge")
		}
		ac.used = true
		s.countsOf(ac.user).CodeExchanges++
		return s.tokenResponse(s.newGrant(ac.user, c.ID, ac.scope)), nil
	case "refresh_token":
		g := s.refresh[f.Get("refresh_token")]
		if g == nil || g.revoked || g.client != c.ID {
			if g != nil {
				s.countsOf(g.user).RefusedGrants++
			}
			return nil, bad("the refresh token is unknown, rotated or revoked")
		}
		if !s.opts.KeepRefreshTokens {
			delete(s.refresh, g.refresh)
			g.refresh = s.secret("rt.")
			s.refresh[g.refresh] = g
		}
		s.countsOf(g.user).Refreshes++
		return s.tokenResponse(g), nil
	case "urn:ietf:params:oauth:grant-type:device_code":
		d := s.devices[f.Get("device_code")]
		switch {
		case d == nil || d.done || d.client != c.ID:
			return nil, bad("unknown device code")
		case now.After(d.expires):
			return nil, &tokenError{http.StatusBadRequest, "expired_token", "the device code expired"}
		case d.denied:
			d.done = true
			return nil, &tokenError{http.StatusBadRequest, "access_denied", "the user declined"}
		case d.user == "":
			return nil, &tokenError{http.StatusBadRequest, "authorization_pending", ""}
		}
		d.done = true
		s.countsOf(d.user).DeviceGrants++
		return s.tokenResponse(s.newGrant(d.user, c.ID, d.scope)), nil
	}
	return nil, &tokenError{http.StatusBadRequest, "unsupported_grant_type", f.Get("grant_type")}
}

func (s *Server) deviceCode(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PostForm.Get("client_id")
	if _, ok := s.clients[id]; !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	uc := strings.ToUpper(hex.EncodeToString(b[:2]) + "-" + hex.EncodeToString(b[2:]))
	dc := s.secret("dc.")
	s.devices[dc] = &device{client: id, scope: r.PostForm.Get("scope"), userCode: uc, expires: s.opts.Now().Add(10 * time.Minute)}
	writeJSON(w, http.StatusOK, map[string]any{"device_code": dc, "user_code": uc, "verification_uri": s.URL + "/device",
		"expires_in": 600, "interval": int(s.opts.DeviceInterval.Seconds())})
}

// deviceApprove is the verification page: /device?user_code=X&login=USER
// approves as USER (the page a user would fill in).
func (s *Server) deviceApprove(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("user_code") == "" || q.Get("login") == "" {
		fmt.Fprintln(w, "enter ?user_code=…&login=…")
		return
	}
	if err := s.ApproveDevice(q.Get("user_code"), q.Get("login")); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	fmt.Fprintln(w, "signed in")
}

func (s *Server) introspect(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.access[r.PostForm.Get("token")]
	if a == nil {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	c := s.countsOf(a.g.user)
	c.Introspections++
	if a.voided || a.g.revoked || !s.opts.Now().Before(a.expires) {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	c.Active++
	writeJSON(w, http.StatusOK, map[string]any{"active": true, "username": a.g.user, "client_id": a.g.client,
		"scope": a.g.scope, "token_type": "Bearer", "exp": a.expires.Unix()})
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := r.PostForm.Get("token")
	if g := s.refresh[t]; g != nil {
		g.revoked = true
	} else if a := s.access[t]; a != nil {
		a.voided = true
	}
	w.WriteHeader(http.StatusOK)
}
