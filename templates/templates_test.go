package templates

import (
	"io/fs"
	"regexp"
	"testing"
)

// Every kind has a subject and a text body; only mail to the owner has HTML.
func TestLayout(t *testing.T) {
	html := map[string]bool{"notification": true, "digest": true}
	for _, k := range []string{"outreach", "followup", "thankyou", "keepintouch", "notification", "digest", "prep"} {
		for _, part := range []string{"subject", "txt"} {
			if _, err := fs.Stat(FS, k+"."+part+".tmpl"); err != nil {
				t.Error(err)
			}
		}
		_, err := fs.Stat(FS, k+".html.tmpl")
		if (err == nil) != html[k] {
			t.Errorf("%s.html.tmpl present = %v, want %v", k, err == nil, html[k])
		}
	}
}

// me.interest comes in any shape ("the IT industry", "how engineering
// teams work day to day", "becoming a data scientist"), so a template may
// only put it where every shape reads as English: after "about". "Which
// skills do employers in {{.Me.Interest}} value" was a bug; the questions
// that adapt it to its shape come from meetings.Questions as data.
func TestInterestOnlyAfterAbout(t *testing.T) {
	bad := regexp.MustCompile(`(?i)\b(in|into|for|of|at|on)\s+\{\{[^}]*\.Me\.Interest`)
	names, err := fs.Glob(FS, "*.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(FS, n)
		if err != nil {
			t.Fatal(err)
		}
		if m := bad.Find(b); m != nil {
			t.Errorf("%s puts me.interest after a preposition that does not fit every phrasing: %q", n, m)
		}
	}
}
