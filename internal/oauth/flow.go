package oauth

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"rapport/internal/config"
)

// LoginOptions steer the browser sign-in.
type LoginOptions struct {
	// Out receives the URL and instructions.
	Out io.Writer
	// In is where a pasted redirect URL is read from with NoBrowser.
	In io.Reader
	// NoBrowser does not open a browser; the user opens the URL anywhere
	// and pastes back the address the browser was sent to (servers
	// without a display). The loopback listener still waits too.
	NoBrowser bool
	// OpenBrowser opens url; nil: OpenBrowser.
	OpenBrowser func(url string) error
	// Timeout bounds the whole sign-in; default 10 minutes.
	Timeout time.Duration
}

// Login runs the authorization-code flow with PKCE (S256) and a loopback
// redirect on 127.0.0.1, exchanges the code and writes the token file.
func Login(ctx context.Context, s Settings, o LoginOptions) (*Grant, error) {
	if s.TokenCommand != "" {
		return nil, errors.New("oauth2.token_command is set: sign in with your token helper instead")
	}
	if s.Endpoint.AuthURL == "" || s.Endpoint.TokenURL == "" {
		return nil, errors.New("oauth2: no authorization or token endpoint (set oauth2.provider, or auth_url and token_url)")
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the sign-in redirect: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	listeners := []net.Listener{ln}
	host := "127.0.0.1"
	if s.Provider == config.ProviderMicrosoft {
		// Entra ID registers public clients' loopback redirect as
		// http://localhost (any port); a browser may try ::1 first.
		host = "localhost"
		if ln6, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(port))); err == nil {
			listeners = append(listeners, ln6)
		}
	}
	redirect := "http://" + net.JoinHostPort(host, strconv.Itoa(port))

	state := randomString()
	verifier := oauth2.GenerateVerifier()
	cfg, err := s.config(ctx, redirect)
	if err != nil {
		return nil, fmt.Errorf("oauth2 client secret: %w", err)
	}
	authURL := cfg.AuthCodeURL(state, append(s.authOptions(), oauth2.S256ChallengeOption(verifier))...)

	results := make(chan callback, 4)
	srv := &http.Server{Handler: callbackHandler(state, results), ReadHeaderTimeout: 10 * time.Second}
	for _, l := range listeners {
		go func() { _ = srv.Serve(l) }()
	}
	defer srv.Close()

	if o.NoBrowser {
		fmt.Fprintf(o.Out, "Open this address in a browser, on this machine or any other, and sign in as %s:\n\n  %s\n\n", s.Username, authURL)
		fmt.Fprintf(o.Out, "The browser is then sent to %s/?code=… . On another machine that page does not load:\n"+
			"copy the whole address from the browser's address bar and paste it here.\n", redirect)
		if o.In != nil {
			go readPasted(ctx, o.In, o.Out, state, results)
		}
	} else {
		fmt.Fprintf(o.Out, "Sign in as %s in your browser. If no browser opens, open this address:\n\n  %s\n\n", s.Username, authURL)
		open := o.OpenBrowser
		if open == nil {
			open = OpenBrowser
		}
		if err := open(authURL); err != nil {
			fmt.Fprintf(o.Out, "(no browser opened: %v; open the address yourself, or use --no-browser on a machine without a display)\n", err)
		}
	}
	fmt.Fprintln(o.Out, "Waiting for the sign-in…")

	var cb callback
	select {
	case cb = <-results:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("sign-in not completed within %v", o.Timeout)
		}
		return nil, ctx.Err()
	}
	if cb.err != nil {
		return nil, cb.err
	}
	tok, err := cfg.Exchange(s.context(ctx), cb.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, exchangeError(err)
	}
	return saveGrant(ctx, &s, tok)
}

type callback struct {
	code string
	err  error
}

// callbackHandler receives the provider's redirect to the loopback
// address; a redirect of another attempt (wrong state) is refused.
func callbackHandler(state string, results chan<- callback) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("code") == "" && q.Get("error") == "" {
			http.NotFound(w, r)
			return
		}
		cb, ok := parseCallback(q, state)
		if !ok {
			http.Error(w, "This sign-in page belongs to another rapport sign-in attempt; start again from the address rapport printed.", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		msg := "rapport is signed in. You can close this tab."
		if cb.err != nil {
			w.WriteHeader(http.StatusForbidden)
			msg = "The sign-in did not complete: " + cb.err.Error()
		}
		fmt.Fprintf(w, "<!doctype html><title>rapport</title><p>%s</p>\n", html.EscapeString(msg))
		select {
		case results <- cb:
		default:
		}
	})
}

// parseCallback reads code or error from a redirect's query; ok is false
// when the state is not ours.
func parseCallback(q url.Values, state string) (callback, bool) {
	if q.Get("state") != state {
		return callback{}, false
	}
	if e := q.Get("error"); e != "" {
		msg := "the sign-in was refused (" + oneLine(e, 60)
		if d := oneLine(q.Get("error_description"), 300); d != "" {
			msg += ": " + d
		}
		return callback{err: errors.New(msg + ")")}, true
	}
	return callback{code: q.Get("code")}, true
}

// readPasted reads redirect URLs pasted by the user until one is this
// attempt's.
func readPasted(ctx context.Context, in io.Reader, out io.Writer, state string, results chan<- callback) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for sc.Scan() {
		if ctx.Err() != nil {
			return
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		raw := line
		if u, err := url.Parse(line); err == nil && u.RawQuery != "" {
			raw = u.RawQuery
		}
		q, err := url.ParseQuery(strings.TrimPrefix(raw, "?"))
		if err != nil || (q.Get("code") == "" && q.Get("error") == "") {
			fmt.Fprintln(out, "That is not the address the browser was sent to (it has ?code=… in it); paste the whole address:")
			continue
		}
		cb, ok := parseCallback(q, state)
		if !ok {
			fmt.Fprintln(out, "That address belongs to another sign-in attempt; paste the one of this attempt:")
			continue
		}
		results <- cb
		return
	}
}

// DeviceLogin runs the device-code flow (RFC 8628): the user enters a
// short code at the provider's page on any device. Microsoft offers it
// (the app registration must allow public client flows); Google does not
// for Gmail.
func DeviceLogin(ctx context.Context, s Settings, out io.Writer) (*Grant, error) {
	if s.TokenCommand != "" {
		return nil, errors.New("oauth2.token_command is set: sign in with your token helper instead")
	}
	if s.Endpoint.DeviceAuthURL == "" {
		if s.Provider == config.ProviderGoogle {
			return nil, errors.New("Google does not allow the device-code flow for Gmail: use `rapport auth login --no-browser` on a machine without a display")
		}
		return nil, errors.New("the provider has no device-code endpoint here: set oauth2.device_auth_url, or sign in without --device")
	}
	if out == nil {
		out = io.Discard
	}
	cfg, err := s.config(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("oauth2 client secret: %w", err)
	}
	hctx := s.context(ctx)
	da, err := cfg.DeviceAuth(hctx)
	if err != nil {
		return nil, fmt.Errorf("start the device sign-in: %s", providerError(err))
	}
	fmt.Fprintf(out, "To sign in as %s, open %s on any device and enter the code %s\n", s.Username, da.VerificationURI, da.UserCode)
	if da.VerificationURIComplete != "" {
		fmt.Fprintf(out, "(or open %s)\n", da.VerificationURIComplete)
	}
	fmt.Fprintln(out, "Waiting for the sign-in…")
	tok, err := cfg.DeviceAccessToken(hctx, da)
	if err != nil {
		switch retrieveCode(err) {
		case "access_denied", "authorization_declined":
			return nil, errors.New("the sign-in was refused at the provider's page")
		case "expired_token":
			return nil, errors.New("the code expired before the sign-in was done: run the command again")
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, errors.New("the code expired before the sign-in was done: run the command again")
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, exchangeError(err)
	}
	return saveGrant(ctx, &s, tok)
}

func exchangeError(err error) error {
	if retrieveCode(err) != "" {
		return fmt.Errorf("the provider refused the sign-in: %s", providerError(err))
	}
	return fmt.Errorf("get the token: %w", err)
}

// saveGrant writes a new sign-in's tokens to the token file, under its
// lock (a running daemon may be refreshing the old grant).
func saveGrant(ctx context.Context, s *Settings, tok *oauth2.Token) (*Grant, error) {
	g := grantFrom(s, tok, s.now())
	unlock, err := lockFile(ctx, s.TokenFile)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := WriteGrant(s.TokenFile, g); err != nil {
		return nil, err
	}
	return g, nil
}

func randomString() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ErrNoDisplay is returned by OpenBrowser where no browser can be shown.
var ErrNoDisplay = errors.New("no display here")

// OpenBrowser opens u in the user's browser: $BROWSER, else open on macOS,
// else xdg-open when there is a display.
func OpenBrowser(u string) error {
	var cmd *exec.Cmd
	switch {
	case os.Getenv("BROWSER") != "":
		cmd = exec.Command(strings.Split(os.Getenv("BROWSER"), ":")[0], u)
	case runtime.GOOS == "darwin":
		cmd = exec.Command("open", u)
	case os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "":
		cmd = exec.Command("xdg-open", u)
	default:
		return ErrNoDisplay
	}
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
