package schedule

import (
	_ "embed"
	"strings"
	"sync"
	"time"
)

//go:generate go run gen_zones.go

// zoneCountryText is the IANA tz database's zone → country table
// (zone.tab plus the links of tzdata.zi, public domain), one line per
// country: "CC Zone/One Zone/Two ...". Go has none built in.
//
//go:embed zonecountry.txt
var zoneCountryText string

var zoneCountry = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, 600)
	for line := range strings.SplitSeq(zoneCountryText, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		for _, z := range f[1:] {
			m[z] = f[0]
		}
	}
	return m
})

// zoneRegion is the holiday region for zones whose states keep different
// public holidays and that rickar/cal knows by region. Zones missing here
// use their country's list (for Australia, the holidays every state keeps).
var zoneRegion = map[string]string{
	"Australia/Sydney":      "AU-NSW",
	"Australia/NSW":         "AU-NSW",
	"Australia/Broken_Hill": "AU-NSW",
	"Australia/Yancowinna":  "AU-NSW",
	"Australia/Canberra":    "AU-ACT",
	"Australia/ACT":         "AU-ACT",
	"Australia/Melbourne":   "AU-VIC",
	"Australia/Victoria":    "AU-VIC",
	"Australia/Brisbane":    "AU-QLD",
	"Australia/Queensland":  "AU-QLD",
	"Australia/Lindeman":    "AU-QLD",
	"Australia/Adelaide":    "AU-SA",
	"Australia/South":       "AU-SA",
	"Australia/Perth":       "AU-WA",
	"Australia/West":        "AU-WA",
	"Australia/Hobart":      "AU-TAS",
	"Australia/Tasmania":    "AU-TAS",
	"Australia/Currie":      "AU-TAS",
	"Australia/Darwin":      "AU-NT",
	"Australia/North":       "AU-NT",
}

// CountryOfZone returns the ISO 3166-1 country code of an IANA zone name
// ("Europe/Paris" → "FR", "US/Eastern" → "US"), or "" for zones that
// belong to no country (UTC, Etc/GMT+5) and names it does not know.
func CountryOfZone(zone string) string {
	return zoneCountry()[strings.TrimSpace(zone)]
}

// HolidayCodeOfZone is the code NewCalendar should get for someone living
// in zone: a region where holidays differ by state and rickar/cal knows
// the state ("Australia/Sydney" → "AU-NSW"), else the country. It is ""
// when the zone has no country or rapport has no holiday list for it.
func HolidayCodeOfZone(zone string) string {
	zone = strings.TrimSpace(zone)
	if r, ok := zoneRegion[zone]; ok {
		return r
	}
	c := CountryOfZone(zone)
	if _, ok := holidayLists[c]; ok || c == "AU" {
		return c
	}
	return ""
}

// CalendarFor is the working-day calendar of someone in loc: the holiday
// list named by code when it is not empty (a configured country such as
// "DE-BY"), else the one their zone implies (HolidayCodeOfZone). A zone
// without a known list gives weekends only. An unknown code is an error.
func CalendarFor(loc *time.Location, code string) (Calendar, error) {
	if strings.TrimSpace(code) != "" {
		return NewCalendar(code)
	}
	if loc == nil {
		return Calendar{}, nil
	}
	return NewCalendar(HolidayCodeOfZone(loc.String()))
}
