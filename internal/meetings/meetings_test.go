package meetings

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"rapport/internal/schedule"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]Status{
		"proposed": Proposed, "Confirmed": Confirmed, " cancelled ": Cancelled, "held": Held,
		"scheduled": Confirmed, "declined": Cancelled, "canceled": Cancelled, "met": Held,
	} {
		if got, err := ParseStatus(in); err != nil || got != want {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseStatus("maybe"); err == nil || !strings.Contains(err.Error(), "want proposed, confirmed, cancelled or held") {
		t.Errorf("bad status: %v", err)
	}
	for _, s := range Statuses() {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
	if Status("scheduled").Valid() || Cancelled.Active() || !Held.Active() {
		t.Error("Valid/Active")
	}
}

func TestThankYouDue(t *testing.T) {
	ny := zone(t, "America/New_York")
	end := time.Date(2026, 12, 3, 14, 30, 0, 0, ny) // Thursday
	for _, tc := range []struct {
		after string
		want  time.Time
	}{
		{"2h", end.Add(2 * time.Hour)},
		{"0s", end},
		{"90s", end.Add(90 * time.Second)},
		{"24h", end.Add(24 * time.Hour)},
		{"30h", end.Add(24 * time.Hour)}, // never later than a day
		{"1d", end.AddDate(0, 0, 1)},
		{"3d", end.Add(24 * time.Hour)},
		{"1bd", end.AddDate(0, 0, 1)}, // Friday: within the day
	} {
		if got := ThankYouDue(end, schedule.MustSpan(tc.after)); !got.Equal(tc.want) {
			t.Errorf("ThankYouDue(end, %s) = %v, want %v", tc.after, got, tc.want)
		}
	}
	// A business day from a Friday is Monday: capped at 24 hours.
	fri := time.Date(2026, 12, 4, 16, 0, 0, 0, ny)
	if got := ThankYouDue(fri, schedule.MustSpan("1bd")); !got.Equal(fri.Add(24 * time.Hour)) {
		t.Errorf("from Friday: %v", got)
	}
	// The clock change in the night after: 24 hours, not 24 wall-clock hours.
	sat := time.Date(2026, 10, 31, 18, 0, 0, 0, ny)
	if got := ThankYouDue(sat, schedule.MustSpan("1d")); !got.Equal(sat.Add(24 * time.Hour)) {
		t.Errorf("over the DST change: %v", got)
	}
	if DefaultThankYouAfter != 2*time.Hour {
		t.Error("default")
	}
	if !End(end, 0).Equal(end.Add(30*time.Minute)) || !End(end, time.Hour).Equal(end.Add(time.Hour)) {
		t.Error("End")
	}
}

func TestMeetingJSON(t *testing.T) {
	chi, ny := zone(t, "America/Chicago"), zone(t, "America/New_York")
	// Maria wrote "Thursday 3 December at 2pm": stored as an instant, shown
	// in her zone whatever zone the value came in.
	start := time.Date(2026, 12, 3, 15, 0, 0, 0, ny)
	m := Meeting{Start: start, End: start.Add(30 * time.Minute), Zone: chi, Status: Confirmed,
		Format: Format{Video, "https://meet.google.com/abc-defg-hij"}, Source: FromCommand}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"start":"2026-12-03T14:00:00-06:00","end":"2026-12-03T14:30:00-06:00","timezone":"America/Chicago","status":"confirmed","format":"video","location":"https://meet.google.com/abc-defg-hij","source":"command"}`
	if string(b) != want {
		t.Errorf("JSON:\n got %s\nwant %s", b, want)
	}
	var back Meeting
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Start.Equal(m.Start) || !back.End.Equal(m.End) || back.Zone.String() != "America/Chicago" ||
		back.Status != m.Status || back.Format != m.Format || back.Source != m.Source {
		t.Errorf("round trip: %+v", back)
	}

	// In an array, the way contacts show --json embeds it; summer time
	// gives the summer offset; no end means the default length.
	summer := time.Date(2026, 7, 2, 19, 0, 0, 0, time.UTC)
	arr, err := json.Marshal(struct {
		Meetings []Meeting `json:"meetings"`
	}{[]Meeting{{Start: summer, Zone: chi, Status: Proposed, Source: FromReply}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(arr), `"start":"2026-07-02T14:00:00-05:00","end":"2026-07-02T14:30:00-05:00"`) ||
		!strings.Contains(string(arr), `"format":"","location":""`) {
		t.Errorf("array: %s", arr)
	}
	if _, err := json.Marshal(Meeting{}); err == nil {
		t.Error("a meeting without a start was written")
	}
	for _, bad := range []string{
		`{"start":"x","end":"2026-07-02T14:30:00-05:00","timezone":"UTC"}`,
		`{"start":"2026-07-02T14:00:00-05:00","end":"2026-07-02T14:30:00-05:00","timezone":"Mars/Base"}`,
		`{"start":"2026-07-02T14:00:00-05:00","end":"2026-07-02T14:30:00-05:00","timezone":"UTC","status":"maybe"}`,
		`{"start":"2026-07-02T14:00:00-05:00","end":"2026-07-02T14:30:00-05:00","timezone":"UTC","format":"carrier pigeon"}`,
	} {
		var x Meeting
		if err := json.Unmarshal([]byte(bad), &x); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}
