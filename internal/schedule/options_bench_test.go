package schedule

import "testing"

// BenchmarkMeetingOptionsFor measures one request's options: the usual
// case (slots inside the contact's hours within a week or two) and the
// worst (no slot ever fits the contact's hours, so four weeks are scanned
// before the fallback).
func BenchmarkMeetingOptionsFor(b *testing.B) {
	ny, paris, syd := zone(b, "America/New_York"), zone(b, "Europe/Paris"), zone(b, "Australia/Sydney")
	owner := Party{Loc: ny, Calendar: mustCalendar(b, "US")}
	std, _ := ParseAvailabilities([]string{"tue 13:00-16:00", "fri 09:00-17:00"})
	now := wall(b, ny, "2026-12-05 10:00")
	for _, bc := range []struct {
		name    string
		contact Party
	}{
		{"Paris", Party{Loc: paris, Calendar: mustCalendar(b, "FR")}},
		{"Sydney-fallback", Party{Loc: syd, Calendar: mustCalendar(b, "AU-NSW")}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(MeetingOptionsFor(now, std, owner, bc.contact, 2)) != 2 {
					b.Fatal("no options")
				}
			}
		})
	}
}
