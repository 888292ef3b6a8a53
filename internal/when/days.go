package when

import (
	"strings"
	"time"
)

// ordinalNoun are words after "the 4th" that make it something else.
var ordinalNoun = map[string]bool{"floor": true, "year": true, "grade": true, "place": true, "time": true, "edition": true, "anniversary": true,
	"attempt": true, "option": true, "one": true, "round": true, "quarter": true, "century": true, "person": true, "generation": true, "largest": true, "biggest": true}

// ordinal suffixes written after a day number.
var ordSuffix = map[string]bool{"st": true, "nd": true, "rd": true, "th": true, "er": true, "re": true, "e": true, "ème": true, "eme": true, "º": true, "ª": true, "o": true, "de": false}

// dayNum reads a day of the month at i: 1-31 with an optional ordinal
// suffix ("3rd", "1er", "3.", "3º"). ord reports whether a suffix was written.
func (p *scanner) dayNum(i int) (d, n int, ord bool) {
	v, ok := p.num(i)
	if !ok || v < 1 || v > 31 || len(p.ts[i].s) > 2 {
		return 0, 0, false
	}
	if i > 0 && p.glued(i) && (p.ts[i-1].s == ":" || p.ts[i-1].s == "/" || p.ts[i-1].s == "." || p.ts[i-1].s == "+" || p.ts[i-1].kind == tWord) {
		return 0, 0, false
	}
	if w := p.word(i + 1); w != "" && p.glued(i+1) && ordSuffix[w] {
		return v, 2, true
	}
	if p.is(i+1, "º", "ª") || (p.is(i+1, "°") && p.glued(i+1)) {
		// 1º, 1ª; the degree sign is how many keyboards write the Italian 1°
		return v, 2, true
	}
	if p.is(i+1, ".") && p.glued(i+1) {
		// German ordinal "3. Dezember", "am 3."; not "3.12" (a numeric date)
		if _, isNum := p.num(i + 2); !isNum || p.tok(i+2).space {
			return v, 2, true
		}
	}
	return v, 1, false
}

// monthAt reads a month name at i, with an optional full stop ("Dec.").
func (p *scanner) monthAt(i int) (monthWord, int) {
	w := p.word(i)
	mw, ok := months[w]
	if !ok {
		return monthWord{}, 0
	}
	if p.is(i+1, ".") && p.glued(i+1) {
		return mw, 2
	}
	return mw, 1
}

// yearAt reads ", 2026", "2026", "de 2026".
func (p *scanner) yearAt(i int) (int, int) {
	j := i
	if p.is(j, ",") {
		j++
	}
	if p.is(j, "de", "del") {
		j++
	}
	y, ok := p.num(j)
	if !ok || len(p.ts[j].s) != 4 || y < 1900 || y > 2200 {
		// "’27"? not supported
		return 0, 0
	}
	// not the start of a time ("2026 14:00" is fine; "1400 hours" is not a year)
	if p.is(j+1, ":") && p.glued(j+1) {
		return 0, 0
	}
	return y, j + 1 - i
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	if y == 0 {
		y = 2024 // a leap year: 29 February is a date
	}
	t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)
	return t.Day() == d
}

// absDateAt reads a calendar date without a weekday: 2027-03-01,
// 3 December 2026, December 3rd, 3/12/2026, 03.12., 3 de diciembre.
func (p *scanner) absDateAt(i int) (day, int) {
	// ISO and y/m/d
	if y, ok := p.num(i); ok && len(p.ts[i].s) == 4 && (p.is(i+1, "-") || p.is(i+1, "/") || p.is(i+1, ".")) && p.glued(i+1) {
		sep := p.ts[i+1].s
		m, ok1 := p.num(i + 2)
		if ok1 && p.glued(i+2) && p.is(i+3, sep) && p.glued(i+3) && p.glued(i+4) {
			if d, ok2 := p.num(i + 4); ok2 && y >= 1900 && y <= 2200 && validDate(y, m, d) && len(p.ts[i+4].s) <= 2 {
				n := 5
				// 2026-11-24T14:00: the T belongs to the time that follows
				return day{kind: dAbs, y: y, m: m, d: d}, n
			}
		}
		return day{}, 0
	}
	// numeric d/m(/y), m/d(/y), d.m(.y)
	if a, ok := p.num(i); ok && len(p.ts[i].s) <= 2 && (p.is(i+1, "/") || p.is(i+1, ".") || p.is(i+1, "-")) && p.glued(i+1) && p.glued(i+2) {
		if i > 0 && p.glued(i) && (p.ts[i-1].kind == tNum || p.ts[i-1].s == "." || p.ts[i-1].s == "/" || p.ts[i-1].s == ":" || p.ts[i-1].s == "-") {
			return day{}, 0
		}
		sep := p.ts[i+1].s
		b, ok := p.num(i + 2)
		if !ok || len(p.ts[i+2].s) > 2 {
			return day{}, 0
		}
		y, n := 0, 3
		// d.m.y; "30.11.," and "30.11.?" are d.m. and a punctuation mark
		if p.is(i+3, sep) && p.glued(i+3) && p.glued(i+4) && p.tok(i+4).kind != tPunct {
			if yy, ok := p.num(i + 4); ok && (len(p.ts[i+4].s) == 4 || len(p.ts[i+4].s) == 2) {
				y, n = yy, 5
				if y < 100 {
					y += 2000
				}
				if y < 1900 || y > 2200 {
					return day{}, 0
				}
			} else {
				return day{}, 0 // 1.2.3: a version or a list
			}
		}
		if n == 5 && p.is(i+5, sep) && p.glued(i+5) {
			return day{}, 0
		}
		if sep == "-" && n == 3 {
			return day{}, 0 // 3-4 is a range of numbers
		}
		// a trailing "." after d.m. (German) belongs to the date
		if sep == "." && n == 3 && p.is(i+3, ".") && p.glued(i+3) {
			n = 4
		}
		if sep == "." && n == 3 && !p.whole {
			// "2.5 hours", "1.5": d.m without year needs its closing
			// dot or a following time
			if _, isNum := p.num(i + 3); !isNum && !p.is(i+3, "um", "at", "à", ",") {
				return day{}, 0
			}
		}
		if nx := p.word(i + n); unitWords[nx] != 0 || p.is(i+n, "%", "h", "uhr", "am", "pm", "hours", "hrs", "min", "mins", "minutes", "of", "x") {
			return day{}, 0
		}
		if a == 24 && b == 7 && y == 0 {
			return day{}, 0 // 24/7
		}
		dmy := validDate(y, b, a)
		mdy := sep == "/" && validDate(y, a, b)
		order := p.o.Order
		if order == OrderAuto {
			order = autoOrder(p.loc)
		}
		dd := day{kind: dAbs, y: y, numeric: true, dotted: sep == "."}
		switch {
		case dmy && mdy && a != b:
			switch order {
			case OrderMDY:
				dd.m, dd.d = a, b
			case OrderDMY:
				dd.m, dd.d = b, a
			default:
				// a writer whose zone says nothing of their habits: the
				// reading that comes first from now
				dd.m, dd.d = b, a
				if sooner(p.ref, a, b, y) {
					dd.m, dd.d = a, b
				}
			}
			// a reading already past loses to one that is not
			if y != 0 {
				ref := civilOf(p.ref)
				if (civil{y, dd.m, dd.d}).before(ref) && !(civil{y, dd.d, dd.m}).before(ref) {
					dd.m, dd.d = dd.d, dd.m
				}
			}
			dd.ambiguous = "day/month order"
		case mdy && !dmy:
			dd.m, dd.d = a, b
		case dmy:
			dd.m, dd.d = b, a
		default:
			return day{}, 0
		}
		return dd, n
	}
	// d [of|de] month [year]
	if d, n, ord := p.dayNum(i); n > 0 {
		j := i + n
		if p.is(j, "of", "de", "-") && (!p.is(j, "-") || p.glued(j)) {
			j++
		}
		if p.is(j, "de") { // "3 de diciembre" after "-"? rare
			j++
		}
		if mw, k := p.monthAt(j); k > 0 {
			j += k
			if p.is(j, "-") && p.glued(j) { // 3-Dec-2026
				if y, ok := p.num(j + 1); ok && len(p.ts[j+1].s) == 4 {
					if validDate(y, int(mw.m), d) {
						return day{kind: dAbs, y: y, m: int(mw.m), d: d}, j + 2 - i
					}
					return day{}, 0
				}
			}
			y, yn := p.yearAt(j)
			if !validDate(y, int(mw.m), d) {
				return day{}, 0
			}
			return day{kind: dAbs, y: y, m: int(mw.m), d: d}, j + yn - i
		}
		_ = ord
		return day{}, 0
	}
	// month d [year]
	if mw, k := p.monthAt(i); k > 0 {
		j := i + k
		if p.is(j, "the") {
			j++
		}
		d, n, _ := p.dayNum(j)
		if n == 0 {
			return day{}, 0
		}
		// "Nov 10:00", "May 3pm": a time after a month name, not a day
		if p.is(j+n, ":") || p.is(j+n, "h", "am", "pm", "uhr") {
			if _, isMer := p.meridiemAt(j + n); isMer > 0 || p.is(j+n, ":", "h", "uhr") {
				return day{}, 0
			}
		}
		j += n
		y, yn := p.yearAt(j)
		if !validDate(y, int(mw.m), d) {
			return day{}, 0
		}
		return day{kind: dAbs, y: y, m: int(mw.m), d: d}, j + yn - i
	}
	return day{}, 0
}

// weekdayAt reads a weekday name at i with what modifies it ("next
// Thursday", "Thursday next week", "jeudi prochain", "el próximo jueves",
// "segunda-feira").
func (p *scanner) weekdayAt(i int) (day, int) {
	j := i
	next, this := false, false
	// "next week Tuesday", "volgende week dinsdag", "nächste Woche Dienstag"
	nextWeekFirst := false
	if nextWords[p.word(j)] && unitWords[p.word(j+1)] == 'w' {
		k := j + 2
		if p.is(k, ",", "on", "am", "op", "el", "le", "il") {
			k++
		}
		if _, ok := weekdays[p.word(k)]; ok {
			nextWeekFirst = true
			j = k
		}
	}
	if nextWeekFirst {
		// the weekday follows
	} else if nextWords[p.word(j)] {
		next = true
		j++
	} else if thisWords[p.word(j)] {
		this = true
		j++
	}
	if p.is(j, "el", "le", "la", "o", "a") && nextWords[p.word(j+1)] { // "el próximo jueves"
		next = true
		j += 2
	}
	ww, ok := weekdays[p.word(j)]
	if !ok {
		return day{}, 0
	}
	j++
	// Portuguese -feira
	if p.is(j, "-") && p.word(j+1) == "feira" {
		j += 2
	}
	if p.is(j, ".") && p.glued(j) && ww.abbr {
		j++
	}
	d := day{kind: dWeekday, wd: ww.wd, hasWD: true, nextWeek: nextWeekFirst}
	english := p.word(j-1) != "" && isEnglishWeekday(p.word(j-1))
	if next {
		d.nextWeek = english && p.word(i) == "next"
	}
	if k := p.nextWeekAfter(j); k > 0 {
		// "Dienstag nächste Woche", "mardi de la semaine prochaine",
		// "martes de la semana que viene", "dinsdag volgende week"
		d.nextWeek = true
		return d, j + k - i
	}
	_ = this
	// trailing modifiers
	switch {
	case nextWords[p.word(j)] && (p.word(j) == "prochain" || p.word(j) == "próximo" || p.word(j) == "proximo" || p.word(j) == "prossimo"):
		j++
	case p.is(j, "que") && p.is(j+1, "viene", "vem"):
		j += 2
	case p.is(j, "qui") && p.is(j+1, "vient"):
		j += 2
	case (p.is(j, "next") && unitWords[p.word(j+1)] == 'w') || (p.is(j, "of") && p.is(j+1, "next") && unitWords[p.word(j+2)] == 'w'):
		if p.is(j, "of") {
			j++
		}
		d.nextWeek = true
		j += 2
	case p.is(j, "this") && unitWords[p.word(j+1)] == 'w':
		j += 2
	}
	if ww.abbr && !p.whole && !next && !this {
		// "sat", "sun", "wed", "mon" are words too: a date must follow or
		// precede them plainly
		nx := p.tok(j)
		ok := nx.kind == tNum || nx.s == "," || nx.s == "@" || nx.s == "/" || p.is(j, "at", "the", "morning", "afternoon", "evening", "or", "and", "-", "to", "through") ||
			p.is(i-1, "on", "by", "until", "till", "from", "every", "next", "this") || isUpperWord(p.raw(i)) && len(p.raw(i)) > 2 ||
			(len(p.raw(i)) > 0 && p.raw(i)[0] >= 'A' && p.raw(i)[0] <= 'Z' && nx.kind != tWord)
		if !ok {
			return day{}, 0
		}
	}
	return d, j - i
}

// nextWeekAfter reads "next week" after a weekday in the languages that
// write it there (English "Tuesday next week" is read by weekdayAt), with
// the small words between ("de la", "der", "della", "da"); it returns the
// tokens read, 0 if none.
func (p *scanner) nextWeekAfter(j int) int {
	k := j
	for n := 0; n < 2 && p.is(k, "de", "la", "der", "van", "da", "della", "do", "na", "in", "of"); n++ {
		k++
	}
	switch {
	case nextWords[p.word(k)] && p.word(k) != "next" && unitWords[p.word(k+1)] == 'w':
		return k + 2 - j
	case unitWords[p.word(k)] == 'w' && p.is(k+1, "prochaine", "próxima", "proxima", "prossima", "volgende"):
		return k + 2 - j
	case unitWords[p.word(k)] == 'w' && p.is(k+1, "que") && p.is(k+2, "viene", "vem"):
		return k + 3 - j
	}
	return 0
}

// timeAfter reports a time of day after the comma or "at" at i.
func (p *scanner) timeAfter(i int) bool {
	c, n := p.clockAt(i+1, true)
	return n > 0 && (c.explicit || c.mer != "")
}

// bareDayAfterWeekday reports a plain day number after a weekday in the
// languages that write it so ("el miércoles 2 a las 17h", "jeudi 3 à
// 15h", "mercoledì 2 alle 10"): the weekday at i is not English and the
// number, ending before next, is not the start of a time.
func (p *scanner) bareDayAfterWeekday(i, next int) bool {
	w := p.word(i)
	if _, ok := weekdays[w]; !ok {
		w = p.word(i + 1)
		if _, ok := weekdays[w]; !ok {
			return false
		}
	}
	if isEnglishWeekday(w) {
		return false
	}
	if p.is(next, ":", ".", "h", "uhr", "u", "uur", "-", "/", "–", "bis", "tot", "à", "a", "alle", "às", "om", "um", "kl") && p.glued(next) {
		return false
	}
	if _, k := p.meridiemAt(next); k > 0 {
		return false
	}
	return !p.is(next, "h", "uhr", "uur", "ore", "heures", "horas", "hrs")
}

func isEnglishWeekday(w string) bool {
	switch w {
	case "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "sun":
		return true
	}
	return false
}

// singleDayAt reads one day: a weekday with or without a date, a date, an
// ordinal ("the 4th"), a relative day, an offset, a unit or a month.
func (p *scanner) singleDayAt(i int) (day, int) {
	if wd, n := p.weekdayAt(i); n > 0 {
		j := i + n
		if p.is(j, ",") {
			j++
		}
		// Thursday 3 December, Thursday, December 3, Monday the 4th, Thu 3/12,
		// "segunda-feira, dia 30", "el lunes, día 30"
		k := j
		if p.is(k, "the", "den", "le", "el", "der", "dia", "día") {
			k++
		}
		if d, m := p.absDateAt(k); m > 0 {
			d.wd, d.hasWD = wd.wd, true
			return d, k + m - i
		}
		if dd, m, ord := p.dayNum(k); m > 0 && (ord || k > j || p.bareDayAfterWeekday(i, k+m)) {
			if !p.monthFollows(k + m) {
				return day{kind: dOrdinal, d: dd, wd: wd.wd, hasWD: true}, k + m - i
			}
		}
		return wd, n
	}
	if d, n := p.absDateAt(i); n > 0 {
		return d, n
	}
	// "the 4th", "on the 4th", "am 4.", "le 4", "el 4"
	{
		j := i
		art := ""
		if p.is(j, "the", "am", "le", "el", "den", "dem", "il", "op", "o", "zum", "au", "al") {
			art = p.word(j)
			j++
		}
		if d, n, ord := p.dayNum(j); n > 0 && !p.monthFollows(j+n) && !ordinalNoun[p.word(j+n)] {
			nx := j + n
			_, isNum := p.num(nx)
			clean := !isNum && unitWords[p.word(nx)] == 0 && !p.is(nx, ":", "/", "%")
			english := p.word(j+1) == "st" || p.word(j+1) == "nd" || p.word(j+1) == "rd" || p.word(j+1) == "th"
			switch {
			case ord && english && (art == "the" || p.is(i-1, "on", "by", "until", "till", "before", "after", "from", "since", "through")),
				ord && english && art == "" && p.is(nx, ",", "at", "@") && p.timeAfter(nx):
				// "30th, 3pm?", "4th at 10"
				return day{kind: dOrdinal, d: d}, nx - i
			case ord && art != "" && art != "the" && clean:
				return day{kind: dOrdinal, d: d}, nx - i
			case art == "le" || art == "el" || art == "il" || art == "o":
				if clean && !p.is(nx, "h", "uhr") {
					return day{kind: dOrdinal, d: d}, nx - i
				}
			}
		}
	}
	if d, n := p.relAt(i); n > 0 {
		return d, n
	}
	if d, n := p.offsetDayAt(i); n > 0 {
		return d, n
	}
	if d, n := p.monthAloneAt(i); n > 0 {
		return d, n
	}
	return day{}, 0
}

func (p *scanner) monthFollows(j int) bool {
	if p.is(j, "of", "de") {
		j++
	}
	_, k := p.monthAt(j)
	return k > 0
}

// relAt reads today, tomorrow, the day after tomorrow, morgen, mañana…
func (p *scanner) relAt(i int) (day, int) {
	w := p.word(i)
	if w == "" {
		return day{}, 0
	}
	if w == "day" && p.is(i+1, "after") && p.is(i+2, "tomorrow") {
		return day{kind: dRel, n: 2}, 3
	}
	if w == "the" && p.is(i+1, "day") && p.is(i+2, "after") && p.is(i+3, "tomorrow") {
		return day{kind: dRel, n: 2}, 4
	}
	if w == "pasado" && p.is(i+1, "mañana", "manana") {
		return day{kind: dRel, n: 2}, 2
	}
	if w == "après" && p.is(i+1, "-") && p.is(i+2, "demain") {
		return day{kind: dRel, n: 2}, 3
	}
	if w == "depois" && p.is(i+1, "de") && p.is(i+2, "amanhã", "amanha") {
		return day{kind: dRel, n: 2}, 3
	}
	switch w {
	case "morgen": // German and Dutch "tomorrow"; "am Morgen", "guten Morgen" are the morning
		if p.is(i-1, "am", "den", "guten", "goede", "heute", "diesen", "jeden", "'s") {
			return day{}, 0
		}
		return day{kind: dRel, n: 1}, 1
	case "mañana", "manana":
		if p.is(i-1, "la", "esta", "cada", "una", "buena", "por") {
			return day{}, 0
		}
		return day{kind: dRel, n: 1}, 1
	}
	if n, ok := relDays[w]; ok {
		return day{kind: dRel, n: n}, 1
	}
	return day{}, 0
}

// countAt reads a count: 2, two, a, a couple of, a few, ein paar.
func (p *scanner) countAt(i int) (int, int) {
	if v, ok := p.num(i); ok && v >= 1 && v <= 1000 {
		return v, 1
	}
	w := p.word(i)
	switch {
	case (w == "a" || w == "ein" || w == "een") && p.is(i+1, "couple", "few", "paar"):
		n := 2
		if p.word(i+1) == "few" {
			n = 3
		}
		if p.is(i+2, "of") {
			return n, 3
		}
		return n, 2
	}
	if v, ok := numberWords[w]; ok {
		if p.is(i+1, "of") && (w == "couple" || w == "few") {
			return v, 2
		}
		return v, 1
	}
	return 0, 0
}

// offsetDayAt reads "in two weeks", "two weeks from now", "next week",
// "next month", "the week after next", "end of the month", "nächste
// Woche", "la semaine prochaine", "dentro de dos semanas", "over twee weken".
func (p *scanner) offsetDayAt(i int) (day, int) {
	w := p.word(i)
	// in N units
	j := i
	intro := false
	switch {
	case w == "in" || w == "within" || w == "dans" || w == "en" || w == "over" || w == "em" || w == "tra" || w == "fra" || w == "innerhalb":
		j++
		intro = true
	case w == "dentro" && p.is(i+1, "de"):
		j += 2
		intro = true
	case w == "daqui" && p.is(i+1, "a"):
		j += 2
		intro = true
	case w == "d'ici":
		j++
		intro = true
	}
	if n, k := p.countAt(j); k > 0 {
		if u := unitWords[p.word(j+k)]; u != 0 && u != 'q' {
			e := j + k + 1
			if p.is(e, "or", "oder", "ou", "o", "of") {
				if _, k2 := p.countAt(e + 1); k2 > 0 && unitWords[p.word(e+1+k2)] != 0 {
					e += 1 + k2 + 1
				} else if unitWords[p.word(e+1)] != 0 || p.is(e+1, "two", "so", "three") {
					e += 2
				}
			}
			if !intro {
				// "two weeks from now", "2 weeks later"
				if p.is(e, "from") && p.is(e+1, "now", "today") {
					e += 2
				} else if p.is(e, "later", "später", "plus", "après") && !(p.is(e, "plus") && p.is(e+1, "tard")) {
					e++
				} else {
					return day{}, 0
				}
			}
			return day{kind: dOffset, n: n, unit: u}, e - i
		}
	}
	// next/this unit; "the week after next"
	j = i
	if p.is(j, "the", "la", "le", "el", "a", "o", "der", "die", "das", "het", "de") {
		j++
	}
	if p.is(j, "week", "month") && p.is(j+1, "after") && p.is(j+2, "next") {
		return day{kind: dUnit, n: 2, unit: unitWords[p.word(j)]}, j + 3 - i
	}
	if nextWords[p.word(j)] || thisWords[p.word(j)] || p.is(j, "next") {
		n := 1
		if thisWords[p.word(j)] {
			n = 0
		}
		if u := unitWords[p.word(j+1)]; u != 0 && u != 'd' {
			return day{kind: dUnit, n: n, unit: u}, j + 2 - i
		}
	}
	if u := unitWords[p.word(j)]; u != 0 && u != 'd' {
		e := j + 1
		if nextWords[p.word(e)] && (p.word(e) == "prochaine" || p.word(e) == "prochain" || p.word(e) == "próxima" || p.word(e) == "próximo" || p.word(e) == "prossima" || p.word(e) == "prossimo") {
			return day{kind: dUnit, n: 1, unit: u}, e + 1 - i
		}
		if p.is(e, "que") && p.is(e+1, "viene", "vem") {
			return day{kind: dUnit, n: 1, unit: u}, e + 2 - i
		}
	}
	// end/beginning of the week/month/year (this or next)
	if part, k := p.partWordAt(i); k > 0 {
		e := i + k
		if p.is(e, "the", "this", "la", "le", "el", "der", "des", "dieser", "diesen", "deze", "del", "do", "da") {
			e++
		}
		n := 0
		if nextWords[p.word(e)] || p.is(e, "next") {
			n = 1
			e++
		}
		if u := unitWords[p.word(e)]; u == 'w' || u == 'm' || u == 'y' || u == 'q' {
			e++
			if nextWords[p.word(e)] && n == 0 {
				n = 1
				e++
			}
			return day{kind: dUnit, n: n, unit: u, part: part}, e - i
		}
	}
	return day{}, 0
}

// partWordAt reads early/mid/late/end of, Anfang/Mitte/Ende, début/mi/fin,
// principios/mediados/finales de, begin/half/eind, início/meados/final.
func (p *scanner) partWordAt(i int) (string, int) {
	w := p.word(i)
	j := i
	if p.is(j, "the", "a", "à", "al", "a", "en", "in", "zum", "au", "no", "na", "al", "tegen") && p.word(j+1) != "" {
		switch p.word(j + 1) {
		case "end", "beginning", "start", "middle", "fin", "finales", "fines", "final", "fim", "principios", "inicio", "início", "eind", "begin", "ende", "anfang", "mitte", "mediados", "meados", "début":
			j++
			w = p.word(j)
		}
	}
	part := ""
	switch w {
	case "early", "beginning", "start", "anfang", "début", "debut", "principios", "comienzos", "inicios", "inicio", "início", "begin", "inizio":
		part = "early"
	case "mid", "middle", "mitte", "mi", "mediados", "meados", "half", "metà", "meta", "midden":
		part = "mid"
	case "late", "ende", "fin", "finales", "fines", "final", "fim", "eind", "fine", "end", "einde":
		part = "late"
		if w == "end" || w == "ende" || w == "fin" || w == "eind" || w == "einde" || w == "final" || w == "fim" || w == "fine" {
			part = "end"
		}
	default:
		return "", 0
	}
	j++
	if p.is(j, "-") && p.glued(j) {
		j++
	}
	if p.is(j, "of", "de", "del", "d'", "van") {
		j++
	}
	return part, j - i
}

// monthIntro are words after which a month name stands for the month.
var monthIntro = map[string]bool{
	"in": true, "until": true, "till": true, "til": true, "after": true, "before": true, "by": true, "from": true, "since": true, "through": true, "during": true,
	"im": true, "bis": true, "ab": true, "nach": true, "seit": true, "vor": true, "anfang": true, "mitte": true, "ende": true,
	"en": true, "dès": true, "des": true, "depuis": true, "après": true, "avant": true, "jusqu'en": true, "début": true, "fin": true, "mi": true,
	"hasta": true, "desde": true, "después": true, "antes": true, "de": true,
	"tot": true, "na": true, "vanaf": true, "voor": true, "eind": true, "begin": true,
	"em": true, "até": true, "após": true, "entro": true, "dopo": true, "a": true, "à": true, "partir": true, "di": true, "da": true, "fino": true,
	// only before a month name that is no other word ("push it to
	// February", "maybe March", "aim for January")
	"to": true, "around": true, "maybe": true, "perhaps": true, "for": true,
}

// weakMonthIntro are short words of many uses ("de", "a", "di", "da"):
// after them a month counts only when its name means nothing else ("non
// prima di gennaio", but not the "mai" of "da mai").
var weakMonthIntro = map[string]bool{"de": true, "a": true, "di": true, "da": true, "to": true, "around": true, "maybe": true, "perhaps": true, "for": true}

// monthAloneAt reads a month as a period: "March", "in March 2027",
// "early March", "mid-March", "end of March", "the spring".
func (p *scanner) monthAloneAt(i int) (day, int) {
	j := i
	part, k := p.partWordAt(j)
	j += k
	if mw, n := p.monthAt(j); n > 0 {
		ok := p.whole || k > 0 || mw.alone && monthIntro[p.word(i-1)] || monthIntro[p.word(i-1)] && !weakMonthIntro[p.word(i-1)]
		y, yn := p.yearAt(j + n)
		if yn > 0 {
			ok = true
		}
		if !ok {
			return day{}, 0
		}
		return day{kind: dMonth, m: int(mw.m), y: y, part: part}, j + n + yn - i
	}
	// seasons
	k2 := j
	if p.is(k2, "the", "le", "el", "l'", "de", "het", "o") {
		k2++
	}
	if m, ok := seasons[p.word(k2)]; ok {
		return day{kind: dMonth, m: m, part: part, season: true}, k2 + 1 - i
	}
	return day{}, 0
}

var seasons = map[string]int{
	"spring": 3, "frühling": 3, "frühjahr": 3, "printemps": 3, "primavera": 3, "lente": 3, "voorjaar": 3,
	"summer": 6, "sommer": 6, "été": 6, "verano": 6, "zomer": 6, "verão": 6, "estate": 6,
	"fall": 9, "autumn": 9, "herbst": 9, "automne": 9, "otoño": 9, "herfst": 9, "najaar": 9, "outono": 9, "autunno": 9,
	"winter": 12, "hiver": 12, "invierno": 12, "inverno": 12,
}

// dayAt reads a day or a range of days at i ("3-14 December", "from 3 to
// 14 December", "December 3-14", "Monday to Wednesday", "du 3 au 14
// décembre", "vom 3. bis 14. Dezember", "del 3 al 14 de diciembre").
func (p *scanner) dayAt(i int) (atom, int) {
	start := i
	intro := p.is(i, "from", "between", "vom", "von", "du", "del", "van", "de", "dal", "entre", "zwischen", "tussen")
	if intro {
		i++
	}
	// d sep d month [year]
	if d1, n1, _ := p.dayNum(i); n1 > 0 {
		j := i + n1
		if sep := p.tok(j).s; rangeSep[sep] && sep != "a" || sep == "a" || sep == "au" || sep == "al" {
			k := j + 1
			if p.is(k, "the", "le", "el", "zum") {
				k++
			}
			if d2, n2, _ := p.dayNum(k); n2 > 0 && d2 > d1 {
				if d, m := p.absDateAt(k); m > 0 && d.d == d2 {
					if validDate(d.y, d.m, d1) {
						first := d
						first.d = d1
						first.numeric = false
						return atom{i: start, j: k + m, days: []day{first, d}}, k + m - start
					}
				}
			}
		}
	}
	// month d sep d [year]
	if mw, k := p.monthAt(i); k > 0 {
		if d1, n1, _ := p.dayNum(i + k); n1 > 0 {
			j := i + k + n1
			if sep := p.tok(j).s; sep == "-" || sep == "to" || sep == "through" || sep == "thru" || sep == "until" || sep == "till" || sep == "and" {
				if d2, n2, _ := p.dayNum(j + 1); n2 > 0 && d2 > d1 && !p.is(j+1+n2, ":") {
					y, yn := p.yearAt(j + 1 + n2)
					if validDate(y, int(mw.m), d1) && validDate(y, int(mw.m), d2) {
						e := j + 1 + n2 + yn
						return atom{i: start, j: e, days: []day{{kind: dAbs, y: y, m: int(mw.m), d: d1}, {kind: dAbs, y: y, m: int(mw.m), d: d2}}}, e - start
					}
				}
			}
		}
	}
	d1, n1 := p.singleDayAt(i)
	if n1 == 0 {
		if intro {
			return atom{}, 0
		}
		return atom{}, 0
	}
	j := i + n1
	if sep := p.tok(j).s; (sep == "-" || sep == "to" || sep == "until" || sep == "till" || sep == "through" || sep == "thru" || sep == "bis" || sep == "au" || sep == "al" || sep == "hasta" || sep == "tot" || sep == "até" || sep == "a" || (sep == "and" && intro) || (sep == "und" && intro) || (sep == "et" && intro) || (sep == "y" && intro) || (sep == "en" && intro)) && !p.tok(j).brk {
		k := j + 1
		if p.is(k, "the", "le", "el", "zum", "einschließlich") {
			k++
		}
		if p.is(j, "tot") && p.is(k, "en") && p.is(k+1, "met") {
			k += 2
		}
		if d2, n2 := p.singleDayAt(k); n2 > 0 && (d2.kind == dAbs || d2.kind == dWeekday || d2.kind == dOrdinal) && (d1.kind == dAbs || d1.kind == dWeekday || d1.kind == dOrdinal) {
			// "Monday to Wednesday", "3 Dec - 5 Jan"; a time right after
			// the second day makes it "Tue at 2 - Wed" nonsense, still fine
			return atom{i: start, j: k + n2, days: []day{d1, d2}}, k + n2 - start
		}
	}
	if intro && !p.is(start, "from", "vom", "von", "du", "dal", "van", "de", "del", "desde") {
		return atom{}, 0
	}
	if intro {
		// "from Monday": the intro word is not part of the date
		return atom{i: i, j: j, days: []day{d1}}, j - start
	}
	return atom{i: start, j: j, days: []day{d1}}, j - start
}

// orderEarliest: read an ambiguous numeric date whichever way comes first.
const orderEarliest DateOrder = 99

// autoOrder guesses the numeric date order from the writer's zone: month
// first in the United States and Canada, day first elsewhere in the
// world's named zones, and whichever reading comes first when the zone is
// only an offset or UTC.
func autoOrder(loc *time.Location) DateOrder {
	l := loc.String()
	switch {
	case l == "UTC" || l == "" || l == "Local" || strings.HasPrefix(l, "UTC") || strings.HasPrefix(l, "Etc/"):
		return orderEarliest
	case strings.HasPrefix(l, "America/"):
		switch l {
		case "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Mexico_City", "America/Bogota", "America/Lima", "America/Santiago", "America/Caracas", "America/Montevideo":
			return OrderDMY
		}
		return OrderMDY
	}
	return OrderDMY
}

// sooner tells whether month a, day b comes before month b, day a from ref.
func sooner(refT time.Time, a, b, y int) bool {
	base := civilOf(refT)
	ya, yb := y, y
	if y == 0 {
		ya, yb = pickYear(a, b, base, Future), pickYear(b, a, base, Future)
	}
	ref := civilOf(refT)
	pa, pb := (civil{ya, a, b}).before(ref), (civil{yb, b, a}).before(ref)
	if pa != pb {
		return pb
	}
	return (civil{ya, a, b}).before(civil{yb, b, a})
}
