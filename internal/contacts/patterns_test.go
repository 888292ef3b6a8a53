package contacts

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func scanAll(t *testing.T, text string, sep rune, skipFirst bool) []*csvRow {
	t.Helper()
	s := newCSVScanner(text, sep, skipFirst)
	var rows []*csvRow
	for {
		r, err := s.next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
		if len(rows) > 1000 {
			t.Fatal("no end")
		}
	}
}

// Rows are numbered as a spreadsheet shows them, whatever the line ends;
// a malformed record costs its own row and no more.
func TestCSVScannerRowsAndRecovery(t *testing.T) {
	type want struct {
		row, line int
		fields    []string
		err       error
	}
	for _, tc := range []struct {
		name string
		text string
		sep  rune
		skip bool
		want []want
	}{
		{"lone CR line ends", "a,b\rc,\"d\re\"\rf,g", ',', false, []want{
			{1, 1, []string{"a", "b"}, nil}, {2, 2, []string{"c", "d\re"}, nil}, {3, 4, []string{"f", "g"}, nil}}},
		{"CRLF inside and between", "a;\"x\r\ny\"\r\n\r\nb;c\r\n", ';', false, []want{
			{1, 1, []string{"a", "x\ny"}, nil}, {2, 3, []string{""}, nil}, {3, 4, []string{"b", "c"}, nil}}},
		{"Excel text cell", "n,p\nAna,=\"0123\"\nBo,=\"1\"x\n", ',', false, []want{
			{1, 1, []string{"n", "p"}, nil}, {2, 2, []string{"Ana", "0123"}, nil}, {3, 3, nil, errAfterQuote}}},
		{"space before a quoted cell", "a, \"b, c\" ,d\n", ',', false, []want{{1, 1, []string{"a", "b, c", "d"}, nil}}},
		{"tabs are never skipped", "a\t \"b\"\n", '\t', false, []want{{1, 1, nil, errBareQuote}}},
		{"unclosed quote: the next lines are rows", "a,\"b\nc,d\ne,f\n", ',', false, []want{
			{1, 1, nil, errOpenQuote}, {2, 2, []string{"c", "d"}, nil}, {3, 3, []string{"e", "f"}, nil}}},
		{"a quote closed rows later", "a,\"b\nc,d\ne,\"f, g\",h\n", ',', false, []want{
			{1, 1, nil, errAfterQuote}, {2, 2, []string{"c", "d"}, nil}, {3, 3, []string{"e", "f, g", "h"}, nil}}},
		{"bare quote", "a,b\"c,d\ne,f\n", ',', false, []want{{1, 1, nil, errBareQuote}, {2, 2, []string{"e", "f"}, nil}}},
		{"sep= line is not a row", "sep=;\nName;Mail\nA;b@c.example\n", ';', true, []want{
			{1, 2, []string{"Name", "Mail"}, nil}, {2, 3, []string{"A", "b@c.example"}, nil}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := scanAll(t, tc.text, tc.sep, tc.skip)
			if len(rows) != len(tc.want) {
				t.Fatalf("%d rows, want %d: %+v", len(rows), len(tc.want), rows)
			}
			for i, w := range tc.want {
				r := rows[i]
				if r.row != w.row || r.line != w.line || !errors.Is(r.err, w.err) || w.err == nil && !reflect.DeepEqual(r.fields, w.fields) {
					t.Errorf("row %d = {row %d line %d %q %v}, want %+v", i, r.row, r.line, r.fields, r.err, w)
				}
			}
		})
	}
}

// The header is the row naming the most known columns, not the first one
// naming any; with no address column, the column of addresses is found.
func TestCSVHeaderAndAddressColumn(t *testing.T) {
	ci, err := openCSV("Report\nName,Outreach list\n\nContact,Company,Reach at\nAna Ruiz,Glovo,ana@example.com\nBo Ng,Acme,\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ci.header.row != 4 {
		t.Fatalf("header on row %d, want 4", ci.header.row)
	}
	rec, err := ci.next()
	if err != nil || rec.in.Name != "Ana Ruiz" || rec.in.Email != "ana@example.com" || rec.in.Company != "Glovo" {
		t.Fatalf("first row: %+v %v", rec, err)
	}
	// A column of mostly non-addresses is not taken for one.
	ci, err = openCSV("Name,Info\nA,likes @go\nB,x\nC,y\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec, _ := ci.next(); rec.in.Email != "" || rec.in.Custom["Info"] != "likes @go" {
		t.Fatalf("row: %+v", rec.in)
	}
}

// Extra blank cells are trailing columns, unless the row is wider than
// the file's rows and shows an unquoted comma.
func TestCSVExtraCells(t *testing.T) {
	ci, err := openCSV("name,email,company,role\nAnn,ann@example.org,Acme,Eng\nBo,bo@example.org,Acme, Inc,\n"+
		"Cy,cy@example.org,Initech,PM\nDee,dee@example.org,Initech,QA,,\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		rec, err := ci.next()
		if err != nil {
			break
		}
		got = append(got, rec.in.Name+"|"+rec.err)
	}
	want := []string{"Ann|", "|has 5 fields, the header has 4 (a value with an unquoted separator?)", "Cy|", "Dee|"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// Header names the synonyms miss are guessed for what cannot go wrong.
func TestGuessHeaders(t *testing.T) {
	for h, want := range map[string]field{
		"Tertiary Email": fEmailLoose, "Home E-mail (2)": fEmailLoose, "Mail privé": fEmailLoose,
		"Email Status": fCustom, "Email Opt Out": fCustom, "E-mail 4 - Type": fCustom, "Mailing Street": fCustom,
		"Person LinkedIn Profile": fLinkedInLoose, "Company Linkedin Url": fCustom, "LinkedIn Bio": fCustom,
		"Contact time zone": fTimezoneLoose, "Phone": fCustom,
	} {
		if got := guess(fold(h)); got != want {
			t.Errorf("guess(%q) = %q, want %q", h, got, want)
		}
	}
	// French Outlook: the first "Titre" is "M.", the last the job.
	cols, err := resolve([]string{"Titre", "Prénom", "Nom", "Société ", "Titre"}, nil)
	if err != nil || cols[0].field != fCustom || cols[4].field != fRole || cols[3].field != fCompany {
		t.Fatalf("columns %+v %v", cols, err)
	}
	// A lone "Title" is the job, but "Dr." in it is not.
	cols, _ = resolve([]string{"Title", "First Name", "Last Name", "Email"}, nil)
	if in := buildInput(cols, []string{"Dr.", "Ann", "Lee", "ann@example.org"}); in.Role != "" || in.Custom["Title"] != "Dr." {
		t.Fatalf("courtesy title: %+v", in)
	}
}

func TestCellsAndAddresses(t *testing.T) {
	cols, err := resolve([]string{"Name", "Email", "Company", "Role", "Custom Field 1 - Label", "Custom Field 1 - Value"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		row  []string
		want Input
	}{
		{[]string{"", "Ana Ruiz <ana@example.com>", "N/A", "—"}, Input{Name: "Ana Ruiz", Email: "ana@example.com"}},
		{[]string{"bo@example.com", "", "Acme (https://www.notion.so/Acme-0a1b2c?pvs=21)", "TBD"}, Input{Email: "bo@example.com", Company: "Acme"}},
		{[]string{"Cy", "cy@example; cy@example.org", "\uFEFFInitech", `="PM"`}, Input{Name: "Cy", Email: "cy@example.org", Company: "Initech", Role: "PM"}},
		{[]string{"Di", "mailto:di@example.org?subject=Hi", "", "", "Time zone", "america/new_york"}, Input{Name: "Di", Email: "di@example.org", Timezone: "America/New_York"}},
		{[]string{"Ed", "x", "", "", "School", "MIT"}, Input{Name: "Ed", Email: "x", Custom: map[string]string{"School": "MIT"}}},
	} {
		if got := buildInput(cols, tc.row); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %+v, want %+v", tc.row, got, tc.want)
		}
	}
}

func TestNormalizeZone(t *testing.T) {
	for in, want := range map[string]string{
		"Europe/Berlin": "Europe/Berlin", "america/new_york": "America/New_York", "america_slash_chicago": "America/Chicago",
		"EST": "America/New_York", "pacific time": "America/Los_Angeles", "W. Europe Standard Time": "Europe/Berlin",
		"(UTC-05:00) Eastern Time (US & Canada)": "America/New_York", "(GMT+01:00) Europe/Paris": "Europe/Paris",
		"(UTC+01:00) Amsterdam, Berlin, Bern, Rome": "Etc/GMT-1", "UTC+2": "Etc/GMT-2", "-05:00": "Etc/GMT+5",
		"GMT": "UTC", "+05:30": "Asia/Kolkata", "CET": "CET", "Mars/Olympus": "", "Local": "", "+15": "", "": "",
	} {
		got, ok := NormalizeZone(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeZone(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

// A file put together from a UTF-8 and an ANSI export is read line by
// line; a vCard folded inside a UTF-8 character is mended.
func TestDecodeMixedAndSplitFolds(t *testing.T) {
	d, err := readText(strings.NewReader("name\nZo\xc3\xab\nJ\xfcrgen\n"), "")
	if err != nil || d.text != "name\nZoë\nJürgen\n" || d.encoding != "UTF-8 and windows-1252" {
		t.Fatalf("mixed: %+v %v", d, err)
	}
	d, err = readText(strings.NewReader("BEGIN:VCARD\r\nNOTE:M\xc3\r\n \xb8dt \xc3\xa6\r\n\t\xe2\x82\r\n \xac\r\nEND:VCARD\r\n"), "")
	if err != nil || d.encoding != "UTF-8" || !strings.Contains(d.text, "NOTE:Mø\r\n dt æ\r\n\t€\r\n \r\n") {
		t.Fatalf("split folds: %+v %v", d, err)
	}
	for _, data := range []string{"PK\x03\x04rest", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "%PDF-1.7"} {
		if _, err := readText(strings.NewReader(data), ""); err == nil || !strings.Contains(err.Error(), "save the sheet as CSV") {
			t.Errorf("%q: %v", data[:4], err)
		}
	}
}

func TestVCardQuirks(t *testing.T) {
	text := "BEGIN:VCARD\nVERSION:3.0\nFN:A\nEMAIL:a@example.org\n" + // no END
		"BEGIN:VCARD\nVERSION:2.1\nFN:B\nAGENT:\nBEGIN:VCARD\nFN:Assistant\nEND:VCARD\n" +
		"NOTE;ENCODING=QUOTED-PRINTABLE:one =\n two=0Athree\nTITLE;ENCODING=BASE64:Q1RP\n" +
		"X-SOCIALPROFILE;type=linkedin;x-user=bee:x-apple:bee\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Team\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:4.0\nKIND:org\nFN:Acme\nORG:Acme\nEMAIL:hi@acme.example\nEND:VCARD\n"
	vi := &vcardImport{cards: readVCards(text)}
	var recs []*record
	for {
		rec, err := vi.next()
		if err != nil {
			break
		}
		recs = append(recs, rec)
	}
	if len(recs) != 4 || recs[0].err == "" || recs[0].line != 1 {
		t.Fatalf("cards %+v", recs)
	}
	b := recs[1].in
	if b.Name != "B" || b.Notes != "one two\nthree" || b.Role != "CTO" || b.LinkedIn != "https://www.linkedin.com/in/bee" {
		t.Fatalf("card B %+v", b)
	}
	if recs[2].skip == "" || recs[2].skipWhat != "Team" {
		t.Fatalf("group %+v", recs[2])
	}
	if o := recs[3].in; o.Name != "" || o.Company != "Acme" || o.Email != "hi@acme.example" {
		t.Fatalf("org %+v", o)
	}
}

func TestNamesAndAddressForms(t *testing.T) {
	for in, want := range map[string]string{
		"Lee, Jordan": "Jordan Lee", "Okafor, Ngozi A.": "Ngozi A. Okafor", "van der Berg, Anna": "Anna van der Berg",
		"Kenji Watanabe, CFA": "Kenji Watanabe, CFA", "Lee, Jr.": "Lee, Jr.", "Acme, Inc": "Acme, Inc",
		"Globant, S.A.": "Globant, S.A.", "Lee, Jordan, PhD": "Lee, Jordan, PhD", "Jordan Lee": "Jordan Lee",
	} {
		if got := unflip(in); got != want {
			t.Errorf("unflip(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]addrCand{
		"SMTP:ana@example.org":           {raw: "ana@example.org", addr: "ana@example.org"},
		"Ana Ruiz (ana@example.org)":     {raw: "Ana Ruiz (ana@example.org)", addr: "ana@example.org", name: "Ana Ruiz"},
		"ana@example.org (Ana Ruiz)":     {raw: "ana@example.org (Ana Ruiz)", addr: "ana@example.org", name: "Ana Ruiz"},
		"'ana@example.org'":              {raw: "'ana@example.org'", addr: "ana@example.org"},
		"ana@example.org.":               {raw: "ana@example.org.", addr: "ana@example.org"},
		"mailto:ana@example.org?cc=bo@x": {raw: "ana@example.org", addr: "ana@example.org"},
		"ana at example dot org":         {raw: "ana at example dot org"},
	} {
		if got := addressCand(in); got != want {
			t.Errorf("addressCand(%q) = %+v, want %+v", in, got, want)
		}
	}
	// "work: a@x, home: b@y" in one cell.
	if a, _ := pickEmail([]string{"work: ana@example.org, home: ana@home.example"}, nil, "", ""); a != "ana@example.org" {
		t.Errorf("labelled list: %q", a)
	}
}

func TestMacRomanAndPastedBOM(t *testing.T) {
	d, err := readText(strings.NewReader("Name,Email\rZo\x91 M\x9fller,zoe@example.ch\r"), "")
	if err != nil || d.encoding != "macintosh" || !strings.Contains(d.text, "Zoë Müller") {
		t.Fatalf("%+v %v", d, err)
	}
	rows := scanAll(t, "a,b\n\uFEFF\"a\",\"b\"\n", ',', false)
	if len(rows) != 2 || rows[1].err != nil || rows[1].fields[0] != "a" {
		t.Fatalf("rows %+v", rows[1])
	}
}
