package invite

import (
	"strings"
	"testing"
)

// BenchmarkParse measures reading a typical Outlook invitation and the
// worst inputs the limits allow (1 MiB of attendees, of folds, of long
// quoted parameters).
func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name string
		in   []byte
	}{
		{"outlook", crlf(outlookRequest)},
		{"attendees-1MiB", []byte(cut("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + strings.Repeat("ATTENDEE;CN=\"a,b\";PARTSTAT=ACCEPTED:mailto:a@b.c\r\n", 25000)))},
		{"folds-1MiB", []byte(cut("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nX:" + strings.Repeat("a\r\n ", 400000)))},
		{"quoted-params-1MiB", []byte(cut("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + strings.Repeat("X;A=\""+strings.Repeat("q", 2000)+"\":e\r\n", 600)))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bc.in, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func cut(s string) string {
	if len(s) > MaxBytes {
		return s[:MaxBytes]
	}
	return s
}

func BenchmarkRequest(b *testing.B) {
	ev := maria(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ev.Request(); err != nil {
			b.Fatal(err)
		}
	}
}
