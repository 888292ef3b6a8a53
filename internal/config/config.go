// Package config loads rapport's YAML configuration: strict decoding (an
// unknown key is an error with its line), defaults in one place, validation
// that reports every problem at once, and secrets read from a command, a
// file or systemd credentials — never from argv.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"rapport/internal/schedule"
)

// Config is the whole configuration file.
type Config struct {
	Me          Me          `yaml:"me"`
	IMAP        Server      `yaml:"imap"`
	SMTP        Server      `yaml:"smtp"`
	OAuth2      OAuth2      `yaml:"oauth2"`
	Database    string      `yaml:"database"`
	Outreach    Outreach    `yaml:"outreach"`
	Followup    Followup    `yaml:"followup"`
	Thankyou    Timed       `yaml:"thankyou"`
	KeepInTouch KeepInTouch `yaml:"keep_in_touch"`
	Digest      Digest      `yaml:"digest"`
	Notify      string      `yaml:"notify"`
	// NotifyPerHour is the circuit breaker on mail to the owner.
	NotifyPerHour int      `yaml:"notify_per_hour"`
	Referrals     string   `yaml:"referrals"`
	Meetings      Meetings `yaml:"meetings"`
	History       History  `yaml:"history"`
	Templates     string   `yaml:"templates"`
	Log           Log      `yaml:"log"`

	// Path is where the file was read from ("" for defaults only).
	Path string `yaml:"-"`
}

// Meetings is how agreed meetings are followed up.
type Meetings struct {
	// Invite is how the calendar invitation goes: send, draft or off.
	Invite string `yaml:"invite"`
}

// History is the look, before a first request, for mail already exchanged
// with the address.
type History struct {
	// Lookback is how far back Sent and INBOX are searched; zero turns the
	// look off.
	Lookback Duration `yaml:"lookback"`
}

// Me describes the user: the sender and the owner of the mailbox.
type Me struct {
	Name         string   `yaml:"name"`
	Email        string   `yaml:"email"`
	Timezone     string   `yaml:"timezone"`
	Intro        string   `yaml:"intro"`
	Interest     string   `yaml:"interest"`
	Availability []string `yaml:"availability"`
}

// Server is an IMAP or SMTP account.
type Server struct {
	Host            string  `yaml:"host"`
	Port            int     `yaml:"port"`
	Security        string  `yaml:"security"`
	Username        string  `yaml:"username"`
	Auth            string  `yaml:"auth"` // password | oauth2
	PasswordCommand string  `yaml:"password_command"`
	PasswordFile    string  `yaml:"password_file"`
	CAFile          string  `yaml:"ca_file"`
	Folders         Folders `yaml:"folders"`

	// Password is set only in code (the demo, tests); files use
	// password_command, password_file or systemd credentials.
	Password Secret `yaml:"-"`
}

// Folders overrides the discovered special-use folders (IMAP only).
type Folders struct {
	Sent   string `yaml:"sent"`
	Drafts string `yaml:"drafts"`
	Junk   string `yaml:"junk"`
}

// Outreach is when and how fast first requests go out.
type Outreach struct {
	Days       []string `yaml:"days"`
	Window     string   `yaml:"window"`
	DailyLimit int      `yaml:"daily_limit"`
	Spacing    string   `yaml:"spacing"`
	Holidays   string   `yaml:"holidays"` // country code for public holidays, "" for none
}

// Followup is the nudge policy for silent contacts.
type Followup struct {
	After       Duration `yaml:"after"`
	Max         int      `yaml:"max"`
	Mode        string   `yaml:"mode"`
	Grace       Duration `yaml:"grace"`
	CompanyRule string   `yaml:"company_rule"` // "" or "3b7"
}

// Timed is a delay and a mode (draft or send).
type Timed struct {
	After Duration `yaml:"after"`
	Mode  string   `yaml:"mode"`
}

// KeepInTouch is the slow cadence after a thank-you.
type KeepInTouch struct {
	Every Duration `yaml:"every"`
	Mode  string   `yaml:"mode"`
}

// Digest is when the weekly digest goes out, in me.timezone.
type Digest struct {
	Day  string `yaml:"day"`
	Time string `yaml:"time"`
}

// Log configures the logger.
type Log struct {
	Level  string `yaml:"level"`  // debug | info | warn | error
	Format string `yaml:"format"` // text | json
}

// Default returns the configuration every key falls back to. This is the
// one place defaults live; configs/rapport.example.yaml mirrors it.
func Default() Config {
	return Config{
		Me: Me{Timezone: "UTC"},
		IMAP: Server{
			Port:     993,
			Security: "tls",
			Auth:     AuthPassword,
		},
		SMTP: Server{
			Port:     587,
			Security: "starttls",
			Auth:     AuthPassword,
		},
		Database: "", // resolved by DefaultDatabase at load time
		Outreach: Outreach{
			Days:       []string{"tue", "wed"},
			Window:     "09:00-11:30",
			DailyLimit: 20,
			Spacing:    "2m-6m",
		},
		Followup: Followup{
			After: Dur("7bd"),
			Max:   1,
			Mode:  "draft",
			Grace: Dur("7bd"),
		},
		Thankyou:      Timed{After: Dur("2h"), Mode: "draft"},
		KeepInTouch:   KeepInTouch{Every: Dur("120d"), Mode: "draft"},
		Digest:        Digest{Day: "mon", Time: "08:00"},
		Notify:        "instant",
		NotifyPerHour: 20,
		Referrals:     "ask",
		Meetings:      Meetings{Invite: "draft"},
		History:       History{Lookback: Dur("365d")},
		Log:           Log{Level: "info", Format: "text"},
	}
}

// DefaultPath is where the config is looked for when --config is not given:
// $RAPPORT_CONFIG, then $XDG_CONFIG_HOME/rapport/config.yaml.
func DefaultPath() string {
	if p := os.Getenv("RAPPORT_CONFIG"); p != "" {
		return p
	}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "rapport", "config.yaml")
}

// DefaultDatabase is the SQLite file under the XDG state directory (or
// systemd's $STATE_DIRECTORY).
func DefaultDatabase() string {
	if d := os.Getenv("STATE_DIRECTORY"); d != "" {
		return "sqlite://" + filepath.Join(strings.Split(d, ":")[0], "rapport.db")
	}
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".local", "state")
	}
	return "sqlite://" + filepath.Join(dir, "rapport", "rapport.db")
}

// Error is a configuration problem: every problem found, one per line.
type Error struct {
	Path     string
	Problems []string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Path != "" {
		fmt.Fprintf(&b, "config %s: ", e.Path)
	} else {
		b.WriteString("config: ")
	}
	if len(e.Problems) == 1 {
		b.WriteString(e.Problems[0])
		return b.String()
	}
	fmt.Fprintf(&b, "%d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p)
	}
	return b.String()
}

// IsConfigError reports whether err is a configuration problem (exit 2).
func IsConfigError(err error) bool {
	var ce *Error
	return errors.As(err, &ce)
}

// Load reads, decodes strictly, applies defaults and validates.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Path: path, Problems: []string{err.Error()}}
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse is Load from a reader.
func Parse(r io.Reader, path string) (*Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &Error{Path: path, Problems: []string{err.Error()}}
	}
	cfg := Default()
	cfg.Path = path
	var problems []string
	if len(bytes.TrimSpace(data)) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			var te *yaml.TypeError
			if errors.As(err, &te) {
				paths := keyPaths(data)
				for _, e := range te.Errors {
					problems = append(problems, friendlyYAML(e, paths))
				}
			} else {
				problems = append(problems, strings.TrimPrefix(err.Error(), "yaml: "))
			}
		}
	}
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase()
	}
	problems = append(problems, cfg.validate()...)
	if len(problems) > 0 {
		return nil, &Error{Path: path, Problems: problems}
	}
	return &cfg, nil
}

// friendlyYAML turns yaml.v3's messages into ones that name the key by its
// full path ("line 3: unknown key imap.smtpp").
func friendlyYAML(s string, paths map[int][]keyAt) string {
	var line, col int
	var rest string
	if n, _ := fmt.Sscanf(s, "line %d:%d:", &line, &col); n == 2 {
		rest = s[strings.Index(s, ": ")+2:]
	} else if _, err := fmt.Sscanf(s, "line %d:", &line); err == nil {
		rest = strings.TrimPrefix(s, fmt.Sprintf("line %d: ", line))
	} else {
		return s
	}
	prefix := fmt.Sprintf("line %d: ", line)
	// "field smtpp not found in type config.Server"
	if f, ok := strings.CutPrefix(rest, "field "); ok && strings.Contains(f, " not found in type ") {
		name := f[:strings.Index(f, " not found")]
		for _, k := range paths[line] {
			if k.path == name || strings.HasSuffix(k.path, "."+name) {
				name = k.path
				break
			}
		}
		return fmt.Sprintf("%sunknown key %q", prefix, name)
	}
	for _, k := range paths[line] {
		if col == 0 && len(paths[line]) == 1 || col != 0 && k.valueCol == col {
			return fmt.Sprintf("%s%s: %s", prefix, k.path, rest)
		}
	}
	return prefix + rest
}

// keyAt is a key's dotted path and the column of its value.
type keyAt struct {
	path     string
	valueCol int
}

// keyPaths maps each line of a YAML document to the keys written on it.
func keyPaths(data []byte) map[int][]keyAt {
	var root yaml.Node
	paths := map[int][]keyAt{}
	if yaml.Unmarshal(data, &root) != nil {
		return paths
	}
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, prefix)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := prefix + k.Value
				paths[k.Line] = append(paths[k.Line], keyAt{p, v.Column})
				walk(v, p+".")
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d].", strings.TrimSuffix(prefix, "."), i))
			}
		}
	}
	walk(&root, "")
	return paths
}

// Validate checks a Config built in code (the demo, tests).
func (c *Config) Validate() error {
	if p := c.validate(); len(p) > 0 {
		return &Error{Path: c.Path, Problems: p}
	}
	return nil
}

func (c *Config) validate() []string {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }

	if strings.TrimSpace(c.Me.Name) == "" {
		add("me.name is required")
	}
	if c.Me.Email == "" {
		add("me.email is required")
	} else if a, err := mail.ParseAddress(c.Me.Email); err != nil || a.Name != "" {
		add("me.email %q is not a plain email address", c.Me.Email)
	}
	if _, err := time.LoadLocation(c.Me.Timezone); err != nil {
		add("me.timezone %q is not a known time zone (want e.g. America/New_York)", c.Me.Timezone)
	}
	for i, a := range c.Me.Availability {
		if _, err := schedule.ParseAvailability(a); err != nil {
			add("me.availability[%d]: %v", i, err)
		}
	}
	for _, f := range []struct{ name, v string }{{"me.name", c.Me.Name}, {"me.intro", c.Me.Intro}, {"me.interest", c.Me.Interest}} {
		if strings.ContainsAny(f.v, "\r\n\x00") {
			add("%s must be one line", f.name)
		}
	}
	p = append(p, c.IMAP.validate("imap")...)
	p = append(p, c.SMTP.validate("smtp")...)
	p = append(p, c.validateAuth()...)

	if !strings.HasPrefix(c.Database, "sqlite://") && !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://") {
		add("database %q: want sqlite://PATH or postgres://…", redactURL(c.Database))
	}
	if _, err := schedule.ParseWeekdays(c.Outreach.Days); err != nil {
		add("outreach.days: %v", err)
	}
	if _, err := schedule.ParseWindow(c.Outreach.Window); err != nil {
		add("outreach.window: %v", err)
	}
	if c.Outreach.DailyLimit < 1 {
		add("outreach.daily_limit must be at least 1")
	}
	if _, err := schedule.ParseSpacing(c.Outreach.Spacing); err != nil {
		add("outreach.spacing: %v", err)
	}
	if c.Outreach.Holidays != "" {
		if _, err := schedule.NewCalendar(c.Outreach.Holidays); err != nil {
			add("outreach.holidays: %v", err)
		}
	}
	if c.Followup.Max < 0 || c.Followup.Max > 3 {
		add("followup.max must be between 0 and 3 (polite outreach nudges once or twice)")
	}
	if c.Followup.CompanyRule != "" && c.Followup.CompanyRule != "3b7" {
		add("followup.company_rule %q: want \"\" or \"3b7\"", c.Followup.CompanyRule)
	}
	for _, m := range []struct{ name, v string }{{"followup.mode", c.Followup.Mode}, {"thankyou.mode", c.Thankyou.Mode}, {"keep_in_touch.mode", c.KeepInTouch.Mode}} {
		if m.v != "draft" && m.v != "send" {
			add("%s %q: want draft or send", m.name, m.v)
		}
	}
	if c.Followup.After.IsZero() {
		add("followup.after must be more than zero")
	}
	if c.KeepInTouch.Every.IsZero() {
		add("keep_in_touch.every must be more than zero")
	}
	if _, err := schedule.ParseWeekdays([]string{c.Digest.Day}); err != nil {
		add("digest.day: %v", err)
	}
	if _, err := time.Parse("15:04", c.Digest.Time); err != nil {
		add("digest.time %q: want HH:MM", c.Digest.Time)
	}
	if c.Notify != "instant" && c.Notify != "digest" {
		add("notify %q: want instant or digest", c.Notify)
	}
	if c.NotifyPerHour < 1 || c.NotifyPerHour > 1000 {
		add("notify_per_hour %d: want 1 to 1000", c.NotifyPerHour)
	}
	if c.Referrals != "ask" && c.Referrals != "auto" {
		add("referrals %q: want ask (write to a referred person only once you approve) or auto", c.Referrals)
	}
	switch c.Meetings.Invite {
	case "send", "draft", "off":
	default:
		add("meetings.invite %q: want send, draft or off", c.Meetings.Invite)
	}
	if c.Templates != "" {
		if st, err := os.Stat(c.Templates); err != nil || !st.IsDir() {
			add("templates %q is not a directory", c.Templates)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level %q: want debug, info, warn or error", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		add("log.format %q: want text or json", c.Log.Format)
	}
	return p
}

func (s Server) validate(name string) []string {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(name+"."+format, a...)) }
	if s.Host == "" {
		add("host is required")
	}
	if s.Port < 1 || s.Port > 65535 {
		add("port %d is out of range", s.Port)
	}
	switch s.Security {
	case "tls", "starttls":
	case "none":
		if s.Host != "" && !IsLoopback(s.Host) {
			add("security none is allowed only to a loopback host, not %q", s.Host)
		}
	default:
		add("security %q: want tls, starttls or none", s.Security)
	}
	if s.Username == "" {
		add("username is required")
	}
	if s.PasswordCommand != "" && s.PasswordFile != "" {
		add("password_command and password_file are exclusive")
	}
	if s.CAFile != "" {
		if _, err := os.Stat(s.CAFile); err != nil {
			add("ca_file: %v", err)
		}
	}
	if name == "smtp" && (s.Folders != Folders{}) {
		add("folders applies to imap only")
	}
	return p
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Location returns me.timezone as a location (validated at load).
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Me.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// redactURL hides a password in a database URL.
func redactURL(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		rest := s[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if c := strings.Index(rest[:at], ":"); c >= 0 {
				return s[:i+3] + rest[:c] + ":xxxxx" + rest[at:]
			}
		}
	}
	return s
}

// RedactURL is redactURL for callers that log the database address.
func RedactURL(s string) string { return redactURL(s) }

// Duration is a schedule.Span read from YAML. Decoding errors carry the
// line and are collected with the others instead of stopping the decoder.
type Duration struct{ schedule.Span }

// Dur makes a Duration from a literal; it panics on a bad one.
func Dur(s string) Duration { return Duration{schedule.MustSpan(s)} }

// UnmarshalYAML reads a duration scalar.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	sp, err := schedule.ParseSpan(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		if err == nil {
			err = fmt.Errorf("want a duration like 2h, 10d or 7bd")
		}
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d:%d: %v", n.Line, n.Column, err)}}
	}
	d.Span = sp
	return nil
}

// MarshalYAML writes the duration as ParseSpan reads it.
func (d Duration) MarshalYAML() (any, error) { return d.Span.String(), nil }
