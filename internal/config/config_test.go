package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const minimal = `
me: {name: Alex Doe, email: alex@example.com, timezone: America/New_York}
imap: {host: imap.example.com, username: alex@example.com, password_command: "echo pw"}
smtp: {host: smtp.example.com, username: alex@example.com, password_command: "echo pw"}
database: "sqlite:///tmp/x.db"
`

func TestMinimalConfigGetsDefaults(t *testing.T) {
	cfg, err := Parse(strings.NewReader(minimal), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if cfg.IMAP.Port != 993 || cfg.SMTP.Port != 587 || cfg.Outreach.DailyLimit != 20 ||
		cfg.Followup.After.String() != "7bd" || cfg.Thankyou.After.String() != "2h0m0s" ||
		!reflect.DeepEqual(cfg.Outreach.Days, d.Outreach.Days) || cfg.Notify != "instant" {
		t.Fatalf("defaults not applied: %+v", cfg)
	}
	if cfg.Location().String() != "America/New_York" {
		t.Fatalf("location %v", cfg.Location())
	}
}

func TestEveryProblemReportedAtOnce(t *testing.T) {
	bad := `
me: {name: "", email: "not an address", timezone: Mars/Base}
imap: {host: imap.example.com, port: 99999, security: plain, username: u, smtpp: 1}
smtp: {host: smtp.example.com, security: none, username: u}
outreach: {days: [tue, funday], window: "11:00-09:00", daily_limit: 0}
followup: {after: 7 days, mode: maybe}
colour: blue
`
	_, err := Parse(strings.NewReader(bad), "bad.yaml")
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *Error", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`line 3: unknown key "imap.smtpp"`, `line 7: unknown key "colour"`, `line 6: followup.after: invalid duration "7 days"`, "me.name is required", "me.email",
		"me.timezone", "imap.port 99999", "imap.security", "smtp.security none is allowed only to a loopback host",
		"outreach.days", "outreach.window", "outreach.daily_limit", "followup.after", "followup.mode",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %q:\n%s", want, msg)
		}
	}
	if len(ce.Problems) < 12 {
		t.Errorf("only %d problems reported:\n%s", len(ce.Problems), msg)
	}
}

func TestDurationsAcceptAllForms(t *testing.T) {
	for _, s := range []string{"90s", "2h", "10d", "7bd"} {
		src := minimal + "followup: {after: " + s + "}\n"
		cfg, err := Parse(strings.NewReader(src), "")
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if cfg.Followup.After.String() != s && cfg.Followup.After.D.String() != "1m30s" && s != "2h" {
			t.Errorf("%s read as %v", s, cfg.Followup.After)
		}
	}
}

// The example config lists every key: decoding it strictly must work, and
// every key of the Config struct must appear in it.
func TestExampleConfigListsEveryKeyWithItsDefault(t *testing.T) {
	raw, err := os.ReadFile("../../configs/rapport.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var missing []string
	var walk func(prefix string, typ reflect.Type, node map[string]any)
	walk = func(prefix string, typ reflect.Type, node map[string]any) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			key := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if key == "" || key == "-" {
				continue
			}
			v, ok := node[key]
			if !ok && prefix+key == "smtp.folders" {
				continue // Server is shared by imap and smtp; folders is IMAP's
			}
			if !ok {
				missing = append(missing, prefix+key)
				continue
			}
			if f.Type.Kind() == reflect.Struct && f.Type.Name() != "Duration" {
				sub, _ := v.(map[string]any)
				walk(prefix+key+".", f.Type, sub)
			}
		}
	}
	walk("", reflect.TypeOf(Config{}), doc)
	if len(missing) > 0 {
		t.Fatalf("example config lacks keys: %v", missing)
	}
	// Filling in the required keys gives exactly the defaults.
	filled := strings.NewReplacer(`name: ""                 # required`, `name: Alex #`,
		`email: ""                # required`, `email: a@example.com #`,
		`host: ""                 # required`, `host: mail.example.com #`,
		`username: ""             # required`, `username: a #`,
		`username: ""`, `username: a`,
		`password_file: ""        # neither`, `password_file: "" #`).Replace(string(raw))
	cfg, err := Parse(strings.NewReader(filled), "example")
	if err != nil {
		t.Fatalf("example config does not load: %v", err)
	}
	d := Default()
	if !reflect.DeepEqual(cfg.Outreach, d.Outreach) || !reflect.DeepEqual(cfg.Followup, d.Followup) ||
		cfg.Thankyou != d.Thankyou || cfg.KeepInTouch != d.KeepInTouch || cfg.Digest != d.Digest ||
		cfg.IMAP.Port != d.IMAP.Port || cfg.SMTP.Security != d.SMTP.Security || cfg.Log != d.Log {
		t.Fatalf("example defaults differ from Default():\n%+v\n%+v", cfg, d)
	}
}

func TestPasswordSources(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	s := Server{PasswordCommand: "printf 'hunter2\\nsecond line'"}
	pw, err := s.ResolvePassword(ctx, "imap")
	if err != nil || pw.Reveal() != "hunter2" {
		t.Fatalf("command: %q %v", pw.Reveal(), err)
	}

	s = Server{PasswordCommand: "echo hunter2; exit 3"}
	if _, err := s.ResolvePassword(ctx, "imap"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("failing command: %v", err)
	}

	f := filepath.Join(dir, "pw")
	if err := os.WriteFile(f, []byte("hunter2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s = Server{PasswordFile: f}
	if _, err := s.ResolvePassword(ctx, "smtp"); !errors.Is(err, ErrInsecureFile) {
		t.Fatalf("world-readable file: %v", err)
	}
	if err := os.Chmod(f, 0o600); err != nil {
		t.Fatal(err)
	}
	if pw, err := s.ResolvePassword(ctx, "smtp"); err != nil || pw.Reveal() != "hunter2" {
		t.Fatalf("0600 file: %v", err)
	}

	cred := t.TempDir()
	if err := os.WriteFile(filepath.Join(cred, "smtp-password"), []byte("fromsystemd"), 0o400); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CREDENTIALS_DIRECTORY", cred)
	s = Server{}
	if pw, err := s.ResolvePassword(ctx, "smtp"); err != nil || pw.Reveal() != "fromsystemd" {
		t.Fatalf("credentials: %v", err)
	}
	if _, err := s.ResolvePassword(ctx, "imap"); err == nil {
		t.Fatal("imap found smtp's credential")
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := Server{Host: "h", Password: "hunter2"}
	for _, out := range []string{
		Sprintf("%v", s), Sprintf("%+v", s), Sprintf("%#v", s), Sprintf("%s", s.Password), Sprintf("%q", s.Password),
	} {
		if strings.Contains(out, "hunter2") {
			t.Fatalf("secret printed: %s", out)
		}
	}
}
