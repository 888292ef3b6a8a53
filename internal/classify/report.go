package classify

import (
	"bytes"
	"regexp"
	"strings"
)

// FeedbackReport is a message/feedback-report part (RFC 5965, ARF).
type FeedbackReport struct {
	FeedbackType     string   // abuse, fraud, opt-out, not-spam, virus, auth-failure, other (lower-case)
	OriginalMailFrom string   // normalised
	OriginalRcptTo   []string // normalised
	RemovalRecipient []string // normalised
	ReportedDomain   string
	UserAgent        string
}

func parseFeedback(body []byte) *FeedbackReport {
	if len(body) > 64<<10 {
		body = body[:64<<10]
	}
	h := readFieldGroup(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")))
	f := &FeedbackReport{
		FeedbackType:     strings.ToLower(strings.TrimSpace(h.Get("Feedback-Type"))),
		OriginalMailFrom: firstAddr(h.Get("Original-Mail-From")),
		ReportedDomain:   strings.ToLower(strings.TrimSpace(h.Get("Reported-Domain"))),
		UserAgent:        clip(strings.TrimSpace(h.Get("User-Agent")), 100),
	}
	for _, v := range h.Values("Original-Rcpt-To") {
		f.OriginalRcptTo = append(f.OriginalRcptTo, ExtractAddresses(v)...)
	}
	for _, v := range h.Values("Removal-Recipient") {
		f.RemovalRecipient = append(f.RemovalRecipient, ExtractAddresses(v)...)
	}
	return f
}

// Complaint is a spam complaint or other feedback report about a message
// we sent (RFC 5965 ARF, and the non-ARF abuse reports some providers send).
type Complaint struct {
	FeedbackType string
	// Recipients are who complained: Removal-Recipient, Original-Rcpt-To,
	// else the To of the reported message.
	Recipients []string
	// OriginalMessageID is the Message-ID of the reported message: the
	// way to find whom it was sent to.
	OriginalMessageID string
	Source            string // "arf" or "heuristic"
}

var abuseSubjectRe = mustFast(`(?i)^\s*(?:complaint about message from|abuse report|email abuse report|spam report|fbl|feedback loop|scomp|\[?abuse\]?\s*(?:report|complaint)|this is an email abuse report)`)

// detectComplaint reads an ARF report, or a provider's abuse report that
// carries the reported message.
func detectComplaint(m *Message) (*Complaint, string) {
	// Apple Mail's one-click unsubscribe sends an automated "unsubscribe"
	// on the person's behalf.
	if strings.EqualFold(strings.TrimSpace(m.Header.Get("X-Apple-Unsubscribe")), "true") {
		c := &Complaint{FeedbackType: "opt-out", Source: "heuristic", OriginalMessageID: m.OriginalMessageID}
		for _, a := range m.From {
			c.Recipients = append(c.Recipients, a.Addr)
		}
		return c, "Apple Mail unsubscribe (X-Apple-Unsubscribe)"
	}
	arf := m.MediaType == "multipart/report" && m.ReportType == "feedback-report"
	if !arf && m.Feedback == nil {
		// Non-ARF: an abuse-report subject from a provider, with the
		// reported message attached or quoted.
		if !abuseSubjectRe.MatchString(m.Subject) {
			return nil, ""
		}
		if m.OriginalMessageID == "" && originalIDFromText(m.Text) == "" {
			return nil, ""
		}
	}
	c := &Complaint{Source: "arf", OriginalMessageID: m.OriginalMessageID}
	why := "feedback report (RFC 5965)"
	if !arf && m.Feedback == nil {
		c.Source, why = "heuristic", "abuse report subject with the reported message"
	}
	if f := m.Feedback; f != nil {
		c.FeedbackType = f.FeedbackType
		c.Recipients = append(c.Recipients, f.RemovalRecipient...)
		if len(c.Recipients) == 0 {
			c.Recipients = append(c.Recipients, f.OriginalRcptTo...)
		}
	}
	if len(c.Recipients) == 0 {
		c.Recipients = append(c.Recipients, m.OriginalTo...)
	}
	if c.OriginalMessageID == "" {
		c.OriginalMessageID = originalIDFromText(m.Text)
	}
	if len(c.Recipients) == 0 {
		if i := strings.Index(strings.ToLower(m.Text), "\nto:"); i >= 0 {
			c.Recipients = ExtractAddresses(firstLine(m.Text[i+4:]))
		}
	}
	c.Recipients = dedupe(c.Recipients)
	if c.FeedbackType == "" {
		c.FeedbackType = "abuse"
	}
	return c, why
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0:0]
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// Receipt is a read receipt (RFC 8098 MDN, or a client's plain "Read:"
// notice) or a delivery success report.
type Receipt struct {
	Disposition string // displayed, deleted, dispatched… or "delivered" for a success DSN
	Source      string // "mdn", "dsn" or "heuristic"
}

var (
	readSubjectRe = mustFast(`(?i)^\s*(?:read|not read|nicht gelesen|gelesen|lu|non lu|leído|leido|no leído|gelezen|niet gelezen|lido|letto|läst|læst|lest|luettu|przeczytano|przeczytane|přečteno|olvasott|okundu|прочитано|прочитане|已读|已讀|読みました|開封済み|開封)\s*:|^\s*(?:read receipt|return receipt|read notification|lesebestätigung|accusé de lecture|confirmación de lectura|leesbevestiging|notification de lecture)\b`)
	readBodyRe    = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}_])(?:was (?:read|displayed) on|has been (?:read|displayed)|was deleted without being read|wurde am .{0,160}gelesen|wurde am .{0,160}ungelesen gelöscht|a été lu|fue leído|se leyó|ha sido leído|is gelezen|werd gelezen|foi lido|è stato letto|lästes|blev læst|ble lest|luettiin|została przeczytana|было прочитано|прочитано|已被阅读|が開封されました|開封されました|your message .{0,200}\bwas read\b)`)
)

func detectReceipt(m *Message) (*Receipt, string) {
	if m.MDN || (m.MediaType == "multipart/report" && m.ReportType == "disposition-notification") {
		d := m.Disposition
		if i := strings.LastIndexByte(d, ';'); i >= 0 {
			d = strings.TrimSpace(d[i+1:])
		}
		if d == "" {
			d = "displayed"
		}
		return &Receipt{Disposition: d, Source: "mdn"}, "disposition notification (RFC 8098)"
	}
	if readSubjectRe.MatchString(m.Subject) && readBodyRe.MatchString(headOf(m.Text, 2000)) {
		return &Receipt{Disposition: "displayed", Source: "heuristic"}, "read-receipt subject and text"
	}
	return nil, ""
}

// Challenge is a sender-verification request (challenge/response
// anti-spam: Boxbe, SpamArrest, cPanel BoxTrapper, Bluebottle, Mailbox.org
// and the like): the contact will only see our mail once we confirm.
type Challenge struct {
	URL    string // the link to follow, when one was given
	System string // the service, when known
}

var (
	challengeSystems = []struct {
		re   *fastRe
		name string
	}{
		{mustFast(`boxbe`), "Boxbe"},
		{mustFast(`spam ?arrest`), "SpamArrest"},
		{mustFast(`boxtrapper|verify#`), "BoxTrapper"},
		{mustFast(`bluebottle`), "Bluebottle"},
		{mustFast(`mailchannels`), "MailChannels"},
		{mustFast(`sanebox`), "SaneBox"},
		{mustFast(`qurb`), "Qurb"},
		{mustFast(`choicemail|digiportal`), "ChoiceMail"},
		{mustFast(`\bmailcleaner\b`), "MailCleaner"},
		{mustFast(`\bhey\.com\b|the screener`), "HEY Screener"},
	}
	challengeSubjectRe = mustFast(`(?:please (?:verify|confirm) (?:your|that you)|verification (?:required|request|needed)|(?:sender|e-?mail) verification|verify your (?:e-?mail|message|address|identity)|confirm(?:ation)? (?:required|request)|your (?:e-?mail|message) (?:requires|needs) (?:verification|confirmation)|awaiting (?:your )?(?:verification|confirmation)|is waiting for (?:your )?(?:verification|confirmation)|anti-?spam (?:check|verification|confirmation)|spam (?:protection|filter) (?:check|verification)|\bverify#|challenge|guest list|approved senders list|bestätigung erforderlich|bitte bestätigen|absenderbestätigung|vérification de l'expéditeur|confirmez votre|verificación del remitente|verifique su|bevestig uw)`)
	challengeBodyRe    = mustFast(`(?:(?:verify|confirm|prove) (?:that )?you(?:'re| are) (?:a )?(?:human|real person|not a (?:robot|spammer|machine))|one-time (?:verification|confirmation)|(?:sender|e-?mail) verification|verification (?:link|request|process)|to (?:verify|confirm) your (?:e-?mail|message|address)|(?:click|follow|visit) (?:on )?(?:the|this) (?:link|url|button)[^.]{0,80}(?:verify|confirm|deliver|approve|whitelist|released?)|(?:approved|accepted|added to (?:my|the|their) (?:whitelist|approved senders|guest list))|add (?:yourself|your (?:e-?mail )?address) to (?:my|the|their) (?:guest list|whitelist|allow ?list|approved senders|safe senders)|(?:was|has been) (?:waitlisted|wait-listed)|whitelist|challenge[- ]response|your message (?:is|has been) (?:held|quarantined|pending)[^.]{0,80}(?:until|unless)|will be delivered (?:once|after|as soon as) you|(?:only|until) (?:you|the sender) (?:verify|confirm|complete)|bitte bestätigen sie|bestätigungslink|dass sie (?:ein mensch|kein (?:roboter|spammer)) sind|wird (?:erst |nur )?zugestellt, (?:wenn|sobald|nachdem) sie|que vous (?:êtes|etes) (?:un humain|une personne)|sera (?:remis|délivré|distribué) (?:dès que|après que|une fois que) vous|que (?:usted )?es (?:un )?(?:humano|una persona)|será entregado (?:cuando|una vez que|después de que)|cliquez sur le lien[^.]{0,60}(?:confirmer|valider)|haga clic en el enlace[^.]{0,60}(?:verificar|confirmar))`)
	urlRe              = regexp.MustCompile(`https?://[^\s<>"'\)\]]+`)
)

// detectChallenge recognises a challenge/response request. Bounces and
// auto-replies are decided first; a challenge reads like both but asks us
// to do something.
func detectChallenge(m *Message) (*Challenge, string) {
	h := &m.Header
	text := headOf(m.Text, 16000)
	hdr := ""
	for _, k := range []string{"X-Boxbe-Challenge", "X-Spamarrest-Noauth", "X-Spam-Arrest", "X-Challenge", "X-Challenge-Response", "X-Boxtrapper", "X-Mailchannels-Challenge", "X-Cr-Hashedpuzzle-Challenge", "X-Sanebox"} {
		if h.Has(k) {
			hdr = k + " header"
			break
		}
	}
	from := ""
	if len(m.From) > 0 {
		from = strings.ToLower(m.From[0].Addr + " " + m.From[0].Name)
	}
	lsub := strings.ToLower(m.Subject)
	system := ""
	for _, s := range challengeSystems {
		if s.re.MatchString(from) || s.re.MatchString(lsub) {
			system = s.name
			break
		}
	}
	if system == "" && (m.NullReturnPath || isAutomatedSender(m) || h.Has("Auto-Submitted") || challengeSubjectRe.MatchString(lsub)) {
		for _, s := range challengeSystems {
			if s.re.MatchString(strings.ToLower(headOf(text, 4000))) {
				system = s.name
				break
			}
		}
	}
	subj := challengeSubjectRe.MatchString(lsub)
	if hdr == "" && system == "" && !subj && !m.NullReturnPath && !isAutomatedSender(m) && !h.Has("Auto-Submitted") && !h.Has("Precedence") {
		return nil, "" // nothing says challenge: do not read the text
	}
	body := challengeBodyRe.MatchString(strings.ToLower(text))
	why := ""
	switch {
	case hdr != "":
		why = hdr
	case system != "" && (subj || body):
		why = system + " sender verification"
	case subj && body:
		why = "verification request subject and text"
	case body && verifyLink(text) != "" && (m.NullReturnPath || isAutomatedSender(m) || h.Has("Auto-Submitted")):
		why = "automated verification request with a link"
	default:
		return nil, ""
	}
	return &Challenge{URL: verifyLink(text), System: system}, why
}

// verifyLink picks the link a challenge asks to follow: the first one
// near verification words, else the first link.
func verifyLink(text string) string {
	urls := urlRe.FindAllStringIndex(text, 50)
	if len(urls) == 0 {
		return ""
	}
	for _, u := range urls {
		around := strings.ToLower(text[max(0, u[0]-200):min(len(text), u[1]+100)])
		if strings.Contains(around, "verif") || strings.Contains(around, "confirm") || strings.Contains(around, "click") || strings.Contains(around, "approve") || strings.Contains(around, "bestätig") || strings.Contains(around, "valid") {
			return strings.TrimRight(text[u[0]:u[1]], ".,;:")
		}
	}
	return strings.TrimRight(text[urls[0][0]:urls[0][1]], ".,;:")
}
