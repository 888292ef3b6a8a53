package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const oauthBase = `
me: {name: Alex Doe, email: alex@example.com, timezone: UTC}
database: "sqlite:///tmp/x.db"
`

func TestOAuth2ConfigAccepted(t *testing.T) {
	for name, src := range map[string]string{
		"microsoft public client": `
imap: {host: outlook.office365.com, username: alex@example.com, auth: oauth2}
smtp: {host: smtp.office365.com, username: alex@example.com, auth: oauth2}
oauth2: {provider: microsoft, client_id: 0b4c-11}`,
		"google with a secret command, smtp keeps a password": `
imap: {host: imap.gmail.com, username: alex@example.com, auth: oauth2}
smtp: {host: smtp.gmail.com, username: alex@example.com, password_command: "echo pw"}
oauth2: {provider: google, client_id: x.apps.googleusercontent.com, client_secret_command: "pass show g"}`,
		"custom on loopback": `
imap: {host: 127.0.0.1, security: none, username: a, auth: oauth2}
smtp: {host: 127.0.0.1, security: none, username: a, auth: oauth2}
oauth2: {provider: custom, client_id: c, auth_url: "http://127.0.0.1:9/a", token_url: "http://localhost:9/t",
  device_auth_url: "https://idp.example.com/device", scopes: [mail, offline_access], token_file: /var/lib/rapport/t.json}`,
		"token_command": `
imap: {host: outlook.office365.com, username: a, auth: oauth2}
smtp: {host: smtp.office365.com, username: a, auth: oauth2}
oauth2: {provider: microsoft, token_command: "pizauth show work"}`,
		"microsoft tenant": `
imap: {host: outlook.office365.com, username: a, auth: oauth2}
smtp: {host: smtp.office365.com, username: a, auth: oauth2}
oauth2: {provider: microsoft, client_id: c, tenant: contoso.onmicrosoft.com}`,
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := Parse(strings.NewReader(oauthBase+src), "t.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if !cfg.UsesOAuth2() {
				t.Fatal("UsesOAuth2 = false")
			}
		})
	}
}

func TestPasswordIsTheDefaultAuth(t *testing.T) {
	cfg, err := Parse(strings.NewReader(minimal), "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IMAP.Auth != AuthPassword || cfg.SMTP.Auth != AuthPassword || cfg.UsesOAuth2() {
		t.Fatalf("auth %q/%q", cfg.IMAP.Auth, cfg.SMTP.Auth)
	}
}

func TestOAuth2ConfigProblemsAllReported(t *testing.T) {
	for name, tc := range map[string]struct {
		src  string
		want []string
	}{
		"unknown auth and missing provider": {`
imap: {host: h, username: a, auth: xoauth, password_command: x}
smtp: {host: h, username: a, auth: oauth2, password_file: /x}
oauth2: {client_secret_file: /a, client_secret_command: b, tenant: "bad tenant!", token_file: rel.json, scopes: ["two words"]}`,
			[]string{`imap.auth "xoauth": want password or oauth2`, "smtp.password_command and smtp.password_file do not apply",
				"oauth2.provider is required", "oauth2.client_id is required", "client_secret_file and oauth2.client_secret_command are exclusive",
				"oauth2.tenant applies to provider microsoft only", `oauth2.token_file "rel.json" must be an absolute path`, `oauth2.scopes[0] "two words"`}},
		"custom without endpoints": {`
imap: {host: h, username: a, auth: oauth2}
smtp: {host: h, username: a}
oauth2: {provider: custom, client_id: c, auth_url: "http://idp.example.com/a"}`,
			[]string{"want https (http only to a loopback host)", "oauth2.token_url is required with provider custom", "oauth2.scopes is required with provider custom"}},
		"block without oauth2 auth": {`
imap: {host: h, username: a, password_command: x}
smtp: {host: h, username: a, password_command: x}
oauth2: {provider: google, client_id: c}`,
			[]string{"oauth2 is set but neither imap.auth nor smtp.auth is oauth2"}},
		"token_command with own keys": {`
imap: {host: h, username: a, auth: oauth2}
smtp: {host: h, username: a, auth: oauth2}
oauth2: {provider: yahoo, token_command: "oama access a", client_id: c, token_file: /t}`,
			[]string{"oauth2.client_id has no effect with oauth2.token_command", "oauth2.token_file has no effect", `oauth2.provider "yahoo"`}},
		"credentials in a URL": {`
imap: {host: h, username: a, auth: oauth2}
smtp: {host: h, username: a, auth: oauth2}
oauth2: {provider: custom, client_id: c, auth_url: "https://u:hunter2@idp.example.com/a", token_url: "https://idp.example.com/t", scopes: [s]}`,
			[]string{"no credentials in the URL"}},
		"unknown key in the block": {`
imap: {host: h, username: a, auth: oauth2}
smtp: {host: h, username: a, auth: oauth2}
oauth2: {provider: google, client_id: c, client_secrett: x}`,
			[]string{`unknown key "oauth2.client_secrett"`}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(oauthBase+tc.src), "t.yaml")
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the password in the URL:\n%v", err)
			}
		})
	}
}

func TestDefaultTokenFileIsInTheStateDirectory(t *testing.T) {
	t.Setenv("STATE_DIRECTORY", "/var/lib/rapport")
	if got := (OAuth2{}).TokenFilePath(); got != "/var/lib/rapport/oauth2-token.json" {
		t.Fatalf("under systemd: %s", got)
	}
	t.Setenv("STATE_DIRECTORY", "")
	t.Setenv("XDG_STATE_HOME", "/home/a/.state")
	if got := (OAuth2{}).TokenFilePath(); got != "/home/a/.state/rapport/oauth2-token.json" {
		t.Fatalf("XDG: %s", got)
	}
	if got := (OAuth2{TokenFile: "/x/t.json"}).TokenFilePath(); got != "/x/t.json" {
		t.Fatalf("set: %s", got)
	}
}

func TestClientSecretSources(t *testing.T) {
	ctx := context.Background()
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	if s, ok, err := (OAuth2{}).ResolveClientSecret(ctx); err != nil || ok || s != "" {
		t.Fatalf("public client: %v %v", ok, err)
	}
	if s, ok, err := (OAuth2{ClientSecretCommand: "printf 'GOCSPX-abc\\n'"}).ResolveClientSecret(ctx); err != nil || !ok || s.Reveal() != "GOCSPX-abc" {
		t.Fatalf("command: %v %v", ok, err)
	}
	_, _, err := (OAuth2{ClientSecretCommand: "echo GOCSPX-abc; exit 1"}).ResolveClientSecret(ctx)
	if err == nil || strings.Contains(err.Error(), "GOCSPX") || !strings.Contains(err.Error(), "oauth2.client_secret_command failed") {
		t.Fatalf("failing command: %v", err)
	}
	f := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(f, []byte("GOCSPX-file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := (OAuth2{ClientSecretFile: f}).ResolveClientSecret(ctx); !errors.Is(err, ErrInsecureFile) {
		t.Fatalf("world-readable file: %v", err)
	}
	if err := os.Chmod(f, 0o600); err != nil {
		t.Fatal(err)
	}
	if s, ok, err := (OAuth2{ClientSecretFile: f}).ResolveClientSecret(ctx); err != nil || !ok || s.Reveal() != "GOCSPX-file" {
		t.Fatalf("file: %v %v", ok, err)
	}
	cred := t.TempDir()
	if err := os.WriteFile(filepath.Join(cred, "oauth2-client-secret"), []byte("fromsystemd"), 0o400); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CREDENTIALS_DIRECTORY", cred)
	if s, ok, err := (OAuth2{}).ResolveClientSecret(ctx); err != nil || !ok || s.Reveal() != "fromsystemd" {
		t.Fatalf("credential: %v %v", ok, err)
	}
	if out := Sprintf("%v %+v", OAuth2{ClientSecret: "GOCSPX-code"}, OAuth2{ClientSecret: "GOCSPX-code"}); strings.Contains(out, "GOCSPX") {
		t.Fatalf("secret printed: %s", out)
	}
}
