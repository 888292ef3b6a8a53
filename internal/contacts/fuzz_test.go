package contacts

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
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
		"Report\rName,x\r\rContact,E-mail,Company\rA,=\"0\",\"c\r\nd\"\r\"Footer\"\r",
		"name;email;company\nA;\"a@b.example\nB;b@c.example;\"x\"y\nContact;E-mail;Company\n",
		"Custom Field 1 - Label,Custom Field 1 - Value,Name,Info\nTime zone,UTC+2,A,a@b.example\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ci, err := openCSV(text, nil)
		if err != nil {
			return
		}
		prev := ci.header.row
		for i := 0; i < 10000; i++ {
			rec, err := ci.next()
			if errors.Is(err, io.EOF) || err != nil {
				return
			}
			// Rows go forward, and a row is never past the text line it is on.
			if rec.line <= prev || rec.textLine < rec.line {
				t.Fatalf("row %d (text line %d) after row %d", rec.line, rec.textLine, prev)
			}
			prev = rec.line
			checkRecord(t, rec)
		}
	})
}

// Decoding takes any bytes: what it returns is UTF-8, and mending a
// vCard's folds never changes its number of lines.
func FuzzReadText(f *testing.F) {
	for _, s := range []string{"name\nZo\xc3\xab\nJ\xfcrgen\n", "\xff\xfen\x00a\x00", "BEGIN:VCARD\r\nNOTE:\xc3\r\n \xb8\r\n",
		"\xef\xbb\xbfa,b\n", "PK\x03\x04", "\x00a\x00b\x00\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if m := mendFolds(data); bytes.Count(m, []byte{'\n'}) != bytes.Count(data, []byte{'\n'}) || len(m) != len(data) {
			t.Fatalf("mendFolds changed the lines: %q -> %q", data, m)
		}
		d, err := readText(bytes.NewReader(data), "")
		if err == nil && !utf8.ValidString(d.text) {
			t.Fatalf("not UTF-8: %q", d.text)
		}
	})
}

func FuzzNormalizeZone(f *testing.F) {
	for _, s := range []string{"EST", "(UTC-05:00) Eastern Time (US & Canada)", "america_slash_new_york", "+05:30", "GMT-14", "Etc/GMT+5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		z, ok := NormalizeZone(s)
		if !ok {
			return
		}
		if !knownZone(z) {
			t.Fatalf("NormalizeZone(%q) = %q, not a zone", s, z)
		}
		if z2, ok := NormalizeZone(z); !ok || z2 != z {
			t.Fatalf("NormalizeZone(%q) = %q, then %q", s, z, z2)
		}
	})
}

func FuzzParseVCard(f *testing.F) {
	for _, s := range []string{
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEMAIL;TYPE=pref:a@b.example\r\nNOTE:x\\ny\r\nEND:VCARD\r\n",
		"BEGIN:VCARD\nVERSION:2.1\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\nb=0D=0Ac\nEMAIL;PREF;INTERNET:a@b.example\nEND:VCARD\n",
		"BEGIN:VCARD\nitem1.EMAIL;type=\"a;b\":x\nAGENT:BEGIN:VCARD\n END:VCARD\n",
		"BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nAGENT:\nBEGIN:VCARD\nEND:VCARD\nTITLE;ENCODING=b:Q1RP\nKIND:group\nEND:VCARD\n",
		"BEGIN:VCARD\nX-SOCIALPROFILE;type=linkedin;x-user=a:x-apple:a\nX-ABShowAs:COMPANY\nNOTE;QUOTED-PRINTABLE:a=\n =3D\nEND:VCARD\n",
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
