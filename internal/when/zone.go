package when

import (
	"fmt"
	"strings"
	"time"
)

// zoneRef is a zone a writer named: an IANA location when one fits
// (so summer time is right on the day), with a fixed offset to fall back on
// when the zone database is missing.
type zoneRef struct {
	iana   string
	offset int  // seconds east of UTC, for the fallback
	upper  bool // counts only when written in capitals (the word has other meanings)
	note   string
}

// zoneAbbr are the abbreviations people write after a time. An
// abbreviation for standard or summer time is read as the region's time on
// that day ("2pm PST" in July is 2pm in Los Angeles): people keep writing
// PST all year, and the region is what they mean.
var zoneAbbr = map[string]zoneRef{
	"utc": {iana: "UTC"}, "gmt": {iana: "UTC"}, "z": {iana: "UTC", upper: true}, "zulu": {iana: "UTC"},
	"cet": {iana: "Europe/Paris", offset: 3600}, "cest": {iana: "Europe/Paris", offset: 7200},
	"mez": {iana: "Europe/Berlin", offset: 3600, upper: true}, "mesz": {iana: "Europe/Berlin", offset: 7200, upper: true},
	"wet": {iana: "Europe/Lisbon", upper: true}, "west": {iana: "Europe/Lisbon", offset: 3600, upper: true},
	"eet": {iana: "Europe/Athens", offset: 7200}, "eest": {iana: "Europe/Athens", offset: 10800},
	"bst": {iana: "Europe/London", offset: 3600}, "uk": {iana: "Europe/London", upper: true},
	"pt": {iana: "America/Los_Angeles", offset: -8 * 3600, upper: true}, "pst": {iana: "America/Los_Angeles", offset: -8 * 3600}, "pdt": {iana: "America/Los_Angeles", offset: -7 * 3600},
	"mt": {iana: "America/Denver", offset: -7 * 3600, upper: true}, "mst": {iana: "America/Denver", offset: -7 * 3600}, "mdt": {iana: "America/Denver", offset: -6 * 3600},
	"ct": {iana: "America/Chicago", offset: -6 * 3600, upper: true}, "cst": {iana: "America/Chicago", offset: -6 * 3600}, "cdt": {iana: "America/Chicago", offset: -5 * 3600},
	"et": {iana: "America/New_York", offset: -5 * 3600, upper: true}, "est": {iana: "America/New_York", offset: -5 * 3600, upper: true}, "edt": {iana: "America/New_York", offset: -4 * 3600},
	"akst": {iana: "America/Anchorage", offset: -9 * 3600}, "akdt": {iana: "America/Anchorage", offset: -8 * 3600},
	"hst": {iana: "Pacific/Honolulu", offset: -10 * 3600},
	"ist": {iana: "Asia/Kolkata", offset: 19800, upper: true},
	"jst": {iana: "Asia/Tokyo", offset: 9 * 3600}, "kst": {iana: "Asia/Seoul", offset: 9 * 3600},
	"sgt": {iana: "Asia/Singapore", offset: 8 * 3600}, "hkt": {iana: "Asia/Hong_Kong", offset: 8 * 3600},
	"aest": {iana: "Australia/Sydney", offset: 10 * 3600}, "aedt": {iana: "Australia/Sydney", offset: 11 * 3600},
	"acst": {iana: "Australia/Adelaide", offset: 34200}, "acdt": {iana: "Australia/Adelaide", offset: 37800},
	"awst": {iana: "Australia/Perth", offset: 8 * 3600},
	"nzst": {iana: "Pacific/Auckland", offset: 12 * 3600}, "nzdt": {iana: "Pacific/Auckland", offset: 13 * 3600},
	"brt":  {iana: "America/Sao_Paulo", offset: -3 * 3600, upper: true},
	"sast": {iana: "Africa/Johannesburg", offset: 2 * 3600},
	"msk":  {iana: "Europe/Moscow", offset: 3 * 3600},
	"eat":  {iana: "Africa/Nairobi", offset: 3 * 3600, upper: true}, "wat": {iana: "Africa/Lagos", offset: 3600, upper: true},
	"gst": {iana: "Asia/Dubai", offset: 4 * 3600, upper: true}, "pkt": {iana: "Asia/Karachi", offset: 5 * 3600},
	"ict": {iana: "Asia/Bangkok", offset: 7 * 3600, upper: true}, "wib": {iana: "Asia/Jakarta", offset: 7 * 3600, upper: true},
}

// regionWords are zone names written as words ("1pm Pacific", "Eastern
// time", "Central European Time").
var regionWords = map[string]zoneRef{
	"pacific": {iana: "America/Los_Angeles", offset: -8 * 3600}, "eastern": {iana: "America/New_York", offset: -5 * 3600},
	"central": {iana: "America/Chicago", offset: -6 * 3600}, "mountain": {iana: "America/Denver", offset: -7 * 3600},
}

// cityWords are places written before "time" ("London time", "NY time").
var cityWords = map[string]string{
	"london": "Europe/London", "uk": "Europe/London", "british": "Europe/London", "dublin": "Europe/Dublin", "irish": "Europe/Dublin",
	"paris": "Europe/Paris", "french": "Europe/Paris", "france": "Europe/Paris", "berlin": "Europe/Berlin", "german": "Europe/Berlin", "germany": "Europe/Berlin",
	"munich": "Europe/Berlin", "frankfurt": "Europe/Berlin", "amsterdam": "Europe/Amsterdam", "dutch": "Europe/Amsterdam", "brussels": "Europe/Brussels",
	"madrid": "Europe/Madrid", "spain": "Europe/Madrid", "spanish": "Europe/Madrid", "lisbon": "Europe/Lisbon", "zurich": "Europe/Zurich", "rome": "Europe/Rome",
	"stockholm": "Europe/Stockholm", "vienna": "Europe/Vienna", "warsaw": "Europe/Warsaw", "athens": "Europe/Athens", "istanbul": "Europe/Istanbul",
	"moscow": "Europe/Moscow", "ny": "America/New_York", "nyc": "America/New_York", "boston": "America/New_York", "toronto": "America/Toronto",
	"chicago": "America/Chicago", "denver": "America/Denver", "sf": "America/Los_Angeles", "la": "America/Los_Angeles", "seattle": "America/Los_Angeles",
	"vancouver": "America/Vancouver", "california": "America/Los_Angeles", "mexico": "America/Mexico_City", "são": "America/Sao_Paulo",
	"tokyo": "Asia/Tokyo", "japan": "Asia/Tokyo", "seoul": "Asia/Seoul", "singapore": "Asia/Singapore", "beijing": "Asia/Shanghai", "shanghai": "Asia/Shanghai",
	"india": "Asia/Kolkata", "indian": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata", "dubai": "Asia/Dubai",
	"israel": "Asia/Jerusalem", "sydney": "Australia/Sydney", "melbourne": "Australia/Melbourne", "auckland": "Pacific/Auckland",
}

// zone is a resolved stated zone.
type zone struct {
	loc  *time.Location
	name string // as written
	note string // why it was read this way, when it was a choice
	span [2]int // byte span in the text, once grouped
}

func (p *scanner) loadLoc(name string, fallback int) *time.Location {
	load := p.o.LoadLocation
	if load == nil {
		load = time.LoadLocation
	}
	if name == "UTC" {
		return time.UTC
	}
	if l, err := load(name); err == nil && l != nil {
		return l
	}
	return time.FixedZone(name, fallback)
}

func (p *scanner) raw(i int) string { return p.src[p.ts[i].start:p.ts[i].end] }

func isUpperWord(s string) bool {
	return s != "" && strings.ToUpper(s) == s && strings.ToLower(s) != s
}

// zoneAt reads a zone at token i: an abbreviation, a region ("Pacific
// time"), a city ("London time"), "your time", "my time", an IANA name
// (Europe/Paris), or an offset (UTC+2, GMT-05:00, +02:00). Parentheses
// around it are taken too.
func (p *scanner) zoneAt(i int) (zone, int) {
	if i >= len(p.ts) {
		return zone{}, 0
	}
	if p.ts[i].s == "(" || p.ts[i].s == "[" {
		if z, n := p.zoneAt(i + 1); n > 0 {
			if j := i + 1 + n; j < len(p.ts) && (p.ts[j].s == ")" || p.ts[j].s == "]") {
				return z, n + 2
			}
			return z, n + 1
		}
		return zone{}, 0
	}
	t := p.ts[i]
	if t.kind == tPunct && (t.s == "+" || t.s == "-") && t.space {
		if off, n := p.offsetAt(i); n > 0 {
			return zone{loc: fixed(off), name: p.spanText(i, i+n)}, n
		}
		return zone{}, 0
	}
	if t.kind != tWord {
		return zone{}, 0
	}
	w := t.s
	timeWord := func(j int) int { // "time", "standard time", "daylight time", "zeit", "heure"
		n := 0
		for _, x := range []string{"standard", "daylight", "summer"} {
			if p.word(j) == x {
				n++
				j++
				break
			}
		}
		if p.word(j) == "time" || p.word(j) == "zeit" {
			return n + 1
		}
		return 0
	}
	// offsets after UTC/GMT
	if w == "utc" || w == "gmt" {
		if off, n := p.offsetAt(i + 1); n > 0 {
			return zone{loc: fixed(off), name: p.spanText(i, i+1+n)}, 1 + n
		}
	}
	// IANA names: Area/City(/City)
	if i+2 < len(p.ts) && p.ts[i+1].s == "/" && !p.ts[i+1].space && p.ts[i+2].kind == tWord && !p.ts[i+2].space {
		j := i + 3
		if j+1 < len(p.ts) && p.ts[j].s == "/" && !p.ts[j].space && p.ts[j+1].kind == tWord {
			j += 2
		}
		name := p.src[t.start:p.ts[j-1].end]
		load := p.o.LoadLocation
		if load == nil {
			load = time.LoadLocation
		}
		if strings.Contains(name, "/") {
			if l, err := load(name); err == nil && l != nil {
				return zone{loc: l, name: name}, j - i
			}
		}
	}
	switch w {
	case "your", "ihrer", "deiner", "votre", "su", "tu", "jouw", "uw":
		if n := timeWord(i + 1); n > 0 || p.word(i+1) == "heure" || p.word(i+1) == "hora" || p.word(i+1) == "tijd" {
			if n == 0 {
				n = 1
			}
			return zone{loc: p.reader, name: p.spanText(i, i+1+n), note: "the reader's time"}, 1 + n
		}
	case "my", "meiner", "ma", "mi", "mijn", "local", "lokaler", "locale":
		if n := timeWord(i + 1); n > 0 {
			return zone{loc: p.loc, name: p.spanText(i, i+1+n), note: "the writer's own time"}, 1 + n
		}
	}
	if r, ok := regionWords[w]; ok {
		n := 1
		// "Central European (Summer) Time", "Eastern European Time"
		if (w == "central" || w == "eastern") && p.word(i+1) == "european" {
			iana, off := "Europe/Paris", 3600
			if w == "eastern" {
				iana, off = "Europe/Athens", 7200
			}
			return zone{loc: p.loadLoc(iana, off), name: p.spanText(i, i+2+timeWord(i+2))}, 2 + timeWord(i+2)
		}
		n += timeWord(i + 1)
		if w == "central" && n == 1 && strings.HasPrefix(p.loc.String(), "Europe/") {
			return zone{loc: p.loadLoc("Europe/Paris", 3600), name: p.spanText(i, i+n), note: "Central read as Central European Time (a writer in Europe)"}, n
		}
		return zone{loc: p.loadLoc(r.iana, r.offset), name: p.spanText(i, i+n)}, n
	}
	// "heure de Paris", "hora de Madrid", "Berliner Zeit"
	if (w == "heure" || w == "hora" || w == "ora") && p.is(i+1, "de", "di") {
		if iana, ok := cityWords[p.word(i+2)]; ok {
			return zone{loc: p.loadLoc(iana, 0), name: p.spanText(i, i+3)}, 3
		}
	}
	if iana, ok := cityWords[w]; ok {
		if n := timeWord(i + 1); n > 0 {
			return zone{loc: p.loadLoc(iana, 0), name: p.spanText(i, i+1+n)}, 1 + n
		}
	}
	if r, ok := zoneAbbr[w]; ok {
		if r.upper && !isUpperWord(p.raw(i)) {
			return zone{}, 0
		}
		z := zone{name: p.raw(i)}
		iana := r.iana
		switch w {
		case "ist":
			switch p.loc.String() {
			case "Europe/Dublin":
				iana, z.note = "Europe/Dublin", "IST read as Irish Standard Time (a writer in Ireland)"
			case "Asia/Jerusalem", "Asia/Tel_Aviv":
				iana, z.note = "Asia/Jerusalem", "IST read as Israel Standard Time (a writer in Israel)"
			default:
				z.note = "IST is ambiguous (India, Ireland, Israel): read as India Standard Time"
			}
		case "cst":
			if l := p.loc.String(); l == "Asia/Shanghai" || l == "Asia/Taipei" || l == "Asia/Hong_Kong" {
				iana, z.note = "Asia/Shanghai", "CST read as China Standard Time (a writer in China)"
			}
		}
		z.loc = p.loadLoc(iana, r.offset)
		n := 1 + timeWord(i+1)
		z.name = p.spanText(i, i+n)
		return z, n
	}
	return zone{}, 0
}

// offsetAt reads +2, +02, +0200, +02:00, -5, -05:30 at token i.
func (p *scanner) offsetAt(i int) (int, int) {
	if i+1 >= len(p.ts) || (p.ts[i].s != "+" && p.ts[i].s != "-") || p.ts[i+1].kind != tNum || p.ts[i+1].space {
		return 0, 0
	}
	sign := 1
	if p.ts[i].s == "-" {
		sign = -1
	}
	d := p.ts[i+1].s
	h, m, n := 0, 0, 2
	switch len(d) {
	case 1, 2:
		h = p.ts[i+1].n
		if i+3 < len(p.ts) && p.ts[i+2].s == ":" && !p.ts[i+2].space && p.ts[i+3].kind == tNum && len(p.ts[i+3].s) == 2 {
			m = p.ts[i+3].n
			n = 4
		}
	case 4:
		h, m = p.ts[i+1].n/100, p.ts[i+1].n%100
	default:
		return 0, 0
	}
	if h > 14 || m > 59 {
		return 0, 0
	}
	return sign * (h*3600 + m*60), n
}

func fixed(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	sign := '+'
	a := off
	if a < 0 {
		sign, a = '-', -a
	}
	return time.FixedZone(fmt.Sprintf("UTC%c%02d:%02d", sign, a/3600, a%3600/60), off)
}
