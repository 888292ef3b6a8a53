package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestContactsScheduleRecordsTheMeeting(t *testing.T) {
	te := newTestEnv(t)
	if code, out, errs := te.run("contacts", "add", "--name", "Maria Lopez", "--email", "maria@example.org"); code != 0 {
		t.Fatalf("add: %d %s %s", code, out, errs)
	}
	// The time is read in me.timezone (New York); the date and time may
	// come as one argument or two.
	code, out, errs := te.run("contacts", "schedule", "maria@example.org", "2026-11-24", "14:00", "--duration", "45m", "--format", "video")
	if code != 0 {
		t.Fatalf("schedule: %d %s %s", code, out, errs)
	}
	if !strings.Contains(out, "scheduled") || !strings.Contains(out, "Tue 2026-11-24 14:00 ET") || !strings.Contains(out, "45m") {
		t.Errorf("output %q", out)
	}
	code, out, _ = te.run("contacts", "show", "maria@example.org", "--json")
	if code != 0 {
		t.Fatalf("show: %d", code)
	}
	var c struct {
		Status       string    `json:"status"`
		NextAction   string    `json:"next_action"`
		NextActionAt time.Time `json:"next_action_at"`
		Events       []struct {
			Type, Detail string
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	// What the contact waits for now is the preparation note, the day
	// before at the same time.
	if c.Status != "scheduled" || c.NextAction != "prep" || !c.NextActionAt.Equal(time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)) {
		t.Errorf("contact after schedule: %+v", c)
	}
	var meeting, invite bool
	for _, ev := range c.Events {
		meeting = meeting || ev.Type == "meeting" && strings.Contains(ev.Detail, "Tuesday 24 November at 2pm")
		invite = invite || ev.Type == "draft" && strings.Contains(ev.Detail, "invite draft")
	}
	if !meeting || !invite {
		t.Errorf("events lack the meeting (%v) or the invitation draft (%v): %+v", meeting, invite, c.Events)
	}

	for _, bad := range [][]string{
		{"contacts", "schedule", "maria@example.org", "next tuesday"},
		{"contacts", "schedule", "maria@example.org", "2026-11-24 14:00", "--duration", "0s"},
		{"contacts", "schedule", "maria@example.org"},
	} {
		if code, _, _ := te.run(bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	if code, _, _ := te.run("contacts", "schedule", "nobody@example.org", "2026-11-24 14:00"); code != 1 {
		t.Errorf("unknown contact: exit %d, want 1", code)
	}
	// Nothing is scheduled with someone who opted out.
	te.run("contacts", "add", "--name", "Sam Stop", "--email", "sam@example.org")
	te.run("contacts", "set", "sam@example.org", "--status", "opted_out")
	if code, _, errs := te.run("contacts", "schedule", "sam@example.org", "2026-11-24T14:00:00-05:00"); code != 1 || !strings.Contains(errs, "opted_out") {
		t.Errorf("opted-out contact: exit %d %s", code, errs)
	}
}

// The command line reads dates as mail commands do (one date grammar):
// `contacts snooze X March`, `contacts schedule X "next Tuesday 2pm"`.
func TestTheCommandLineReadsDatesLikeMailCommands(t *testing.T) {
	te := newTestEnv(t) // Saturday 21 November 2026, 10:00 in New York
	for _, who := range []string{"maria@example.org", "jo@example.org"} {
		if code, _, errs := te.run("contacts", "add", "--name", "Someone Else", "--email", who, "--company", "Acme"); code != 0 {
			t.Fatalf("add: %d %s", code, errs)
		}
	}
	code, out, errs := te.run("contacts", "snooze", "maria@example.org", "March")
	if code != 0 || !strings.Contains(out, "Mon 1 Mar 2027") {
		t.Fatalf("snooze March: %d %q %s", code, out, errs)
	}
	code, out, errs = te.run("contacts", "schedule", "jo@example.org", "next Tuesday 2pm")
	if code != 0 {
		t.Fatalf("schedule next Tuesday 2pm: %d %q %s", code, out, errs)
	}
	code, out, _ = te.run("contacts", "show", "jo@example.org", "--json")
	if code != 0 {
		t.Fatal(code)
	}
	var c struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.Status != "scheduled" {
		t.Fatalf("jo after schedule: %s (%v)", out, err)
	}
	if code, _, _ := te.run("contacts", "snooze", "maria@example.org", "whenever"); code != 2 {
		t.Errorf("snooze whenever: exit %d, want 2", code)
	}
}
