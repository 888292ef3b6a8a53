package demo

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The demo is the README's first command: it must finish, exit cleanly
// and show every status a contact can reach in it.
func TestDemoShowsEveryStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo takes a few seconds")
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := Run(ctx, &out, Options{}); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"queued      → contacted", "contacted   → replied", "replied     → scheduled", "scheduled   → met",
		"met         → thanked", "contacted   → bounced", "contacted   → opted_out", "contacted   → no_response",
		"(auto reply)", "demo finished:",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	// Every time of day shown names its zone on the same line (what the
	// contacts wrote, quoted, is theirs; a line cut short may lose it).
	for i, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "| >") {
			continue
		}
		for _, m := range timeOfDayRe.FindAllStringIndex(line, -1) {
			rest := line[m[1]:]
			if !zoneRe.MatchString(rest) && !strings.Contains(rest, "…") {
				t.Errorf("line %d shows a time without its zone: %q", i+1, line)
				break
			}
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", s)
	}
}

var (
	timeOfDayRe = regexp.MustCompile(`(?i)\b\d{1,2}:\d{2}(?::\d{2})?\s?(?:am|pm)?\b|\b\d{1,2}\s?(?:am|pm)\b`)
	zoneRe      = regexp.MustCompile(`\b(?:E[SD]?T|C[SD]?T|P[SD]?T|M[SD]?T|UTC|GMT)\b|[+-]\d{4}\b|your time`)
)
