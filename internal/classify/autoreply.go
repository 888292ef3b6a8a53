package classify

import (
	"regexp"
	"strings"
	"time"
)

// AutoReply describes an automated answer (out of office, vacation,
// auto-responder) or a person's own out-of-office note.
type AutoReply struct {
	Signal string // what gave it away, e.g. "Auto-Submitted: auto-replied"
	// ReturnDate is the day the text says its writer is back (the end of
	// a stated range), midnight in the writer's zone; zero if none.
	ReturnDate time.Time
	// Personal: a person wrote the note themselves (no automation
	// header); the contact is away, not replying.
	Personal bool
}

var autoSubjectRe = mustFast(`(?i)^\s*(?:\[[^\]]{0,30}\]\s*)?(?:automatic reply|auto(?:matic)?[ -]?reply|auto(?:matic)?[ -]?response|autoreply|autoresponse|auto-?respond|out of (?:the )?office(?: autoreply| auto reply| reply| notice| alert| message)?|ooo|abwesenheitsnotiz|abwesenheit|abwesend|automatische antwort|réponse automatique|reponse automatique|absence|absente?|respuesta automática|respuesta automatica|fuera de la oficina|fuera de oficina|risposta automatica|fuori sede|fuori ufficio|autosvar|automatisch antwoord|afwezigheidsmelding|afwezig|resposta automática|resposta automatica|ausente|vacation reply|on vacation|away from the office|away from my desk|automatická odpověď|automatická odpoveď|automatyczna odpowiedź|automatisk svar|automatiskt svar|automaattinen vastaus|automaatvastus|automatikus válasz|automatinis atsakymas|automātiskā atbilde|automatski odgovor|samodejni odgovor|răspuns automat|resposta automàtica|risposta automatica|otomatik (?:yanıt|cevap)|sjálfvirkt svar|balasan otomatis|balasan automatik|trả lời tự động|автоматический ответ|автоответ|автоматична відповідь|автоматичен отговор|аутоматски одговор|αυτόματη απάντηση|תשובה אוטומטית|رد تلقائي|ตอบกลับอัตโนมัติ|자동 회신|자동 응답|自动回复|自動回覆|自動返信|自動応答|自動回信|不在)(?:[\s:：\]\-(]|$)`)

var outOfOfficeSubjectRe = mustFast(`(?i)\bis (?:currently )?out of (?:the )?office\b|\bon (?:annual )?leave\b.{0,20}$|\bout of office\b|\(out of office\)|\bvacation\b.{0,12}\bnotice\b|\bauto[- ]?reply\b`)

// oofBodyRe: out-of-office wording, only used together with a weak header
// signal because humans write "I was out of the office last week" too.
var oofBodyRe = mustFast(`\b(?:i am|i'm|i will be|i'll be|currently)\s+(?:currently\s+)?(?:out of (?:the )?office|on (?:annual |parental |maternity |paternity |sick )?leave|on vacation|on holiday|away|travell?ing)\b|limited access to (?:my )?e-?mail|\bbin (?:derzeit |aktuell |bis )?(?:nicht im büro|abwesend|außer haus|im urlaub)|je suis (?:actuellement )?(?:absente?|en congés?)|estoy (?:fuera de la oficina|de vacaciones|ausente)|ben (?:momenteel |tot )?(?:afwezig|niet op kantoor|met vakantie)|\bjeg er (?:på ferie|på kursus|fraværende|ikke på kontoret)|\bjag är (?:på semester|ledig|tjänstledig|inte på kontoret|borta)|\bjestem (?:na urlopie|poza biurem|nieobecn[ya])|this is an automat|automatic(?:ally)? (?:generated|reply|response)|do not reply to this`)

var noreplyRe = regexp.MustCompile(`^[^@]*[.\-_+](?:no-?reply|do-?not-?reply|donotreply|no_reply)@|^(?:no-?reply|do-?not-?reply|donotreply|no_reply|noreply|notifications?|notify|alerts?|mailer|auto-?confirm|automated|auto-?reply|autoresponder|newsletters?|marketing|digest)[@+.\-_]`)

// selfDeclaredAutoRe: the text says of itself that no person wrote or will
// read it ("This is an automated message", "This mailbox is no longer
// monitored", "a ticket has been created"). A person does not write that
// about their own answer, so it counts even in rapport's thread. Read in
// the new text only (a quoted notice says nothing about this message).
var selfDeclaredAutoRe = mustFast(`(?i)\bthis (?:e-?mail |mail )?(?:mailbox|inbox|address|e-?mail address|account) is (?:no longer|not) (?:being )?(?:monitored|checked|read|in use|active|attended)\b|` +
	`\bthis is an? (?:automated|automatic|automatically generated|auto-?generated|computer-generated) (?:message|response|reply|e-?mail|notification|notice|acknowledge?ment)\b|` +
	`\bthis (?:message|response|reply|e-?mail|notification) (?:is|was|has been) (?:automatically generated|generated automatically|sent automatically|automated)\b|` +
	`\b(?:a|your) (?:new |support )?(?:ticket|case)(?: number| no\.?| id)?(?: \(?#?\s*\d+\)?)? (?:has been|was|is) (?:created|opened|logged|raised)\b|` +
	`\byour (?:request|ticket|case|enquiry|inquiry)(?: number| no\.?| id)? \(?#?\s*\d+\)? has been (?:received|created|opened)\b|` +
	`\bdies ist eine automatisch(?:e|) (?:generierte )?(?:antwort|nachricht|e-mail)\b|\b(?:dieses postfach|diese (?:e-mail-)?adresse) wird nicht mehr (?:genutzt|gelesen|überwacht|abgerufen)\b|` +
	`\bceci est (?:un message|une réponse) (?:généré(?:e)? )?automatique\b|\bcette (?:adresse|boîte) n'est plus (?:consultée|utilisée|active)(?:[^\p{L}]|$)|` +
	`\b(?:este es un mensaje|esta es una respuesta) (?:generad[oa] )?automátic[oa]\b|\besta (?:dirección|cuenta|casilla) ya no (?:está|se) (?:activa|monitorea|revisa|utiliza)\b`)

// ticketSubjectRe: the subject of a help desk's acknowledgement of a new
// request ("Ticket Received - …", "[Request received] …", "Case #123
// opened").
var ticketSubjectRe = mustFast(`(?i)^\s*(?:\[[^\]]{0,40}\]\s*)?(?:(?:support |new )?(?:ticket|request|case|enquiry|inquiry)\s*(?:#\s*\d+\s*)?(?:received|created|opened|logged|acknowledge?d|acknowledge?ment)\b|we(?:'ve| have) received your (?:request|message|e-?mail|enquiry|inquiry)\b)|\[(?:request|ticket|case) (?:received|created|opened)\]`)

// isAutomatedSender: a no-reply or system sender address.
func isAutomatedSender(m *Message) bool {
	return len(m.From) > 0 && noreplyRe.MatchString(m.From[0].Addr)
}

// detectAutoReply returns the signal that marks the message as automated,
// or "". strong is false when only list or bulk headers gave it away:
// those say how mail was distributed, not that no person wrote it, and a
// reply in rapport's thread outweighs them.
func detectAutoReply(m *Message, inThread bool) (sig string, strong bool) {
	h := &m.Header
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" {
		tok := v
		if fs := strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '(' || r == ' ' || r == '\t' }); len(fs) > 0 {
			tok = fs[0]
		}
		if tok != "no" {
			return "Auto-Submitted: " + tok, true
		}
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Autoreply-From", "X-Mail-Autoreply", "X-Autoresponder", "X-Vacation", "X-Ms-Exchange-Inbox-Rules-Loop"} {
		if h.Has(k) {
			if k == "X-Autoreply" && strings.EqualFold(strings.TrimSpace(h.Get(k)), "no") {
				continue
			}
			return k + " header", true
		}
	}
	for _, k := range []string{"Precedence", "X-Precedence"} {
		if v := strings.ToLower(strings.TrimSpace(h.Get(k))); v == "auto_reply" || v == "auto-reply" || v == "autoreply" {
			return k + ": " + v, true
		}
	}
	if strings.EqualFold(strings.TrimSpace(h.Get("X-Autogenerated")), "reply") {
		return "X-Autogenerated: Reply", true
	}
	if strings.EqualFold(strings.TrimSpace(h.Get("X-Fc-Machinegenerated")), "true") {
		return "X-FC-MachineGenerated: true", true
	}
	if strings.Contains(strings.ToLower(h.Get("X-Post-Messageclass")), "autoresponder") {
		return "X-POST-MessageClass: Autoresponder", true
	}
	for _, v := range h.Values("Delivered-To") {
		if strings.EqualFold(strings.TrimSpace(v), "autoresponder") {
			return "Delivered-To: Autoresponder", true
		}
	}
	if autoSubjectRe.MatchString(m.Subject) || outOfOfficeSubjectRe.MatchString(m.Subject) || ticketSubjectRe.MatchString(m.Subject) {
		return "subject: " + clip(m.Subject, 60), true
	}
	if strings.Contains(strings.ToLower(h.Get("X-Mailer")), "autorespond") || strings.Contains(strings.ToLower(h.Get("X-Mailer")), "vacation") {
		return "X-Mailer: " + clip(h.Get("X-Mailer"), 40), true
	}
	if loc := selfDeclaredAutoRe.FindStringIndex(newTextOf(m, 3000)); loc != nil {
		return "the text says it is automatic (" + clip(newTextOf(m, 3000)[loc[0]:loc[1]], 60) + ")", true
	}
	// Weak signals count in pairs, or with out-of-office wording.
	// Precedence on list mail says how the list distributes, not that
	// nobody wrote it.
	var weak []string
	if v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); (v == "bulk" || v == "junk" || v == "list") && !listMail(h) {
		weak = append(weak, "Precedence: "+v)
	}
	if isAutomatedSender(m) {
		weak = append(weak, "no-reply sender")
	}
	if m.NullReturnPath {
		weak = append(weak, "Return-Path: <>")
	}
	oof := oofBodyRe.MatchString(strings.ToLower(headOf(m.Text, 2000)))
	if len(weak) >= 1 && oof {
		// A person writes "I'm travelling" too: with only a Precedence
		// header, a reply in rapport's thread outweighs it.
		return strings.Join(weak, ", ") + " and out-of-office text", isAutomatedSender(m) || m.NullReturnPath
	}
	if len(weak) >= 2 && (isAutomatedSender(m) || m.NullReturnPath) {
		return strings.Join(weak, ", "), true
	}
	return "", false
}

// listMail: the header a mailing list adds to what it distributes.
func listMail(h interface{ Has(string) bool }) bool {
	for _, k := range []string{"List-Id", "List-Post", "Mailing-List", "X-Mailing-List", "X-Beenthere", "List-Archive"} {
		if h.Has(k) {
			return true
		}
	}
	return false
}

// detectBulk recognises mass mail that is not a reply: newsletters and
// notifications from a no-reply sender, mail from bulk senders (List-
// Unsubscribe with an ESP's marks), Precedence: bulk/junk without a list a
// person posts to.
func detectBulk(m *Message) string {
	h := &m.Header
	prec := strings.ToLower(strings.TrimSpace(h.Get("Precedence")))
	listUnsub := h.Has("List-Unsubscribe")
	listID := h.Has("List-Id") || h.Has("Mailing-List") || h.Has("X-Mailing-List") || h.Has("List-Post")
	esp := h.Has("List-Unsubscribe-Post") || h.Has("Feedback-Id") || h.Has("X-Campaign") || h.Has("X-Campaignid") || h.Has("X-Mailgun-Tag") ||
		h.Has("X-Sg-Eid") || h.Has("X-Mc-User") || h.Has("X-Mailchimp") || h.Has("X-Newsletter") || h.Has("X-Marketing")
	switch {
	case isAutomatedSender(m) && (listUnsub || prec == "bulk" || esp):
		return "no-reply sender with bulk headers"
	case esp && listUnsub && !listID:
		return "bulk sender headers (List-Unsubscribe and a mailing service's marks)"
	case prec == "junk":
		return "Precedence: junk"
	case prec == "bulk" && listUnsub && !postable(h) && !answersSomething(m):
		// A discussion list says where to post (List-Post); bulk mail
		// with an unsubscribe link, nowhere to post and nothing it
		// answers is a mailing.
		return "Precedence: bulk and List-Unsubscribe without List-Post, answering nothing"
	case isAutomatedSender(m) && m.NullReturnPath:
		return "no-reply sender and Return-Path: <>"
	}
	return ""
}

// newTextOf is the head of the message's own text (the HTML's when there
// is no plain text), without quoted mail.
func newTextOf(m *Message, n int) string {
	t := m.Text
	if strings.TrimSpace(t) == "" {
		t = m.HTMLText
	}
	return StripQuoted(headOf(t, n))
}

// answersSomething: the message cites another (In-Reply-To, References) or
// its subject says it is a reply or a forward.
func answersSomething(m *Message) bool {
	h := &m.Header
	if strings.TrimSpace(h.Get("In-Reply-To")) != "" || strings.TrimSpace(h.Get("References")) != "" {
		return true
	}
	return replyPrefixRe.MatchString(m.Subject)
}

// postable: a mailing list people post to (RFC 2369 List-Post other than
// "NO"; Mailing-List as ezmlm and Google Groups write it).
func postable(h interface {
	Get(string) string
	Has(string) bool
}) bool {
	if v := strings.TrimSpace(h.Get("List-Post")); v != "" && !strings.EqualFold(v, "no") {
		return true
	}
	return h.Has("Mailing-List")
}
