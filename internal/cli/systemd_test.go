package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// unitFile is a parsed systemd unit: section → key → values in order.
type unitFile map[string]map[string][]string

// parseUnit reads a unit file as systemd does: [Section] headers,
// KEY=VALUE lines, # and ; comments, backslash continuations. It also
// returns the directives of [Service] that have no comment line right
// above them.
func parseUnit(t *testing.T, path string) (u unitFile, uncommented []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u = unitFile{}
	var section, pending string
	prevComment := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if pending != "" {
			line = pending + " " + line
			pending = ""
		}
		switch {
		case line == "":
			prevComment = false
			continue
		case line[0] == '#' || line[0] == ';':
			prevComment = true
			continue
		case strings.HasSuffix(line, `\`):
			pending = strings.TrimSuffix(line, `\`)
			continue
		case line[0] == '[':
			section = strings.Trim(line, "[]")
			u[section] = map[string][]string{}
			prevComment = false
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: not KEY=VALUE: %q", path, line)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		u[section][k] = append(u[section][k], v)
		if section == "Service" && !prevComment {
			uncommented = append(uncommented, k)
		}
		prevComment = false
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return u, uncommented
}

// one returns the single value of a key, failing if it is absent or
// repeated.
func (u unitFile) one(t *testing.T, section, key string) string {
	t.Helper()
	vs := u[section][key]
	if len(vs) != 1 {
		t.Fatalf("[%s] %s: %d values %q, want one", section, key, len(vs), vs)
	}
	return vs[0]
}

// The units and the CLI must agree: maddy's unit and exit codes drifted
// apart; this keeps ours in step.
func TestSystemdUnitsMatchCLI(t *testing.T) {
	for _, name := range []string{"rapport.service", "rapport-user.service"} {
		t.Run(name, func(t *testing.T) {
			u, uncommented := parseUnit(t, filepath.Join("..", "..", "systemd", name))
			if got := u.one(t, "Service", "Type"); got != "notify" {
				t.Errorf("Type=%s, want notify (run sends READY=1)", got)
			}
			if got := u.one(t, "Service", "RestartPreventExitStatus"); got != strconv.Itoa(ExitConfig) {
				t.Errorf("RestartPreventExitStatus=%s, want %d (cli.ExitConfig)", got, ExitConfig)
			}
			if got := u.one(t, "Service", "Restart"); got != "on-failure" {
				t.Errorf("Restart=%s, want on-failure", got)
			}
			if u.one(t, "Service", "WatchdogSec") == "" {
				t.Error("WatchdogSec is empty; run pings the watchdog on every healthy loop")
			}
			if got := u.one(t, "Service", "StateDirectory"); got != "rapport" {
				t.Errorf("StateDirectory=%s, want rapport (the default database goes to $STATE_DIRECTORY)", got)
			}
			exec := strings.Fields(u.one(t, "Service", "ExecStart"))
			if len(exec) < 2 || exec[len(exec)-1] != "run" || !strings.HasSuffix(exec[0], "/rapport") {
				t.Errorf("ExecStart=%q, want /…/rapport … run", exec)
			}
			var cfg string
			for i, a := range exec {
				if a == "--config" && i+1 < len(exec) {
					cfg = exec[i+1]
				}
			}
			if !strings.HasSuffix(cfg, "/config.yaml") {
				t.Errorf("ExecStart names no --config …/config.yaml: %q", exec)
			}
			// LoadCredential names must be the files config reads from
			// $CREDENTIALS_DIRECTORY.
			for _, lc := range u["Service"]["LoadCredential"] {
				id, _, _ := strings.Cut(lc, ":")
				if id != "imap-password" && id != "smtp-password" {
					t.Errorf("LoadCredential=%s: rapport reads imap-password and smtp-password", lc)
				}
			}
			if len(uncommented) > 0 {
				t.Errorf("directives without a comment line above them: %v", uncommented)
			}
		})
	}
	u, _ := parseUnit(t, filepath.Join("..", "..", "systemd", "rapport.service"))
	if got := len(u["Service"]["LoadCredential"]); got != 2 {
		t.Errorf("rapport.service has %d LoadCredential=, want imap-password and smtp-password", got)
	}
	if _, ok := u["Service"]["IPAddressDeny"]; ok {
		t.Error("IPAddressDeny= would block the mail servers")
	}
}

// Under systemd a config error must end `run` with ExitConfig, which the
// unit's RestartPreventExitStatus keeps from restart-looping.
func TestRunConfigErrorExitsExitConfig(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("me: {name: Alex, email: not-an-address}\nimap: {host: imap.example.com}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"invalid":   {"--config", bad, "run"},
		"missing":   {"--config", filepath.Join(dir, "nope.yaml"), "run"},
		"bad flag":  {"--config", bad, "run", "--bogus"},
		"extra arg": {"--config", bad, "run", "now"},
	} {
		code, out, errs := rapport(t, "", args...)
		if code != ExitConfig {
			t.Errorf("%s: exit %d, want %d (ExitConfig)\nstdout:\n%s\nstderr:\n%s", name, code, ExitConfig, out, errs)
		}
	}
	_, _, errs := rapport(t, "", "--config", bad, "run")
	for _, want := range []string{`me.email "not-an-address" is not a plain email address`, "smtp.host is required"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}
