package schedule

import (
	"testing"
	"time"
)

func TestBridgeAndWorkingDays(t *testing.T) {
	ny, paris, syd := zone(t, "America/New_York"), zone(t, "Europe/Paris"), zone(t, "Australia/Sydney")
	for _, tc := range []struct {
		country, zone, day string
		bridge             string // "" when not a bridge day
		working, business  bool
	}{
		{"US", "ny", "2026-11-26", "", false, false},                                 // Thanksgiving
		{"US", "ny", "2026-11-27", "day after Thanksgiving Day", false, true},        // its Friday
		{"US", "ny", "2026-11-30", "", true, true},                                   // the Monday after
		{"US", "ny", "2026-07-03", "", false, false},                                 // 4 July observed on Friday
		{"US", "ny", "2027-11-26", "day after Thanksgiving Day", false, true},        // every year
		{"FR", "paris", "2026-05-14", "", false, false},                              // Ascension Thursday
		{"FR", "paris", "2026-05-15", "day after Ascension", false, true},            // le pont
		{"FR", "paris", "2026-11-10", "", true, true},                                // Armistice is Wednesday 11 November 2026
		{"FR", "paris", "2029-05-07", "day before Fête de la Victoire", false, true}, // Monday before Tuesday 8 May
		{"AU-NSW", "syd", "2026-12-25", "", false, false},
		{"US", "ny", "2026-12-05", "", false, false}, // Saturday
		{"", "ny", "2026-11-27", "", true, true},     // no holidays, no bridges
	} {
		loc := map[string]*time.Location{"ny": ny, "paris": paris, "syd": syd}[tc.zone]
		c := mustCalendar(t, tc.country)
		at := wall(t, loc, tc.day+" 12:00")
		name, ok := c.BridgeDay(at)
		if ok != (tc.bridge != "") || (ok && name != tc.bridge) {
			t.Errorf("%s %s: BridgeDay = %q, %v; want %q", tc.country, tc.day, name, ok, tc.bridge)
		}
		if got := c.IsWorkingDay(at); got != tc.working {
			t.Errorf("%s %s: IsWorkingDay = %v, want %v", tc.country, tc.day, got, tc.working)
		}
		if got := c.IsBusinessDay(at); got != tc.business {
			t.Errorf("%s %s: IsBusinessDay = %v, want %v", tc.country, tc.day, got, tc.business)
		}
	}
}
