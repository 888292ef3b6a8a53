package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/clock"
)

// runExplain runs rapport explain without any config file (HOME and
// XDG_CONFIG_HOME point at an empty directory).
func runExplain(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errb, clock: clock.NewFake(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))}
	code := run(context.Background(), append([]string{"explain"}, args...), e)
	return code, out.String(), errb.String()
}

func noConfig(t *testing.T) {
	d := t.TempDir()
	t.Setenv("HOME", d)
	t.Setenv("XDG_CONFIG_HOME", d)
	t.Setenv("RAPPORT_CONFIG", "")
}

const explainReply = "From: Priya Raman <priya@dataco.example>\r\nTo: Alex Doe <alex@example.com>\r\nSubject: Re: Informational interview\r\n" +
	"Date: Wed, 18 Nov 2026 09:12:44 -0800\r\nMessage-ID: <a1@dataco.example>\r\n" +
	"In-Reply-To: <rp.20261117T191500.5f0c2a9e41d7b3c8e1a2b3c4@example.com>\r\n" +
	"List-Id: mentors <mentors.groups.example>\r\nPrecedence: list\r\n\r\n" +
	"Hi Alex,\r\n\r\nHappy to chat! How about Thursday at 10:30am, or Friday 1pm Pacific? You could also talk to Jane Smith (jane.smith@dataco.example).\r\n\r\nPriya\r\n\r\n" +
	"On Tue, Nov 17, 2026 at 2:15 PM Alex Doe <alex@example.com> wrote:\r\n> Please remove me if this is not a good time.\r\n"

func TestExplainJSONWithoutConfig(t *testing.T) {
	noConfig(t)
	code, out, errs := runExplain(t, []byte(explainReply), "-", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"kind", "intent", "failed_recipients", "return_date", "snooze_until", "proposed_times", "referrals", "signals"} {
		if _, ok := got[k]; !ok {
			t.Errorf("field %q missing", k)
		}
	}
	if got["kind"] != "reply" || got["intent"] != "yes" {
		t.Errorf("kind %v intent %v, want reply yes (in rapport's thread despite list headers; the quoted opt-out is not read)", got["kind"], got["intent"])
	}
	pt, _ := got["proposed_times"].([]any)
	want := []any{"2026-11-19T10:30:00-08:00", "2026-11-20T13:00:00-08:00"}
	if fmt.Sprint(pt) != fmt.Sprint(want) {
		t.Errorf("proposed_times %v, want %v", pt, want)
	}
	refs, _ := got["referrals"].([]any)
	if len(refs) != 1 || refs[0].(map[string]any)["email"] != "jane.smith@dataco.example" {
		t.Errorf("referrals %v", refs)
	}
	if sig, _ := got["signals"].([]any); len(sig) == 0 {
		t.Error("no signals")
	}
}

func TestExplainBounceFileAndText(t *testing.T) {
	noConfig(t)
	bounce := "From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\nTo: alex@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Date: Wed, 18 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n" +
		"Final-Recipient: rfc822; j.doe@mail.acme.example\r\nOriginal-Recipient: rfc822; j.doe@acme.example\r\nAction: failed\r\nStatus: 4.4.7\r\n" +
		"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <rp.0123456789abcdef01234567@example.com>\r\nTo: j.doe@acme.example\r\n--b--\r\n"
	p := filepath.Join(t.TempDir(), "b.eml")
	if err := os.WriteFile(p, []byte(bounce), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runExplain(t, nil, p, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Kind     string   `json:"kind"`
		Failed   []string `json:"failed_recipients"`
		Final    []string `json:"final_recipients"`
		Original string   `json:"original_message_id"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Kind != "bounce" || fmt.Sprint(got.Failed) != "[j.doe@acme.example]" || fmt.Sprint(got.Final) != "[j.doe@mail.acme.example]" ||
		got.Original != "rp.0123456789abcdef01234567@example.com" {
		t.Errorf("got %+v", got)
	}
	code, out, _ = runExplain(t, nil, p)
	if code != 0 || !strings.Contains(out, "kind               bounce") || !strings.Contains(out, "failed             j.doe@acme.example") {
		t.Errorf("text output (%d):\n%s", code, out)
	}
}

func TestExplainErrors(t *testing.T) {
	noConfig(t)
	if code, _, errs := runExplain(t, nil, filepath.Join(t.TempDir(), "missing.eml")); code != ExitRuntime || !strings.Contains(errs, "missing.eml") {
		t.Errorf("missing file: exit %d %s", code, errs)
	}
	if code, _, _ := runExplain(t, nil); code != ExitConfig {
		t.Errorf("no argument: exit %d", code)
	}
	if code, _, errs := runExplain(t, []byte("x"), "-", "--now", "yesterday"); code != ExitConfig || !strings.Contains(errs, "--now") {
		t.Errorf("bad --now: exit %d %s", code, errs)
	}
	// Not a message at all: kind other, exit 0.
	code, out, _ := runExplain(t, []byte("\x89PNG\r\n\x1a\n\x00\x00"), "-", "--json")
	if code != 0 || !strings.Contains(out, `"kind": "other"`) {
		t.Errorf("binary input: exit %d %s", code, out)
	}
}

// TestExplainHostile runs explain on hostile messages (mutations
// of real ones and random bytes) and checks each exits cleanly with JSON.
func TestExplainHostile(t *testing.T) {
	noConfig(t)
	// 1,000 by default (about 15 s); RAPPORT_EXPLAIN_HOSTILE_N=10000 for the full run.
	n := 1000
	if testing.Short() {
		n = 200
	}
	if v := os.Getenv("RAPPORT_EXPLAIN_HOSTILE_N"); v != "" {
		fmt.Sscan(v, &n)
	}
	var seeds [][]byte
	for _, g := range []string{"../classify/testdata/corpus/*.eml", "../classify/testdata/replies/*.eml"} {
		files, _ := filepath.Glob(g)
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil {
				seeds = append(seeds, b)
			}
		}
	}
	if len(seeds) == 0 {
		t.Fatal("no seed messages")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		msg := hostile(rng, seeds[rng.IntN(len(seeds))])
		code, out, errs := runExplain(t, msg, "-", "--json")
		if code != 0 {
			t.Fatalf("message %d: exit %d: %s", i, code, errs)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil || v["kind"] == nil {
			t.Fatalf("message %d: bad output %v: %.200s", i, err, out)
		}
	}
}

// hostile mutates a message: truncation, random bytes, repeated parts,
// broken boundaries, huge headers, NULs, deep nesting.
func hostile(rng *rand.Rand, base []byte) []byte {
	b := append([]byte(nil), base...)
	switch rng.IntN(8) {
	case 0:
		return b[:rng.IntN(len(b)+1)]
	case 1:
		for k := 0; k < 1+rng.IntN(50); k++ {
			if len(b) > 0 {
				b[rng.IntN(len(b))] = byte(rng.IntN(256))
			}
		}
		return b
	case 2:
		out := make([]byte, rng.IntN(4096))
		for i := range out {
			out[i] = byte(rng.IntN(256))
		}
		return out
	case 3:
		return []byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n" + strings.Repeat("--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n", 200))
	case 4:
		return append([]byte("Subject: "+strings.Repeat("=?utf-8?b?AAAA?= ", 2000)+"\r\n"), b...)
	case 5:
		return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\x00\r"))
	case 6:
		return append(b, bytes.Repeat([]byte("Tuesday 2pm or Wednesday 3pm next Thursday the 4th 1-4pm "), 500)...)
	}
	return append([]byte("From: <>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=q\r\n\r\n--q\r\nContent-Type: message/delivery-status\r\n\r\n"), b...)
}
