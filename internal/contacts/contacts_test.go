package contacts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"rapport/internal/clock"
	"rapport/internal/contacts"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func newService(t *testing.T, s *store.Store) *contacts.Service {
	t.Helper()
	acct, err := s.Account(context.Background(), "me@example.com")
	storetest.Must(t, err)
	return &contacts.Service{Store: s, Account: acct}
}

// thousandRows builds a 1,000-row CSV where rows 100, 500 and 900 are bad
// in three different ways; it returns the CSV and the bad rows' line numbers.
func thousandRows() (string, []int) {
	var b strings.Builder
	b.WriteString("name,email,company,role,connection,referred_by,timezone,notes,linkedin\n")
	var bad []int
	line := 1
	for i := 1; i <= 1000; i++ {
		line++
		switch i {
		case 100:
			fmt.Fprintf(&b, "Bad Email %d,not-an-address,Acme,,,,,,\n", i)
			bad = append(bad, line)
		case 500:
			// A quoted carriage return inside the name.
			fmt.Fprintf(&b, "\"Eve\rInjected\",eve%d@example.org,Acme,,,,,,\n", i)
			bad = append(bad, line)
		case 900:
			fmt.Fprintf(&b, "Zed %d,zed%d@example.org,Acme,,,,Mars/Olympus,,\n", i, i)
			bad = append(bad, line)
		default:
			fmt.Fprintf(&b, "Person %d,Person%d@Example.ORG,Company %d,Engineer,met at a meetup,,America/New_York,,in/p%d\n", i, i, i%17, i)
		}
	}
	return b.String(), bad
}

func TestImportThousandRowsWithThreeBad(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(t, s)
		csvText, bad := thousandRows()
		rep, err := svc.ImportCSV(ctx, strings.NewReader(csvText), nil)
		storetest.Must(t, err)
		if rep.Rows != 1000 || rep.Added != 997 || len(rep.Errors) != 3 {
			t.Fatalf("report: rows=%d added=%d errors=%v", rep.Rows, rep.Added, rep.Errors)
		}
		for i, e := range rep.Errors {
			if e.Line != bad[i] {
				t.Errorf("error %d at line %d, want line %d (%s)", i, e.Line, bad[i], e.Reason)
			}
		}
		if !strings.Contains(rep.Errors[1].Reason, "line break") {
			t.Errorf("carriage return in name: reason %q", rep.Errors[1].Reason)
		}
		if !strings.Contains(rep.Errors[2].Reason, "time zone") {
			t.Errorf("bad zone: reason %q", rep.Errors[2].Reason)
		}
		c, err := svc.Get(ctx, "person7@example.org")
		storetest.Must(t, err)
		if c.Email != "person7@example.org" || c.Custom["linkedin"] != "in/p7" || c.Status != model.Queued ||
			c.NextAction != contacts.NextActionOutreach {
			t.Fatalf("imported contact = %+v", c)
		}

		// Again: nothing changes, not even the timeline.
		evsBefore, _ := s.Events(ctx, c.ID)
		rep2, err := svc.ImportCSV(ctx, strings.NewReader(csvText), nil)
		storetest.Must(t, err)
		if rep2.Added != 0 || rep2.Updated != 0 || rep2.Unchanged != 997 || len(rep2.Errors) != 3 {
			t.Fatalf("second import: %+v", rep2)
		}
		evsAfter, _ := s.Events(ctx, c.ID)
		if len(evsAfter) != len(evsBefore) {
			t.Fatalf("re-import added events: %d -> %d", len(evsBefore), len(evsAfter))
		}
		all, _ := s.Contacts(ctx, svc.Account, "")
		if len(all) != 997 {
			t.Fatalf("%d contacts after re-import", len(all))
		}
	})
}

func TestImportUpdatesChangedFieldsAndSkipsSuppressed(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(t, s)
		storetest.Must(t, s.Suppress(ctx, svc.Account, "gone@example.org", "opted_out", ""))
		_, err := svc.ImportCSV(ctx, strings.NewReader("email,name,company\na@example.org,Ann,Acme\n"), nil)
		storetest.Must(t, err)
		rep, err := svc.ImportCSV(ctx, strings.NewReader(
			"email,name,company\na@example.org,Ann,Globex\ngone@example.org,Gone,X\nb@example.org,Bo,\nB@example.org,Bo again,\n"), nil)
		storetest.Must(t, err)
		if rep.Updated != 1 || rep.Added != 1 || len(rep.Skipped) != 2 {
			t.Fatalf("report %+v", rep)
		}
		if rep.Skipped[0].Line != 3 || !strings.Contains(rep.Skipped[0].Reason, "suppressed") {
			t.Errorf("skip 0 = %+v", rep.Skipped[0])
		}
		if rep.Skipped[1].Line != 5 || rep.Skipped[1].Reason != "duplicate of line 4" {
			t.Errorf("skip 1 = %+v", rep.Skipped[1])
		}
		d, err := svc.Show(ctx, "a@example.org")
		storetest.Must(t, err)
		if d.Company != "Globex" || d.Events[len(d.Events)-1].Type != model.EventUpdated ||
			!strings.Contains(d.Events[len(d.Events)-1].Detail, "company") {
			t.Fatalf("updated contact %+v events %+v", d.Contact, d.Events)
		}
		if _, err := svc.Add(ctx, contacts.Input{Name: "Gone", Email: "GONE@example.org"}, ""); !errors.Is(err, contacts.ErrSuppressed) {
			t.Fatalf("adding a suppressed address: %v", err)
		}
	})
}

func TestImportRejectsBadHeaderAndMalformedRows(t *testing.T) {
	s := storetest.Open(t, "sqlite", clock.NewFake(t0))
	svc := newService(t, s)
	ctx := context.Background()
	// A header naming no person: the error names the columns as written.
	if _, err := svc.ImportCSV(ctx, strings.NewReader("Notes:\nFoo,Bär,Baz\nA,a@example.org,x\n"), nil); err == nil ||
		!strings.Contains(err.Error(), `row 2 has the columns "Foo", "Bär", "Baz"`) {
		t.Fatalf("bad header: %v", err)
	}
	rep, err := svc.ImportCSV(ctx, strings.NewReader("\uFEFFname,email\nA,a@example.org\nB,\"b@exa\"mple.org\nC,c@example.org,extra\nD,d@example.org\n"), nil)
	storetest.Must(t, err)
	if rep.Added != 2 || len(rep.Errors) != 2 || rep.Errors[0].Line != 3 || rep.Errors[1].Line != 4 {
		t.Fatalf("report %+v", rep)
	}
}

func TestValidateRejectsControlCharacters(t *testing.T) {
	for _, in := range []contacts.Input{
		{Name: "A\rB", Email: "a@example.org"},
		{Name: "A", Email: "a@example.org\r\nBcc: x@evil.example"},
		{Name: "A", Email: "a@example.org", Company: "X\x00"},
		{Name: "A", Email: "a@example.org", Custom: map[string]string{"k": "v\nw"}},
		{Name: "", Email: "a@example.org"},
		{Name: "A", Email: "a@localhost"},
	} {
		if _, err := in.Validate(); err == nil {
			t.Errorf("accepted %+v", in)
		}
	}
	c, err := contacts.Input{Name: " José ", Email: "José <Jose@BÜCHER.example>", ReferredBy: "Maria@Example.org"}.Validate()
	storetest.Must(t, err)
	if c.Email != "jose@xn--bcher-kva.example" || c.Name != "José" || c.ReferredBy != "maria@example.org" {
		t.Fatalf("normalised = %+v", c)
	}
}

func TestImportVCard(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		svc := newService(t, s)
		vcf := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Brad Smith\r\nEMAIL;TYPE=work:brad@example.com\r\nORG:Initech;R&D\r\nTITLE:CTO\r\nTEL:+1 555 0100\r\nEND:VCARD\r\n" +
			"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Mail\r\nEND:VCARD\r\n"
		rep, err := svc.ImportVCard(context.Background(), strings.NewReader(vcf), nil)
		storetest.Must(t, err)
		// A card without an address waits in needs_info.
		if rep.Added != 2 || rep.NeedsInfo != 1 || len(rep.Errors) != 0 || rep.Changes[1].Line != 9 ||
			rep.Changes[1].Status != model.NeedsInfo {
			t.Fatalf("report %+v", rep)
		}
		c, err := svc.Get(context.Background(), "brad@example.com")
		storetest.Must(t, err)
		if c.Name != "Brad Smith" || c.Company != "Initech" || c.Role != "CTO" || c.Custom["phone"] != "+1 555 0100" {
			t.Fatalf("contact %+v", c)
		}
	})
}

func TestPauseSnoozeResumeSet(t *testing.T) {
	clk := clock.NewFake(t0)
	storetest.Each(t, clk, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(t, s)
		_, err := svc.Add(ctx, contacts.Input{Name: "Ann", Email: "ann@example.org"}, "")
		storetest.Must(t, err)
		c, err := svc.Pause(ctx, "ann@example.org")
		storetest.Must(t, err)
		if c.Status != model.Paused || c.ResumeStatus != model.Queued {
			t.Fatalf("paused %+v", c)
		}
		until := t0.AddDate(0, 3, 0)
		c, err = svc.Snooze(ctx, "ann@example.org", until, "")
		storetest.Must(t, err)
		if c.Status != model.Snoozed || !c.SnoozedUntil.Equal(until) || c.ResumeStatus != model.Queued {
			t.Fatalf("snoozed %+v", c)
		}
		c, err = svc.Resume(ctx, "ann@example.org")
		storetest.Must(t, err)
		if c.Status != model.Queued || c.NextAction != contacts.NextActionOutreach {
			t.Fatalf("resumed %+v", c)
		}
		c, err = svc.SetStatus(ctx, "ann@example.org", model.OptedOut, "")
		storetest.Must(t, err)
		if sup, _, _ := s.Suppressed(ctx, svc.Account, "ann@example.org"); !sup || c.Status != model.OptedOut {
			t.Fatal("opted_out did not suppress")
		}
		if _, err := svc.Pause(ctx, "ann@example.org"); err == nil {
			t.Fatal("paused an opted-out contact")
		}
		d, err := svc.Show(ctx, "ann@example.org")
		storetest.Must(t, err)
		var types []string
		for _, e := range d.Events {
			types = append(types, string(e.From)+">"+string(e.To))
		}
		if got := strings.Join(types, " "); got != ">queued queued>paused paused>snoozed snoozed>queued queued>opted_out" {
			t.Fatalf("timeline %s", got)
		}
	})
}
