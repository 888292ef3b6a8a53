// Package classify turns an inbound message into what rapport needs to know
// about it: is it our own mail, a bounce, an automated reply, a calendar
// response or a person writing back, and if a person, what do they want
// (stop, no, later, a meeting time, someone else to talk to).
//
// The package is pure: no I/O, no clock (the caller passes "now"), no
// globals that change. Parse is lenient and bounded by Limits; Classify never
// fails. Matching a message to a contact is the caller's job; CandidateIDs,
// NormalizeSubject and NormalizeAddress give it the keys.
//
// Order (MAIL-NOTES §4.1): own mail → bounce → auto-reply → calendar →
// human. Bounces come before auto-replies because Gmail's DSNs also carry
// Auto-Submitted.
//
// Intent precision choices, for human replies only and on the new text only
// (quoted history and signature stripped):
//   - opt_out is matched with a wide table in five languages (recall first:
//     a miss means mailing someone who said stop). It is overridden by
//     nothing. Only clear negations ("please don't remove me", "click here
//     to unsubscribe") and redirections ("don't email me at this address,
//     use …") cancel a match.
//   - a concrete proposed time (a date and a time of day in one un-negated
//     clause) beats decline and snooze: "I'm not able to meet Tuesday, but
//     Thursday 2pm works" is a proposal.
//   - snooze (a deferral cue plus a future time such as "in March", "after
//     the holidays", "in two weeks") beats decline: "too busy now, try me
//     in March" is a snooze.
//   - decline needs a decline phrase whose sentence does not go on to offer
//     something ("not able to help with jobs, but happy to chat").
//   - referral needs a referral cue and a name or an address that is not the
//     sender's or ours; it combines with any other intent.
package classify

import (
	"regexp"
	"strings"
	"time"
)

// Kind is what sort of message this is. The strings are stable (stored and
// shown).
type Kind string

const (
	KindOwn       Kind = "own"        // from one of our own addresses
	KindBounce    Kind = "bounce"     // a non-delivery (or delay) report
	KindAutoReply Kind = "auto_reply" // out of office, auto-responder, read receipt, bulk
	KindCalendar  Kind = "calendar"   // an iCalendar REPLY/REQUEST/COUNTER/CANCEL
	KindHuman     Kind = "human"      // written by a person
)

// Intent is what a person's reply asks for. The strings are stable.
type Intent string

const (
	IntentNone            Intent = ""
	IntentOptOut          Intent = "opt_out"
	IntentDecline         Intent = "decline"
	IntentSnooze          Intent = "snooze"
	IntentMeetingProposal Intent = "meeting_proposal"
	IntentReferral        Intent = "referral"
)

// CalendarEvent is a resolved calendar part.
type CalendarEvent struct {
	Method   string // REQUEST, REPLY, COUNTER, CANCEL…
	PartStat string // for REPLY: ACCEPTED, DECLINED, TENTATIVE…
	Summary  string
	Start    time.Time // zero if DTSTART was missing or unreadable
}

// Context is what Classify needs from outside.
type Context struct {
	Now time.Time
	// Loc interprets times stated without a zone ("Tuesday at 2pm"); nil
	// means Now's location.
	Loc *time.Location
	// Own lists our addresses (any form NormalizeAddress accepts); mail from
	// them is KindOwn and they are never referrals.
	Own []string
	// LoadLocation resolves calendar TZIDs; nil means Loc is used for them.
	// (time.LoadLocation reads files, so it is not called by default.)
	LoadLocation func(name string) (*time.Location, error)
}

// Result is the classification of one message.
type Result struct {
	Kind      Kind
	Bounce    *Bounce    // for KindBounce
	AutoReply *AutoReply // for KindAutoReply
	Calendar  *CalendarEvent

	Intent        Intent   // the primary intent: the first of Intents
	Intents       []Intent // all detected, in precedence order: opt_out, decline, snooze, meeting_proposal, referral
	SnoozeUntil   time.Time
	ProposedTimes []time.Time
	Referrals     []Referral

	NewText string   // the message text without quoted history and signature
	Reasons []string // why, in words, for the timeline
}

func (r *Result) why(s string) { r.Reasons = append(r.Reasons, s) }

// Classify classifies a parsed message. A nil message gives a KindHuman
// result with a reason saying so (the caller should not get here).
func Classify(m *Message, ctx Context) Result {
	var r Result
	if m == nil {
		r.Kind = KindHuman
		r.why("no message")
		return r
	}
	if ctx.Now.IsZero() {
		ctx.Now = time.Unix(0, 0).UTC()
	}
	loc := ctx.Loc
	if loc == nil {
		loc = ctx.Now.Location()
	}
	now := ctx.Now.In(loc)
	own := map[string]bool{}
	for _, a := range ctx.Own {
		if n := NormalizeAddress(a); n != "" {
			own[n] = true
		}
	}

	if len(m.From) > 0 && own[m.From[0].Addr] {
		r.Kind = KindOwn
		r.why("from our own address " + m.From[0].Addr)
		return r
	}
	if b, why := detectBounce(m); b != nil {
		r.Kind = KindBounce
		r.Bounce = b
		if b.Permanent {
			r.why("bounce: " + why)
		} else {
			r.why("delayed delivery (soft bounce): " + why)
		}
		return r
	}
	if sig := detectAutoReply(m); sig != "" {
		r.Kind = KindAutoReply
		r.NewText = StripQuoted(headOf(m.Text, maxScanText))
		r.AutoReply = &AutoReply{Signal: sig, ReturnDate: findReturnDate(r.NewText, now, loc)}
		r.why("automated: " + sig)
		if !r.AutoReply.ReturnDate.IsZero() {
			r.why("states return on " + r.AutoReply.ReturnDate.Format("2006-01-02"))
		}
		if m.ReportType == "feedback-report" {
			// A spam complaint is as clear a "stop" as it gets.
			r.Intent, r.Intents = IntentOptOut, []Intent{IntentOptOut}
			r.why("abuse report (ARF): treat as opt-out")
		}
		return r
	}

	r.Kind = KindHuman
	for _, c := range m.Calendars {
		switch c.Method {
		case "REQUEST", "REPLY", "COUNTER", "CANCEL", "DECLINECOUNTER":
			ev := &CalendarEvent{Method: c.Method, PartStat: c.PartStat, Summary: clip(c.Summary, 200)}
			ev.Start = calendarStart(c, loc, ctx.LoadLocation)
			r.Kind = KindCalendar
			r.Calendar = ev
			r.why("calendar " + strings.ToLower(c.Method))
		}
		if r.Calendar != nil {
			break
		}
	}
	if r.Kind == KindHuman {
		r.why("no automation signal: written by a person")
	}

	r.NewText = StripQuoted(headOf(m.Text, maxScanText))
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
	analyze(&r, r.NewText, now, loc, m.Cc, exclude)
	if r.Calendar != nil && (r.Calendar.Method == "REQUEST" || r.Calendar.Method == "COUNTER") && !r.Calendar.Start.IsZero() {
		found := false
		for _, t := range r.ProposedTimes {
			found = found || t.Equal(r.Calendar.Start)
		}
		if !found {
			r.ProposedTimes = append(r.ProposedTimes, r.Calendar.Start)
		}
		if !hasIntent(r.Intents, IntentMeetingProposal) && !hasIntent(r.Intents, IntentOptOut) {
			r.Intents = insertIntent(r.Intents, IntentMeetingProposal)
			r.Intent = r.Intents[0]
		}
	}
	return r
}

// Classification reads the first maxScanText bytes of the body (replies are
// top-posted, and new text is short) and looks for intents in the first
// maxIntentText bytes of the new text. This bounds the regex work per message.
const (
	maxScanText   = 64 << 10
	maxIntentText = 4 << 10
)

// Intents on the new text of a human reply. See the package comment for the
// precedence rules.
// acceptRe and deferRe tell "happy to chat next week" (yes, soon) from
// "swamped now, try me next month" (later).
var (
	acceptRe = regexp.MustCompile(`\b(?:happy to|glad to|would love to|i'd love to|love to|sure|sounds good|of course|gerne|volontiers|con gusto|graag)\b`)
	deferRe  = regexp.MustCompile(`\b(?:busy|swamped|slammed|hectic|not now|not right now|at the moment|right now|bad time|not a good time|postpone|later|travel\w*|away|out of (?:the )?office|derzeit|momentan|zurzeit|plus tard|en ce moment|más adelante|ahora mismo|nu niet|druk)\b`)
)

func analyze(r *Result, text string, now time.Time, loc *time.Location, cc []Address, exclude map[string]bool) {
	s := lowerText(headOf(text, maxIntentText))
	var intents []Intent

	if why := matchOptOut(s); why != "" {
		intents = append(intents, IntentOptOut)
		r.why("opt-out: " + why)
	}
	proposals := findProposals(s, now, loc)
	snooze, snoozeWhy := findSnooze(s, now)
	if !snooze.IsZero() && snooze.Sub(now) < 15*24*time.Hour && acceptRe.MatchString(s) && !deferRe.MatchString(s) {
		// "Happy to chat next week" agrees to talk soon: a reply to
		// answer with times, not a request to wait.
		r.why("near date with a yes, not a deferral: " + snoozeWhy)
		snooze = time.Time{}
	}
	decline := ""
	if !hasIntent(intents, IntentOptOut) {
		decline = matchDecline(s)
	}
	switch {
	case len(proposals) > 0:
		if decline != "" {
			r.why("decline wording overridden by a proposed time: " + decline)
			decline = ""
		}
		if !snooze.IsZero() {
			r.why("deferral wording overridden by a proposed time: " + snoozeWhy)
			snooze = time.Time{}
		}
	case !snooze.IsZero() && decline != "":
		r.why("decline wording overridden by a later date: " + decline)
		decline = ""
	}
	if decline != "" {
		intents = append(intents, IntentDecline)
		r.why("decline: " + decline)
	}
	if !snooze.IsZero() && !hasIntent(intents, IntentOptOut) {
		intents = append(intents, IntentSnooze)
		r.SnoozeUntil = snooze
		r.why("snooze until " + snooze.Format("2006-01-02") + ": " + snoozeWhy)
	}
	if len(proposals) > 0 && !hasIntent(intents, IntentOptOut) {
		intents = append(intents, IntentMeetingProposal)
		r.ProposedTimes = proposals
		for _, t := range proposals {
			r.why("proposed time " + t.Format("Mon 2006-01-02 15:04"))
		}
	}
	if refs := findReferrals(headOf(text, maxIntentText), cc, exclude); len(refs) > 0 && !hasIntent(intents, IntentOptOut) {
		intents = append(intents, IntentReferral)
		r.Referrals = refs
		for _, f := range refs {
			r.why("referral: " + strings.TrimSpace(f.Name+" "+f.Email))
		}
	}
	r.Intents = intents
	if len(intents) > 0 {
		r.Intent = intents[0]
	}
}

func matchOptOut(s string) string {
	spans := sentenceSpans(s)
	for _, ph := range optOutPhrases {
		for _, ix := range ph.re.findInSpans(s, spans, 10) {
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

var intentOrder = map[Intent]int{IntentOptOut: 0, IntentDecline: 1, IntentSnooze: 2, IntentMeetingProposal: 3, IntentReferral: 4}

func insertIntent(is []Intent, i Intent) []Intent {
	out := append([]Intent(nil), is...)
	pos := len(out)
	for k, x := range out {
		if intentOrder[x] > intentOrder[i] {
			pos = k
			break
		}
	}
	out = append(out[:pos], append([]Intent{i}, out[pos:]...)...)
	return out
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
	if c.TZID != "" && load != nil {
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
