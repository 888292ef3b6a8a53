package templates

import (
	"io/fs"
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
