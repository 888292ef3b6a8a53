package contacts_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rapport/internal/clock"
	"rapport/internal/contacts"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/store/storetest"
)

// person is what a test expects to find after an import. Email "" means
// the person has no address: they wait in needs_info, found by handle.
type person struct {
	handle, name, email, company, role string
	status                             model.Status
	notes                              string            // "" means not checked
	custom                             map[string]string // fields that must be there
	noCustom                           []string          // fields that must not
	timezone                           string
	referredBy                         string
}

// The files in testdata are built from each exporter's documented columns
// and habits: LinkedIn's notes preamble, Google's current and legacy
// columns, Outlook's web and desktop exports (English, German, French),
// Excel's semicolon Windows-1252 and UTF-16 "Unicode text", and vCard 2.1,
// 3.0 and 4.0 from Outlook, iCloud and Google.
var formatCases = []struct {
	file     string
	format   string
	encoding string
	rows     int
	people   []person
}{
	{"linkedin-connections.csv", "LinkedIn connections", "UTF-8", 4, []person{
		{handle: "linkedin.com/in/jordan-lee-4a1b2c", name: "Jordan Lee", company: "Acme Analytics", role: "Data Engineer",
			status: model.NeedsInfo, custom: map[string]string{"linkedin": "https://www.linkedin.com/in/jordan-lee-4a1b2c", "Connected On": "12 Nov 2024"}},
		{handle: "maria.lopez@example.org", name: "Maria López", email: "maria.lopez@example.org", company: "Globex",
			role: "Director, Product", status: model.Queued},
		{handle: "linkedin.com/in/samoneil", name: "Sam O'Neil", company: "Initech", role: "Senior Software Engineer", status: model.NeedsInfo},
		{handle: "linkedin.com/in/priya-natarajan", name: "Priya Natarajan", company: "Umbrella Corp, Inc.", role: "Staff Data Scientist", status: model.NeedsInfo},
	}},
	{"google-contacts.csv", "Google Contacts CSV", "UTF-8", 3, []person{
		{handle: "jordan@acme.example", name: "Jordan Lee", email: "jordan@acme.example", company: "Acme Analytics", role: "Data Engineer",
			status: model.Queued, notes: "Met at the Boston Go meetup.\nAsked about data pipelines.",
			custom:   map[string]string{"Address 1 - Formatted": "1 Main St, Boston, MA 02110", "Website 1 - Value": "https://www.linkedin.com/in/jordan-lee-4a1b2c"},
			noCustom: []string{"Photo", "E-mail 1 - Label", "Phonetic First Name"}},
		{handle: "ana.garcia@northwind.example", name: "Ana María García", email: "ana.garcia@northwind.example", company: "Northwind Traders",
			role: "Head of Data", status: model.Queued, custom: map[string]string{"Name Prefix": "Dr."}},
		{handle: "Chris Park", name: "Chris Park", status: model.NeedsInfo, notes: "Only a phone number"},
	}},
	{"google-contacts-legacy.csv", "Google Contacts (legacy CSV)", "UTF-8", 2, []person{
		{handle: "sam.oneil@initech.example", name: "Sam O'Neil", email: "sam.oneil@initech.example", company: "Initech",
			role: "Senior Software Engineer", status: model.Queued, notes: "Knows the platform team.\nAsk about the migration."},
		{handle: "li.wei@example.net", name: "Li Wei", email: "li.wei@example.net", company: "Contoso", role: "Engineering Manager", status: model.Queued},
	}},
	{"outlook-web.csv", "Outlook CSV", "UTF-8", 2, []person{
		{handle: "dana.kim@umbrella.example", name: "Dana Kim", email: "dana.kim@umbrella.example", company: "Umbrella", role: "Product Manager",
			status: model.Queued, notes: "Introduced by Jordan.", custom: map[string]string{"Title": "Ms.", "Schools": "MIT"}},
		{handle: "tomas@ruiz.example", name: "Tomás J. Ruiz", email: "tomas@ruiz.example", company: "Fabrikam", role: "UX Researcher", status: model.Queued},
	}},
	{"outlook-desktop.csv", "Outlook CSV (desktop)", "UTF-8", 2, []person{
		{handle: "elena.petrova@contoso.example", name: "Elena Petrova", email: "elena.petrova@contoso.example", company: "Contoso",
			role: "Principal Engineer", status: model.Queued, notes: "Spoke at the data summit.\nFollow up about mentoring.",
			referredBy: "Dana Kim", custom: map[string]string{"Title": "Dr.", "Business Street": "1 Microsoft Way, Building 9"},
			noCustom: []string{"Gender", "Priority", "Private", "Sensitivity", "Birthday", "Anniversary", "E-mail Type"}},
		{handle: "raj.mehta@contoso.example", name: "Raj Mehta", email: "raj.mehta@contoso.example", company: "Contoso",
			role: "Director of Analytics", status: model.Queued},
	}},
	{"outlook-desktop-de.csv", "Outlook CSV (desktop)", "windows-1252", 1, []person{
		{handle: "juergen.mueller@nordwind.example", name: "Jürgen Müller", email: "juergen.mueller@nordwind.example",
			company: "Nordwind Händler GmbH", role: "Leiter Datenanalyse", status: model.Queued, notes: "Kennt die Größenordnung der Daten.",
			custom: map[string]string{"Anrede": "Herr", "Abteilung": "Vertrieb"}, noCustom: []string{"Geburtstag", "Geschlecht", "Priorität", "Privat"}},
	}},
	{"outlook-desktop-fr.csv", "Outlook CSV (desktop)", "windows-1252", 1, []person{
		{handle: "amelie.dubois@sgd.example", name: "Amélie Dubois", email: "amelie.dubois@sgd.example",
			company: "Société Générale des Données", role: "Directrice technique", status: model.Queued, notes: "Café le jeudi."},
	}},
	{"excel-semicolon-1252.csv", "CSV, semicolon-separated", "windows-1252", 2, []person{
		{handle: "juergen.mueller@nordwind.example", name: "Jürgen Müller", email: "juergen.mueller@nordwind.example",
			company: "Nordwind Händler GmbH", role: "Leiter Datenanalyse", status: model.Queued, notes: "Größe: groß\nzweite Zeile",
			custom: map[string]string{"Schule": "TU München"}},
		{handle: "zoe@fassbender.example", name: "Zoë Faßbender", email: "zoe@fassbender.example", company: "Café Zürich AG",
			role: "Geschäftsführerin", status: model.Queued, custom: map[string]string{"Schule": "ETH"}},
	}},
	{"excel-unicode.txt", "CSV, tab-separated", "UTF-16LE", 2, []person{
		{handle: "lukasz.nowak@example.pl", name: "Łukasz Nowak", email: "lukasz.nowak@example.pl", company: "Allegro",
			role: "Backend Engineer", status: model.Queued, notes: "Mówi po polsku"},
		{handle: "eleni@example.gr", name: "Ελένη Παππά", email: "eleni@example.gr", company: "Αθήνα Labs", role: "Researcher", status: model.Queued},
	}},
	{"icloud-3.0.vcf", "vCard 3.0", "UTF-8", 3, []person{
		{handle: "jordan@acme.example", name: "Jordan Lee", email: "jordan@acme.example", company: "Acme Analytics", role: "Data Engineer",
			status: model.Queued, notes: "Met at the Boston Go meetup in November.\nAsked about data pipelines, dbt and on-call; said to write in January.",
			custom: map[string]string{"linkedin": "https://www.linkedin.com/in/jordan-lee-4a1b2c", "department": "Data Platform", "phone": "+1 617 555 0100"}},
		{handle: "priya@umbrella.example", name: "Priya Natarajan", email: "priya@umbrella.example", company: "Umbrella Corp, Inc.",
			role: "Staff Data Scientist", status: model.Queued, notes: "Two years at Umbrella.\n\nPrefers mornings."},
		{handle: "Chris Park", name: "Chris Park", status: model.NeedsInfo, custom: map[string]string{"phone": "+1 617 555 0142"}},
	}},
	{"google-3.0.vcf", "vCard 3.0", "UTF-8", 1, []person{
		{handle: "sam.oneil@initech.example", name: "Sam O'Neil", email: "sam.oneil@initech.example", company: "Initech",
			role: "Senior Software Engineer", status: model.Queued, notes: "Knows the platform team.\nAsk about the migration."},
	}},
	{"contacts-4.0.vcf", "vCard 4.0", "UTF-8", 2, []person{
		{handle: "ana.garcia@northwind.example", name: "Ana María García", email: "ana.garcia@northwind.example", company: "Northwind Traders",
			role: "Head of Data", status: model.Queued, timezone: "Europe/Madrid", notes: "First line.\nSecond line, with a comma; and a semicolon.",
			custom: map[string]string{"linkedin": "https://www.linkedin.com/in/anamariagarcia/"}},
		{handle: "li.wei@example.net", name: "Li Wei", email: "li.wei@example.net", company: "Contoso", role: "Engineering Manager", status: model.Queued},
	}},
	{"outlook-2.1.vcf", "vCard 2.1", "windows-1252", 1, []person{
		{handle: "juergen.mueller@nordwind.example", name: "Jürgen Müller", email: "juergen.mueller@nordwind.example",
			company: "Nordwind Händler GmbH", role: "Leiter Datenanalyse", status: model.Queued,
			notes:  "Kennt die Größenordnung der Daten.\nZweite Zeile, die lang genug ist, um umbrochen zu werden.",
			custom: map[string]string{"phone": "+49 89 1234567", "department": "Vertrieb"}},
	}},
}

func importFile(t *testing.T, svc *contacts.Service, file string, opt contacts.ImportOptions) *contacts.Report {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	storetest.Must(t, err)
	defer f.Close()
	if opt.Format == "" && strings.HasSuffix(file, ".vcf") {
		opt.Format = "vcard"
	}
	rep, err := svc.Import(context.Background(), f, opt)
	if err != nil {
		t.Fatalf("import %s: %v", file, err)
	}
	return rep
}

func TestImportEachFormat(t *testing.T) {
	storetest.Each(t, clock.NewFake(t0), func(t *testing.T, s *store.Store) {
		for _, tc := range formatCases {
			t.Run(tc.file, func(t *testing.T) {
				ctx := context.Background()
				acct, err := s.Account(ctx, tc.file+"@example.com") // a fresh account per file
				storetest.Must(t, err)
				svc := &contacts.Service{Store: s, Account: acct}
				rep := importFile(t, svc, tc.file, contacts.ImportOptions{})
				if len(rep.Errors) > 0 || len(rep.Skipped) > 0 {
					t.Fatalf("errors %+v skipped %+v", rep.Errors, rep.Skipped)
				}
				if rep.Format != tc.format || rep.Encoding != tc.encoding || rep.Rows != tc.rows || rep.Added != len(tc.people) {
					t.Fatalf("report: format %q encoding %q rows %d added %d; want %q %q %d %d",
						rep.Format, rep.Encoding, rep.Rows, rep.Added, tc.format, tc.encoding, tc.rows, len(tc.people))
				}
				needs := 0
				for _, p := range tc.people {
					if p.status == model.NeedsInfo {
						needs++
					}
					c, err := svc.Find(ctx, p.handle)
					if err != nil {
						t.Fatalf("%s: %v", p.handle, err)
					}
					checkPerson(t, c, p)
				}
				if rep.NeedsInfo != needs {
					t.Errorf("needs_info %d, want %d", rep.NeedsInfo, needs)
				}
				listed, err := s.Contacts(ctx, acct, model.NeedsInfo)
				storetest.Must(t, err)
				if len(listed) != needs {
					t.Errorf("%d contacts listed as needs_info, want %d", len(listed), needs)
				}

				// Importing the same file again changes nothing, not even a timeline.
				before := timelines(t, s, acct)
				rep2 := importFile(t, svc, tc.file, contacts.ImportOptions{})
				if rep2.Added != 0 || rep2.Updated != 0 || rep2.Unchanged != len(tc.people) || len(rep2.Errors) != 0 {
					t.Fatalf("re-import: %+v", rep2)
				}
				if after := timelines(t, s, acct); after != before {
					t.Fatalf("re-import changed the timeline: %d events -> %d", before, after)
				}
			})
		}
	})
}

func checkPerson(t *testing.T, c *model.Contact, p person) {
	t.Helper()
	if c.Name != p.name || c.Email != p.email || c.Company != p.company || c.Role != p.role || c.Status != p.status {
		t.Errorf("%s: got name %q email %q company %q role %q status %s; want %q %q %q %q %s",
			p.handle, c.Name, c.Email, c.Company, c.Role, c.Status, p.name, p.email, p.company, p.role, p.status)
	}
	if p.notes != "" && c.Notes != p.notes {
		t.Errorf("%s: notes %q, want %q", p.handle, c.Notes, p.notes)
	}
	if c.Timezone != p.timezone || c.ReferredBy != p.referredBy {
		t.Errorf("%s: timezone %q referred_by %q, want %q %q", p.handle, c.Timezone, c.ReferredBy, p.timezone, p.referredBy)
	}
	for k, v := range p.custom {
		if c.Custom[k] != v {
			t.Errorf("%s: custom %q = %q, want %q (all: %v)", p.handle, k, c.Custom[k], v, c.Custom)
		}
	}
	for _, k := range p.noCustom {
		if v, ok := c.Custom[k]; ok {
			t.Errorf("%s: custom %q = %q should not be kept", p.handle, k, v)
		}
	}
	if p.status == model.NeedsInfo && !strings.Contains(c.StatusReason, contacts.MissingEmail) {
		t.Errorf("%s: needs_info reason %q does not say the address is missing", p.handle, c.StatusReason)
	}
}

// timelines counts the account's events.
func timelines(t *testing.T, s *store.Store, acct int64) int {
	t.Helper()
	var n int
	storetest.Must(t, s.DB().Get(&n, s.DB().Rebind("SELECT COUNT(*) FROM events WHERE account_id = ?"), acct))
	return n
}
