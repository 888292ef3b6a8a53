package contacts

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// NormalizeZone turns a time zone as people and exporters write it into
// an IANA name: "Europe/Berlin" as is, "america/new_york" and HubSpot's
// "america_slash_new_york" in their proper case, a US abbreviation
// ("EST", "Pacific Time"), a Windows name ("W. Europe Standard Time",
// "(UTC-05:00) Eastern Time (US & Canada)"), a name inside other text
// ("(GMT+01:00) Europe/Paris") or a UTC offset ("UTC+2", "-05:00", which
// become the fixed zones Etc/GMT-2, Etc/GMT+5). ok is false for anything
// else.
func NormalizeZone(s string) (zone string, ok bool) {
	s = collapseSpace(s)
	if s == "" || len(s) > 100 || strings.ContainsAny(s, "\r\n\x00") {
		return "", false
	}
	if z, hit := zoneNames[strings.ToLower(s)]; hit {
		return z, true
	}
	if knownZone(s) && strings.Contains(s, "/") || s == "UTC" {
		return s, true
	}
	if t := strings.ReplaceAll(strings.ToLower(s), "_slash_", "/"); strings.Contains(t, "/") {
		if z := zoneCase(t); knownZone(z) {
			return z, true
		}
	}
	// A Windows display name: "(UTC+01:00) Amsterdam, Berlin, …".
	rest := s
	if m := utcPrefix.FindStringSubmatch(s); m != nil {
		rest = strings.TrimSpace(s[len(m[0]):])
		if z, hit := zoneNames[strings.ToLower(rest)]; hit {
			return z, true
		}
	}
	for _, m := range embeddedZone.FindAllString(s, -1) {
		if knownZone(m) {
			return m, true
		}
	}
	if z, ok := offsetZone(s); ok {
		return z, true
	}
	if m := utcPrefix.FindStringSubmatch(s); m != nil {
		return offsetZone(m[1])
	}
	if knownZone(s) && s == strings.ToUpper(s) && len(s) >= 3 {
		return s, true // CET, EET, WET and the like
	}
	return "", false
}

var (
	utcPrefix    = regexp.MustCompile(`^\(\s*((?:UTC|GMT)\s*(?:[+-−]\s*\d{1,2}(?::?\d{2})?)?)\s*\)`)
	embeddedZone = regexp.MustCompile(`[A-Z][A-Za-z]+(?:/[A-Z][A-Za-z0-9_+\-]+)+`)
	offsetRE     = regexp.MustCompile(`^(?i:UTC|GMT|UT)?\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?$`)
)

// offsetZone reads "UTC+2", "GMT-05:00", "+0530". Whole hours become the
// fixed Etc/GMT zones (whose sign is the other way round); the half-hour
// offsets to the zone that uses them all year.
func offsetZone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	switch strings.ToUpper(s) {
	case "UTC", "GMT", "UT", "Z":
		return "UTC", true
	}
	m := offsetRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	h, _ := strconv.Atoi(m[2])
	min := 0
	if m[3] != "" {
		min, _ = strconv.Atoi(m[3])
	}
	neg := m[1] != "+"
	if min != 0 {
		sign := "+"
		if neg {
			sign = "-"
		}
		z, ok := halfHours[fmt.Sprintf("%s%02d:%02d", sign, h, min)]
		return z, ok
	}
	if h == 0 {
		return "UTC", true
	}
	if h > 14 || neg && h > 12 {
		return "", false
	}
	if neg {
		return fmt.Sprintf("Etc/GMT+%d", h), true
	}
	return fmt.Sprintf("Etc/GMT-%d", h), true
}

var halfHours = map[string]string{"+05:30": "Asia/Kolkata", "+05:45": "Asia/Kathmandu", "+03:30": "Asia/Tehran",
	"+04:30": "Asia/Kabul", "+06:30": "Asia/Yangon", "+09:30": "Australia/Darwin", "-03:30": "America/St_Johns",
	"-09:30": "Pacific/Marquesas", "+10:30": "Australia/Lord_Howe", "+12:45": "Pacific/Chatham"}

// zoneCase writes a lower-case IANA name in its usual case:
// "america/new_york" → "America/New_York".
func zoneCase(s string) string {
	b := []rune(s)
	up := true
	for i, r := range b {
		if up {
			b[i] = unicode.ToUpper(r)
		}
		up = r == '/' || r == '_' || r == '-'
	}
	return string(b)
}

// zoneNames maps abbreviations and Windows names (lower case) to IANA
// names. The US abbreviations mean the region, whatever the season; the
// zone database's own "EST" and "MST" are fixed offsets nobody means.
var zoneNames = map[string]string{
	"est": "America/New_York", "edt": "America/New_York", "et": "America/New_York", "eastern": "America/New_York",
	"eastern time": "America/New_York", "us/eastern": "America/New_York",
	"cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago", "central": "America/Chicago",
	"central time": "America/Chicago", "us/central": "America/Chicago",
	"mst": "America/Denver", "mdt": "America/Denver", "mt": "America/Denver", "mountain": "America/Denver",
	"mountain time": "America/Denver", "us/mountain": "America/Denver",
	"pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
	"pacific": "America/Los_Angeles", "pacific time": "America/Los_Angeles", "us/pacific": "America/Los_Angeles",
	"akst": "America/Anchorage", "akdt": "America/Anchorage", "hst": "Pacific/Honolulu",
	"utc": "UTC", "gmt": "UTC", "z": "UTC", "coordinated universal time": "UTC",
	"bst": "Europe/London", "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "sgt": "Asia/Singapore",
	"hkt": "Asia/Hong_Kong", "aest": "Australia/Sydney", "aedt": "Australia/Sydney", "acst": "Australia/Adelaide",
	"awst": "Australia/Perth", "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland",
	"brt": "America/Sao_Paulo", "art": "America/Argentina/Buenos_Aires", "msk": "Europe/Moscow",
	"eastern time (us & canada)": "America/New_York", "central time (us & canada)": "America/Chicago",
	"mountain time (us & canada)": "America/Denver", "pacific time (us & canada)": "America/Los_Angeles",
	"eastern standard time": "America/New_York", "central standard time": "America/Chicago",
	"mountain standard time": "America/Denver", "us mountain standard time": "America/Phoenix",
	"pacific standard time": "America/Los_Angeles", "alaskan standard time": "America/Anchorage",
	"hawaiian standard time": "Pacific/Honolulu", "atlantic standard time": "America/Halifax",
	"newfoundland standard time": "America/St_Johns", "us eastern standard time": "America/Indiana/Indianapolis",
	"canada central standard time": "America/Regina", "central standard time (mexico)": "America/Mexico_City",
	"sa pacific standard time": "America/Bogota", "sa western standard time": "America/La_Paz",
	"sa eastern standard time": "America/Cayenne", "e. south america standard time": "America/Sao_Paulo",
	"argentina standard time": "America/Argentina/Buenos_Aires", "pacific sa standard time": "America/Santiago",
	"gmt standard time": "Europe/London", "greenwich standard time": "Atlantic/Reykjavik",
	"w. europe standard time": "Europe/Berlin", "romance standard time": "Europe/Paris",
	"central europe standard time": "Europe/Budapest", "central european standard time": "Europe/Warsaw",
	"e. europe standard time": "Europe/Chisinau", "fle standard time": "Europe/Kiev",
	"gtb standard time": "Europe/Bucharest", "russian standard time": "Europe/Moscow",
	"turkey standard time": "Europe/Istanbul", "israel standard time": "Asia/Jerusalem",
	"egypt standard time": "Africa/Cairo", "south africa standard time": "Africa/Johannesburg",
	"w. central africa standard time": "Africa/Lagos", "e. africa standard time": "Africa/Nairobi",
	"arabian standard time": "Asia/Dubai", "arab standard time": "Asia/Riyadh", "iran standard time": "Asia/Tehran",
	"pakistan standard time": "Asia/Karachi", "india standard time": "Asia/Kolkata",
	"nepal standard time": "Asia/Kathmandu", "bangladesh standard time": "Asia/Dhaka",
	"se asia standard time": "Asia/Bangkok", "singapore standard time": "Asia/Singapore",
	"china standard time": "Asia/Shanghai", "taipei standard time": "Asia/Taipei",
	"tokyo standard time": "Asia/Tokyo", "korea standard time": "Asia/Seoul",
	"w. australia standard time": "Australia/Perth", "cen. australia standard time": "Australia/Adelaide",
	"aus eastern standard time": "Australia/Sydney", "e. australia standard time": "Australia/Brisbane",
	"new zealand standard time": "Pacific/Auckland", "utc+12": "Etc/GMT-12",
}
