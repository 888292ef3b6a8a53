// Package classify turns an inbound message into what rapport needs to know
// about it, the way a careful assistant reads mail: is it our own mail, a
// delivery failure or delay, a spam complaint, a sender-verification
// challenge, a read receipt, an automated or personal out-of-office note,
// bulk mail, a calendar answer or a person writing back; and if a person,
// what they want (stop, no, later, yes and when, a question first, someone
// else to talk to).
//
// The package is pure: no I/O, no clock (the caller passes "now"), no
// globals that change. Parse is lenient and bounded by Limits; Classify never
// fails. Matching a message to a contact is the caller's job; CandidateIDs,
// NormalizeSubject, NormalizeAddress and Prefilter give it the keys.
//
// Order: own mail → complaint (RFC 5965) → delivery report (RFC 3464, vendor
// formats) → read receipt (RFC 8098) → challenge → auto-reply (RFC 3834 and
// vendor headers, subjects) → junk (spam, worms, unsolicited bulk mail,
// weighed in junk.go) → bulk → calendar → person. Reports come before
// auto-replies because Gmail's DSNs also carry Auto-Submitted. A message in
// rapport's own thread (In-Reply-To or References naming a message rapport
// sent) is strong evidence of a person: list headers (List-Id, Precedence:
// list/bulk) and spam signs do not outweigh it, only explicit automation
// does.
//
// A person's intent is read on the new text only: quoted history,
// signatures, mobile footers, disclaimers and list or company footers are
// stripped first, and HTML is turned into text with word boundaries kept.
// Dates are read by package when, relative to when the message was written
// (its Date: header) and in the writer's zone (Context.ContactLoc, else the
// Date: header's offset, else the owner's zone) unless the text states one.
//
// Intent precedence: opt_out (recall first: a miss means mailing someone
// who said stop) → yes with a concrete proposed time (beats decline and
// snooze: "can't Tuesday, but Thursday 2pm works") → snooze ("too busy now,
// try me in March" beats decline) → referral without a yes ("not me, ask
// Jane") → decline → question (something to answer before agreeing) → yes
// → referral → none.
package classify

import (
	"fmt"
	"rapport/internal/invite"
	"regexp"
	"strings"
	"time"

	"rapport/internal/when"
)

// Kind is what sort of message this is. The strings are stable (stored and
// shown); JSONKind gives the names rapport explain prints.
type Kind string

const (
	KindOwn       Kind = "own"        // from one of our own addresses
	KindBounce    Kind = "bounce"     // delivery failed for good
	KindDelay     Kind = "delay"      // delivery delayed; the MTA is still trying
	KindComplaint Kind = "complaint"  // a spam complaint or other feedback report (ARF)
	KindChallenge Kind = "challenge"  // a sender-verification request
	KindReceipt   Kind = "receipt"    // a read receipt or a delivery success report
	KindAutoReply Kind = "auto_reply" // out of office (automated or written by a person), auto-responder
	KindOther     Kind = "other"      // bulk or list mail that is not a reply, or not a message at all
	KindCalendar  Kind = "calendar"   // an iCalendar REPLY/REQUEST/COUNTER/CANCEL
	KindHuman     Kind = "human"      // written by a person
)

// Automated tells whether no person wrote the message to us: the contact
// is not replying.
func (k Kind) Automated() bool {
	switch k {
	case KindHuman, KindCalendar, KindOwn:
		return false
	}
	return true
}

// JSONKind is the kind as rapport explain names it: reply for a person's
// message (calendar answers included).
func (k Kind) JSONKind() string {
	switch k {
	case KindHuman, KindCalendar:
		return "reply"
	case "":
		return "other"
	}
	return string(k)
}

// Intent is what a person's reply asks for. The strings are stable.
type Intent string

const (
	IntentNone     Intent = ""
	IntentOptOut   Intent = "opt_out"
	IntentDecline  Intent = "decline"
	IntentSnooze   Intent = "snooze"
	IntentYes      Intent = "yes"      // agrees to talk, possibly proposing times
	IntentQuestion Intent = "question" // asks something before agreeing: the owner answers
	IntentReferral Intent = "referral"
	// IntentMeetingProposal is the old name of a yes with proposed times;
	// Classify no longer returns it (a proposal is IntentYes with
	// ProposedTimes set).
	IntentMeetingProposal Intent = "meeting_proposal"
)

// JSONIntent is the intent as rapport explain names it.
func (i Intent) JSONIntent() string {
	if i == IntentNone {
		return "none"
	}
	if i == IntentMeetingProposal {
		return "yes"
	}
	return string(i)
}

// CalendarEvent is a resolved calendar part.
type CalendarEvent struct {
	Method   string // REQUEST, REPLY, COUNTER, CANCEL…
	PartStat string // for REPLY: ACCEPTED, DECLINED, TENTATIVE…
	Summary  string
	Start    time.Time // zero if DTSTART was missing or unreadable
	End      time.Time // DTEND (or DTSTART plus DURATION); zero if neither was given or readable
	UID      string    // the event's UID, when the full reader (internal/invite) read it
}

// Context is what Classify needs from outside.
type Context struct {
	Now time.Time
	// Loc is the owner's zone: times a contact writes are read in it when
	// nothing better is known. Nil means Now's location.
	Loc *time.Location
	// ContactLoc is the contact's own zone, when known: times they write
	// without a zone are theirs.
	ContactLoc *time.Location
	// Reference is what relative dates in the text count from ("tomorrow",
	// "next Thursday"). Zero means when the message was written (its Date:
	// header, when it is not after Now), else Now.
	Reference time.Time
	// IgnoreMessageDate makes a zero Reference mean Now even when the
	// message has a Date: header.
	IgnoreMessageDate bool
	// Own lists our addresses (any form NormalizeAddress accepts); mail from
	// them is KindOwn and they are never referrals.
	Own []string
	// OurMessage tells whether a Message-ID (without <>) is one rapport
	// sent: a reply citing one is in rapport's thread. Nil means IDs of the
	// form rapport generates (rp.…@domain) are taken as ours.
	OurMessage func(id string) bool
	// KnownSender: the sender is a contact the owner wrote to. A spam
	// filter's verdict alone then does not make their mail junk (a
	// genuine note misfiled as spam must still reach the owner).
	KnownSender bool
	// LoadLocation resolves calendar TZIDs and zone names in text; nil
	// means time.LoadLocation.
	LoadLocation func(name string) (*time.Location, error)
}

// Result is the classification of one message.
type Result struct {
	Kind      Kind
	Bounce    *Bounce    // KindBounce and KindDelay
	Complaint *Complaint // KindComplaint
	Challenge *Challenge // KindChallenge
	Receipt   *Receipt   // KindReceipt
	AutoReply *AutoReply // KindAutoReply
	Calendar  *CalendarEvent

	// InThread: the message cites a message rapport sent (ThreadID).
	InThread bool
	ThreadID string

	Intent        Intent   // the primary intent
	Intents       []Intent // all detected
	SnoozeUntil   time.Time
	ProposedTimes []time.Time // instants, in the zone the writer meant
	Proposals     []Proposal  // the same, with ranges, stated zones and text
	Referrals     []Referral
	Question      string // the question to answer, for IntentQuestion

	// Written is when relative dates were counted from; WriterLoc is the
	// zone times without a stated zone were read in.
	Written   time.Time
	WriterLoc *time.Location

	NewText string   // the message text without quoted history, signature and footers
	Reasons []string // why, in words: the signals behind each conclusion
}

func (r *Result) why(s string) { r.Reasons = append(r.Reasons, s) }

// rapportIDRe is the form of the Message-IDs rapport generates.
// "rp.<time>.<24 hex>@" (older) or "rp.<instance>.<time>.<16 hex>@".
var rapportIDRe = regexp.MustCompile(`^rp\.(?:[0-9a-f]{8}\.)?(?:\d{8}T\d{6}\.)?(?:[0-9a-f]{24}|[0-9a-f]{16})@`)

// LooksLikeRapportID tells whether id has the form of the Message-IDs
// rapport generates ("rp.<24 hex>@domain").
func LooksLikeRapportID(id string) bool {
	return rapportIDRe.MatchString(strings.Trim(strings.TrimSpace(id), "<>"))
}

// threadMatch returns the first identifier the message cites that is ours.
func threadMatch(m *Message, ctx Context) string {
	ours := ctx.OurMessage
	if ours == nil {
		ours = LooksLikeRapportID
	}
	for _, id := range CandidateIDs(m) {
		if ours(id) {
			return id
		}
	}
	return ""
}

// writer works out when the message was written and in which zone its
// writer's times are.
func writer(m *Message, ctx Context, owner *time.Location) (time.Time, *time.Location, string) {
	ref := ctx.Reference
	refWhy := "dates relative to the given reference"
	if ref.IsZero() {
		ref, refWhy = ctx.Now, "dates relative to now"
		if !ctx.IgnoreMessageDate && m != nil && !m.Date.IsZero() && m.Date.Year() > 1990 && (ctx.Now.IsZero() || !m.Date.After(ctx.Now.Add(24*time.Hour))) {
			ref, refWhy = m.Date, "dates relative to the Date: header"
		}
	}
	loc := ctx.ContactLoc
	locWhy := "the contact's zone"
	if loc == nil && m != nil && !m.Date.IsZero() {
		_, off := m.Date.Zone()
		if off != 0 || strings.Contains(m.Header.Get("Date"), "+0000") || strings.Contains(m.Header.Get("Date"), "GMT") {
			loc = offsetZone(off)
			locWhy = "the Date: header's offset"
		}
	}
	if loc == nil {
		loc, locWhy = owner, "the owner's zone"
	}
	return ref.In(loc), loc, refWhy + "; times in " + locWhy + " (" + loc.String() + ")"
}

// offsetZone is a fixed zone named by its offset ("UTC-05:00").
func offsetZone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	sign := byte('+')
	a := off
	if a < 0 {
		sign, a = '-', -a
	}
	return time.FixedZone(fmt.Sprintf("UTC%c%02d:%02d", sign, a/3600, a%3600/60), off)
}

// Classify classifies a parsed message. A nil message gives KindOther.
func Classify(m *Message, ctx Context) Result {
	var r Result
	if m == nil {
		r.Kind = KindOther
		r.why("no message")
		return r
	}
	if ctx.Now.IsZero() {
		ctx.Now = time.Unix(0, 0).UTC()
	}
	owner := ctx.Loc
	if owner == nil {
		owner = ctx.Now.Location()
	}
	ref, wloc, refWhy := writer(m, ctx, owner)
	r.Written, r.WriterLoc = ref, wloc
	wopts := when.Options{Ref: ref, Loc: wloc, Reader: owner, Prefer: when.Future, LoadLocation: ctx.LoadLocation}
	own := map[string]bool{}
	for _, a := range ctx.Own {
		if n := NormalizeAddress(a); n != "" {
			own[n] = true
		}
	}
	if id := threadMatch(m, ctx); id != "" {
		r.InThread, r.ThreadID = true, id
	}

	if len(m.From) > 0 && own[m.From[0].Addr] {
		r.Kind = KindOwn
		r.why("from our own address " + m.From[0].Addr)
		return r
	}
	if c, why := detectComplaint(m); c != nil {
		r.Kind, r.Complaint = KindComplaint, c
		r.why("complaint: " + why + " (" + c.FeedbackType + ")")
		if c.OriginalMessageID != "" {
			r.why("reported message " + c.OriginalMessageID)
		}
		return r
	}
	if c := sesComplaint(m); c != nil {
		r.Kind, r.Complaint = KindComplaint, c
		r.why("complaint: Amazon SES complaint notification")
		return r
	}
	if b, kind, why := detectBounce(m); b != nil {
		r.Kind, r.Bounce = kind, b
		switch kind {
		case KindReceipt:
			r.Receipt = &Receipt{Disposition: "delivered", Source: b.Source}
			r.Bounce = nil
			r.why("delivery success report: " + why)
		case KindDelay:
			r.why("delivery delayed, still being tried: " + why)
		default:
			r.why("delivery failed: " + why)
		}
		for _, rc := range b.Recipients {
			s := rc.Address()
			if rc.Status != "" {
				s += " " + rc.Status
			}
			if rc.Action != "" {
				s += " (" + rc.Action + ")"
			}
			r.why("recipient " + s)
		}
		if b.OriginalMessageID != "" {
			r.why("original message " + b.OriginalMessageID)
		}
		return r
	}
	if rc, why := detectReceipt(m); rc != nil {
		r.Kind, r.Receipt = KindReceipt, rc
		r.why("read receipt: " + why)
		return r
	}
	if c, why := detectChallenge(m); c != nil {
		r.Kind, r.Challenge = KindChallenge, c
		r.why("sender verification: " + why)
		if c.URL != "" {
			r.why("link " + c.URL)
		}
		return r
	}

	r.NewText = StripQuoted(headOf(m.Text, maxScanText))
	if r.NewText == "" && m.HTMLText != "" && strings.TrimSpace(m.Text) == "" {
		r.NewText = StripQuoted(headOf(m.HTMLText, maxScanText))
	}
	if sig, strong := detectAutoReply(m, r.InThread); sig != "" {
		if strong || !r.InThread {
			r.Kind = KindAutoReply
			ar := &AutoReply{Signal: sig}
			exprs := when.Find(headOf(r.NewText, 4000), wopts)
			ar.ReturnDate = returnDate(headOf(r.NewText, 4000), lowerText(headOf(r.NewText, 4000)), exprs)
			r.AutoReply = ar
			r.why("automated: " + sig)
			if !ar.ReturnDate.IsZero() {
				r.why("states return on " + ar.ReturnDate.Format("2006-01-02"))
			}
			return r
		}
		r.why("list or bulk headers (" + sig + ") outweighed by a reply in rapport's thread (" + r.ThreadID + ")")
	}
	if r.InThread {
		r.why("cites rapport's message " + r.ThreadID + ": written by a person")
	}
	if !r.InThread {
		if sig := detectJunk(m, r.NewText, ctx.KnownSender); sig != "" {
			r.Kind = KindOther
			r.why("spam, malware or unsolicited bulk mail, not a person's answer: " + sig)
			return r
		}
		if sig := detectBulk(m); sig != "" {
			r.Kind = KindOther
			r.why("bulk or list mail: " + sig)
			return r
		}
	}

	r.Kind = KindHuman
	for _, c := range m.Calendars {
		switch c.Method {
		case "REQUEST", "REPLY", "COUNTER", "CANCEL", "DECLINECOUNTER":
			ev := &CalendarEvent{Method: c.Method, PartStat: c.PartStat, Summary: clip(c.Summary, 200)}
			ev.Start = calendarStart(c, wloc, ctx.LoadLocation)
			ev.End = calendarEnd(c, ev.Start, wloc, ctx.LoadLocation)
			readCalendar(c, ev, wloc, ctx)
			r.Kind = KindCalendar
			r.Calendar = ev
			r.why("calendar " + strings.ToLower(c.Method))
		}
		if r.Calendar != nil {
			break
		}
	}
	if r.Kind == KindHuman && !r.InThread {
		r.why("no automation signal: written by a person")
	}
	r.why(refWhy)
	exclude := map[string]bool{}
	for a := range own {
		exclude[a] = true
	}
	for _, a := range m.From {
		exclude[a.Addr] = true
	}
	for _, a := range m.ReplyTo {
		exclude[a.Addr] = true
	}
	an := analyze(r.NewText, m.Subject, wopts, m.Cc, exclude)
	if an.oof != "" && an.optOut == "" && len(an.proposals) == 0 && an.accept == "" && an.question == "" && len(an.referrals) == 0 &&
		!askLaterRe.MatchString(lowerText(r.NewText)) && !an.snooze.IsZero() && an.returnDate.IsZero() {
		an.returnDate = an.snooze
	}
	if an.oof != "" && !askLaterRe.MatchString(lowerText(r.NewText)) && len(an.proposals) == 0 && an.accept == "" && an.question == "" {
		// away and will answer when back: not a request to wait
		an.snooze, an.snoozeWhy = time.Time{}, ""
	}
	decide(&r, an)
	if r.Kind == KindHuman && r.Intent == IntentNone && an.oof != "" && (!an.returnDate.IsZero() || oofLaterRe.MatchString(lowerText(r.NewText))) {
		// A person's own out-of-office note: hold until they are back.
		r.Kind = KindAutoReply
		r.AutoReply = &AutoReply{Signal: "out-of-office note written by a person (" + an.oof + ")", ReturnDate: an.returnDate, Personal: true}
		r.why("out of office, written by a person: " + an.oof)
		if !an.returnDate.IsZero() {
			r.why("back on " + an.returnDate.Format("2006-01-02"))
		}
		return r
	}
	if r.Calendar != nil && (r.Calendar.Method == "REQUEST" || r.Calendar.Method == "COUNTER") && !r.Calendar.Start.IsZero() {
		found := false
		for _, t := range r.ProposedTimes {
			found = found || t.Equal(r.Calendar.Start)
		}
		if !found {
			r.ProposedTimes = append(r.ProposedTimes, r.Calendar.Start)
			r.Proposals = append(r.Proposals, Proposal{At: r.Calendar.Start, Text: "calendar invitation"})
		}
		if r.Intent != IntentOptOut && r.Intent != IntentDecline {
			r.Intent = IntentYes
			if !hasIntent(r.Intents, IntentYes) {
				r.Intents = append(r.Intents, IntentYes)
			}
		}
	}
	return r
}

// decide sets the intents from what the text says (see the package
// comment for the precedence).
func decide(r *Result, a analysis) {
	var all []Intent
	add := func(i Intent) {
		if !hasIntent(all, i) {
			all = append(all, i)
		}
	}
	if a.optOut != "" {
		add(IntentOptOut)
		r.why("opt-out: " + a.optOut)
	}
	if len(a.proposals) > 0 || a.accept != "" {
		add(IntentYes)
	}
	if !a.snooze.IsZero() {
		add(IntentSnooze)
	}
	if len(a.referrals) > 0 {
		add(IntentReferral)
	}
	if a.decline != "" {
		add(IntentDecline)
	}
	if a.question != "" {
		add(IntentQuestion)
	}
	r.Intents = all
	yes := len(a.proposals) > 0 || a.accept != ""
	switch {
	case a.optOut != "":
		r.Intent = IntentOptOut
		return // nothing else is acted on for someone who said stop
	case len(a.proposals) > 0:
		r.Intent = IntentYes
		if a.decline != "" {
			r.why("decline wording overridden by a proposed time: " + a.decline)
		}
	case !a.snooze.IsZero():
		r.Intent = IntentSnooze
		if a.decline != "" {
			r.why("decline wording overridden by a later date: " + a.decline)
		}
	case len(a.referrals) > 0 && a.accept == "":
		r.Intent = IntentReferral
	case a.decline != "":
		r.Intent = IntentDecline
		r.why("decline: " + a.decline)
	case a.question != "":
		r.Intent = IntentQuestion
	case yes:
		r.Intent = IntentYes
	case len(a.referrals) > 0:
		r.Intent = IntentReferral
	}
	if r.Intent != IntentNone {
		// the primary intent first, the others after it
		rest := []Intent{r.Intent}
		for _, i := range r.Intents {
			if i != r.Intent {
				rest = append(rest, i)
			}
		}
		r.Intents = rest
	}
	if a.accept != "" && r.Intent == IntentYes {
		r.why("agrees: " + a.accept)
	}
	if r.Intent == IntentSnooze {
		r.SnoozeUntil = a.snooze
		r.why("snooze until " + a.snooze.Format("2006-01-02") + ": " + a.snoozeWhy)
	}
	if r.Intent == IntentQuestion || a.question != "" {
		r.Question = a.question
		r.why("asks: " + clip(a.question, 160))
	}
	for _, p := range a.proposals {
		r.Proposals = append(r.Proposals, p)
		r.ProposedTimes = append(r.ProposedTimes, p.At)
		z := p.Zone
		if z == "" {
			z = "writer's zone " + p.At.Location().String()
		}
		r.why("proposed time " + p.At.Format(time.RFC3339) + " (" + z + "): " + clip(p.Text, 80))
	}
	for _, f := range a.referrals {
		r.Referrals = append(r.Referrals, f)
		r.why("referral: " + strings.TrimSpace(f.Name+" "+f.Email))
	}
}

// Classification reads the first maxScanText bytes of the body (replies are
// top-posted, and new text is short) and looks for intents in the first
// maxIntentText bytes of the new text. This bounds the regex work per message.
const (
	maxScanText   = 64 << 10
	maxIntentText = 4 << 10
)

func matchOptOut(s string) string {
	spans := sentenceSpans(s)
	for _, ph := range optOutPhrases {
		for _, ix := range ph.re.findInSpans(s, spans, 10) {
			if footerLineRe.MatchString(lineAround(s, ix[0], ix[1])) {
				continue
			}
			if ph.guard && negBeforeRe.MatchString(s[max(0, ix[0]-40):ix[0]]) {
				continue
			}
			if strings.HasPrefix(ph.re.String(), `\b(?:do not|don't`) && optOutExceptionRe.MatchString(s[ix[1]:]) {
				continue
			}
			return strings.TrimSpace(s[ix[0]:ix[1]])
		}
	}
	return ""
}

func matchDecline(s string) string {
	spans := sentenceSpans(s)
	for _, ph := range declinePhrases {
		for _, ix := range ph.re.findInSpans(s, spans, 10) {
			start, end := sentenceAround(s, ix[0], ix[1])
			sent := s[start:end]
			if declineButRe.MatchString(s[ix[1]:end]) || declinePositiveRe.MatchString(sent) {
				continue
			}
			return s[ix[0]:ix[1]]
		}
	}
	return ""
}

// sentenceAround returns the bounds of the sentence holding s[i:j].
func sentenceAround(s string, i, j int) (int, int) {
	start := 0
	if k := strings.LastIndexAny(s[:i], ".!?;\n"); k >= 0 {
		start = k + 1
	}
	end := len(s)
	if k := strings.IndexAny(s[j:], ".!?;\n"); k >= 0 {
		end = j + k
	}
	return start, end
}

func hasIntent(is []Intent, i Intent) bool {
	for _, x := range is {
		if x == i {
			return true
		}
	}
	return false
}

// readCalendar reads the part again with the full calendar reader, which
// resolves TZIDs (IANA, Windows and the message's own VTIMEZONE), and
// takes its times and the attendee's answer when it could.
func readCalendar(c Calendar, ev *CalendarEvent, loc *time.Location, ctx Context) {
	if len(c.Raw) == 0 {
		return
	}
	cal, err := invite.Parse(c.Raw, invite.Options{Default: loc, LoadLocation: ctx.LoadLocation})
	if err != nil {
		return
	}
	p := cal.Primary()
	if p == nil || p.Start.IsZero() {
		return
	}
	ev.Start, ev.End, ev.UID = p.Start, p.End, p.UID
	if len(p.Attendees) > 0 && ev.PartStat == "" {
		ev.PartStat = strings.ToUpper(string(p.Attendees[0].PartStat))
	}
}

// calendarStart resolves DTSTART: UTC ("…Z"), with a TZID (through load, else
// loc), floating (loc) or a date (midnight in loc).
func calendarStart(c Calendar, loc *time.Location, load func(string) (*time.Location, error)) time.Time {
	v := strings.TrimSpace(c.DTStart)
	if v == "" {
		return time.Time{}
	}
	if strings.HasSuffix(v, "Z") {
		if t, err := time.Parse("20060102T150405Z", v); err == nil {
			return t
		}
		return time.Time{}
	}
	l := loc
	if load == nil {
		load = time.LoadLocation
	}
	if c.TZID != "" {
		if tz, err := load(c.TZID); err == nil && tz != nil {
			l = tz
		}
	}
	for _, layout := range []string{"20060102T150405", "20060102T1504", "20060102"} {
		if t, err := time.ParseInLocation(layout, v, l); err == nil {
			return t
		}
	}
	return time.Time{}
}

// calendarEnd resolves DTEND like DTSTART, else DTSTART plus DURATION.
func calendarEnd(c Calendar, start time.Time, loc *time.Location, load func(string) (*time.Location, error)) time.Time {
	if strings.TrimSpace(c.DTEnd) != "" {
		return calendarStart(Calendar{DTStart: c.DTEnd, TZID: c.EndTZID}, loc, load)
	}
	if d, ok := icalDuration(c.Duration); ok && !start.IsZero() {
		return start.Add(d)
	}
	return time.Time{}
}

// icalDuration reads an RFC 5545 duration such as PT30M, PT1H30M or P1D.
func icalDuration(v string) (time.Duration, bool) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v == "" || strings.HasPrefix(v, "-") {
		return 0, false
	}
	v = strings.TrimPrefix(v, "+")
	if !strings.HasPrefix(v, "P") {
		return 0, false
	}
	v = v[1:]
	var d time.Duration
	n := 0
	inTime := false
	digits := false
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
			digits = true
			if n > 1e6 {
				return 0, false
			}
		case r == 'T':
			inTime = true
		case r == 'W' && digits:
			d += time.Duration(n) * 7 * 24 * time.Hour
			n, digits = 0, false
		case r == 'D' && digits:
			d += time.Duration(n) * 24 * time.Hour
			n, digits = 0, false
		case r == 'H' && inTime && digits:
			d += time.Duration(n) * time.Hour
			n, digits = 0, false
		case r == 'M' && inTime && digits:
			d += time.Duration(n) * time.Minute
			n, digits = 0, false
		case r == 'S' && inTime && digits:
			d += time.Duration(n) * time.Second
			n, digits = 0, false
		default:
			return 0, false
		}
	}
	return d, d > 0 && !digits
}
