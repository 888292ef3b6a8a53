package compose

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// Import columns reach templates by header name, in any spelling, and a
// contact without one is missing a field like a built-in one.
func TestCustomFieldByHeaderName(t *testing.T) {
	tm, err := LoadFS(fstest.MapFS{"outreach.txt.tmpl": {Data: []byte(
		`Hi {{.Contact.FirstName}}, fellow {{field .Contact "School"}} alumnus.` +
			`{{if hasField .Contact "Mobile Phone"}} Call me back at {{field .Contact "mobile_phone"}}.{{end}}`)}})
	if err != nil {
		t.Fatal(err)
	}
	d := Sample()
	d.Contact.Custom = map[string]string{"school": "MIT"}
	r, err := tm.Render(KindOutreach, d)
	if err != nil || r.Text != "Hi Jordan, fellow MIT alumnus." {
		t.Fatalf("render = %q, %v", r.Text, err)
	}
	d.Contact.Custom = map[string]string{"SCHOOL": "ETH", "Mobile Phone": "+41 44 555 01 01"}
	if r, err = tm.Render(KindOutreach, d); err != nil || !strings.Contains(r.Text, "ETH alumnus. Call me back at +41 44 555 01 01.") {
		t.Fatalf("render = %q, %v", r.Text, err)
	}
	for _, custom := range []map[string]string{nil, {"school": "  "}, {"Hobby": "chess"}} {
		d.Contact.Custom = custom
		_, err = tm.Render(KindOutreach, d)
		var mf *MissingFieldError
		if !errors.As(err, &mf) || mf.Field != "Contact.Custom.School" || err.Error() != `outreach: contact has no "School" field` {
			t.Fatalf("custom %v: err = %v", custom, err)
		}
	}
}
