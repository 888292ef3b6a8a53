package schedule

import (
	"testing"
	"time"
)

func TestZoneLabel(t *testing.T) {
	for _, tc := range []struct {
		zone, at, want string
	}{
		{"America/New_York", "2026-12-03 12:00", "ET"},
		{"America/New_York", "2026-07-03 12:00", "ET"},
		{"America/Toronto", "2026-07-03 12:00", "ET"},
		{"America/Chicago", "2026-12-03 12:00", "CT"},
		{"America/Denver", "2026-12-03 12:00", "MT"},
		{"America/Los_Angeles", "2026-07-03 12:00", "PT"},
		{"US/Pacific", "2026-12-03 12:00", "PT"},
		// Arizona keeps MST all year: "MT" would read as MDT in summer.
		{"America/Phoenix", "2026-07-03 12:00", "MST"},
		{"America/Regina", "2026-07-03 12:00", "CST"},
		{"America/Halifax", "2026-07-03 12:00", "ADT"},
		{"America/Anchorage", "2026-12-03 12:00", "AKST"},
		{"Pacific/Honolulu", "2026-12-03 12:00", "HST"},
		{"America/Sao_Paulo", "2026-12-03 12:00", "UTC-03:00"},
		{"America/Mexico_City", "2026-07-03 12:00", "CST"}, // no summer time since 2022
		{"America/Tijuana", "2026-07-03 12:00", "PT"},
		{"America/Panama", "2026-07-03 12:00", "EST"},
		// Cuba says CST and CDT but changes on other days than the US.
		{"America/Havana", "2026-12-03 12:00", "UTC-05:00"},
		{"EST5EDT", "2026-07-03 12:00", "ET"},
		{"Europe/Paris", "2026-12-03 12:00", "CET"},
		{"Europe/Paris", "2026-07-03 12:00", "CEST"},
		{"Europe/Berlin", "2026-07-03 12:00", "CEST"},
		{"Europe/London", "2026-12-03 12:00", "GMT"},
		{"Europe/London", "2026-07-03 12:00", "BST"},
		// Ireland's "IST" is also India's and Israel's.
		{"Europe/Dublin", "2026-07-03 12:00", "UTC+01:00"},
		{"Europe/Dublin", "2026-12-03 12:00", "GMT"},
		{"Europe/Lisbon", "2026-12-03 12:00", "WET"},
		{"Europe/Helsinki", "2026-12-03 12:00", "EET"},
		{"Europe/Moscow", "2026-12-03 12:00", "MSK"},
		{"Africa/Johannesburg", "2026-12-03 12:00", "SAST"},
		{"Africa/Lagos", "2026-12-03 12:00", "WAT"},
		{"Asia/Tokyo", "2026-12-03 12:00", "JST"},
		{"Asia/Seoul", "2026-12-03 12:00", "KST"},
		{"Asia/Kolkata", "2026-12-03 12:00", "IST"},
		{"Asia/Jerusalem", "2026-12-03 12:00", "UTC+02:00"},
		// China's "CST" would read as US Central.
		{"Asia/Shanghai", "2026-12-03 12:00", "UTC+08:00"},
		{"Asia/Singapore", "2026-12-03 12:00", "UTC+08:00"},
		{"Asia/Kathmandu", "2026-12-03 12:00", "UTC+05:45"},
		{"Australia/Sydney", "2026-12-03 12:00", "AEDT"},
		{"Australia/Sydney", "2026-07-03 12:00", "AEST"},
		{"Australia/Adelaide", "2026-07-03 12:00", "ACST"},
		{"Australia/Perth", "2026-07-03 12:00", "AWST"},
		{"Australia/Lord_Howe", "2026-07-03 12:00", "UTC+10:30"},
		{"Pacific/Auckland", "2026-12-03 12:00", "NZDT"},
		{"UTC", "2026-12-03 12:00", "UTC"},
		{"Etc/GMT+5", "2026-12-03 12:00", "UTC-05:00"},
	} {
		got := ZoneLabel(wall(t, zone(t, tc.zone), tc.at))
		if got != tc.want {
			t.Errorf("ZoneLabel(%s at %s) = %q, want %q", tc.zone, tc.at, got, tc.want)
		}
	}
	// A fixed zone someone built from a Date: offset has no name to trust.
	if got := ZoneLabel(time.Date(2026, 12, 3, 9, 0, 0, 0, time.FixedZone("CST", -6*3600))); got != "UTC-06:00" {
		t.Errorf("fixed zone: %q", got)
	}
	if got := ZoneLabel(time.Date(2026, 12, 3, 9, 0, 0, 0, time.FixedZone("", 5*3600+1800))); got != "UTC+05:30" {
		t.Errorf("fixed +05:30: %q", got)
	}
}

func TestContactAndOwnerLabels(t *testing.T) {
	ny, chi, la := zone(t, "America/New_York"), zone(t, "America/Chicago"), zone(t, "America/Los_Angeles")
	paris, syd := zone(t, "Europe/Paris"), zone(t, "Australia/Sydney")
	// Maria in Chicago wrote "Thursday 3 December at 2pm": 14:00 her time.
	maria := wall(t, chi, "2026-12-03 14:00")
	for _, tc := range []struct{ got, want string }{
		{ContactTime(maria, chi), "Thursday 3 December at 2pm your time (CT)"},
		{ContactTime(maria, paris), "Thursday 3 December at 9pm your time (CET)"},
		{ContactTime(wall(t, paris, "2026-12-03 09:30"), paris), "Thursday 3 December at 9:30am your time (CET)"},
		{ContactTime(wall(t, paris, "2026-12-03 12:00"), paris), "Thursday 3 December at noon your time (CET)"},
		{ContactDay(maria, chi), "Thursday 3 December"},
		{ContactDay(maria, syd), "Friday 4 December"},
		{ContactRange(maria, maria.Add(30*time.Minute), chi), "Thursday 3 December, 2–2:30pm your time (CT)"},
		{ContactRange(maria, maria.Add(30*time.Minute), syd), "Friday 4 December, 7–7:30am your time (AEDT)"},
		{ContactRange(wall(t, paris, "2026-12-03 11:30"), wall(t, paris, "2026-12-03 12:30"), paris), "Thursday 3 December, 11:30am–12:30pm your time (CET)"},
		{ContactRange(wall(t, paris, "2026-12-03 23:30"), wall(t, paris, "2026-12-04 00:30"), paris), "Thursday 3 December, 11:30pm–Friday 4 December, 12:30am your time (CET)"},

		{OwnerTime(maria, ny, chi, "Maria"), "Thu 3 Dec, 3:00pm ET (2:00pm CT for Maria)"},
		{OwnerTime(wall(t, ny, "2026-12-03 15:00"), ny, la, "Maria"), "Thu 3 Dec, 3:00pm ET (12:00pm PT for Maria)"},
		{OwnerTime(wall(t, ny, "2026-12-03 15:00"), ny, ny, "Maria"), "Thu 3 Dec, 3:00pm ET"},
		{OwnerTime(wall(t, ny, "2026-12-03 15:00"), ny, zone(t, "America/Toronto"), "Maria"), "Thu 3 Dec, 3:00pm ET"},
		{OwnerTime(wall(t, ny, "2026-12-03 15:00"), ny, nil, "Maria"), "Thu 3 Dec, 3:00pm ET"},
		{OwnerTime(wall(t, ny, "2026-12-03 21:00"), ny, syd, "Kim"), "Thu 3 Dec, 9:00pm ET (Fri 4 Dec, 1:00pm AEDT for Kim)"},
		{OwnerTime(wall(t, ny, "2026-12-03 15:00"), ny, paris, ""), "Thu 3 Dec, 3:00pm ET (9:00pm CET their time)"},
		{OwnerRange(maria, maria.Add(30*time.Minute), ny, chi, "Maria"), "Thu 3 Dec, 3:00–3:30pm ET (2:00–2:30pm CT for Maria)"},
		{OwnerRange(wall(t, ny, "2026-12-03 11:30"), wall(t, ny, "2026-12-03 12:30"), ny, paris, "Anne"), "Thu 3 Dec, 11:30am–12:30pm ET (5:30–6:30pm CET for Anne)"},
		{OwnerRange(wall(t, ny, "2026-12-03 18:30"), wall(t, ny, "2026-12-03 19:00"), ny, paris, "Anne"), "Thu 3 Dec, 6:30–7:00pm ET (Fri 4 Dec, 12:30–1:00am CET for Anne)"},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %q\nwant %q", tc.got, tc.want)
		}
	}
}

// The weeks when only one side of the Atlantic has changed its clocks:
// New York and Paris are 5 hours apart instead of 6, and the labels follow
// each side's own rules.
func TestLabelsAcrossDSTChanges(t *testing.T) {
	ny, paris, syd := zone(t, "America/New_York"), zone(t, "Europe/Paris"), zone(t, "Australia/Sydney")
	for _, tc := range []struct {
		at      time.Time
		contact *time.Location
		want    string
	}{
		{wall(t, ny, "2026-03-06 10:00"), paris, "Fri 6 Mar, 10:00am ET (4:00pm CET for Anne)"},           // both on winter time
		{wall(t, ny, "2026-03-13 10:00"), paris, "Fri 13 Mar, 10:00am ET (3:00pm CET for Anne)"},          // US changed 8 March
		{wall(t, ny, "2026-04-03 10:00"), paris, "Fri 3 Apr, 10:00am ET (4:00pm CEST for Anne)"},          // EU changed 29 March
		{wall(t, ny, "2026-10-30 10:00"), paris, "Fri 30 Oct, 10:00am ET (3:00pm CET for Anne)"},          // EU back 25 October
		{wall(t, ny, "2026-11-06 10:00"), paris, "Fri 6 Nov, 10:00am ET (4:00pm CET for Anne)"},           // US back 1 November
		{wall(t, ny, "2026-04-02 18:00"), syd, "Thu 2 Apr, 6:00pm ET (Fri 3 Apr, 9:00am AEDT for Anne)"},  // Sydney on summer time
		{wall(t, ny, "2026-04-09 18:00"), syd, "Thu 9 Apr, 6:00pm ET (Fri 10 Apr, 8:00am AEST for Anne)"}, // Sydney back 5 April
	} {
		if got := OwnerTime(tc.at, ny, tc.contact, "Anne"); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}
