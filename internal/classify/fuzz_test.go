package classify

import (
	"os"
	"path/filepath"
	"rapport/internal/when"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Seeds live in testdata/fuzz/<Name>/ (committed); these add the corpus.
func addCorpusSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	for _, p := range files {
		if raw, err := os.ReadFile(p); err == nil {
			f.Add(raw)
		}
	}
}

var fuzzLimits = Limits{MaxBytes: 256 << 10, MaxDepth: 8, MaxParts: 40}

func FuzzParse(f *testing.F) {
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data, fuzzLimits)
		if err != nil {
			if m != nil {
				t.Fatal("error with a message")
			}
			return
		}
		if m.Parts > fuzzLimits.MaxParts+1 {
			t.Fatalf("parts %d over limit", m.Parts)
		}
		if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) {
			t.Fatal("invalid UTF-8 out of Parse")
		}
		if strings.Contains(m.Text, "\x00") || strings.Contains(m.Text, "\r") {
			t.Fatal("NUL or CR in text")
		}
	})
}

func FuzzClassify(f *testing.F) {
	addCorpusSeeds(f)
	ctx := testCtx()
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data, fuzzLimits)
		if err != nil {
			return
		}
		r := Classify(m, ctx)
		switch r.Kind {
		case KindOwn, KindBounce, KindDelay, KindComplaint, KindChallenge, KindReceipt, KindAutoReply, KindOther, KindCalendar, KindHuman:
		default:
			t.Fatalf("unknown kind %q", r.Kind)
		}
		if (r.Kind == KindBounce || r.Kind == KindDelay) != (r.Bounce != nil) {
			t.Fatal("Bounce set inconsistently")
		}
		if len(r.Intents) > 0 && r.Intent != r.Intents[0] {
			t.Fatal("primary intent is not the first")
		}
		_ = CandidateIDs(m)
		_ = NormalizeSubject(m.Subject)
		_, _ = Prefilter(&m.Header)
	})
}

func FuzzStripQuoted(f *testing.F) {
	for _, s := range []string{
		"Sure!\n\nOn Thu, Nov 19, 2026 at 9:30 AM Alex <a@x> wrote:\n> hi",
		"Yes.\n\n-----Original Message-----\nFrom: Alex\nSent: Thursday",
		"> q\nA\n> q2\nA2", "-- \nsig", "On\nOn\nOn wrote:", "From: a\nSent: b\nTo: c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := StripQuoted(s)
		if !utf8.ValidString(out) {
			t.Fatal("invalid UTF-8")
		}
		if len(out) > len(s)+3*strings.Count(s, "\uFFFD")+3*len(s) {
			t.Fatal("output grew")
		}
		_ = HTMLToText(s)
		_ = analyze(s, s, when.Options{Ref: testNow, Loc: time.UTC}, nil, map[string]bool{})
		_ = findReturnDate(s, testNow, time.UTC)
		_ = findReferrals(s, nil, map[string]bool{})
	})
}

func FuzzParseDSN(f *testing.F) {
	f.Add([]byte("Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@b\nAction: failed\nStatus: 5.1.1\n"))
	f.Add([]byte("Final-Recipient: rfc822;\n Action:\n\n\n;;;\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDSN(data)
		if err == nil && (d == nil || len(d.Recipients) == 0) {
			t.Fatal("nil error without recipients")
		}
		if d != nil && len(d.Recipients) > maxDSNRecipients {
			t.Fatal("too many recipients")
		}
		if d != nil {
			for _, r := range d.Recipients {
				_ = r.Permanent()
				_ = r.Failed()
			}
		}
	})
}

func FuzzAddresses(f *testing.F) {
	for _, s := range []string{"Jane <Jane@Example.COM>", "jürgen@müller.example", "a@b", "<<a@b>>", "\"x\" <@>", "x@xn--", "x@-a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeAddress(s)
		if n != "" {
			if strings.Count(n, "@") < 1 || strings.ContainsAny(n, " \t\r\n") {
				t.Fatalf("bad normalised address %q", n)
			}
			if n2 := NormalizeAddress(n); n2 != n {
				t.Fatalf("not idempotent: %q -> %q -> %q", s, n, n2)
			}
		}
		for _, a := range ExtractAddresses(s) {
			if a == "" {
				t.Fatal("empty extracted address")
			}
		}
		for _, id := range ExtractMessageIDs(s) {
			if id == "" || strings.ContainsAny(id, "<>") && strings.HasPrefix(id, "<") {
				t.Fatalf("bad id %q", id)
			}
		}
		if ns := NormalizeSubject(s); !utf8.ValidString(ns) {
			t.Fatal("invalid UTF-8 subject")
		}
	})
}
