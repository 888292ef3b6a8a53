package when

import (
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzFind checks that no text makes Find or Parse panic, that spans are
// inside the text and on rune boundaries, and that every instant is sane.
func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"How about Thursday at 10:30am?", "1-4pm on Tuesday", "from 3 to 14 December", "back on the 4th", "Thu 3 Dec 10:00 CET",
		"1pm Pacific", "in two weeks", "am 3.12. um 14:30", "du 3 au 14 décembre", "12/3 at 3pm", "2027-03-01T10:00", "+02:00",
		"UTC+14:59", "Europe/Paris", "a.m.", "the 31st", "Monday the 4th", "between 2 and", "mid-", "end of next", "ísö 𝔸 2pm",
	} {
		f.Add(s)
	}
	ref := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			s = s[:4096]
		}
		for _, e := range Find(s, Options{Ref: ref, Loc: time.UTC}) {
			if e.Start < 0 || e.End > len(s) || e.Start > e.End {
				t.Fatalf("span %d:%d outside %d bytes", e.Start, e.End, len(s))
			}
			if !utf8.ValidString(s[e.Start:e.End]) && utf8.ValidString(s) {
				t.Fatalf("span cuts a rune: %q", s[e.Start:e.End])
			}
			if e.At.IsZero() || e.Until.Before(e.At) {
				t.Fatalf("bad period %v %v for %q", e.At, e.Until, e.Text)
			}
			if y := e.At.Year(); y < 1900 || y > 2300 {
				t.Fatalf("year %d from %q", y, e.Text)
			}
		}
		_, _ = Parse(s, Options{Ref: ref, Loc: time.UTC, Strict: true})
		_, _ = ParseDay(s, ref, time.UTC)
		_, _, _ = ParseDateTime(s, ref, time.UTC)
	})
}

func BenchmarkFind(b *testing.B) {
	text := "Hi Alex,\n\nThanks for reaching out! I'd be happy to chat. Would Thursday 3 December at 10:30am CET work, or " +
		"alternatively Friday between 2 and 4pm? I'm travelling from 7 to 11 December, back on the 14th.\n\nBest,\nMaria\n"
	ref := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = Find(text, Options{Ref: ref, Loc: time.UTC})
	}
}
