package when

import (
	"fmt"
	"strings"
	"time"
)

// Prefer says which way an expression without a year or a week points.
type Prefer uint8

const (
	// Future reads "3 December" and "Thursday" as the next such day (on
	// or after the writing day). Replies, snoozes and return dates.
	Future Prefer = iota
	// Nearest reads them as the closest such day, before or after: "met
	// on 24 Nov" written on 26 November is two days ago.
	Nearest
	// Past reads them as the last such day.
	Past
)

// DateOrder says how to read a numeric date that fits both orders (3/12).
type DateOrder uint8

const (
	OrderAuto DateOrder = iota // month first for a writer in the Americas (but for Latin America), else day first
	OrderDMY
	OrderMDY
)

// Options say who wrote the text, when, and how to read it.
type Options struct {
	// Ref is when the text was written; relative expressions ("tomorrow",
	// "next Thursday", "in two weeks") count from it. Zero means the Unix
	// epoch, which is rarely what a caller wants.
	Ref time.Time
	// Loc is the writer's zone: times written without a zone are in it.
	// Nil means Ref's location.
	Loc *time.Location
	// Reader is the zone of the person the text was written to ("3pm your
	// time"). Nil means Loc.
	Reader *time.Location
	Prefer Prefer
	Order  DateOrder
	// Strict refuses what a careful reader would ask about rather than
	// guess: a bare hour ("at 3") and a numeric date without a year in
	// either order (3/12). Owner commands use it.
	Strict bool
	// LoadLocation resolves zone names; nil means time.LoadLocation. When
	// it fails, an abbreviation falls back to its fixed offset.
	LoadLocation func(name string) (*time.Location, error)
}

// Precision is how much of a moment an expression fixes.
type Precision uint8

const (
	Minute Precision = iota // a time of day
	Day                     // a calendar day
	Week                    // "next week"
	Month                   // "March", "next month", "the summer"
)

func (p Precision) String() string {
	switch p {
	case Minute:
		return "minute"
	case Day:
		return "day"
	case Week:
		return "week"
	}
	return "month"
}

// Expr is one date or time expression and what it means.
type Expr struct {
	Start, End int    // byte span in the text
	Text       string // the text of the span
	// At is the start: the instant for a time of day, else midnight
	// starting the first day, in Zone.
	At time.Time
	// End of the period, exclusive: for a time without a range, At; for a
	// range of times, its end; for days, midnight after the last day.
	Until     time.Time
	HasDay    bool // a day was written (else a time alone: At is on the writing day)
	HasTime   bool // a time of day was written
	Range     bool // a range (of days or of times) was written
	Precision Precision
	// Zone is the zone the time is in: the stated one, else the writer's.
	Zone       *time.Location
	ZoneStated bool
	ZoneName   string // as written ("CET", "1pm Pacific" → "Pacific")
	// Relative: the day depends on Ref (tomorrow, next Thursday, in two
	// weeks, a weekday).
	Relative bool
	Weekday  bool // the day was given by a weekday alone
	// Notes say where a choice was made ("IST is ambiguous…", "3/12 read
	// day first").
	Notes []string
	// Duration was written ("for 30 minutes"), in Parse only.
	Duration time.Duration
}

// LastDay is midnight starting the last day of the period (for a range
// of days, the end of the range).
func (e Expr) LastDay() time.Time {
	if e.HasTime && !e.Until.After(e.At) {
		return dayStart(e.At)
	}
	d := dayStart(e.Until.Add(-time.Nanosecond))
	if d.Before(dayStart(e.At)) {
		return dayStart(e.At)
	}
	return d
}

// Error is an expression that could not be read.
type Error struct {
	Input  string
	Word   string // the word that stopped the reading, if one did
	Reason string
}

func (e *Error) Error() string {
	if e.Word != "" {
		return fmt.Sprintf("%q: %s (at %q)", e.Input, e.Reason, e.Word)
	}
	return fmt.Sprintf("%q: %s", e.Input, e.Reason)
}

func newScanner(text string, o Options, whole bool) *scanner {
	loc := o.Loc
	if loc == nil {
		loc = o.Ref.Location()
	}
	if loc == nil {
		loc = time.UTC
	}
	reader := o.Reader
	if reader == nil {
		reader = loc
	}
	return &scanner{src: text, ts: lex(text), o: o, loc: loc, reader: reader, ref: o.Ref.In(loc), whole: whole}
}

// maxFind bounds the expressions reported for one text.
const maxFind = 200

// Find returns the date and time expressions in text, in order. Pieces
// joined by connectors become one expression ("Thursday 3 December at
// 10:00 CET"); a day with several times, or several days with one time,
// gives one expression per combination ("Tuesday at 10 or 2pm"). A time
// without a day is reported with HasDay false.
func Find(text string, o Options) []Expr {
	p := newScanner(text, o, false)
	atoms := p.atoms()
	var out []Expr
	for _, g := range p.groups(atoms) {
		out = append(out, p.exprs(g)...)
		if len(out) >= maxFind {
			break
		}
	}
	return out
}

// atoms scans the tokens left to right taking the longest atom at each
// position.
func (p *scanner) atoms() []atom {
	var out []atom
	for i := 0; i < len(p.ts); {
		a, n := p.atomAt(i)
		if n == 0 {
			i++
			continue
		}
		out = append(out, a)
		i += n
	}
	return out
}

func (p *scanner) atomAt(i int) (atom, int) {
	best, bn := atom{}, 0
	if a, n := p.dayAt(i); n > bn {
		best, bn = a, n
	}
	if a, n := p.timeAt(i); n > bn || (n == bn && n > 0 && len(best.days) == 1 && best.days[0].kind == dOrdinal) {
		best, bn = a, n
	}
	if bn == 0 {
		if z, n := p.zoneAt(i); n > 0 {
			zz := z
			best, bn = atom{i: i, j: i + n, zone: &zz}, n
		}
	}
	if bn == 0 && p.whole {
		if d, n := p.durationAt(i); n > 0 {
			best, bn = atom{i: i, j: i + n, dur: d}, n
		}
	}
	if bn == 0 {
		// "in the afternoon" alone, for "Tuesday afternoon"
		if pod, n := p.partOfDayAfter(i); n > 0 && p.tok(i).kind == tWord {
			best, bn = atom{i: i, j: i + n, pod: pod}, n
		}
	}
	return best, bn
}

// connectors may stand between the atoms of one expression.
var connectors = map[string]bool{
	",": true, "at": true, "@": true, "on": true, "the": true, "um": true, "am": true, "à": true, "a": true, "le": true, "el": true, "de": true,
	"la": true, "las": true, "around": true, "about": true, "from": true, "by": true, "-": true, "(": true, ")": true, "[": true, "]": true,
	"or": true, "and": true, "oder": true, "und": true, "ou": true, "et": true, "o": true, "y": true, "of": true, "either": true, "maybe": true,
	"perhaps": true, "vielleicht": true, "peut-être": true, "quizás": true, "ab": true, "gegen": true, "vers": true, "om": true, "op": true,
	"às": true, "às.": true, "alle": true, "ore": true, "en": true, "of_": true, "starting": true, "say": true, "any": true, "time": true, "anytime": true,
	"den": true, "dem": true, "le_": true, "this": false, "ca": true, "circa": true, "approx": true, "approximately": true, "sometime": true,
	"between": true, "zwischen": true, "entre": true, "tussen": true, "ideally": true, "preferably": true, "also": true, "too": true, "works": false,
	"'s": true, "s": true, "kl": true, "klockan": true, "klokken": true, "beginning": true, "dès": true, "vanaf": true, "vom": true, "von": true, "du": true, "del": true, "van": true,
}

// groups joins atoms separated only by connectors, within a sentence.
func (p *scanner) groups(atoms []atom) [][]atom {
	var out [][]atom
	var cur []atom
	for _, a := range atoms {
		if len(cur) > 0 {
			prev := cur[len(cur)-1]
			join := a.i-prev.j <= 4
			for k := prev.j; join && k < a.i; k++ {
				if p.ts[k].s == "." && k > prev.j && p.word(k-1) == "kl" && !p.ts[k].brk {
					continue // "26 november kl. 15"
				}
				if !connectors[p.ts[k].s] || p.ts[k].brk {
					join = false
				}
			}
			if p.ts[a.i].brk {
				join = false
			}
			if !join {
				out = append(out, cur)
				cur = nil
			}
		}
		cur = append(cur, a)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// exprs resolves one group into expressions.
func (p *scanner) exprs(g []atom) []Expr {
	var z *zone
	pod := ""
	var dur time.Duration
	for _, a := range g {
		if a.zone != nil && z == nil {
			zz := *a.zone
			zz.span = [2]int{p.ts[a.i].start, p.ts[a.j-1].end}
			z = &zz
		}
		if a.pod != "" {
			pod = a.pod
		}
		if a.dur != 0 {
			dur = a.dur
		}
	}
	var out []Expr
	var pendingDays []atom
	var pendingTimes []atom
	var lastDay *atom
	emit := func(d *atom, t *atom) {
		e, ok := p.resolve(d, t, z, pod)
		if ok {
			e.Duration = dur
			out = append(out, e)
		}
	}
	for k := range g {
		a := &g[k]
		switch {
		case a.isDay():
			if len(pendingTimes) > 0 {
				for i := range pendingTimes {
					emit(a, &pendingTimes[i])
				}
				pendingTimes = nil
				lastDay = a
				continue
			}
			pendingDays = append(pendingDays, *a)
		case a.isTime():
			if len(pendingDays) > 0 {
				for i := range pendingDays {
					emit(&pendingDays[i], a)
				}
				last := pendingDays[len(pendingDays)-1]
				lastDay = &last
				pendingDays = nil
				continue
			}
			if lastDay != nil {
				emit(lastDay, a)
				continue
			}
			pendingTimes = append(pendingTimes, *a)
		}
	}
	for i := range pendingDays {
		emit(&pendingDays[i], nil)
	}
	for i := range pendingTimes {
		emit(nil, &pendingTimes[i])
	}
	return out
}

func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// civil is a calendar day in the writer's zone.
type civil struct{ y, m, d int }

func (c civil) t(loc *time.Location) time.Time {
	return time.Date(c.y, time.Month(c.m), c.d, 0, 0, 0, 0, loc)
}

func civilOf(t time.Time) civil {
	y, m, d := t.Date()
	return civil{y, int(m), d}
}

func (c civil) add(days int) civil {
	return civilOf(time.Date(c.y, time.Month(c.m), c.d+days, 12, 0, 0, 0, time.UTC))
}

func (c civil) before(o civil) bool {
	return c.y < o.y || c.y == o.y && (c.m < o.m || c.m == o.m && c.d < o.d)
}

func (c civil) weekday() time.Weekday {
	return time.Date(c.y, time.Month(c.m), c.d, 12, 0, 0, 0, time.UTC).Weekday()
}

func daysBetween(a, b civil) int {
	return int(b.t(time.UTC).Sub(a.t(time.UTC)).Hours() / 24)
}

// period is a resolved day expression: [from, to) in civil days.
type period struct {
	from, to  civil
	prec      Precision
	relative  bool
	weekday   bool
	notes     []string
	whichever bool // a weekday or ordinal: the time decides whether today counts
}

// resolve turns a day atom (nil: none) and a time atom (nil: none) into an
// expression.
func (p *scanner) resolve(da, ta *atom, z *zone, pod string) (Expr, bool) {
	today := civilOf(p.ref)
	e := Expr{Zone: p.loc}
	var start, end int
	first := true
	span := func(a *atom) {
		if a == nil {
			return
		}
		s, t := p.ts[a.i].start, p.ts[a.j-1].end
		if first || s < start {
			start = s
		}
		if first || t > end {
			end = t
		}
		first = false
	}
	span(da)
	span(ta)
	if z != nil && ta != nil {
		if zs := z.span; zs[1] > 0 {
			if zs[0] < start {
				start = zs[0]
			}
			if zs[1] > end {
				end = zs[1]
			}
		}
	}
	e.Start, e.End = start, end
	e.Text = p.src[start:end]
	zl := p.loc
	if z != nil {
		zl = z.loc
		e.Zone, e.ZoneStated, e.ZoneName = z.loc, true, z.name
		if z.note != "" {
			e.Notes = append(e.Notes, z.note)
		}
	}
	var c1, c2 *clock
	if ta != nil {
		c1 = &ta.clocks[0]
		if len(ta.clocks) > 1 {
			c2 = &ta.clocks[1]
		}
		if pod != "" && c1.guess && c1.mer == "" {
			c1.mer, c1.guess = pod, false
		}
	}
	var pr period
	if da != nil {
		var ok bool
		pr, ok = p.resolvePeriod(da, c1, today)
		if !ok {
			return Expr{}, false
		}
		e.HasDay = true
		e.Relative, e.Weekday = pr.relative, pr.weekday
		e.Notes = append(e.Notes, pr.notes...)
		e.Range = len(da.days) > 1
	} else {
		pr = period{from: today, to: today.add(1), prec: Day}
		if c1 != nil && p.o.Prefer == Future {
			// a time alone: today, or tomorrow once it has passed
			if at := clockOn(today, *c1, zl, p.loc); at.Before(p.o.Ref) {
				pr.from, pr.to = today.add(1), today.add(2)
			}
		}
	}
	e.Precision = pr.prec
	if c1 == nil {
		e.At = pr.from.t(p.loc)
		e.Until = pr.to.t(p.loc)
		if z != nil {
			// a stated zone with a day alone ("Thursday CET") changes nothing
			e.ZoneStated, e.ZoneName, e.Zone = false, "", p.loc
		}
		return e, true
	}
	e.HasTime = true
	e.Precision = Minute
	e.At = clockOn(pr.from, *c1, zl, p.loc)
	e.Until = e.At
	if c2 != nil {
		e.Range = true
		e.Until = clockOn(pr.from, *c2, zl, p.loc)
		if !e.Until.After(e.At) {
			e.Until = e.Until.Add(24 * time.Hour)
		}
	}
	if c1.guess {
		e.Notes = append(e.Notes, fmt.Sprintf("a bare %d read as %s", c1.h, e.At.In(zl).Format("15:04")))
	}
	return e, true
}

// clockOn puts c on civil day d. The day is the writer's (loc); the time is
// in zl, the stated zone: "Thursday 10:00 CET" is 10:00 in Paris on the
// Thursday the writer meant.
func clockOn(d civil, c clock, zl, loc *time.Location) time.Time {
	mins := c.minutes()
	t := time.Date(d.y, time.Month(d.m), d.d, mins/60, mins%60, 0, 0, zl)
	// A wall time in a spring-forward gap does not exist: take the
	// moment the clocks jump to (2:30 becomes 3:30).
	if got := t.Hour()*60 + t.Minute(); got != mins && t.Day() == d.d {
		t = t.Add(time.Duration(mins-got) * time.Minute)
	}
	return t
}

// resolvePeriod resolves the days of an atom (one, or a range).
func (p *scanner) resolvePeriod(a *atom, c *clock, today civil) (period, bool) {
	first, ok := p.resolveDay(a.days[0], c, today, nil)
	if !ok {
		return period{}, false
	}
	if len(a.days) == 1 {
		return first, true
	}
	if d0 := a.days[0]; d0.kind == dAbs && d0.y == 0 && p.o.Prefer == Future && today.before(first.from) {
		// "from 18 to 30 November" written on the 19th: a range under
		// way this year, not next year's
		if d0.y = first.from.y - 1; validDate(d0.y, d0.m, d0.d) {
			if alt, ok := p.resolveDay(d0, c, today, nil); ok && alt.from.before(today) {
				if end, ok := p.resolveDay(a.days[1], nil, today, &alt.from); ok && !end.from.before(today) && daysBetween(alt.from, end.from) < 183 {
					first = alt
				}
			}
		}
	}
	second, ok := p.resolveDay(a.days[1], nil, today, &first.from)
	if !ok {
		return period{}, false
	}
	if second.from.before(first.from) {
		// "Friday to Monday", "28 Dec - 3 Jan": the end is after the start
		if a.days[1].kind == dWeekday || a.days[1].y == 0 {
			for second.from.before(first.from) {
				if a.days[1].kind == dWeekday {
					second.from = second.from.add(7)
				} else {
					second.from.y++
				}
			}
			second.to = second.from.add(1)
		} else {
			return period{}, false
		}
	}
	first.to = second.to
	first.notes = append(first.notes, second.notes...)
	return first, true
}

// resolveDay resolves one day. after, when set, is the first day of a
// range this day ends.
func (p *scanner) resolveDay(d day, c *clock, today civil, after *civil) (period, bool) {
	pref := p.o.Prefer
	base := today
	if after != nil {
		base = *after
		pref = Future
	}
	stillAhead := func(x civil) bool { // a time on day x is after Ref
		if c == nil {
			return false
		}
		return clockOn(x, *c, p.loc, p.loc).After(p.o.Ref)
	}
	switch d.kind {
	case dAbs:
		pr := period{prec: Day}
		if d.numeric && d.ambiguous != "" {
			if p.o.Strict {
				return period{}, false
			}
			pr.notes = append(pr.notes, fmt.Sprintf("%d/%d read as %s", d.d, d.m, time.Month(d.m)))
		}
		y := d.y
		if y == 0 {
			y = pickYear(d.m, d.d, base, pref)
			if y == 0 {
				return period{}, false
			}
		}
		if !validDate(y, d.m, d.d) {
			return period{}, false
		}
		pr.from = civil{y, d.m, d.d}
		pr.to = pr.from.add(1)
		if d.hasWD && pr.from.weekday() != d.wd {
			if d.y == 0 {
				// "Thu 4 Dec" when 4 December is a Friday: trust the
				// date, say so
				pr.notes = append(pr.notes, fmt.Sprintf("%s is a %s, not a %s", pr.from.t(time.UTC).Format("2 Jan 2006"), pr.from.weekday(), d.wd))
			} else {
				pr.notes = append(pr.notes, fmt.Sprintf("%s is a %s, not a %s", pr.from.t(time.UTC).Format("2 Jan 2006"), pr.from.weekday(), d.wd))
			}
		}
		return pr, true
	case dWeekday:
		pr := period{prec: Day, relative: true, weekday: true}
		var x civil
		switch {
		case d.nextWeek:
			// the weekday in the week after this one (weeks start on Monday)
			monday := base.add(-((int(base.weekday()) + 6) % 7))
			x = monday.add(7 + (int(d.wd)+6)%7)
		case pref == Future:
			k := (int(d.wd) - int(base.weekday()) + 7) % 7
			if k == 0 && !(after == nil && stillAhead(base)) {
				k = 7
			}
			if after != nil && k == 0 {
				k = 0
			}
			x = base.add(k)
		case pref == Past:
			k := (int(base.weekday()) - int(d.wd) + 7) % 7
			x = base.add(-k)
		default: // nearest: the coming one if within the week ahead, else the last
			k := (int(d.wd) - int(base.weekday()) + 7) % 7
			if k == 0 && !stillAhead(base) && c != nil {
				k = 7
			}
			x = base.add(k)
		}
		pr.from, pr.to = x, x.add(1)
		return pr, true
	case dOrdinal:
		pr := period{prec: Day, relative: true}
		x := base
		for k := 0; k < 13; k++ {
			y, m := base.y, base.m+k
			for m > 12 {
				m -= 12
				y++
			}
			if !validDate(y, m, d.d) {
				continue
			}
			cand := civil{y, m, d.d}
			if cand.before(base) || (pref == Future && cand == base && c == nil && after == nil && false) {
				continue
			}
			if d.hasWD && cand.weekday() != d.wd {
				continue
			}
			x = cand
			pr.from, pr.to = x, x.add(1)
			return pr, true
		}
		return period{}, false
	case dRel:
		pr := period{prec: Day, relative: true}
		pr.from = base.add(d.n)
		pr.to = pr.from.add(1)
		return pr, true
	case dOffset:
		pr := period{prec: Day, relative: true}
		t := base.t(time.UTC)
		switch d.unit {
		case 'd':
			t = t.AddDate(0, 0, d.n)
		case 'w':
			t = t.AddDate(0, 0, 7*d.n)
		case 'm':
			t = t.AddDate(0, d.n, 0)
		case 'y':
			t = t.AddDate(d.n, 0, 0)
		}
		pr.from = civilOf(t)
		pr.to = pr.from.add(1)
		return pr, true
	case dUnit:
		pr := period{relative: true}
		switch d.unit {
		case 'w':
			monday := base.add(-((int(base.weekday()) + 6) % 7))
			pr.from = monday.add(7 * d.n)
			pr.to = pr.from.add(7)
			pr.prec = Week
		case 'm':
			y, m := base.y, base.m+d.n
			for m > 12 {
				m -= 12
				y++
			}
			pr.from, pr.to = civil{y, m, 1}, monthEnd(y, m)
			pr.prec = Month
		case 'q':
			q := (base.m-1)/3 + d.n
			y := base.y + q/4
			m := q%4*3 + 1
			pr.from = civil{y, m, 1}
			pr.to = civilOf(time.Date(y, time.Month(m+3), 1, 12, 0, 0, 0, time.UTC))
			pr.prec = Month
		case 'y':
			pr.from, pr.to = civil{base.y + d.n, 1, 1}, civil{base.y + d.n + 1, 1, 1}
			pr.prec = Month
		default:
			return period{}, false
		}
		applyPart(&pr, d.part)
		return pr, true
	case dMonth:
		pr := period{prec: Month}
		y := d.y
		span := 1
		if d.season {
			span = 3
		}
		if y == 0 {
			y = base.y
			endOf := func(y int) civil { return monthEnd(y, d.m+span-1) }
			switch pref {
			case Future:
				// a month already started counts only when it is still
				// mostly ahead ("in November" written on 3 November)
				if endOf(y).before(base.add(1)) || (base.m == d.m && !d.season && base.d > 7 && d.part == "") {
					y++
				}
			case Past:
				if base.before(civil{y, d.m, 1}) {
					y--
				}
			default:
				if daysBetween(base, civil{y, d.m, 1}) > 183 {
					y--
				} else if daysBetween(civil{y, d.m, 1}, base) > 183 {
					y++
				}
			}
		}
		pr.from = civil{y, d.m, 1}
		pr.to = monthEnd(y, d.m+span-1)
		if !d.season && pref == Future && d.y == 0 && pr.from.before(base) && d.part == "" {
			// the month has started: from today
			pr.from = base
		}
		applyPart(&pr, d.part)
		return pr, true
	}
	return period{}, false
}

// monthEnd is the first day after month m of year y (m may exceed 12).
func monthEnd(y, m int) civil {
	return civilOf(time.Date(y, time.Month(m+1), 1, 12, 0, 0, 0, time.UTC))
}

// applyPart narrows a period to its early, mid, late or end part.
func applyPart(pr *period, part string) {
	if part == "" {
		return
	}
	n := daysBetween(pr.from, pr.to)
	switch part {
	case "early":
		pr.to = pr.from.add(max(1, n/3))
	case "mid":
		pr.from = pr.from.add(min(14, n/2))
		pr.to = pr.from.add(max(1, n/4))
	case "late":
		pr.from = pr.from.add(2 * n / 3)
	case "end":
		pr.from = pr.from.add(max(0, n-max(1, n/4)))
	}
	if pr.prec == Month && n <= 31 {
		pr.prec = Day
		if part == "early" || part == "mid" || part == "late" {
			pr.prec = Week
		}
	}
}

// pickYear chooses the year of a day and month written without one.
func pickYear(m, d int, base civil, pref Prefer) int {
	switch pref {
	case Past:
		for y := base.y; y > base.y-5; y-- {
			if validDate(y, m, d) && !base.before(civil{y, m, d}) {
				return y
			}
		}
	case Nearest:
		best, bestDist := 0, 0
		for _, y := range []int{base.y - 1, base.y, base.y + 1} {
			if !validDate(y, m, d) {
				continue
			}
			dist := daysBetween(base, civil{y, m, d})
			if dist < 0 {
				dist = -dist
			}
			if best == 0 || dist < bestDist {
				best, bestDist = y, dist
			}
		}
		return best
	default:
		for y := base.y; y < base.y+9; y++ {
			if validDate(y, m, d) && !(civil{y, m, d}).before(base) {
				return y
			}
		}
	}
	return 0
}

// durationAt reads "for 30 minutes", "for an hour", "(20 min)", "1h30".
func (p *scanner) durationAt(i int) (time.Duration, int) {
	j := i
	if p.is(j, "for", "während", "pendant", "durante", "voor") {
		j++
	}
	if p.is(j, "(") {
		j++
	}
	var d time.Duration
	switch {
	case p.is(j, "half") && p.is(j+1, "an") && p.is(j+2, "hour"):
		d, j = 30*time.Minute, j+3
	case p.is(j, "an", "a", "one") && p.is(j+1, "hour", "hr"):
		d, j = time.Hour, j+2
	default:
		v, ok := p.num(j)
		if !ok || v > 600 {
			return 0, 0
		}
		u := p.word(j + 1)
		switch {
		case u == "h" && p.glued(j+1):
			d = time.Duration(v) * time.Hour
			j += 2
			if mm, ok := p.num(j); ok && p.glued(j) && mm < 60 {
				d += time.Duration(mm) * time.Minute
				j++
				if p.is(j, "m", "min") && p.glued(j) {
					j++
				}
			}
		case u == "m" || u == "min" || u == "mins" || u == "minute" || u == "minutes" || u == "minuten" || u == "minutos":
			d, j = time.Duration(v)*time.Minute, j+2
		case u == "h" || u == "hr" || u == "hrs" || u == "hour" || u == "hours" || u == "stunde" || u == "stunden" || u == "heure" || u == "heures" || u == "hora" || u == "horas":
			d, j = time.Duration(v)*time.Hour, j+2
		default:
			return 0, 0
		}
	}
	if p.is(j, ")") {
		j++
	}
	return d, j - i
}

// String shows an expression for logs and tests.
func (e Expr) String() string {
	var b strings.Builder
	if e.HasTime {
		b.WriteString(e.At.Format("Mon 2006-01-02 15:04 MST"))
		if e.Range {
			b.WriteString("–" + e.Until.Format("15:04"))
		}
	} else {
		b.WriteString(e.At.Format("Mon 2006-01-02"))
		if last := e.LastDay(); !last.Equal(e.At) {
			b.WriteString("–" + last.Format("Mon 2006-01-02"))
		}
	}
	return b.String()
}
