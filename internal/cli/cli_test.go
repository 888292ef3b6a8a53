package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/clock"
)

// testEnv writes a config using a fresh SQLite database and returns a
// runner for rapport commands against it.
type testEnv struct {
	t      *testing.T
	dir    string
	config string
	clock  *clock.Fake
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`
me: {name: Alex Doe, email: alex@example.com, timezone: America/New_York, intro: "I just finished a programming certificate", interest: "the IT industry"}
imap: {host: 127.0.0.1, port: 1143, security: none, username: alex@example.com, password_command: "echo pw"}
smtp: {host: 127.0.0.1, port: 1587, security: none, username: alex@example.com, password_command: "echo pw"}
database: "sqlite://%s/rapport.db"
`, dir)
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, dir: dir, config: p, clock: clock.NewFake(time.Date(2026, 11, 21, 15, 0, 0, 0, time.UTC))}
}

func (te *testEnv) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, clock: te.clock}
	code = run(context.Background(), append([]string{"--config", te.config}, args...), e)
	return code, out.String(), errb.String()
}

func TestContactsAddListShowJSON(t *testing.T) {
	te := newTestEnv(t)
	code, out, errs := te.run("contacts", "add", "--name", "Maria Lopez", "--email", "Maria@Example.org",
		"--company", "Acme", "--role", "Data engineer", "--connection", "your talk at PyCon", "--timezone", "Europe/Madrid")
	if code != 0 {
		t.Fatalf("add: %d %s %s", code, out, errs)
	}
	code, out, _ = te.run("contacts", "list", "--json")
	if code != 0 {
		t.Fatalf("list: %d", code)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("list --json is not JSON: %v\n%s", err, out)
	}
	if len(list) != 1 {
		t.Fatalf("list = %v", list)
	}
	for _, k := range []string{"email", "name", "company", "role", "status", "status_changed_at", "next_action", "next_action_at"} {
		if _, ok := list[0][k]; !ok {
			t.Errorf("contact JSON lacks %q: %v", k, list[0])
		}
	}
	if list[0]["email"] != "maria@example.org" || list[0]["status"] != "queued" {
		t.Fatalf("contact = %v", list[0])
	}
	if ts, _ := list[0]["status_changed_at"].(string); ts != "2026-11-21T15:00:00.000Z" {
		t.Fatalf("status_changed_at = %q, want RFC 3339 with milliseconds", ts)
	}

	te.clock.Advance(time.Minute)
	if code, _, errs := te.run("contacts", "pause", "maria@example.org"); code != 0 {
		t.Fatalf("pause: %s", errs)
	}
	code, out, _ = te.run("contacts", "show", "maria@example.org", "--json")
	if code != 0 {
		t.Fatal("show failed")
	}
	var show struct {
		Email  string `json:"email"`
		Status string `json:"status"`
		Events []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		t.Fatal(err)
	}
	if show.Status != "paused" || len(show.Events) != 2 {
		t.Fatalf("show = %+v", show)
	}
	ev := show.Events[1]
	for _, k := range []string{"at", "type", "from", "to", "detail", "message_id"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("event lacks %q: %v", k, ev)
		}
	}
	if ev["at"] != "2026-11-21T15:01:00.000Z" || ev["from"] != "queued" || ev["to"] != "paused" {
		t.Fatalf("event = %v", ev)
	}

	// Human output names the contact and the timeline.
	_, out, _ = te.run("contacts", "show", "maria@example.org")
	if !strings.Contains(out, "Maria Lopez <maria@example.org>") || !strings.Contains(out, "queued → paused") {
		t.Fatalf("show:\n%s", out)
	}
	code, out, _ = te.run("contacts", "list", "--status", "paused")
	if code != 0 || !strings.Contains(out, "maria@example.org") {
		t.Fatalf("list --status paused: %d\n%s", code, out)
	}
}

func TestImportReportsLinesAndExitCode(t *testing.T) {
	te := newTestEnv(t)
	f := filepath.Join(te.dir, "people.csv")
	csv := "name,email,company\nAnn,ann@example.org,Acme\nBad,nope,X\nBo,bo@example.org,Y\n"
	if err := os.WriteFile(f, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := te.run("contacts", "import", f)
	if code != ExitRuntime || !strings.Contains(errs, "people.csv:3: rejected: invalid email") ||
		!strings.Contains(out, "3 rows: 2 added") {
		t.Fatalf("import: code %d\nstdout %s\nstderr %s", code, out, errs)
	}
	code, out, _ = te.run("contacts", "import", f)
	if !strings.Contains(out, "0 added, 0 updated, 2 unchanged") {
		t.Fatalf("re-import: %d %s", code, out)
	}
}

func TestExitCodes(t *testing.T) {
	te := newTestEnv(t)
	if code, _, _ := te.run("contacts", "frobnicate"); code != ExitConfig {
		t.Errorf("unknown subcommand: exit %d", code)
	}
	if code, _, _ := te.run("contacts", "list", "--bogus"); code != ExitConfig {
		t.Errorf("unknown flag: exit %d", code)
	}
	if code, _, _ := te.run("contacts", "list", "--status", "happy"); code != ExitConfig {
		t.Errorf("bad status: exit %d", code)
	}
	if code, _, _ := te.run("contacts", "show", "nobody@example.org"); code != ExitRuntime {
		t.Errorf("missing contact: exit %d", code)
	}

	bad := filepath.Join(te.dir, "bad.yaml")
	_ = os.WriteFile(bad, []byte("me: {name: X, emali: x@example.com}\nimap: {}\n"), 0o600)
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--config", bad, "status"}, &env{stdout: &out, stderr: &errb, clock: te.clock})
	if code != ExitConfig {
		t.Fatalf("bad config: exit %d", code)
	}
	for _, want := range []string{`unknown key "me.emali"`, "me.email is required", "imap.host is required", "smtp.host is required"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
}

func TestStatusJSON(t *testing.T) {
	te := newTestEnv(t)
	te.run("contacts", "add", "--name", "Ann", "--email", "ann@example.org")
	code, out, _ := te.run("status", "--json")
	if code != 0 {
		t.Fatal(code)
	}
	var st struct {
		Contacts int            `json:"contacts"`
		ByStatus map[string]int `json:"by_status"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Contacts != 1 || st.ByStatus["queued"] != 1 {
		t.Fatalf("status = %s (%v)", out, err)
	}
}
