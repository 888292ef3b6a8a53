package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fixture(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "contacts", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportLinkedInThenCompleteByHand(t *testing.T) {
	te := newTestEnv(t)
	code, out, errs := te.run("contacts", "import", fixture(t, "linkedin-connections.csv"))
	if code != 0 || !strings.Contains(out, "LinkedIn connections, UTF-8") || !strings.Contains(out, "4 rows: 4 added") ||
		!strings.Contains(out, "3 waiting in needs_info") {
		t.Fatalf("import: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = te.run("contacts", "list", "--status", "needs_info")
	if code != 0 || !strings.Contains(out, "linkedin.com/in/samoneil") || !strings.Contains(out, "no email address") {
		t.Fatalf("list needs_info: %d\n%s", code, out)
	}
	code, out, errs = te.run("contacts", "set", "https://www.linkedin.com/in/samoneil", "--email", "sam@initech.example")
	if code != 0 || !strings.Contains(out, "sam@initech.example is queued") {
		t.Fatalf("set --email: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = te.run("contacts", "show", "Priya Natarajan")
	if code != 0 || !strings.Contains(out, "no address yet: linkedin.com/in/priya-natarajan") {
		t.Fatalf("show by name: %d\n%s", code, out)
	}
	// contacts add with the same LinkedIn profile completes Priya.
	code, out, errs = te.run("contacts", "add", "--name", "Priya Natarajan", "--email", "priya@umbrella.example",
		"--linkedin", "linkedin.com/in/priya-natarajan")
	if code != 0 || !strings.Contains(out, "completed Priya Natarajan <priya@umbrella.example>: queued") {
		t.Fatalf("add completing: %d\n%s\n%s", code, out, errs)
	}
	// The same file again: nothing changes.
	_, out, _ = te.run("contacts", "import", fixture(t, "linkedin-connections.csv"))
	if !strings.Contains(out, "0 added, 0 updated, 4 unchanged") {
		t.Fatalf("re-import:\n%s", out)
	}
	if code, out, _ := te.run("contacts", "list", "--limit", "2"); code != 0 || !strings.Contains(out, "(2 of 4 shown)") {
		t.Fatalf("list --limit: %d\n%s", code, out)
	}
}

func TestImportDryRunAndPlanLength(t *testing.T) {
	te := newTestEnv(t)
	var b strings.Builder
	b.WriteString("Name;E-Mail;Firma\n")
	for i := 0; i < 45; i++ {
		fmt.Fprintf(&b, "Person %d;p%d@example.org;Acme\n", i, i)
	}
	b.WriteString("Bad;nope;X\n;;\n")
	f := filepath.Join(te.dir, "people.csv")
	if err := os.WriteFile(f, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := te.run("contacts", "import", "--dry-run", f)
	if code != ExitRuntime || !strings.Contains(out, "dry run: nothing is written") ||
		!strings.Contains(out, "people.csv:2: would add p0@example.org (Person 0), queued for ") ||
		!strings.Contains(out, "45 would be added") || !strings.Contains(out, "first messages would go ") ||
		!strings.Contains(errs, "people.csv:47: rejected: invalid email") || !strings.Contains(errs, "nothing was written") {
		t.Fatalf("dry run: %d\n%s\n%s", code, out, errs)
	}
	if _, out, _ := te.run("contacts", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("dry run wrote contacts: %s", out)
	}
	code, out, _ = te.run("contacts", "import", f)
	if code != ExitRuntime || !strings.Contains(out, "45 added") || !strings.Contains(out, "at 20 a day on Tue/Wed: ") {
		t.Fatalf("import: %d\n%s", code, out)
	}
}

func TestExportRemoveForget(t *testing.T) {
	te := newTestEnv(t)
	if code, _, errs := te.run("contacts", "import", fixture(t, "outlook-desktop.csv")); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	for _, format := range []string{"csv", "json", "vcf"} {
		code, out, errs := te.run("contacts", "export", "--format", format)
		if code != 0 || !strings.Contains(out, "elena.petrova@contoso.example") || !strings.Contains(out, "Principal Engineer") {
			t.Fatalf("export %s: %d\n%s\n%s", format, code, out, errs)
		}
		if format == "json" {
			var list []map[string]any
			if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 {
				t.Fatalf("export json: %v\n%s", err, out)
			}
		}
	}
	f := filepath.Join(te.dir, "out.csv")
	if code, _, errs := te.run("contacts", "export", "-o", f); code != 0 || !strings.Contains(errs, "2 contacts written") {
		t.Fatalf("export -o: %s", errs)
	}
	if _, out, _ := te.run("contacts", "import", f); !strings.Contains(out, "0 added, 0 updated, 2 unchanged") {
		t.Fatalf("re-import of the export:\n%s", out)
	}
	if code, out, _ := te.run("contacts", "remove", "raj.mehta@contoso.example"); code != 0 || !strings.Contains(out, "removed Raj Mehta") {
		t.Fatalf("remove: %d %s", code, out)
	}
	if code, out, _ := te.run("contacts", "remove", "elena.petrova@contoso.example", "--forget"); code != 0 || !strings.Contains(out, "only a suppression entry") {
		t.Fatalf("forget: %d %s", code, out)
	}
	_, out, errs := te.run("contacts", "import", f)
	if !strings.Contains(out, "1 added") || !strings.Contains(errs, "skipped elena.petrova@contoso.example: suppressed (forgotten)") {
		t.Fatalf("import after forget:\n%s\n%s", out, errs)
	}
}

func TestPreviewDecodedAndRaw(t *testing.T) {
	te := newTestEnv(t)
	cfg, err := os.ReadFile(te.config)
	if err != nil {
		t.Fatal(err)
	}
	withAvail := strings.Replace(string(cfg), `interest: "the IT industry"}`, `interest: "the IT industry", availability: ["tue 13:00-16:00", "fri 09:00-17:00"]}`, 1)
	if withAvail == string(cfg) {
		t.Fatal("test config changed shape")
	}
	if err := os.WriteFile(te.config, []byte(withAvail), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := te.run("contacts", "add", "--name", "Léa Müller", "--email", "lea@example.org", "--company", "Café Science",
		"--role", "data scientist", "--connection", "I read your post about the méthode scientifique and the long tail of data science."); code != 0 {
		t.Fatalf("add: %s", errs)
	}
	code, out, errs := te.run("preview", "lea@example.org")
	if code != 0 || !strings.Contains(out, "Hi Léa,") || !strings.Contains(out, "Subject: ") || !strings.Contains(out, "To: ") ||
		strings.Contains(out, "=C3") || strings.Contains(out, "=\n") || strings.Contains(out, "Content-Transfer-Encoding") {
		t.Fatalf("preview: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = te.run("preview", "--raw", "lea@example.org")
	if code != 0 || !strings.Contains(out, "Content-Transfer-Encoding: quoted-printable") || !strings.Contains(out, "L=C3=A9a") {
		t.Fatalf("preview --raw: %d\n%s", code, out)
	}
}

func TestVersion(t *testing.T) {
	te := newTestEnv(t)
	code, out, _ := te.run("--version")
	if code != 0 || !strings.HasPrefix(out, "rapport ") || !strings.Contains(out, "go1.") {
		t.Fatalf("--version: %d %q", code, out)
	}
}
