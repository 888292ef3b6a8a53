package demo

import (
	"bytes"
	"context"
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
	if t.Failed() {
		t.Logf("output:\n%s", s)
	}
}
