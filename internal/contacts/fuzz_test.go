package contacts

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// The file parsers take anything without panicking, and never let a line
// break into a name, address or custom field.
func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{
		"name,email\nAnn,ann@example.org\n",
		"Notes:\n\"x, y\"\n\nFirst Name,Last Name,Email Address\nA,B,a@b.example\n",
		"sep=;\nName;E-Mail\n\"A\nB\";x@y.example\n;;\n",
		"E-mail Address,E-mail Type,E-mail Display Name\n/o=x,EX,A (a@b.example)\n",
		"\"unterminated,name\nA,b\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ci, err := openCSV(text, nil)
		if err != nil {
			return
		}
		for i := 0; i < 10000; i++ {
			rec, err := ci.next()
			if errors.Is(err, io.EOF) || err != nil {
				return
			}
			checkRecord(t, rec)
		}
	})
}

func FuzzParseVCard(f *testing.F) {
	for _, s := range []string{
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEMAIL;TYPE=pref:a@b.example\r\nNOTE:x\\ny\r\nEND:VCARD\r\n",
		"BEGIN:VCARD\nVERSION:2.1\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\nb=0D=0Ac\nEMAIL;PREF;INTERNET:a@b.example\nEND:VCARD\n",
		"BEGIN:VCARD\nitem1.EMAIL;type=\"a;b\":x\nAGENT:BEGIN:VCARD\n END:VCARD\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		vi := &vcardImport{cards: readVCards(text)}
		for {
			rec, err := vi.next()
			if err != nil {
				return
			}
			checkRecord(t, rec)
		}
	})
}

func checkRecord(t *testing.T, rec *record) {
	t.Helper()
	c, _, err := rec.in.validate()
	if err != nil {
		return
	}
	for _, v := range []string{c.Name, c.Email, c.Company, c.Role, c.Connection, c.ReferredBy, c.Timezone} {
		if strings.ContainsAny(v, "\r\n\x00") {
			t.Fatalf("control character passed validation: %q", v)
		}
	}
	for k, v := range c.Custom {
		if strings.ContainsAny(k+v, "\r\n\x00") {
			t.Fatalf("control character in custom field %q=%q", k, v)
		}
	}
}
