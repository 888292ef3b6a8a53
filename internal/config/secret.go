package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Secret is a password held in memory. It prints as a mask, so a stray
// %v or a log attribute never shows it.
type Secret string

func (Secret) String() string               { return "xxxxx" }
func (Secret) GoString() string             { return "config.Secret(xxxxx)" }
func (Secret) MarshalText() ([]byte, error) { return []byte("xxxxx"), nil }
func (s Secret) Reveal() string             { return string(s) }
func (s Secret) Format(f fmt.State, _ rune) { f.Write([]byte("xxxxx")) }

// Secret resolves a side's password; a side that signs in with OAuth2 has
// none (its token source is used instead).
func (s *Server) Secret(ctx context.Context, name string) (Secret, error) {
	if s.Auth == AuthOAuth2 {
		return "", nil
	}
	return s.ResolvePassword(ctx, name)
}

// Password resolves the account's password, in this order: a password set
// in code (demo, tests), password_command, password_file, then systemd's
// $CREDENTIALS_DIRECTORY (files NAME-password, then password). name is
// "imap" or "smtp". Errors never contain the secret or the command output.
func (s *Server) ResolvePassword(ctx context.Context, name string) (Secret, error) {
	switch {
	case s.Password != "":
		return s.Password, nil
	case s.PasswordCommand != "":
		return CommandSecret(ctx, name+".password_command", s.PasswordCommand)
	case s.PasswordFile != "":
		return readSecretFile(s.PasswordFile, name+".password_file")
	}
	if dir := os.Getenv("CREDENTIALS_DIRECTORY"); dir != "" {
		for _, f := range []string{name + "-password", "password"} {
			p := filepath.Join(dir, f)
			if _, err := os.Stat(p); err == nil {
				// systemd sets the credential's mode itself.
				b, err := os.ReadFile(p)
				if err != nil {
					return "", fmt.Errorf("read credential %s: %w", f, err)
				}
				return Secret(firstLine(b)), nil
			}
		}
	}
	return "", fmt.Errorf("%s: no password: set password_command or password_file (or LoadCredential=%s-password under systemd)", name, name)
}

// CommandSecret runs command with /bin/sh and returns the first line it
// prints: a password, a client secret or an access token (key names the
// setting in errors). Errors carry the command's stderr, never its output.
func CommandSecret(ctx context.Context, key, command string) (Secret, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		// The command's stderr is the user's tool talking (e.g. "gpg:
		// decryption failed"); it does not carry the secret.
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 200 {
			msg = msg[:200]
		}
		if msg != "" {
			return "", fmt.Errorf("%s failed: %v: %s", key, err, msg)
		}
		return "", fmt.Errorf("%s failed: %v", key, err)
	}
	pw := firstLine(out)
	if pw == "" {
		return "", fmt.Errorf("%s printed nothing", key)
	}
	return Secret(pw), nil
}

// ErrInsecureFile is returned for a password file others can read.
var ErrInsecureFile = errors.New("is readable or writable by group or others; run chmod 600 on it")

func readSecretFile(path, key string) (Secret, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("%s %s %w", key, path, ErrInsecureFile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	pw := firstLine(b)
	if pw == "" {
		return "", fmt.Errorf("%s %s is empty", key, path)
	}
	return Secret(pw), nil
}

func firstLine(b []byte) string {
	s := string(b)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return s
}
