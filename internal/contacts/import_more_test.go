package contacts_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"rapport/internal/clock"
	"rapport/internal/compose"
	"rapport/internal/contacts"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/store/storetest"
)

func importString(t *testing.T, svc *contacts.Service, text string, opt contacts.ImportOptions) *contacts.Report {
	t.Helper()
	rep, err := svc.Import(context.Background(), strings.NewReader(text), opt)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

// Rows are numbered as a spreadsheet shows them: preamble and blank rows
// count, a cell with line breaks is one row; the text line is kept too.
func TestImportRowNumbersAsInSpreadsheet(t *testing.T) {
	s := storetest.Open(t, "sqlite", clock.NewFake(t0))
	svc := newService(t, s)
	text := "Notes:\n\"An export note, with a comma\"\n\nFirst Name,Last Name,Email Address,Company,Notes\n" + // rows 1-4
		"Ann,Lee,ann@example.org,Acme,\"first line\nsecond line\nthird line\"\n" + // row 5, lines 5-7
		"Bo,Ng,not-an-address,Acme,\n" + // row 6, line 8
		",,,,\n" + // row 7: blank
		"Cy,Oh,cy@example.org,\"Acme\",x\"y\n" + // row 8, line 10: bare quote
		"Di,Ro,di@example.org,Initech,\n" + // row 9
		",,,,\n,,,,\n"
	rep := importString(t, svc, text, contacts.ImportOptions{})
	if rep.Rows != 4 || rep.Added != 2 || len(rep.Errors) != 2 {
		t.Fatalf("report %+v", rep)
	}
	if e := rep.Errors[0]; e.Line != 6 || e.TextLine != 8 || !strings.Contains(e.Reason, "invalid email") {
		t.Errorf("error 0 = %+v, want row 6 (text line 8)", e)
	}
	if e := rep.Errors[1]; e.Line != 8 || e.TextLine != 10 || !strings.Contains(e.Reason, "malformed CSV") {
		t.Errorf("error 1 = %+v, want row 8 (text line 10)", e)
	}
	if rep.Changes[0].Line != 5 || rep.Changes[1].Line != 9 {
		t.Errorf("changes at rows %d and %d, want 5 and 9", rep.Changes[0].Line, rep.Changes[1].Line)
	}
	c, err := svc.Get(context.Background(), "ann@example.org")
	storetest.Must(t, err)
	if c.Name != "Ann Lee" || c.Notes != "first line\nsecond line\nthird line" {
		t.Fatalf("contact %+v", c)
	}
}

func TestImportHeaderErrorsNameTheColumns(t *testing.T) {
	s := storetest.Open(t, "sqlite", clock.NewFake(t0))
	svc := newService(t, s)
	ctx := context.Background()
	// The header cells as written, not as rapport normalises them.
	_, err := svc.Import(ctx, strings.NewReader("E-mail 1 - Wert;Telefón\nx@example.org;1\n"), contacts.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), `"E-mail 1 - Wert", "Telefón"`) || !strings.Contains(err.Error(), "--map") {
		t.Fatalf("err = %v", err)
	}
	// A line break in a header cell never becomes a field name.
	_, err = svc.Import(ctx, strings.NewReader("\"Na\nme\",email\nA,a@example.org\n"), contacts.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "line break") {
		t.Fatalf("header with a line break: %v", err)
	}
	// --map names a column the file lacks: the real columns are listed.
	_, err = svc.Import(ctx, strings.NewReader("Name,Mail privé\nA,a@example.org\n"),
		contacts.ImportOptions{Map: map[string]string{"Courriel": "email"}})
	if err == nil || !strings.Contains(err.Error(), `"Name", "Mail privé"`) {
		t.Fatalf("--map unknown column: %v", err)
	}
	_, err = svc.Import(ctx, strings.NewReader("Name,Mail\nA,a@example.org\n"),
		contacts.ImportOptions{Map: map[string]string{"Mail": "phone"}})
	if err == nil || !strings.Contains(err.Error(), "unknown field") {
		t.Fatalf("--map unknown field: %v", err)
	}
}

func TestImportMapColumns(t *testing.T) {
	s := storetest.Open(t, "sqlite", clock.NewFake(t0))
	svc := newService(t, s)
	text := "Wer;Adresse privée;Boîte;Was sie tun;Schule\nAnn Lee;ann@example.org;Acme;Data engineer;MIT\n"
	rep := importString(t, svc, text, contacts.ImportOptions{Map: map[string]string{
		"wer": "name", "ADRESSE PRIVEE": "email", "Boîte": "company", "was sie tun": "role"}})
	if rep.Added != 1 || len(rep.Errors) != 0 {
		t.Fatalf("report %+v", rep)
	}
	c, err := svc.Get(context.Background(), "ann@example.org")
	storetest.Must(t, err)
	if c.Name != "Ann Lee" || c.Company != "Acme" || c.Role != "Data engineer" || c.Custom["Schule"] != "MIT" || len(c.Custom) != 1 {
		t.Fatalf("contact %+v", c)
	}
}

func TestImportEncodings(t *testing.T) {
	s := storetest.Open(t, "sqlite", clock.NewFake(t0))
	svc := newService(t, s)
	ctx := context.Background()
	// Windows-1250 (Central European) is not detected, but can be named.
	cp1250 := []byte("name,email,company\nPawe\xb3 \x8cwi\xeatek,pawel@example.pl,\xa3\xf3d\x9f Labs\n")
	rep, err := svc.Import(ctx, bytes.NewReader(cp1250), contacts.ImportOptions{Encoding: "windows-1250"})
	storetest.Must(t, err)
	c, err := svc.Get(ctx, "pawel@example.pl")
	storetest.Must(t, err)
	if rep.Encoding != "windows-1250" || c.Name != "Paweł Świętek" || c.Company != "Łódź Labs" {
		t.Fatalf("report %+v contact %+v", rep, c)
	}
	// A UTF-8 byte order mark on a file that is not UTF-8 is an error that says where.
	_, err = svc.Import(ctx, bytes.NewReader([]byte("\xef\xbb\xbfname,email\nJos\xe9,j@example.org\n")), contacts.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("bad UTF-8 after a BOM: %v", err)
	}
	if _, err := svc.Import(ctx, strings.NewReader("name,email\n"), contacts.ImportOptions{Encoding: "klingon"}); err == nil {
		t.Fatal("unknown encoding accepted")
	}
	// UTF-16 without a byte order mark, big-endian.
	var be []byte
	for _, r := range "name\temail\nZoë\tzoe@example.org\n" {
		be = append(be, byte(r>>8), byte(r))
	}
	rep, err = svc.Import(ctx, bytes.NewReader(be), contacts.ImportOptions{})
	storetest.Must(t, err)
	if rep.Encoding != "UTF-16BE" || rep.Added != 1 {
		t.Fatalf("UTF-16BE: %+v", rep)
	}
}

// A LinkedIn connection without an address waits in needs_info until an
// address arrives: by another import with the same profile, by
// contacts set, or by contacts add with the same LinkedIn URL.
func TestNeedsInfoCompletedLater(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(t, s)
		rep := importFile(t, svc, "linkedin-connections.csv", contacts.ImportOptions{})
		if rep.NeedsInfo != 3 {
			t.Fatalf("needs_info %d", rep.NeedsInfo)
		}
		jordan, err := svc.Find(ctx, "https://www.linkedin.com/in/Jordan-Lee-4a1b2c/")
		storetest.Must(t, err)

		// 1. Google's export has Jordan's address and the same profile.
		rep = importFile(t, svc, "google-contacts.csv", contacts.ImportOptions{})
		if rep.Completed != 1 || rep.Changes[0].Action != contacts.ActionComplete || rep.Changes[0].Status != model.Queued {
			t.Fatalf("google import: %+v", rep)
		}
		c, err := svc.Get(ctx, "jordan@acme.example")
		storetest.Must(t, err)
		if c.ID != jordan.ID || c.Status != model.Queued || c.NextAction != contacts.NextActionOutreach ||
			c.Custom["Connected On"] != "12 Nov 2024" || c.Notes == "" {
			t.Fatalf("completed contact %+v", c)
		}
		d, err := svc.Show(ctx, "jordan@acme.example")
		storetest.Must(t, err)
		last := d.Events[len(d.Events)-1]
		if last.From != model.NeedsInfo || last.To != model.Queued {
			t.Fatalf("timeline ends with %+v", last)
		}
		// And the LinkedIn file again leaves Jordan alone.
		rep = importFile(t, svc, "linkedin-connections.csv", contacts.ImportOptions{})
		if rep.Added != 0 || rep.Updated != 0 || rep.Unchanged != 4 {
			t.Fatalf("LinkedIn again: %+v", rep)
		}

		// 2. contacts set WHO --email.
		c, changed, err := svc.Edit(ctx, "linkedin.com/in/samoneil", contacts.Input{Email: "Sam@Initech.example"}, nil, "set by the user")
		storetest.Must(t, err)
		if c.Email != "sam@initech.example" || c.Status != model.Queued || len(changed) != 1 || changed[0] != "email" {
			t.Fatalf("edit: %+v %v", c, changed)
		}
		// An address that is already someone else's is refused.
		if _, _, err := svc.Edit(ctx, "Priya Natarajan", contacts.Input{Email: "sam@initech.example"}, nil, ""); err == nil {
			t.Fatal("gave one address to two contacts")
		}

		// 3. contacts add with the same LinkedIn URL.
		c, completed, err := svc.AddOrComplete(ctx, contacts.Input{Name: "Priya Natarajan", Email: "priya@umbrella.example",
			LinkedIn: "linkedin.com/in/priya-natarajan"}, nil, "added with contacts add")
		storetest.Must(t, err)
		if !completed || c.Status != model.Queued || c.Company != "Umbrella Corp, Inc." {
			t.Fatalf("add: completed %v %+v", completed, c)
		}
		left, err := s.Contacts(ctx, svc.Account, model.NeedsInfo)
		storetest.Must(t, err)
		if len(left) != 1 || left[0].Name != "Chris Park" { // Google's Chris has only a phone number
			t.Fatalf("still in needs_info: %d, first %+v", len(left), left[0])
		}
		// A suppressed address never completes anyone.
		storetest.Must(t, s.Suppress(ctx, svc.Account, "x@example.org", "opted_out", ""))
		importString(t, svc, "name,email\nNo Mail,\n", contacts.ImportOptions{})
		if _, _, err := svc.Edit(ctx, "No Mail", contacts.Input{Email: "x@example.org"}, nil, ""); err == nil {
			t.Fatal("completed with a suppressed address")
		}
	})
}

// dailyForecast is a deterministic Forecaster for tests: perDay sends a
// day at 09:00 UTC from the day after now, after queued already.
type dailyForecast struct {
	perDay, queued int
}

func (f dailyForecast) Forecast(_ context.Context, add []*model.Contact, now time.Time) ([]time.Time, error) {
	day := time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, time.UTC)
	out := make([]time.Time, len(add))
	for i := range add {
		n := f.queued + i
		out[i] = day.AddDate(0, 0, 1+n/f.perDay).Add(time.Duration(n%f.perDay) * 5 * time.Minute)
	}
	return out, nil
}

func TestDryRunWritesNothingAndForecasts(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(t, s)
		storetest.Must(t, s.Suppress(ctx, svc.Account, "gone@example.org", "bounced", ""))
		var b strings.Builder
		b.WriteString("name,email,company\n")
		for i := 0; i < 45; i++ {
			fmt.Fprintf(&b, "Person %d,p%d@example.org,Acme\n", i, i)
		}
		b.WriteString("Gone,gone@example.org,X\nNo Address,,Y\nBad,nope,Z\n")
		opt := contacts.ImportOptions{DryRun: true, Forecaster: dailyForecast{perDay: 20}}
		rep := importString(t, svc, b.String(), opt)
		if !rep.DryRun || rep.Added != 46 || rep.NeedsInfo != 1 || len(rep.Skipped) != 1 || len(rep.Errors) != 1 || len(rep.Plan) != 45 {
			t.Fatalf("dry run: %+v", rep)
		}
		first, last := rep.PlanSpan()
		if !first.Equal(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)) || !last.Equal(time.Date(2026, 11, 24, 9, 20, 0, 0, time.UTC)) {
			t.Fatalf("plan %s .. %s", first, last)
		}
		if w := contacts.Weeks(t0, last); w != 1 {
			t.Fatalf("weeks %d", w)
		}
		all, err := s.Contacts(ctx, svc.Account, "")
		storetest.Must(t, err)
		if len(all) != 0 || timelines(t, s, svc.Account) != 0 {
			t.Fatalf("dry run wrote %d contacts, %d events", len(all), timelines(t, s, svc.Account))
		}
		// The real import queues each contact at its forecast time.
		opt.DryRun = false
		rep = importString(t, svc, b.String(), opt)
		c, err := svc.Get(ctx, "p44@example.org")
		storetest.Must(t, err)
		if !c.NextActionAt.Equal(rep.Plan[44]) || !c.NextActionAt.Equal(last) {
			t.Fatalf("p44 due %s, plan says %s", c.NextActionAt, rep.Plan[44])
		}
	})
}

// outreachChecker is the Checker the CLI builds, on real templates: an
// outreach template that needs a custom column.
type outreachChecker struct{ tpl *compose.Templates }

func (oc outreachChecker) Missing(_ context.Context, c *model.Contact) (string, error) {
	d := compose.Sample()
	d.Contact = compose.Contact{Name: c.Name, Email: c.Email, Company: c.Company, Role: c.Role, Custom: c.Custom}
	_, err := oc.tpl.Render(compose.KindOutreach, d)
	if mf, ok := err.(*compose.MissingFieldError); ok {
		return mf.Error(), nil
	}
	return "", err
}

func TestTemplateNeedsCustomColumn(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(t, s)
		tpl, err := compose.LoadFS(fstest.MapFS{"outreach.txt.tmpl": {Data: []byte(
			`Hi {{.Contact.FirstName}}, we both studied at {{field .Contact "School"}}.`)}})
		storetest.Must(t, err)
		opt := contacts.ImportOptions{Checker: outreachChecker{tpl}}
		rep := importString(t, svc, "name,email,company,School\nAnn,ann@example.org,Acme,MIT\nBo,bo@example.org,Acme,\n", opt)
		if rep.Added != 2 || rep.NeedsInfo != 1 {
			t.Fatalf("report %+v", rep)
		}
		bo, err := svc.Get(ctx, "bo@example.org")
		storetest.Must(t, err)
		if bo.Status != model.NeedsInfo || bo.StatusReason != `outreach: contact has no "School" field` {
			t.Fatalf("bo = %s %q", bo.Status, bo.StatusReason)
		}
		// The column filled in later: Bo is queued.
		rep = importString(t, svc, "name,email,company,school\nAnn,ann@example.org,Acme,MIT\nBo,bo@example.org,Acme,ETH\n", opt)
		if rep.Completed != 1 || rep.Unchanged != 1 {
			t.Fatalf("second import %+v", rep)
		}
		bo, _ = svc.Get(ctx, "bo@example.org")
		if bo.Status != model.Queued || bo.Custom["school"] != "ETH" {
			t.Fatalf("bo = %+v", bo)
		}
	})
}

func TestRemoveAndForget(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(t, s)
		importString(t, svc, "name,email,referred_by\nAnn,ann@example.org,\nBo,bo@example.org,ann@example.org\n", contacts.ImportOptions{})
		ann, _ := svc.Get(ctx, "ann@example.org")

		c, err := svc.Remove(ctx, "ann@example.org", false)
		storetest.Must(t, err)
		if c.Email != "ann@example.org" {
			t.Fatalf("removed %+v", c)
		}
		if _, err := svc.Get(ctx, "ann@example.org"); err == nil {
			t.Fatal("removed contact still there")
		}
		var detached int
		storetest.Must(t, s.DB().Get(&detached, s.DB().Rebind(`SELECT COUNT(*) FROM events WHERE account_id = ? AND contact_id IS NULL AND detail LIKE '%ann@example.org%'`), svc.Account))
		if detached != 1 {
			t.Fatalf("%d detached removal events", detached)
		}
		_ = ann
		// Removed is not suppressed: a later import adds Ann again.
		rep := importString(t, svc, "name,email\nAnn,ann@example.org\n", contacts.ImportOptions{})
		if rep.Added != 1 {
			t.Fatalf("re-add: %+v", rep)
		}

		before := timelines(t, s, svc.Account)
		if _, err := svc.Remove(ctx, "Ann", true); err != nil {
			t.Fatal(err)
		}
		if after := timelines(t, s, svc.Account); after != before-1 {
			t.Fatalf("forget left the timeline: %d -> %d events", before, after)
		}
		if sup, why, _ := s.Suppressed(ctx, svc.Account, "ann@example.org"); !sup || why != contacts.SuppressForgotten {
			t.Fatalf("forgotten address not suppressed (%v %q)", sup, why)
		}
		bo, _ := svc.Get(ctx, "bo@example.org")
		if bo.ReferredBy != "" {
			t.Fatalf("forgotten address still a referrer: %+v", bo)
		}
		rep = importString(t, svc, "name,email\nAnn,ann@example.org\n", contacts.ImportOptions{})
		if rep.Added != 0 || len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Reason, "suppressed (forgotten)") {
			t.Fatalf("import after forget: %+v", rep)
		}
		if _, err := svc.Remove(ctx, "nobody@example.org", false); err == nil {
			t.Fatal("removed a contact that does not exist")
		}
	})
}

func TestExportReimportsUnchanged(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(t, s)
		for _, f := range []string{"linkedin-connections.csv", "google-contacts.csv", "outlook-desktop.csv", "icloud-3.0.vcf"} {
			importFile(t, svc, f, contacts.ImportOptions{})
		}
		all, err := s.Contacts(ctx, svc.Account, "")
		storetest.Must(t, err)
		for _, format := range []string{"csv", "vcard"} {
			var buf bytes.Buffer
			if format == "csv" {
				storetest.Must(t, contacts.ExportCSV(&buf, all))
			} else {
				storetest.Must(t, contacts.ExportVCard(&buf, all))
			}
			// Into the same account: nothing changes.
			rep := importString(t, svc, buf.String(), contacts.ImportOptions{Format: format})
			if rep.Added != 0 || rep.Updated != 0 || rep.Unchanged != len(all) || len(rep.Errors) != 0 {
				t.Fatalf("%s re-import into the same account: %+v", format, rep)
			}
			// Into a fresh account: the same people, the same fields.
			acct, err := s.Account(ctx, format+"-copy@example.com")
			storetest.Must(t, err)
			copySvc := &contacts.Service{Store: s, Account: acct}
			rep = importString(t, copySvc, buf.String(), contacts.ImportOptions{Format: format})
			if rep.Added != len(all) || len(rep.Errors) != 0 {
				t.Fatalf("%s import into a fresh account: %+v", format, rep)
			}
			for _, want := range all {
				got, err := copySvc.Find(ctx, contacts.Handle(want))
				storetest.Must(t, err)
				if got.Name != want.Name || got.Email != want.Email || got.Company != want.Company || got.Role != want.Role ||
					got.Notes != want.Notes || got.ReferredBy != want.ReferredBy || got.Status != want.Status || len(got.Custom) != len(want.Custom) {
					t.Errorf("%s round trip of %s:\n got %+v\nwant %+v", format, contacts.Handle(want), got, want)
				}
				for k, v := range want.Custom {
					if got.Custom[k] != v {
						t.Errorf("%s round trip of %s: custom %q = %q, want %q", format, contacts.Handle(want), k, got.Custom[k], v)
					}
				}
			}
		}
	})
}

// Repeated and empty header names become distinct custom fields; a header
// of thousands of repeated names stays linear.
func TestImportRepeatedHeaderNames(t *testing.T) {
	s := storetest.Open(t, "sqlite", clock.NewFake(t0))
	svc := newService(t, s)
	importString(t, svc, "name,email,Tag,Tag,,Tag\nAnn,ann@example.org,a,b,c,d\n", contacts.ImportOptions{})
	c, err := svc.Get(context.Background(), "ann@example.org")
	storetest.Must(t, err)
	want := map[string]string{"Tag": "a", "Tag (2)": "b", "column 5": "c", "Tag (3)": "d"}
	for k, v := range want {
		if c.Custom[k] != v {
			t.Fatalf("custom = %v, want %v", c.Custom, want)
		}
	}
	wide := "name,email" + strings.Repeat(",x", 990) + "\nBo,bo@example.org" + strings.Repeat(",", 990) + "\n"
	if rep := importString(t, svc, wide, contacts.ImportOptions{}); rep.Added != 1 {
		t.Fatalf("wide header: %+v", rep)
	}
	if _, err := svc.Import(context.Background(), strings.NewReader("name,email"+strings.Repeat(",x", 1000)+"\n"), contacts.ImportOptions{}); err == nil {
		t.Fatal("a header of 1002 columns was accepted")
	}
}

func TestEditOneField(t *testing.T) {
	s := storetest.Open(t, "sqlite", clock.NewFake(t0))
	svc := newService(t, s)
	importString(t, svc, "name,email\nAnn Lee,ann@example.org\n", contacts.ImportOptions{})
	c, changed, err := svc.Edit(context.Background(), "Ann Lee", contacts.Input{Company: "Globex", Custom: map[string]string{"School": "MIT"}}, nil, "")
	storetest.Must(t, err)
	if c.Company != "Globex" || c.Custom["School"] != "MIT" || strings.Join(changed, ",") != "company,School" {
		t.Fatalf("edit: %+v %v", c, changed)
	}
	rep := importString(t, svc, "name,email,company\n,,\n,,Acme\n", contacts.ImportOptions{})
	if len(rep.Errors) != 1 || rep.Errors[0].Line != 3 || rep.Errors[0].Reason != "no name and no email address" {
		t.Fatalf("nobody rows: %+v", rep)
	}
}
