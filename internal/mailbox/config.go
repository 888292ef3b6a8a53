// Package mailbox is rapport's IMAP side: connect to the user's mailbox,
// find Sent/Drafts/Junk, read headers incrementally by UID, peek at bodies,
// search, append drafts, and watch the inbox with IDLE.
//
// go-imap v2 is pre-1.0, so it stays behind this package's own small types.
// Every command has a deadline (go-imap's Wait has none) that hard-closes
// the connection when it fires. Nothing here changes a flag, moves or
// deletes: mailboxes are examined read-only and bodies fetched with PEEK.
package mailbox

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"rapport/internal/oauth"
)

// Security is how the connection is protected.
type Security string

// Security modes.
const (
	SecurityTLS      Security = "tls"      // implicit TLS, port 993
	SecurityStartTLS Security = "starttls" // STARTTLS on port 143
	SecurityNone     Security = "none"     // plaintext, loopback only
)

// Folders names special folders explicitly; empty names are discovered.
type Folders struct {
	Sent, Drafts, Junk string
}

// Config says how to reach and log in to the mailbox.
type Config struct {
	Host     string
	Port     int      // 0: 993 for tls, 143 otherwise
	Security Security // "": tls
	Username string
	Password string
	// OAuth2, when set, signs in with an access token from it (AUTHENTICATE
	// OAUTHBEARER or XOAUTH2, whichever the server offers) instead of
	// Password. It is asked at every dial, so a redial uses a fresh token.
	OAuth2 oauth.TokenSource
	// CAFile is a PEM file of extra roots (self-signed servers). RootCAs,
	// when set, replaces the system roots (tests).
	CAFile  string
	RootCAs *x509.CertPool
	Folders Folders
	// CommandTimeout bounds every command; on expiry the connection is
	// closed. Default 60s.
	CommandTimeout time.Duration
	// DialTimeout bounds the TCP connect and TLS handshake. Default 30s.
	DialTimeout time.Duration
}

// Defaults.
const (
	DefaultCommandTimeout = 60 * time.Second
	DefaultDialTimeout    = 30 * time.Second
)

// LogValue keeps the password out of logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", c.Host),
		slog.Int("port", c.Port),
		slog.String("security", string(c.Security)),
		slog.String("username", c.Username),
		slog.Bool("oauth2", c.OAuth2 != nil),
	)
}

// ErrInsecure is returned for security "none" to a host that is not
// loopback.
var ErrInsecure = errors.New(`security "none" is allowed only to a loopback host (127.0.0.1, ::1, localhost); use "tls" or "starttls"`)

func (c Config) withDefaults() (Config, error) {
	if c.Security == "" {
		c.Security = SecurityTLS
	}
	if c.Port == 0 {
		if c.Security == SecurityTLS {
			c.Port = 993
		} else {
			c.Port = 143
		}
	}
	if c.CommandTimeout <= 0 {
		c.CommandTimeout = DefaultCommandTimeout
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	var errs []error
	if c.Host == "" {
		errs = append(errs, errors.New("imap host is empty"))
	}
	if c.Port < 1 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("imap port %d out of range", c.Port))
	}
	if c.Username == "" {
		errs = append(errs, errors.New("imap username is empty"))
	}
	switch c.Security {
	case SecurityTLS, SecurityStartTLS:
	case SecurityNone:
		if c.Host != "" && !isLoopback(c.Host) {
			errs = append(errs, fmt.Errorf("imap host %s: %w", c.Host, ErrInsecure))
		}
	default:
		errs = append(errs, fmt.Errorf("imap security %q: want tls, starttls or none", c.Security))
	}
	return c, errors.Join(errs...)
}

// Validate reports every problem with c (after defaults), without dialing.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

// isLoopback accepts loopback IP literals and the name localhost; other
// names are not resolved (a DNS answer must not decide to send a password
// in clear).
func isLoopback(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c Config) tlsConfig() (*tls.Config, error) {
	t := &tls.Config{ServerName: strings.TrimSuffix(strings.TrimPrefix(c.Host, "["), "]"), MinVersion: tls.VersionTLS12}
	if c.RootCAs != nil {
		t.RootCAs = c.RootCAs
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool := t.RootCAs
		if pool == nil {
			if pool, err = x509.SystemCertPool(); err != nil {
				pool = x509.NewCertPool()
			}
		}
		pool = pool.Clone()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("read CA file %s: no PEM certificates", c.CAFile)
		}
		t.RootCAs = pool
	}
	return t, nil
}
