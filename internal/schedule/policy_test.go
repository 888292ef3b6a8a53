package schedule

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseWeekdays(t *testing.T) {
	for _, tc := range []struct {
		in      []string
		want    []time.Weekday
		errWant string // substring of the error, "" for success
	}{
		{[]string{"tue", "wed"}, []time.Weekday{time.Tuesday, time.Wednesday}, ""},
		{[]string{"thursday", "Tue"}, []time.Weekday{time.Thursday, time.Tuesday}, ""},
		{[]string{"TUES", "thurs", "we", "mo", "fr", "sa", "su"}, []time.Weekday{2, 4, 3, 1, 5, 6, 0}, ""},
		{[]string{" wednesday "}, []time.Weekday{time.Wednesday}, ""},
		{nil, nil, "no days"},
		{[]string{"t"}, nil, `invalid weekday "t"`},
		{[]string{"thrusday"}, nil, `invalid weekday "thrusday"`},
		{[]string{"tue", "tuesday"}, nil, "Tuesday is listed twice"},
		{[]string{"xx", "yy"}, nil, `"yy"`}, // every bad entry is reported
		{[]string{""}, nil, "invalid weekday"},
	} {
		got, err := ParseWeekdays(tc.in)
		if tc.errWant != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errWant) {
				t.Errorf("ParseWeekdays(%q) error = %v, want it to mention %q", tc.in, err, tc.errWant)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseWeekdays(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseWindow(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Window
		errWant string
	}{
		{"09:00-11:30", Window{540, 690}, ""},
		{"9:00-11:30", Window{540, 690}, ""},
		{" 09:00 - 11:30 ", Window{540, 690}, ""},
		{"00:00-24:00", Window{0, 1440}, ""},
		{"11:30-09:00", Window{}, "must be before"},
		{"09:00-09:00", Window{}, "must be before"},
		{"09:00", Window{}, "want HH:MM-HH:MM"},
		{"", Window{}, "want HH:MM-HH:MM"},
		{"9-11", Window{}, "start"},
		{"09:00-25:00", Window{}, "end"},
		{"22:00-02:00", Window{}, "must be before"}, // no windows past midnight
	} {
		got, err := ParseWindow(tc.in)
		if tc.errWant != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errWant) {
				t.Errorf("ParseWindow(%q) error = %v, want it to mention %q", tc.in, err, tc.errWant)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if back, err := ParseWindow(got.String()); err != nil || back != got {
			t.Errorf("round trip of %v: %v, %v", got, back, err)
		}
	}
}

func TestParseSpacing(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Spacing
		errWant string
	}{
		{"2m-6m", Spacing{2 * time.Minute, 6 * time.Minute}, ""},
		{" 90s - 3m ", Spacing{90 * time.Second, 3 * time.Minute}, ""},
		{"3m", Spacing{3 * time.Minute, 3 * time.Minute}, ""},
		{"0s", Spacing{}, ""},
		{"6m-2m", Spacing{}, "min <= max"},
		{"2-6m", Spacing{}, "missing unit"},
		{"2m-", Spacing{}, "invalid spacing"},
		{"-2m-6m", Spacing{}, "invalid spacing"},
		{"", Spacing{}, "empty spacing"},
		{"soon", Spacing{}, "want e.g. 2m-6m"},
	} {
		got, err := ParseSpacing(tc.in)
		if tc.errWant != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errWant) {
				t.Errorf("ParseSpacing(%q) error = %v, want it to mention %q", tc.in, err, tc.errWant)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseSpacing(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if back, err := ParseSpacing(got.String()); err != nil || back != got {
			t.Errorf("round trip of %v: %v, %v", got, back, err)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	if err := DefaultPolicy(time.UTC).Validate(); err != nil {
		t.Fatalf("default policy: %v", err)
	}
	bad := Policy{Window: Window{600, 540}, DailyLimit: 0, Spacing: Spacing{Min: time.Minute, Max: 0}}
	err := bad.Validate()
	if err == nil {
		t.Fatal("invalid policy accepted")
	}
	// Every problem is reported at once.
	for _, want := range []string{"no preferred days", "start 10:00 must be before end 09:00", "daily limit 0", "spacing"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %q, missing %q", err, want)
		}
	}
}

func TestTextUnmarshal(t *testing.T) {
	var w Window
	if err := w.UnmarshalText([]byte("10:00-12:00")); err != nil || w != (Window{600, 720}) {
		t.Errorf("Window.UnmarshalText = %v, %v", w, err)
	}
	if err := w.UnmarshalText([]byte("12:00-10:00")); err == nil {
		t.Error("Window.UnmarshalText accepted a reversed window")
	}
	var s Spacing
	if err := s.UnmarshalText([]byte("1m-2m")); err != nil || s != (Spacing{time.Minute, 2 * time.Minute}) {
		t.Errorf("Spacing.UnmarshalText = %v, %v", s, err)
	}
}
