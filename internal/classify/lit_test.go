package classify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The literal prefilter may only skip text the expression cannot match:
// every header line of the shared corpus, and a few written in other
// cases, give the same answer with and without it.
func TestFastRePrefilterNeverHidesAMatch(t *testing.T) {
	exprs := map[string]*fastRe{"daemonName": daemonNameRe, "bounceSubject": bounceSubjectRe, "autoSubject": autoSubjectRe,
		"outOfOfficeSubject": outOfOfficeSubjectRe, "readSubject": readSubjectRe, "abuseSubject": abuseSubjectRe,
		"challengeSubject": challengeSubjectRe, "bounceSubjectAny": bounceSubjectAnyRe, "delaySubject": delaySubjectRe}
	lines := []string{"UNDELIVERABLE: Learning about your work", "Automatic Reply: hello", "Mail Delivery Subsystem <mailer-daemon@x>",
		"RÉPONSE AUTOMATIQUE : absent", "Out Of Office", "Read: your note", "Abuse Report", "Lesebestätigung", "Delivery Status Notification (Failure)",
		"Re: lunch", "MAILER-DAEMON", "Returned mail: see transcript for details", "[SPAM] Undelivered Mail Returned to Sender"}
	files, _ := filepath.Glob(filepath.Join(sharedCorpusDir(t), "*"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		hdr, _, _ := strings.Cut(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n\n")
		for _, l := range strings.Split(hdr, "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && (strings.EqualFold(k, "Subject") || strings.EqualFold(k, "From")) {
				lines = append(lines, strings.TrimSpace(v), strings.ToUpper(strings.TrimSpace(v)))
			}
		}
	}
	matched := 0
	for name, re := range exprs {
		if re.lits == nil {
			t.Errorf("%s: no literals: the prefilter is not in use", name)
		}
		for _, l := range lines {
			want := re.Regexp.MatchString(l)
			if got := re.MatchString(l); got != want {
				t.Errorf("%s on %q: %v with the prefilter, %v without", name, l, got, want)
			}
			if want {
				matched++
			}
		}
	}
	if matched < 50 {
		t.Errorf("only %d matches over %d lines: the check says little", matched, len(lines))
	}
}
