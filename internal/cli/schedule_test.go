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
	if !strings.Contains(out, "scheduled") || !strings.Contains(out, "Tue 2026-11-24 14:00 EST") || !strings.Contains(out, "45m") {
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
	if c.Status != "scheduled" || c.NextAction != "meeting" || !c.NextActionAt.Equal(time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)) {
		t.Errorf("contact after schedule: %+v", c)
	}
	last := c.Events[len(c.Events)-1]
	if last.Type != "meeting" || !strings.Contains(last.Detail, "Tuesday 24 November at 2pm") {
		t.Errorf("last event %+v", last)
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
