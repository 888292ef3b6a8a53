package classify

import (
	"encoding/json"
	"regexp"
	"strings"
)

// Bounce describes a delivery failure or delay report.
type Bounce struct {
	Recipients []Recipient // failed or delayed recipients
	// Permanent: delivery has ended in failure for at least one recipient
	// (KindBounce). False for a delay (KindDelay): the MTA is still trying.
	Permanent         bool
	OriginalMessageID string // Message-ID of our message, if returned
	Source            string // "dsn" (RFC 3464 report), "json" (Amazon SES notification) or "heuristic"
}

// FailedAddresses lists the addresses rapport sent to that failed (or
// are delayed): each recipient's Original-Recipient when given, else its
// Final-Recipient; de-duplicated, in order.
func (b *Bounce) FailedAddresses() []string {
	if b == nil {
		return nil
	}
	var out []string
	for _, r := range b.Recipients {
		out = append(out, r.Address())
	}
	return dedupe(out)
}

// FinalAddresses lists the Final-Recipient addresses (where the last MTA
// tried to deliver; differs from FailedAddresses after forwarding).
func (b *Bounce) FinalAddresses() []string {
	if b == nil {
		return nil
	}
	var out []string
	for _, r := range b.Recipients {
		out = append(out, r.Addr)
	}
	return dedupe(out)
}

// Bounce subjects from MTAs and vendors (documented in sisimai's lhost
// modules and Mail::DeliveryStatus::BounceParser), anchored at the start
// or after a [tag]: a person's "Re: Undeliverable" is not one.
var bounceSubjectRe = mustFast(`(?i)^\s*(?:\[[^\]]{0,40}\]\s*)?(?:[\w.-]+\s+)?(?:undeliverable|undelivered|undeliverable mail|delivery status notification|delivery notification|delivery report|delivery failure|delivery failed|delivery problem|delivery status|mail delivery|mail system error|mail failure|mail error|failure notice|failure delivery|delivery has failed|returned mail|returned message|return(?:ed)? to sender|non[- ]?delivery|nondeliverable|non-?remis|message not delivered|message delivery|message could not be delivered|message bounced|message you sent|your message|could not send|warning: could not send|warning: message|delayed mail|delivery delayed|mail could not be delivered|email delivery failure|notice of delivery failure|notification d'état|notificación de estado|unzustellbar|nicht zustellbar|unzustellbare|zustellung fehlgeschlagen|non distribuable|échec de la remise|remise impossible|no se puede entregar|no entregado|entrega fallida|non recapitabile|onbestelbaar|kan niet worden bezorgd|onbestelbaar|niedostarczon|nedoručitelné|olevererbart|ikke leveret|undelivered mail returned to sender|postmaster notify|mail transaction failed|rejected|error sending|delivery to the following|could not deliver|permanent error|dsn:|ndr|automatically rejected|mail returned|returned mail: see transcript|système de messagerie|ошибка доставки|не доставлено|ваше сообщение не|送信エラー|配信エラー|未配信|メール配信)`)

// bounceTextRe: what delivery reports say, in the text before any copy of
// the returned message.
var bounceTextRe = mustFast(`(?:did not reach|delivery errors|could not send|unknown recipient|user unknown|unknown user|no such user|no such recipient|no such mailbox|no mailbox|mailbox unavailable|mailbox not found|mailbox does not exist|mailbox is full|mailbox full|over quota|quota exceeded|address rejected|recipient address rejected|recipient rejected|does not exist|doesn't exist|could not be delivered|couldn't be delivered|can't be delivered|cannot be delivered|wasn't delivered|was not delivered|not be delivered|delivery has failed|delivery failed|delivery to the following|permanent error|permanent fatal error|permanent failure|undeliverable|unrouteable|unroutable|host unknown|unknown host|domain not found|i'm sorry to have to inform you|i'm afraid i wasn't able|returned to sender|failed permanently|address couldn't be found|recipient not found|the following addresses had permanent fatal errors|following address\(es\) failed|delivery incomplete|will retry|has been delayed|is delayed|was delayed|still trying|not yet been delivered|temporary failure|giving up|message expired|has expired|could not deliver|unable to deliver|error delivering|not delivered to|mail delivery software|delivery status notification|this is the mail system|mailer-daemon|message could not be sent|invalid recipient|recipient address|smtp error|remote server|remote host|said:|rcpt to|550|554|553|552|551|5\.\d\.\d|4\.\d\.\d|blocked|rejected|spam|refused|denied|blacklist|virus|bounce|non-delivery|ndr|не может быть доставлено|konnte nicht zugestellt|nicht zugestellt|unzustellbar|n'a pas pu être remis|no pudo ser entregado|niet worden bezorgd)`)

// strongBounceTextRe: wording only delivery reports use, enough with a
// null or no-reply sender.
var strongBounceTextRe = mustFast(`(?:could not be delivered to|couldn't be delivered to|did not reach the following recipient|your message (?:to .{1,80} )?(?:could not|couldn't|cannot|wasn't|was not) (?:be )?delivered|the following address(?:es|\(es\))? (?:failed|had (?:permanent )?(?:fatal )?errors)|delivery to the following recipients? (?:failed|has been delayed)|i'm afraid i wasn't able to deliver|this is a permanent error|unable to deliver (?:your )?message to|message could not be delivered|permanent fatal errors|undeliverable to|delivery has failed to these recipients|returned mail: see transcript|has been rejected by the recipient|was rejected by the recipient|the recipient's mailbox is full|recipient address rejected)`)

// finalTextRe and delayTextRe tell a given-up delivery from one still
// being tried, in the report's own text.
var (
	delayTextRe = mustFast(`(?:this is a warning message only|warning: message|delivery (?:is |has been )?delayed|message (?:has been |is |was )?delayed|has been delayed|delay(?:ed)? (?:for|more than)|will (?:continue to |keep )?(?:re)?try|will be retried|retry (?:again|later|until)|still (?:trying|being retried|in the queue)|has not (?:yet )?been delivered|not yet been delivered|temporary failure report|do not need to re-?send|you do not need to resend|no action is required|is still undelivered|deferred|\(delay\))`)
	finalTextRe = mustFast(`(?:permanent(?:ly)?|giving up|gave up|has been expired|expired after|message expired|too long in the queue|retry (?:time|timeout) (?:not reached|exceeded)|retry timeout exceeded|could not be delivered|couldn't be delivered|wasn't delivered|was not delivered|delivery has failed|failed to deliver|undeliverable|returned to sender|has been returned|was returned|returning message to sender|no further (?:attempts|retries)|will not be retried|\(failure\)|action: failed|rejected|refused|does not exist|unknown user|user unknown)`)
)

var delaySubjectRe = mustFast(`(?i)\(delay\)|could not send (?:mail|message) for (?:the )?past|\bdelayed\b|warning: could not send|warning: message|delivery status notification: (?:delayed|warning)|delay notification|still being retried|zustellung verzögert|retardée?|retrasad[oa]|vertraagd`)

// bounceSubject: a report's subject. Anchored at the start, or anywhere
// in a subject that is not a reply or a forward (a person's "Re:
// Undeliverable" is not a report).
func bounceSubject(s string) bool {
	if bounceSubjectRe.MatchString(s) {
		return true
	}
	if replyPrefixRe.MatchString(s) {
		return false
	}
	return bounceSubjectAnyRe.MatchString(s)
}

var bounceSubjectAnyRe = mustFast(`(?i)(?:undeliverable|undelivered|delivery (?:status notification|failure|failed|has failed|notification)|mail delivery (?:failed|failure|error)|returned mail|returning message to sender|could not send (?:mail|message)|failure notice|non[- ]?delivery|message not delivered|delivery delayed|delayed mail|mail system error|unzustellbar|non distribuable|no se puede entregar|onbestelbaar)`)

func isDaemonAddr(a string) bool {
	local, _, _ := strings.Cut(a, "@")
	local = strings.TrimLeft(local, "\"")
	switch local {
	case "mailer-daemon", "mailerdaemon", "mailer_daemon", "mail-daemon", "maildaemon", "mail_daemon", "postmaster", "post_master", "post-master",
		"poostmaster", "mdaemon", "mailadmin", "mail-admin", "bounce", "bounces", "bounce-notification", "mail-delivery", "maildelivery",
		"mailer", "mail", "smtp", "daemon", "ndr", "dsn", "returned-mail", "mailerdeamon", "mailer-deamon", "mailbox-system":
		return true
	}
	return strings.HasPrefix(local, "mailer-daemon") || strings.HasPrefix(local, "postmaster")
}

var daemonNameRe = mustFast(`(?i)mail delivery|mailer[- ]?daemon|mail ?administrator|postmaster|mail system|delivery (?:status|subsystem|service|system)|system administrator|internet mail|mail gateway|mdaemon|mail ?transport|courrier|zustellsystem|e-mail interconnect|mail server|sistema de correo`)

// daemonSender tells whether the message comes from a mail system rather
// than a person: a daemon address, a daemon display name, a From without
// a domain ("MAILER-DAEMON") or an empty From ("<>").
func daemonSender(m *Message) string {
	if len(m.From) > 0 {
		if isDaemonAddr(m.From[0].Addr) {
			return "sender " + m.From[0].Addr
		}
		if daemonNameRe.MatchString(m.From[0].Name) {
			return "sender named " + clip(m.From[0].Name, 40)
		}
	}
	raw := strings.TrimSpace(m.Header.Get("From"))
	lr := strings.ToLower(raw)
	switch {
	case raw == "" || raw == "<>":
		if m.Header.Has("From") {
			return "empty sender"
		}
	case len(m.From) == 0 && (strings.Contains(lr, "mailer-daemon") || strings.Contains(lr, "postmaster") || strings.Contains(lr, "<>")):
		return "sender " + clip(raw, 40)
	case len(m.From) == 0 && daemonNameRe.MatchString(raw):
		return "sender named " + clip(raw, 40)
	}
	return ""
}

// detectBounce returns a delivery report's Bounce, its kind (bounce,
// delay or receipt for a success report) and the reason.
func detectBounce(m *Message) (*Bounce, Kind, string) {
	var recips []Recipient
	for _, d := range m.DSNs {
		recips = append(recips, d.Recipients...)
	}
	if b := sesNotification(m); b != nil {
		return b, bounceKind(b), "Amazon SES " + strings.ToLower(b.Source) + " notification"
	}
	dsnReport := len(m.DSNs) > 0 || (m.MediaType == "multipart/report" && m.ReportType == "delivery-status")
	if dsnReport && len(recips) > 0 {
		b := &Bounce{Source: "dsn", OriginalMessageID: m.OriginalMessageID}
		failed, delayed := 0, 0
		for _, r := range recips {
			if !r.Failed() {
				continue
			}
			if r.Action == "" && strings.HasPrefix(r.Status, "4.") {
				// no Action: the text says whether it was given up
				if lt := strings.ToLower(reportText(m)); finalTextRe.MatchString(lt) && !delayTextRe.MatchString(lt) {
					r.Action = "failed"
				} else {
					r.Action = "delayed"
				}
			}
			b.Recipients = append(b.Recipients, r)
			if r.Permanent() {
				failed++
			} else {
				delayed++
			}
		}
		if b.OriginalMessageID == "" {
			b.OriginalMessageID = originalIDFromText(m.Text)
		}
		if len(b.Recipients) == 0 {
			return b, KindReceipt, "delivery report: delivered"
		}
		// a recipient field without an address (a file, a local name):
		// the report's text or the returned message says who it was
		for i := range b.Recipients {
			if b.Recipients[i].Addr != "" {
				continue
			}
			if rs := textRecipients(m, reportText(m)); len(rs) == 1 {
				b.Recipients[i].Addr = rs[0].Addr
			} else if len(m.OriginalTo) == 1 {
				b.Recipients[i].Addr = m.OriginalTo[0]
			}
		}
		if failed > 0 {
			// report the failed ones; delayed ones still have a chance
			kept := b.Recipients[:0]
			for _, r := range b.Recipients {
				if r.Permanent() {
					kept = append(kept, r)
				}
			}
			b.Recipients = kept
			b.Permanent = true
			return b, KindBounce, "delivery-status report (RFC 3464): failed"
		}
		return b, KindDelay, "delivery-status report (RFC 3464): delayed"
	}

	if b := forwardedBounce(m); b != nil {
		return b, bounceKind(b), "a forwarded delivery report"
	}
	daemon := daemonSender(m)
	failedHdr := m.Header.Get("X-Failed-Recipients")
	ndrHdr := m.Header.Has("X-Ms-Exchange-Message-Is-Ndr")
	subj := bounceSubject(m.Subject)
	if !dsnReport && failedHdr == "" && !ndrHdr && daemon == "" && !subj && !m.NullReturnPath && !isAutomatedSender(m) {
		return nil, "", "" // nothing says report: do not read the text
	}
	if !dsnReport && failedHdr == "" && !ndrHdr && carriesProgram(m) != "" {
		// A worm dressed up as a report: reports return mail as message
		// parts, never as programs or archives.
		return nil, "", ""
	}
	text := reportText(m)
	low := strings.ToLower(headOf(text, 8000))
	bodyHit := bounceTextRe.MatchString(low)
	reason := ""
	switch {
	case dsnReport:
		reason = "delivery-status report without readable recipient fields"
	case failedHdr != "":
		reason = "X-Failed-Recipients header"
	case ndrHdr:
		reason = "X-MS-Exchange-Message-Is-Ndr header"
	case daemon != "" && (subj || bodyHit):
		reason = "mail-system " + daemon
	case (m.NullReturnPath || isAutomatedSender(m) || daemon != "") && strongBounceTextRe.MatchString(low):
		reason = "null or system sender and delivery-report wording"
	case subj && bodyHit && (m.NullReturnPath || m.OriginalMessageID != "" || len(m.OriginalTo) > 0 || strings.Contains(strings.ToLower(m.Header.Get("Auto-Submitted")), "auto")):
		reason = "bounce subject and report text"
	default:
		return nil, "", ""
	}
	b := &Bounce{Source: "heuristic", OriginalMessageID: m.OriginalMessageID}
	for _, a := range ExtractAddresses(failedHdr) {
		b.Recipients = append(b.Recipients, Recipient{Addr: a})
	}
	fillFromText(b, m, text)
	if b.OriginalMessageID == "" {
		b.OriginalMessageID = originalIDFromText(m.Text)
	}
	return b, bounceKind(b), reason
}

func bounceKind(b *Bounce) Kind {
	switch {
	case b.Permanent:
		return KindBounce
	case len(b.Recipients) == 0 && b.Source == "json":
		return KindReceipt
	}
	return KindDelay
}

// reportText is the human-readable part of a report: the text before any
// copy of the returned message.
func reportText(m *Message) string {
	text := headOf(m.Text, 32000)
	if strings.TrimSpace(text) == "" {
		text = headOf(m.HTMLText, 32000)
	}
	if i := returnedStart(text); i >= 0 {
		text = text[:i]
	}
	return text
}

// copyMarkers start the copy of the returned message in a report's text.
var copyMarkers = []string{
	"------ This is a copy of the message", "--- Below this line is a copy of the message", "----- Original message -----",
	"------- Returned Message", "----- Original Message -----", "The original message was received", "Message headers follow",
	"------ Original message", "--- The header of the original message", "Original message headers:", "----- Unsent message follows -----",
	"--- Original message follows", "Original message follows", "------ Returned mail", "-----Original Message-----",
	"----- The following is a copy of the original message", "Your message reads", "---------- Original message",
	"------=_", "Content-Type: message/rfc822", "Content-Type: text/rfc822-headers", "----- Message Text -----",
}

func returnedStart(text string) int {
	best := -1
	for _, mk := range copyMarkers {
		if i := strings.Index(text, mk); i > 0 && (best < 0 || i < best) {
			best = i
		}
	}
	if i := inlineHeaderBlock(text); i > 0 && (best < 0 || i < best) {
		best = i
	}
	return best
}

var headerLineRe = regexp.MustCompile(`^(?:Return-Path|Received|Message-I[Dd]|From|To|Subject|Date|MIME-Version|Mime-Version|Content-Type|X-[\w-]+|Reply-To|Cc|DKIM-Signature|Authentication-Results|Delivered-To|References|In-Reply-To|Sender|User-Agent|Content-Transfer-Encoding):`)

// inlineHeaderBlock finds where a copy of a message's header starts in
// plain text: three header lines in a row, the first a Return-Path,
// Received or similar. It returns -1 when there is none.
func inlineHeaderBlock(text string) int {
	pos := 0
	run, start := 0, -1
	for n := 0; pos < len(text) && n < 2000; n++ {
		end := strings.IndexByte(text[pos:], '\n')
		line := text[pos:]
		if end >= 0 {
			line = text[pos : pos+end]
		}
		l := strings.TrimLeft(line, " >")
		switch {
		case headerLineRe.MatchString(l):
			if run == 0 {
				start = pos
			}
			run++
			if run >= 3 {
				return start
			}
		case run > 0 && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")):
			// a continuation line
		default:
			run = 0
		}
		if end < 0 {
			break
		}
		pos += end + 1
	}
	return -1
}

// fillFromText completes a heuristic bounce from its text: recipients,
// status and whether delivery has ended.
func fillFromText(b *Bounce, m *Message, text string) {
	// the returned message's header, when only the text carries it
	if m.OriginalMessageID == "" || len(m.OriginalTo) == 0 {
		full := headOf(m.Text, 64000)
		if i := inlineHeaderBlock(full[min(len(full), len(text)/2):]); i >= 0 {
			i += min(len(full), len(text)/2)
			sub := &Message{}
			oh, _ := readHeaderLenient([]byte(strings.TrimLeft(full[i:], " \t")), sub)
			m.original(oh)
			if b.OriginalMessageID == "" {
				b.OriginalMessageID = m.OriginalMessageID
			}
		}
	}
	status := textStatus(text)
	lt := strings.ToLower(text)
	delay := delaySubjectRe.MatchString(m.Subject) || (delayTextRe.MatchString(lt) && !finalTextRe.MatchString(lt))
	if strings.HasPrefix(status, "5.") && !delaySubjectRe.MatchString(m.Subject) {
		delay = false
	}
	if len(b.Recipients) == 0 {
		b.Recipients = textRecipients(m, text)
	}
	action := "failed"
	if delay {
		action = "delayed"
	}
	for i := range b.Recipients {
		r := &b.Recipients[i]
		if r.Status == "" {
			r.Status = recipientStatus(text, r.Addr, status)
		}
		r.Action = action
	}
	b.Permanent = !delay
}

var replyStatusRe = regexp.MustCompile(`\b([45]\d\d)[\s-]+#?([245]\.[0-7]\.\d{1,3})\b`)

// textStatus finds the status a report's text gives: "550 5.1.1" first,
// then a lone enhanced status.
func textStatus(text string) string {
	if sm := replyStatusRe.FindStringSubmatch(text); sm != nil {
		return sm[2]
	}
	return findStatus(text)
}

// recipientStatus is the status on the lines naming addr, else def.
func recipientStatus(text, addr, def string) string {
	lt := strings.ToLower(text)
	if i := strings.Index(lt, addr); i >= 0 {
		seg := text[i:min(len(text), i+600)]
		if sm := replyStatusRe.FindStringSubmatch(seg); sm != nil {
			return sm[2]
		}
		if s := findStatus(seg); s != "" {
			return s
		}
	}
	return def
}

var (
	// lines that carry addresses that are not recipients
	notRcptLineRe = regexp.MustCompile(`(?i)^\s*(?:received|message-id|in-reply-to|references|by |id |from |from\s*:|mail from|\(envelope-from|envelope-from|return-path|x-[\w-]+|dkim|authentication|arc-|sender|reply-to|errors-to|list-)`)
	helpLineRe    = regexp.MustCompile(`(?i)\b(?:commands|mailing list|contact|help ?desk|support|assistance|administrator|questions?|more information|abuse|unsubscribe|feedback)\b`)
	rcptCueRe     = regexp.MustCompile(`(?i)(?:recipient|address|delivered to|deliver(?:ing|y)? (?:your message )?to|to:|rcpt to|for <|user|mailbox|failed:|<[^<>\s]+@[^<>\s]+>\s*:|could not be delivered to|following|destinataire|empfänger|destinatario|ontvanger|получател|宛先)`)
)

// textRecipients finds the failed addresses a report's text names: the
// addresses in the text that are not parties to the report itself (its
// From, To, Return-Path, the original sender), mail-system addresses or
// help addresses; narrowed to the returned message's recipients when
// those are known.
func textRecipients(m *Message, text string) []Recipient {
	exclude := map[string]bool{}
	for _, l := range [][]Address{m.From, m.To, m.Cc, m.Sender, m.ReplyTo} {
		for _, a := range l {
			exclude[a.Addr] = true
		}
	}
	if m.ReturnPath != "" {
		exclude[m.ReturnPath] = true
	}
	if m.OriginalFrom != "" {
		exclude[m.OriginalFrom] = true
	}
	for _, a := range ExtractAddresses(m.Header.Get("Delivered-To")) {
		exclude[a] = true
	}
	orig := map[string]bool{}
	for _, a := range m.OriginalTo {
		orig[a] = true
	}
	type cand struct {
		addr string
		cue  bool
	}
	var cands []cand
	seen := map[string]int{}
	lines := strings.Split(headOf(text, 16000), "\n")
	for k, line := range lines {
		if notRcptLineRe.MatchString(line) || !strings.Contains(line, "@") {
			continue
		}
		cue := rcptCueRe.MatchString(line) || (k > 0 && rcptCueRe.MatchString(lines[k-1]))
		help := helpLineRe.MatchString(line) && !strings.Contains(strings.ToLower(line), "rcpt")
		for _, ix := range addrRe.FindAllStringIndex(line, 20) {
			raw := strings.Trim(line[ix[0]:ix[1]], ".")
			a := NormalizeAddress(raw)
			if a == "" || exclude[a] || isDaemonAddr(a) {
				continue
			}
			// inside a Message-ID-like token: <id@host> after "id" or with no dot in the domain
			if ix[0] > 0 && line[ix[0]-1] == '<' && strings.Contains(strings.ToLower(line[max(0, ix[0]-12):ix[0]]), "id") {
				continue
			}
			if help && !orig[a] {
				continue
			}
			if i, ok := seen[a]; ok {
				cands[i].cue = cands[i].cue || cue
				continue
			}
			seen[a] = len(cands)
			cands = append(cands, cand{a, cue || orig[a]})
		}
	}
	var out []Recipient
	add := func(a string) { out = append(out, Recipient{Addr: a}) }
	if len(cands) == 0 {
		// the report's own recipient may be the one that failed (mail to
		// oneself); take the cued addresses among the parties
		for k, line := range lines {
			if notRcptLineRe.MatchString(line) || !strings.Contains(line, "@") {
				continue
			}
			t := strings.TrimSpace(line)
			if !(strings.HasPrefix(t, "<") || addrRe.FindString(t) == strings.Trim(t, "<>: ") || (rcptCueRe.MatchString(line) && strings.Contains(line, "<") && strings.Contains(line, ">"))) {
				continue
			}
			_ = k
			for _, raw := range addrRe.FindAllString(line, 5) {
				if a := NormalizeAddress(strings.Trim(raw, ".")); a != "" && !isDaemonAddr(a) && a != m.OriginalFrom {
					if _, ok := seen[a]; !ok {
						seen[a] = len(cands)
						cands = append(cands, cand{a, true})
					}
				}
			}
		}
	}
	// bare names under "the following recipients" (AOL screen names)
	if len(cands) == 0 && len(m.From) > 0 {
		_, dom, _ := strings.Cut(m.From[0].Addr, "@")
		if i := strings.Index(dom, "."); i >= 0 && strings.Count(dom, ".") > 1 {
			dom = dom[i+1:]
		}
		for k, line := range lines {
			if k > 0 && strings.Contains(strings.ToLower(lines[k-1]), "following recipient") {
				if w := strings.TrimSpace(line); w != "" && !strings.ContainsAny(w, " @<>:") && len(w) < 64 {
					add(strings.ToLower(w) + "@" + dom)
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	// the returned message's recipients named in the text
	if len(orig) > 0 {
		for _, c := range cands {
			if orig[c.addr] {
				add(c.addr)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	for _, c := range cands {
		if c.cue {
			add(c.addr)
		}
	}
	if len(out) == 0 && len(cands) > 0 && len(cands) <= 2 {
		for _, c := range cands {
			add(c.addr)
		}
	}
	if len(out) == 0 {
		// a report that names nobody: the returned message's recipients,
		// else an X-Original-To that is not the report's own recipient
		for _, a := range m.OriginalTo {
			if !exclude[a] && !isDaemonAddr(a) {
				add(a)
			}
		}
		if len(out) == 0 {
			for _, a := range ExtractAddresses(m.Header.Get("X-Original-To")) {
				if !exclude[a] {
					add(a)
				}
			}
		}
	}
	if len(out) > 20 {
		out = out[:20]
	}
	return out
}

// originalIDInBodyRe finds a returned message's Message-ID in report text.
var originalIDInBodyRe = regexp.MustCompile(`(?im)^[ \t>]*message-id:\s*(<[^<>\s]+>)`)

func originalIDFromText(s string) string {
	if m := originalIDInBodyRe.FindStringSubmatch(headOf(s, 64<<10)); m != nil {
		return strings.Trim(m[1], "<>")
	}
	return ""
}

func headOf(s string, n int) string {
	if len(s) > n {
		for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
			n--
		}
		return s[:n]
	}
	return s
}

// sesNotification reads an Amazon SES notification (through SNS or sent
// directly): JSON with notificationType Bounce, Complaint or Delivery.
func sesNotification(m *Message) *Bounce {
	text := strings.TrimSpace(headOf(m.Text, 256<<10))
	i := strings.IndexByte(text, '{')
	if i < 0 || !strings.Contains(text, "notificationType") {
		return nil
	}
	j := strings.LastIndexByte(text, '}')
	if j <= i {
		return nil
	}
	raw := strings.ReplaceAll(text[i:j+1], "!\n ", "")
	raw = strings.ReplaceAll(raw, "\n", "")
	var outer struct {
		Message          string `json:"Message"`
		NotificationType string `json:"notificationType"`
	}
	if json.Unmarshal([]byte(raw), &outer) != nil {
		return nil
	}
	body := raw
	if outer.NotificationType == "" && outer.Message != "" {
		body = outer.Message
	}
	var n struct {
		NotificationType string `json:"notificationType"`
		Bounce           struct {
			BounceType        string `json:"bounceType"`
			BouncedRecipients []struct {
				EmailAddress   string `json:"emailAddress"`
				Action         string `json:"action"`
				Status         string `json:"status"`
				DiagnosticCode string `json:"diagnosticCode"`
			} `json:"bouncedRecipients"`
		} `json:"bounce"`
		Complaint struct {
			ComplainedRecipients []struct {
				EmailAddress string `json:"emailAddress"`
			} `json:"complainedRecipients"`
			ComplaintFeedbackType string `json:"complaintFeedbackType"`
		} `json:"complaint"`
		Mail struct {
			MessageID string `json:"messageId"`
			Headers   []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"headers"`
		} `json:"mail"`
	}
	if json.Unmarshal([]byte(body), &n) != nil {
		return nil
	}
	b := &Bounce{Source: "json"}
	for _, h := range n.Mail.Headers {
		if strings.EqualFold(h.Name, "Message-ID") {
			if ids := ExtractMessageIDs(h.Value); len(ids) > 0 {
				b.OriginalMessageID = ids[0]
			}
		}
	}
	switch strings.ToLower(n.NotificationType) {
	case "bounce":
		for _, r := range n.Bounce.BouncedRecipients {
			if a := NormalizeAddress(r.EmailAddress); a != "" {
				act := normAction(strings.ToLower(r.Action))
				if act == "" {
					act = "failed"
					if strings.EqualFold(n.Bounce.BounceType, "Transient") {
						act = "delayed"
					}
				}
				b.Recipients = append(b.Recipients, Recipient{Addr: a, Action: act, Status: findStatus(r.Status), Diagnostic: clip(stripType(r.DiagnosticCode), 500)})
			}
		}
		b.Permanent = !strings.EqualFold(n.Bounce.BounceType, "Transient")
		return b
	case "delivery":
		return b
	}
	return nil
}

// sesComplaint reads an Amazon SES complaint notification.
func sesComplaint(m *Message) *Complaint {
	text := strings.TrimSpace(headOf(m.Text, 256<<10))
	if !strings.Contains(text, "\"Complaint\"") && !strings.Contains(text, `\"Complaint\"`) {
		return nil
	}
	i, j := strings.IndexByte(text, '{'), strings.LastIndexByte(text, '}')
	if i < 0 || j <= i {
		return nil
	}
	raw := strings.ReplaceAll(strings.ReplaceAll(text[i:j+1], "!\n ", ""), "\n", "")
	var outer struct {
		Message string `json:"Message"`
	}
	_ = json.Unmarshal([]byte(raw), &outer)
	body := raw
	if outer.Message != "" {
		body = outer.Message
	}
	var n struct {
		NotificationType string `json:"notificationType"`
		Complaint        struct {
			ComplainedRecipients []struct {
				EmailAddress string `json:"emailAddress"`
			} `json:"complainedRecipients"`
			ComplaintFeedbackType string `json:"complaintFeedbackType"`
		} `json:"complaint"`
		Mail struct {
			Headers []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"headers"`
		} `json:"mail"`
	}
	if json.Unmarshal([]byte(body), &n) != nil || !strings.EqualFold(n.NotificationType, "complaint") {
		return nil
	}
	c := &Complaint{Source: "json", FeedbackType: strings.ToLower(n.Complaint.ComplaintFeedbackType)}
	if c.FeedbackType == "" {
		c.FeedbackType = "abuse"
	}
	for _, r := range n.Complaint.ComplainedRecipients {
		if a := NormalizeAddress(r.EmailAddress); a != "" {
			c.Recipients = append(c.Recipients, a)
		}
	}
	for _, h := range n.Mail.Headers {
		if strings.EqualFold(h.Name, "Message-ID") {
			if ids := ExtractMessageIDs(h.Value); len(ids) > 0 {
				c.OriginalMessageID = ids[0]
			}
		}
	}
	return c
}

var quotedFinalRe = regexp.MustCompile(`(?im)^[>\s]*(?:final|original)-recipient:\s*(?:rfc822;)?\s*<?([^\s<>;]+@[^\s<>;]+)>?`)

// forwardedBounce reads a delivery report someone forwarded ("Fwd:
// Returned mail: see transcript for details"): evidence that the address
// failed, written by the person who forwarded it.
func forwardedBounce(m *Message) *Bounce {
	sub := m.Subject
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(sub)), "fw") {
		return nil
	}
	rest := strings.TrimSpace(replyPrefixRe.ReplaceAllString(sub, ""))
	if !bounceSubjectRe.MatchString(rest) && !bounceSubjectAnyRe.MatchString(rest) {
		return nil
	}
	text := headOf(m.Text, 32000)
	ms := quotedFinalRe.FindAllStringSubmatch(text, 20)
	if len(ms) == 0 {
		return nil
	}
	b := &Bounce{Source: "forwarded", Permanent: true}
	for _, sm := range ms {
		if a := firstAddr(sm[1]); a != "" {
			r := Recipient{Addr: a, Action: "failed", Status: recipientStatus(text, a, "")}
			if strings.Contains(strings.ToLower(text), "action: delayed") {
				r.Action = "delayed"
				b.Permanent = false
			}
			b.Recipients = append(b.Recipients, r)
		}
	}
	b.Recipients = dedupeRecipients(b.Recipients)
	b.OriginalMessageID = originalIDFromText(text[min(len(text), strings.Index(strings.ToLower(text), "final-recipient")+1):])
	return b
}

func dedupeRecipients(rs []Recipient) []Recipient {
	seen := map[string]bool{}
	out := rs[:0:0]
	for _, r := range rs {
		if !seen[r.Address()] {
			seen[r.Address()] = true
			out = append(out, r)
		}
	}
	return out
}
