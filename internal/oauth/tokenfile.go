package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"

	"rapport/internal/config"
)

// tokenFileVersion is the format written; a newer one is refused.
const tokenFileVersion = 1

// diskFile is the token file's JSON. It is the only place a refresh token
// is written.
type diskFile struct {
	Version      int       `json:"version"`
	Provider     string    `json:"provider,omitempty"`
	ClientID     string    `json:"client_id"`
	TokenURL     string    `json:"token_url"`
	Scopes       []string  `json:"scopes,omitempty"`
	Username     string    `json:"username,omitempty"`
	SignedInAt   time.Time `json:"signed_in_at"`
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	IssuedAt     time.Time `json:"issued_at"`
	RefreshToken string    `json:"refresh_token,omitempty"`
}

// Grant is what a token file holds, with the tokens masked.
type Grant struct {
	Provider   string
	ClientID   string
	TokenURL   string
	Scopes     []string
	Username   string
	SignedInAt time.Time
	Access     Token
	IssuedAt   time.Time // when Access was obtained
	Refresh    config.Secret
}

// HasRefresh reports whether the grant can be renewed without the user.
func (g *Grant) HasRefresh() bool { return g.Refresh != "" }

// margin is how long before its expiry an access token is replaced: a
// fifth of its lifetime, at most five minutes (a new token is then never
// refused for having expired on the way).
func (g *Grant) margin() time.Duration {
	if g.Access.Expiry.IsZero() || g.IssuedAt.IsZero() {
		return time.Minute
	}
	m := g.Access.Expiry.Sub(g.IssuedAt) / 5
	return max(0, min(m, 5*time.Minute))
}

// fresh reports whether the access token is good for a new connection.
func (g *Grant) fresh(now time.Time) bool {
	if g.Access.IsZero() {
		return false
	}
	return g.Access.Expiry.IsZero() || now.Add(g.margin()).Before(g.Access.Expiry)
}

func (g *Grant) disk() diskFile {
	return diskFile{Version: tokenFileVersion, Provider: g.Provider, ClientID: g.ClientID, TokenURL: g.TokenURL,
		Scopes: g.Scopes, Username: g.Username, SignedInAt: g.SignedInAt.UTC(), AccessToken: g.Access.reveal(), TokenType: "Bearer",
		Expiry: g.Access.Expiry.UTC(), IssuedAt: g.IssuedAt.UTC(), RefreshToken: g.Refresh.Reveal()}
}

// grantFrom makes a grant of a token endpoint's answer.
func grantFrom(s *Settings, t *oauth2.Token, now time.Time) *Grant {
	g := &Grant{Provider: s.Provider, ClientID: s.ClientID, TokenURL: s.Endpoint.TokenURL, Scopes: s.Scopes,
		Username: s.Username, SignedInAt: now, IssuedAt: now,
		Access: NewToken(t.AccessToken, t.Expiry), Refresh: config.Secret(t.RefreshToken)}
	if t.ExpiresIn > 0 {
		// On the source's clock, which is the one it is checked against.
		g.Access.Expiry = now.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	return g
}

// ReadGrant reads a token file. A missing file is ErrNotSignedIn.
func ReadGrant(path string) (*Grant, error) {
	b, err := readPrivate(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotSignedIn
	}
	if err != nil {
		return nil, err
	}
	var d diskFile
	if err := json.Unmarshal(b, &d); err != nil {
		// Not echoing the parser's message: it may quote the file.
		return nil, fmt.Errorf("token file %s is damaged (not the JSON rapport writes); run `rapport auth login` to replace it", path)
	}
	if d.Version > tokenFileVersion {
		return nil, fmt.Errorf("token file %s is of a newer rapport (format %d)", path, d.Version)
	}
	if d.AccessToken == "" && d.RefreshToken == "" {
		return nil, &SignInError{Msg: "token file " + path + " holds no token: run `rapport auth login`"}
	}
	return &Grant{Provider: d.Provider, ClientID: d.ClientID, TokenURL: d.TokenURL, Scopes: d.Scopes, Username: d.Username,
		SignedInAt: d.SignedInAt, Access: NewToken(d.AccessToken, d.Expiry), IssuedAt: d.IssuedAt,
		Refresh: config.Secret(d.RefreshToken)}, nil
}

func readPrivate(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("token file %s %w", path, config.ErrInsecureFile)
	}
	return os.ReadFile(path)
}

// WriteGrant replaces the token file atomically with mode 0600, creating
// its directory (0700) if needed.
func WriteGrant(path string, g *Grant) (err error) {
	b, err := json.MarshalIndent(g.disk(), "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("token file directory: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	if _, err = f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	return nil
}

// RemoveGrant deletes the token file (signing out). It reports whether
// there was one.
func RemoveGrant(ctx context.Context, path string) (bool, error) {
	unlock, err := lockFile(ctx, path)
	if err != nil {
		return false, err
	}
	defer unlock()
	err = os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// stamp identifies a version of the token file, to notice a new sign-in
// (or another process's refresh) without reading it.
type stamp struct {
	ino   uint64
	size  int64
	mtime time.Time
}

func stampOf(path string) (stamp, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return stamp{}, false
	}
	return stamp{ino: inode(st), size: st.Size(), mtime: st.ModTime()}, true
}

// lockFile takes the exclusive lock of the token file (a ".lock" file
// beside it) until unlock, waiting while ctx allows.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("token file directory: %w", err)
	}
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock token file: %w", err)
	}
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock token file: %w", err)
		}
		if ok {
			return func() { unlockFile(f); f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("lock token file %s: %w", path, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
