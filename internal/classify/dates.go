package classify

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Month and weekday names in English, German, French, Spanish and Dutch
// (and a few Italian/Portuguese ones that cost nothing).
var monthNames = map[string]time.Month{
	"january": 1, "jan": 1, "januar": 1, "jänner": 1, "janvier": 1, "janv": 1, "enero": 1, "ene": 1, "januari": 1, "gennaio": 1, "janeiro": 1,
	"february": 2, "feb": 2, "februar": 2, "février": 2, "fevrier": 2, "févr": 2, "fév": 2, "febrero": 2, "februari": 2, "febbraio": 2, "fevereiro": 2,
	"march": 3, "mar": 3, "märz": 3, "maerz": 3, "mär": 3, "mrz": 3, "mars": 3, "marzo": 3, "maart": 3, "mrt": 3, "março": 3,
	"april": 4, "apr": 4, "avril": 4, "avr": 4, "abril": 4, "abr": 4, "aprile": 4,
	"may": 5, "mai": 5, "mayo": 5, "mei": 5, "maggio": 5, "maio": 5,
	"june": 6, "jun": 6, "juni": 6, "juin": 6, "junio": 6, "giugno": 6, "junho": 6,
	"july": 7, "jul": 7, "juli": 7, "juillet": 7, "juil": 7, "julio": 7, "luglio": 7, "julho": 7,
	"august": 8, "aug": 8, "août": 8, "aout": 8, "agosto": 8, "ago": 8, "augustus": 8,
	"september": 9, "sep": 9, "sept": 9, "septembre": 9, "septiembre": 9, "setiembre": 9, "settembre": 9, "setembro": 9,
	"october": 10, "oct": 10, "oktober": 10, "okt": 10, "octobre": 10, "octubre": 10, "ottobre": 10, "outubro": 10,
	"november": 11, "nov": 11, "novembre": 11, "noviembre": 11, "novembro": 11,
	"december": 12, "dec": 12, "dezember": 12, "dez": 12, "décembre": 12, "decembre": 12, "déc": 12, "diciembre": 12, "dic": 12, "dicembre": 12, "dezembro": 12,
}

var weekdayNames = map[string]time.Weekday{
	"sunday": 0, "sonntag": 0, "dimanche": 0, "domingo": 0, "zondag": 0, "domenica": 0,
	"monday": 1, "montag": 1, "lundi": 1, "lunes": 1, "maandag": 1, "lunedì": 1,
	"tuesday": 2, "dienstag": 2, "mardi": 2, "martes": 2, "dinsdag": 2, "martedì": 2,
	"wednesday": 3, "mittwoch": 3, "mercredi": 3, "miércoles": 3, "miercoles": 3, "woensdag": 3, "mercoledì": 3,
	"thursday": 4, "donnerstag": 4, "jeudi": 4, "jueves": 4, "donderdag": 4, "giovedì": 4,
	"friday": 5, "freitag": 5, "vendredi": 5, "viernes": 5, "vrijdag": 5, "venerdì": 5,
	"saturday": 6, "samstag": 6, "samedi": 6, "sábado": 6, "sabado": 6, "zaterdag": 6, "sabato": 6,
}

var weekdayAbbr = map[string]time.Weekday{
	"sun": 0, "mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4, "thurs": 4, "fri": 5, "sat": 6,
}

func alternation(m map[string]time.Month) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, regexp.QuoteMeta(k))
	}
	sort.Slice(keys, func(i, j int) bool {
		return len(keys[i]) > len(keys[j]) || (len(keys[i]) == len(keys[j]) && keys[i] < keys[j])
	})
	return strings.Join(keys, "|")
}

func weekdayAlternation(m map[string]time.Weekday) string {
	mm := map[string]time.Month{}
	for k := range m {
		mm[k] = 1
	}
	return alternation(mm)
}

var (
	weekdayAlt = weekdayAlternation(weekdayNames)

	dmRe   = mustFast(`\b(\d{1,2})(?:st|nd|rd|th|er|e|º|\.)?(?:\s*|\s*-\s*)(?:de\s+|of\s+)?(\pL+)\.?(?:,?\s*(?:de\s+)?(\d{4})\b)?`)
	mdRe   = mustFast(`(\pL+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`)
	isoRe  = mustFast(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	numRe  = mustFast(`\b(\d{1,2})([./])(\d{1,2})(?:[./](\d{4}|\d{2}))?\b`)
	wdRe   = mustFast(`\b(?:(next|this|coming|nächsten|nächste|kommenden|kommende|prochain|próximo|volgende)\s+)?(` + weekdayAlt + `)\b(?:\s+(prochain|próximo|que viene))?`)
	wdAbRe = mustFast(`\b(sun|mon|tues|tue|wed|thurs|thur|thu|fri|sat)\.?,?\s+(\d)`)
	relRe  = mustFast(`\b(today|tomorrow|demain|aujourd'hui|heute|hoy|vandaag)\b`)
)

// dateMatch is a calendar day found in text.
type dateMatch struct {
	start, end int
	y          int
	m          time.Month
	d          int
	weekday    bool // a bare weekday name
}

func (d dateMatch) at(h, mi int, loc *time.Location) time.Time {
	return time.Date(d.y, d.m, d.d, h, mi, 0, 0, loc)
}

// resolveYMD turns day and month (and maybe a year) into the next such date
// on or after today.
func resolveYMD(y int, m time.Month, d int, now time.Time) (int, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	if y > 0 {
		if y < 100 {
			y += 2000
		}
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return y, t.Day() == d
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	y = now.Year()
	for range 5 {
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		if t.Day() == d && !t.Before(today) {
			return y, true
		}
		y++ // also skips 29 February until a leap year
	}
	return 0, false
}

// findDates finds calendar days in lower-cased text, interpreted relative
// to now (in its location). Numeric dates with "." are day.month; with "/"
// the earliest valid future reading wins (12/01 in November is 1 December).
func findDates(s string, now time.Time) []dateMatch {
	var out []dateMatch
	add := func(start, end, y int, m time.Month, d int, wd bool) {
		out = append(out, dateMatch{start: start, end: end, y: y, m: m, d: d, weekday: wd})
	}
	for _, ix := range isoRe.FindAllStringSubmatchIndex(s, 50) {
		y, _ := strconv.Atoi(s[ix[2]:ix[3]])
		mo, _ := strconv.Atoi(s[ix[4]:ix[5]])
		d, _ := strconv.Atoi(s[ix[6]:ix[7]])
		if yy, ok := resolveYMD(y, time.Month(mo), d, now); ok {
			add(ix[0], ix[1], yy, time.Month(mo), d, false)
		}
	}
	for _, ix := range dmRe.FindAllStringSubmatchIndex(s, 50) {
		d, _ := strconv.Atoi(s[ix[2]:ix[3]])
		mo, ok := monthNames[s[ix[4]:ix[5]]]
		if !ok {
			continue
		}
		y := 0
		if ix[6] >= 0 {
			y, _ = strconv.Atoi(s[ix[6]:ix[7]])
		}
		if yy, ok := resolveYMD(y, mo, d, now); ok {
			add(ix[0], ix[1], yy, mo, d, false)
		}
	}
	for _, ix := range mdRe.FindAllStringSubmatchIndex(s, 50) {
		if ix[5] < len(s) && (s[ix[5]] == ':' || s[ix[5]] == 'h' || s[ix[5]] == '.' && ix[5]+1 < len(s) && isDigit(s[ix[5]+1])) {
			continue // "nov 10:00" is a time after a month name, not the 10th
		}
		mo, ok := monthNames[s[ix[2]:ix[3]]]
		if !ok {
			continue
		}
		d, _ := strconv.Atoi(s[ix[4]:ix[5]])
		y := 0
		if ix[6] >= 0 {
			y, _ = strconv.Atoi(s[ix[6]:ix[7]])
		}
		if yy, ok := resolveYMD(y, mo, d, now); ok {
			add(ix[0], ix[1], yy, mo, d, false)
		}
	}
	for _, ix := range numRe.FindAllStringSubmatchIndex(s, 50) {
		if ix[0] > 0 && (s[ix[0]-1] == '.' || s[ix[0]-1] == '/' || s[ix[0]-1] == ':' || s[ix[0]-1] == '-') {
			continue
		}
		if ix[1] < len(s) && (s[ix[1]] == ':' || s[ix[1]] == '/' || (s[ix[1]] == '.' && ix[1]+1 < len(s) && isDigit(s[ix[1]+1]))) {
			continue
		}
		a, _ := strconv.Atoi(s[ix[2]:ix[3]])
		b, _ := strconv.Atoi(s[ix[6]:ix[7]])
		y := 0
		if ix[8] >= 0 {
			y, _ = strconv.Atoi(s[ix[8]:ix[9]])
		}
		type cand struct {
			y int
			m time.Month
			d int
		}
		var cs []cand
		if yy, ok := resolveYMD(y, time.Month(b), a, now); ok { // day first
			cs = append(cs, cand{yy, time.Month(b), a})
		}
		if s[ix[4]] == '/' {
			if yy, ok := resolveYMD(y, time.Month(a), b, now); ok { // month first
				cs = append(cs, cand{yy, time.Month(a), b})
			}
		}
		if len(cs) == 0 {
			continue
		}
		best := cs[0]
		for _, c := range cs[1:] {
			if time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC).Before(time.Date(best.y, best.m, best.d, 0, 0, 0, 0, time.UTC)) {
				best = c
			}
		}
		add(ix[0], ix[1], best.y, best.m, best.d, false)
	}
	nextWD := func(wd time.Weekday) time.Time {
		days := (int(wd) - int(now.Weekday()) + 7) % 7
		if days == 0 {
			days = 7
		}
		return now.AddDate(0, 0, days)
	}
	for _, ix := range wdRe.FindAllStringSubmatchIndex(s, 50) {
		t := nextWD(weekdayNames[s[ix[4]:ix[5]]])
		add(ix[0], ix[1], t.Year(), t.Month(), t.Day(), true)
	}
	for _, ix := range wdAbRe.FindAllStringSubmatchIndex(s, 50) {
		t := nextWD(weekdayAbbr[s[ix[2]:ix[3]]])
		add(ix[0], ix[4], t.Year(), t.Month(), t.Day(), true)
	}
	for _, ix := range relRe.FindAllStringSubmatchIndex(s, 20) {
		t := now
		switch s[ix[2]:ix[3]] {
		case "tomorrow", "demain":
			t = now.AddDate(0, 0, 1)
		}
		add(ix[0], ix[1], t.Year(), t.Month(), t.Day(), false)
	}
	// A weekday right before an explicit date ("Thu 26 Nov") is redundant;
	// when the two disagree the explicit date wins.
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	var res []dateMatch
	for i, d := range out {
		if d.weekday {
			redundant := false
			for k := i + 1; k < len(out) && out[k].start <= d.end+4; k++ {
				if !out[k].weekday {
					redundant = true
				}
			}
			if redundant {
				continue
			}
		}
		overlap := false
		for _, r := range res {
			if d.start < r.end && r.start < d.end {
				overlap = true
			}
		}
		if !overlap {
			res = append(res, d)
		}
	}
	return res
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// timeMatch is a time of day found in text.
type timeMatch struct {
	start, end int
	h, mi      int
}

var timeRes = []*regexp.Regexp{
	// ranges: "2-3pm", "2:30 to 4 pm" take the start, with the end's meridiem
	regexp.MustCompile(`\b(\d{1,2})(?::(\d{2}))?\s*(?:-|–|to|bis)\s*\d{1,2}(?::\d{2})?\s*(am|pm|a\.m\.|p\.m\.)`),
	regexp.MustCompile(`\b(\d{1,2}):(\d{2})\b\s*(am|pm|a\.m\.|p\.m\.)?`),
	regexp.MustCompile(`\b(\d{1,2})(?:[.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|uhr|h)(?:\b|$|\s|[.,;?!)])`),
	regexp.MustCompile(`\b(?:at|um|à|a las|a la|om|around|from|ab)\s+(\d{1,2})()()\b`),
	regexp.MustCompile(`\b(noon|midday|mittag|midi|mediodía)()()\b`),
}

func findTimes(s string) []timeMatch {
	var out []timeMatch
	for pri, re := range timeRes {
		for _, ix := range re.FindAllStringSubmatchIndex(s, 50) {
			var h, mi int
			mer := ""
			if pri == 4 {
				h = 12
			} else {
				h, _ = strconv.Atoi(s[ix[2]:ix[3]])
				if ix[4] >= 0 && ix[5] > ix[4] {
					mi, _ = strconv.Atoi(s[ix[4]:ix[5]])
				}
				if len(ix) > 6 && ix[6] >= 0 {
					mer = strings.ReplaceAll(s[ix[6]:ix[7]], ".", "")
				}
			}
			if pri == 3 {
				// "at 2" alone: working hours guess, and not "at 2/3" or "at 2.5"
				if ix[1] < len(s) && strings.ContainsRune(":/.,-", rune(s[ix[1]])) && ix[1]+1 < len(s) && isDigit(s[ix[1]+1]) {
					continue
				}
				if h >= 1 && h <= 7 {
					h += 12
				}
			}
			switch mer {
			case "pm":
				if h < 12 {
					h += 12
				}
			case "am":
				if h == 12 {
					h = 0
				}
			}
			if h > 23 || mi > 59 || (mer != "" && mer != "h" && mer != "uhr" && (h > 23)) {
				continue
			}
			if (mer == "am" || mer == "pm") && (h > 23) {
				continue
			}
			overlap := false
			for _, o := range out {
				if ix[0] < o.end && o.start < ix[1] {
					overlap = true
				}
			}
			if !overlap {
				out = append(out, timeMatch{start: ix[0], end: ix[1], h: h, mi: mi})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// dropOverlaps removes dates that overlap a time ("2.30 pm" is not 2 March).
func dropOverlaps(ds []dateMatch, ts []timeMatch) []dateMatch {
	var out []dateMatch
	for _, d := range ds {
		ok := true
		for _, t := range ts {
			if d.start < t.end && t.start < d.end {
				ok = false
			}
		}
		if ok {
			out = append(out, d)
		}
	}
	return out
}
