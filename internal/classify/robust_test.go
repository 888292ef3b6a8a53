package classify

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// TestMalformedMessages feeds 10,000 deterministic mutations of the corpus
// (truncations, bad boundaries, deep nesting, huge headers, invalid
// charsets, NULs, broken base64, part floods) through Parse and Classify and
// requires no panic and every limit enforced.
func TestMalformedMessages(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	var bases [][]byte
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		bases = append(bases, raw)
	}
	if len(bases) == 0 {
		t.Fatal("no corpus")
	}
	lim := Limits{MaxBytes: 128 << 10, MaxDepth: 6, MaxParts: 30}
	ctx := testCtx()
	n := 10000
	if s := os.Getenv("CLASSIFY_MALFORMED_N"); s != "" {
		fmt.Sscan(s, &n)
	}
	// Each message has its own PRNG stream, so the set is deterministic
	// whatever the number of workers.
	type outcome struct {
		kind  string
		crash string
		errs  []string
	}
	results := make([]outcome, n)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				rng := rand.New(rand.NewPCG(20261123, uint64(i)))
				kind, data := mutate(rng, bases[rng.IntN(len(bases))])
				results[i] = checkMalformed(kind, data, lim, ctx)
			}
		}()
	}
	wg.Wait()
	crashes := 0
	counts := map[string]int{}
	for i, o := range results {
		counts[o.kind]++
		if o.crash != "" {
			crashes++
			if crashes <= 5 {
				t.Errorf("message %d (%s) panicked: %s", i, o.kind, o.crash)
			}
		}
		for _, e := range o.errs {
			t.Errorf("message %d (%s): %s", i, o.kind, e)
		}
	}
	t.Logf("%d messages, %d crashes; mutations: %v", n, crashes, counts)
	if crashes > 0 {
		t.Fatalf("%d crashes", crashes)
	}
}

func checkMalformed(kind string, data []byte, lim Limits, ctx Context) (o struct {
	kind  string
	crash string
	errs  []string
}) {
	o.kind = kind
	defer func() {
		if p := recover(); p != nil {
			o.crash = fmt.Sprint(p)
		}
	}()
	m, err := Parse(data, lim)
	if err != nil {
		return o
	}
	if m.Parts > lim.MaxParts+1 {
		o.errs = append(o.errs, fmt.Sprintf("%d parts visited, limit %d", m.Parts, lim.MaxParts))
	}
	if int64(len(data)) > lim.MaxBytes && !m.Truncated {
		o.errs = append(o.errs, fmt.Sprintf("%d bytes not marked truncated", len(data)))
	}
	switch kind {
	case "deep":
		if !m.Truncated {
			o.errs = append(o.errs, fmt.Sprintf("deep nesting not cut (notes %q)", m.Notes))
		}
	case "parts":
		if !m.Truncated || m.Parts != lim.MaxParts+1 {
			o.errs = append(o.errs, fmt.Sprintf("part flood: parts=%d truncated=%v", m.Parts, m.Truncated))
		}
	case "huge":
		if !m.Truncated {
			o.errs = append(o.errs, "oversize not truncated")
		}
	}
	_ = Classify(m, ctx)
	_ = CandidateIDs(m)
	_ = NormalizeSubject(m.Subject)
	return o
}

func mutate(rng *rand.Rand, base []byte) (string, []byte) {
	b := append([]byte(nil), base...)
	switch rng.IntN(12) {
	case 0:
		return "truncate", b[:rng.IntN(len(b)+1)]
	case 1:
		for range 1 + rng.IntN(20) {
			b[rng.IntN(len(b))] = byte(rng.IntN(256))
		}
		return "flip", b
	case 2:
		for range 1 + rng.IntN(20) {
			i := rng.IntN(len(b) + 1)
			b = append(b[:i], append([]byte{0}, b[i:]...)...)
		}
		return "nul", b
	case 3: // break boundaries
		s := string(b)
		s = strings.ReplaceAll(s, "boundary=", []string{"boundary=x", "boundary=\"", "boundary", "boundary=;"}[rng.IntN(4)])
		if rng.IntN(2) == 0 {
			s = strings.ReplaceAll(s, "--\n", "\n")
		}
		return "boundary", []byte(s)
	case 4:
		if rng.IntN(2) == 0 {
			return "deep822", deepNest(10+rng.IntN(200), true)
		}
		return "deep", deepNest(10+rng.IntN(200), false)
	case 5: // huge header line or many header fields
		var h bytes.Buffer
		if rng.IntN(2) == 0 {
			h.WriteString("X-Big: " + strings.Repeat("a", maxHeaderBytes+rng.IntN(256<<10)) + "\n")
		} else {
			for i := range 2000 + rng.IntN(10000) {
				fmt.Fprintf(&h, "X-H%d: v\n", i)
			}
		}
		h.Write(b)
		data := h.Bytes()
		if len(data) > 128<<10 {
			return "huge", data
		}
		return "headers", data
	case 6: // invalid charsets
		s := string(b)
		for _, cs := range []string{"utf-8", "UTF-8", "us-ascii", "ISO-8859-1", "iso-8859-1"} {
			s = strings.ReplaceAll(s, "charset="+cs, "charset="+[]string{"x-unknown", "utf-7", "", "\"", "gb18030", "utf-16"}[rng.IntN(6)])
			s = strings.ReplaceAll(s, "charset=\""+cs+"\"", "charset=bogus")
		}
		s = strings.ReplaceAll(s, "Subject: ", "Subject: =?x-bad?Q?=FF=FE?= =?utf-8?B?!!!?= ")
		return "charset", []byte(s)
	case 7: // broken base64 / quoted-printable
		s := string(b)
		s = strings.ReplaceAll(s, "Content-Type: text/plain", "Content-Transfer-Encoding: base64\nContent-Type: text/plain")
		s = strings.ReplaceAll(s, "7bit", []string{"base64", "quoted-printable", "x-uuencode"}[rng.IntN(3)])
		bs := []byte(s)
		for range rng.IntN(30) {
			bs[rng.IntN(len(bs))] = "!=%\x00\xff"[rng.IntN(5)]
		}
		return "encoding", bs
	case 8:
		return "parts", partFlood(200 + rng.IntN(300))
	case 9: // splice two messages
		cut := rng.IntN(len(b) + 1)
		return "splice", append(b[:cut], b[rng.IntN(len(b)+1):]...)
	case 10: // oversize body
		return "huge", append(b, bytes.Repeat([]byte("x y z\n"), (140<<10)/6)...)
	default: // CR/LF chaos
		s := string(b)
		s = strings.ReplaceAll(s, "\n", []string{"\r", "\r\r\n", "\n\n", " \n"}[rng.IntN(4)])
		return "newlines", []byte(s)
	}
}

func deepNest(depth int, rfc822 bool) []byte {
	var b strings.Builder
	b.WriteString("From: a@b.example\nSubject: deep\nMIME-Version: 1.0\n")
	for i := range depth {
		if rfc822 && i%2 == 1 {
			fmt.Fprintf(&b, "Content-Type: message/rfc822\n\nSubject: inner %d\n", i)
		}
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\n\nbottom\n")
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\n", i)
	}
	return []byte(b.String())
}

func partFlood(n int) []byte {
	var b strings.Builder
	b.WriteString("From: a@b.example\nSubject: parts\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"p\"\n\n")
	for i := range n {
		fmt.Fprintf(&b, "--p\nContent-Type: text/plain\n\npart %d\n", i)
	}
	b.WriteString("--p--\n")
	return []byte(b.String())
}

func TestLimits(t *testing.T) {
	m, err := Parse(deepNest(50, false), Limits{MaxDepth: 5})
	if err != nil || !m.Truncated {
		t.Fatalf("deep: %v %+v", err, m)
	}
	m, err = Parse(partFlood(500), Limits{MaxParts: 10})
	if err != nil || m.Parts != 11 || !m.Truncated {
		t.Fatalf("parts: %v parts=%d", err, m.Parts)
	}
	if strings.Count(m.Text, "part ") > 10 {
		t.Errorf("read more than the part limit: %d text parts", strings.Count(m.Text, "part "))
	}
	big := append([]byte("From: a@b.example\nSubject: big\n\n"), bytes.Repeat([]byte("0123456789\n"), 200000)...)
	m, err = Parse(big, Limits{MaxBytes: 1 << 20})
	if err != nil || !m.Truncated || len(m.Text) > 1<<20 {
		t.Fatalf("big: %v truncated=%v len=%d", err, m.Truncated, len(m.Text))
	}
	// Defaults apply to zero limits.
	if l := (Limits{}).withDefaults(); l != DefaultLimits {
		t.Errorf("defaults %+v", l)
	}
}

func benchParseClassify(b *testing.B, file string) {
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus", file))
	if err != nil {
		b.Fatal(err)
	}
	ctx := testCtx()
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		m, err := Parse(raw, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		_ = Classify(m, ctx)
	}
}

func BenchmarkParseClassifyReply(b *testing.B) {
	benchParseClassify(b, "human_positive_gmail_quote.eml")
}
func BenchmarkParseClassifyDSN(b *testing.B) {
	benchParseClassify(b, "bounce_postfix_user_unknown.eml")
}
func BenchmarkParseClassifyAutoReply(b *testing.B) {
	benchParseClassify(b, "auto_exchange_automatic_reply.eml")
}
