package classify

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// corpusNow is the "now" the corpus labels assume: Monday 23 November 2026,
// 10:00 in New York, four days after the outreach went out.
func corpusContext(t testing.TB) Context {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	return Context{
		Now:          time.Date(2026, 11, 23, 10, 0, 0, 0, loc),
		Loc:          loc,
		Own:          []string{"Alex Doe <alex@example.com>"},
		LoadLocation: time.LoadLocation,
	}
}

type label struct {
	file, kind, intent string
	expect             map[string]string
}

func readLabels(t *testing.T) []label {
	f, err := os.Open(filepath.Join("testdata", "corpus", "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []label
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 3 {
			t.Fatalf("labels.tsv: bad line %q", line)
		}
		l := label{file: cols[0], kind: cols[1], intent: cols[2], expect: map[string]string{}}
		if l.intent == "-" {
			l.intent = ""
		}
		if len(cols) > 3 {
			for _, kv := range strings.Fields(cols[3]) {
				k, v, _ := strings.Cut(kv, "=")
				l.expect[k] = v
			}
		}
		out = append(out, l)
	}
	return out
}

// TestCorpusAccuracy classifies every labelled message in testdata/corpus
// and fails on any mismatch of kind, intent or stated details.
func TestCorpusAccuracy(t *testing.T) {
	ctx := corpusContext(t)
	labels := readLabels(t)
	if len(labels) < 60 {
		t.Errorf("corpus has %d labelled messages, want at least 60", len(labels))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	if len(files) != len(labels) {
		t.Errorf("%d .eml files but %d labels", len(files), len(labels))
	}
	type count struct{ ok, n int }
	kinds := map[string]*count{}
	intents := map[string]*count{}
	tl := newTally(fmt.Sprintf("package corpus (%d messages)", len(labels)))
	bump := func(m map[string]*count, k string, ok bool) {
		if m[k] == nil {
			m[k] = &count{}
		}
		m[k].n++
		if ok {
			m[k].ok++
		}
	}
	for _, l := range labels {
		raw, err := os.ReadFile(filepath.Join("testdata", "corpus", l.file))
		if err != nil {
			t.Errorf("%s: %v", l.file, err)
			continue
		}
		m, err := Parse(raw, Limits{})
		if err != nil {
			t.Errorf("%s: parse: %v", l.file, err)
			continue
		}
		r := Classify(m, ctx)
		switch l.kind {
		case "bounce", "delay", "complaint", "challenge", "auto_reply", "receipt":
			if ok, why := Prefilter(&m.Header); !ok {
				t.Errorf("%s: the header pre-filter would not fetch this %s (%s)", l.file, l.kind, why)
			}
		}
		tl.kind(jsonKind(l.kind), r.Kind.JSONKind())
		if want, ok := l.expect["failed"]; ok && (l.kind == "bounce" || l.kind == "delay") {
			tl.rcptN++
			if sameList(gotOf(r).failed, splitList(want)) {
				tl.rcptOK++
			}
		}
		kindOK := string(r.Kind) == l.kind
		intentOK := string(r.Intent) == l.intent
		bump(kinds, l.kind, kindOK)
		intentKey := l.intent
		if intentKey == "" {
			intentKey = "(none)"
		}
		if l.kind == "human" || l.kind == "calendar" {
			bump(intents, intentKey, intentOK)
		}
		if !kindOK || !intentOK {
			t.Errorf("%s: got kind=%s intent=%q, want kind=%s intent=%q\nreasons: %v\nnew text: %q", l.file, r.Kind, r.Intent, l.kind, l.intent, r.Reasons, clip(r.NewText, 300))
			continue
		}
		if problems := checkExpect(l.expect, m, r); len(problems) > 0 {
			t.Errorf("%s: %s\nreasons: %v", l.file, strings.Join(problems, "; "), r.Reasons)
		}
	}
	report := func(title string, m map[string]*count) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			line := fmt.Sprintf("%s %-18s %3d/%-3d %6.1f%%", title, k, m[k].ok, m[k].n, 100*float64(m[k].ok)/float64(m[k].n))
			t.Log(line)
			if testing.Verbose() {
				fmt.Println(line)
			}
		}
	}
	report("kind  ", kinds)
	report("intent", intents)
	t.Log(tl.table())
	if testing.Verbose() {
		fmt.Print(tl.table())
	}
}

// jsonKind names a label's kind as rapport explain does.
func jsonKind(k string) string {
	if k == "human" || k == "calendar" {
		return "reply"
	}
	return k
}

func checkExpect(exp map[string]string, m *Message, r Result) []string {
	var bad []string
	for k, want := range exp {
		got := ""
		switch k {
		case "permanent":
			if r.Bounce != nil {
				got = fmt.Sprint(r.Bounce.Permanent)
			}
		case "status":
			if r.Bounce != nil && len(r.Bounce.Recipients) > 0 {
				got = r.Bounce.Recipients[0].Status
			}
		case "rcpt":
			if r.Bounce != nil && len(r.Bounce.Recipients) > 0 {
				got = r.Bounce.Recipients[0].Addr
			}
			want = NormalizeAddress(want)
		case "orig":
			got = gotOf(r).origID
		case "return":
			if r.AutoReply != nil && !r.AutoReply.ReturnDate.IsZero() {
				got = r.AutoReply.ReturnDate.Format("2006-01-02")
			}
		case "snooze":
			if !r.SnoozeUntil.IsZero() {
				got = r.SnoozeUntil.Format("2006-01-02")
			}
		case "proposed":
			var ps []string
			for _, p := range r.ProposedTimes {
				ps = append(ps, p.Format("2006-01-02T15:04"))
			}
			got = strings.Join(ps, ",")
		case "referral":
			for _, f := range r.Referrals {
				if f.Email == want {
					got = want
				}
			}
		case "failed":
			// every failed (or complaining) recipient, in any order
			got = strings.Join(gotOf(r).failed, ",")
			want = strings.Join(splitList(want), ",")
		case "from":
			if len(m.From) > 0 {
				got = m.From[0].Addr
			}
		case "calstart":
			if r.Calendar != nil {
				got = r.Calendar.Start.UTC().Format("2006-01-02T15:04Z")
			}
		case "partstat":
			if r.Calendar != nil {
				got = r.Calendar.PartStat
			}
		default:
			bad = append(bad, "unknown expectation "+k)
			continue
		}
		if got != want {
			bad = append(bad, fmt.Sprintf("%s: got %q, want %q", k, got, want))
		}
	}
	sort.Strings(bad)
	return bad
}
