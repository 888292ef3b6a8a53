package schedule

import (
	"strings"
	"testing"
	"time"
)

func TestCountryOfZone(t *testing.T) {
	for zone, want := range map[string]string{
		"America/New_York":    "US",
		"America/Chicago":     "US",
		"US/Eastern":          "US", // a link, from tzdata.zi
		"America/Toronto":     "CA",
		"America/Montreal":    "CA",
		"Europe/Paris":        "FR",
		"Europe/Berlin":       "DE",
		"Europe/London":       "GB",
		"GB":                  "GB",
		"Europe/Oslo":         "NO",
		"Europe/Kyiv":         "UA",
		"Europe/Kiev":         "UA",
		"Asia/Kolkata":        "IN",
		"Asia/Calcutta":       "IN",
		"Asia/Tokyo":          "JP",
		"Australia/Sydney":    "AU",
		"Pacific/Auckland":    "NZ",
		"America/Sao_Paulo":   "BR",
		"Africa/Johannesburg": "ZA",
		" Europe/Paris ":      "FR",
		"UTC":                 "",
		"Etc/GMT+5":           "",
		"Mars/Olympus_Mons":   "",
		"":                    "",
	} {
		if got := CountryOfZone(zone); got != want {
			t.Errorf("CountryOfZone(%q) = %q, want %q", zone, got, want)
		}
	}
}

func TestHolidayCodeOfZone(t *testing.T) {
	for zone, want := range map[string]string{
		"America/New_York":    "US",
		"Europe/Paris":        "FR",
		"Europe/London":       "GB",
		"Australia/Sydney":    "AU-NSW",
		"Australia/Melbourne": "AU-VIC",
		"Australia/Perth":     "AU-WA",
		"Australia/Eucla":     "AU", // no state of its own: what every state keeps
		"Asia/Kolkata":        "",   // rickar/cal has no list for India
		"UTC":                 "",
	} {
		if got := HolidayCodeOfZone(zone); got != want {
			t.Errorf("HolidayCodeOfZone(%q) = %q, want %q", zone, got, want)
		}
	}
}

// Every zone in the table is a name Go can load, and every zone Go knows
// outside Etc/ has a country: the table is neither stale nor short.
func TestZoneTableLoads(t *testing.T) {
	n := 0
	for z := range zoneCountry() {
		n++
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("%s: %v", z, err)
		}
	}
	if n < 500 {
		t.Errorf("only %d zones", n)
	}
	for _, z := range []string{"America/Argentina/Buenos_Aires", "America/Indiana/Indianapolis", "Asia/Ho_Chi_Minh", "Asia/Saigon", "Pacific/Honolulu", "Atlantic/Reykjavik"} {
		if CountryOfZone(z) == "" {
			t.Errorf("%s has no country", z)
		}
	}
}

func TestCalendarFor(t *testing.T) {
	paris, ny := zone(t, "Europe/Paris"), zone(t, "America/New_York")
	c, err := CalendarFor(paris, "")
	if err != nil || c.Country() != "FR" {
		t.Fatalf("CalendarFor(Paris) = %q, %v", c.Country(), err)
	}
	// 14 July is a holiday in France, not in the United States.
	bastille := wall(t, paris, "2026-07-14 12:00")
	if _, ok := c.Holiday(bastille); !ok {
		t.Error("14 July is not a French holiday")
	}
	us, _ := CalendarFor(ny, "")
	if _, ok := us.Holiday(bastille.In(ny)); ok {
		t.Error("14 July is a US holiday")
	}
	// A configured code wins over the zone.
	if c, err := CalendarFor(paris, "de-by"); err != nil || c.Country() != "DE-BY" {
		t.Errorf("configured code: %q, %v", c.Country(), err)
	}
	if _, err := CalendarFor(paris, "XX"); err == nil || !strings.Contains(err.Error(), "unknown holiday country") {
		t.Errorf("bad code: %v", err)
	}
	if c, err := CalendarFor(zone(t, "Asia/Kolkata"), ""); err != nil || c.Country() != "" {
		t.Errorf("zone without a list: %q, %v", c.Country(), err)
	}
	if c, err := CalendarFor(nil, ""); err != nil || c.Country() != "" {
		t.Errorf("nil zone: %q, %v", c.Country(), err)
	}
}
