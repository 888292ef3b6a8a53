package classify

import (
	"regexp"
	"strings"
)

// Quote headers and separators. Each marks where quoted history starts.
var (
	// "On Tue, 24 Nov 2026 at 10:00, Alex <a@x> wrote:" and its translations;
	// the start word and the verb are matched on a window of up to 3 lines
	// because clients wrap long attributions.
	attribStartRe = regexp.MustCompile(`(?i)^\s*(?:on|am|le|el|op|il|den|på|em|w dniu|dne|el día)\b`)
	attribEndRe   = regexp.MustCompile(`(?i)(?:(?:wrote|writes|schrieb|hat geschrieben|a écrit|escribió|escribio|schreef|ha scritto|skrev|kirjoitti|escreveu|napisał|napsal|написал|yazdı)\s*:?\s*$|\b(?:schrieb|schreef|escribió|escribio|a écrit|ha scritto|skrev|escreveu)\s[^\n]{0,150}:\s*$)`)
	// "Alex Doe <alex@example.com> wrote:" without a leading "On".
	bareAttribRe = regexp.MustCompile(`(?i)^.{0,200}(?:@|\d).{0,200}\b(?:wrote|schrieb|a écrit|escribió|schreef|ha scritto|skrev)\s*:\s*$`)
	// 写道 (Chinese clients) ends the attribution without a colon rule.
	cjkAttribRe = regexp.MustCompile(`写道[:：]?\s*$`)

	originalMsgRe = regexp.MustCompile(`(?i)^\s*[-_=]{2,}\s*(?:original message|ursprüngliche nachricht|originalnachricht|message d'origine|message original|mensaje original|oorspronkelijk bericht|messaggio originale|opprinnelig melding|ursprungligt meddelande|forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|doorgestuurd bericht|reply message|begin forwarded message)\s*[-_=]*\s*$`)
	beginFwdRe    = regexp.MustCompile(`(?i)^\s*begin forwarded message:?\s*$`)
	underscoreRe  = regexp.MustCompile(`^\s*_{8,}\s*$`)

	// Outlook header block: "From: …" followed within a few lines by
	// "Sent:", "Date:", "To:" or "Subject:" (and translations).
	outlookFromRe = regexp.MustCompile(`(?i)^\s*\*?(?:from|von|de|van|da|från|fra|od|от|发件人)\s*\*?\s*[:：]`)
	outlookNextRe = regexp.MustCompile(`(?i)^\s*\*?(?:sent|date|to|subject|cc|gesendet|datum|an|betreff|envoyé|à|objet|enviado|fecha|para|asunto|verzonden|aan|onderwerp|inviato|data|oggetto|skickat|till|ämne|发送时间|收件人|主题)\s*\*?\s*[:：]`)

	sigDashRe = regexp.MustCompile(`^--\s?$|^__\s?$|^—\s?$`)
	// disclaimerRe starts a legal or company footer.
	disclaimerRe = regexp.MustCompile(`(?i)^\s*(?:\*+\s*)?(?:this (?:e-?mail|message|communication)(?: and any (?:files|attachments)| \(including any attachments\))?(?: transmitted with it)? (?:is|are|may|contains?|and)|confidentiality (?:notice|note|statement|disclaimer)|disclaimer\s*:|the information (?:contained )?in this (?:e-?mail|message|communication)|if you (?:have )?received this (?:e-?mail|message|communication) in error|please consider the environment|diese (?:e-?mail|nachricht) (?:enthält|kann|ist)|der inhalt dieser e-?mail|ce (?:message|courriel|mail) (?:et (?:ses|toutes les) pièces|est confidentiel|peut contenir)|este (?:mensaje|correo)(?: electrónico)? (?:y sus anexos|es confidencial|contiene|puede contener)|dit (?:bericht|e-?mailbericht) is (?:uitsluitend|vertrouwelijk)|esta mensagem (?:e seus anexos|é confidencial|pode conter)|questo messaggio (?:e i suoi allegati|è confidenziale)|to unsubscribe|you are receiving this|you received this (?:message|email) because|unsubscribe from this list|manage (?:your )?(?:email )?preferences|view (?:this email )?in (?:your )?browser)`)
	// signOffRe is a closing line ("Best,", "Kind regards", "Cheers,
	// Maria"): what follows is a signature.
	signOffRe = regexp.MustCompile(`^\s*(?i:best(?: regards| wishes)?|kind regards|warm(?:est)? regards|warmly|regards|many thanks|thanks(?: again| so much| a lot)?|thank you(?: again)?|cheers|all the best|sincerely|yours(?: sincerely| truly)?|take care|talk soon|speak soon|with (?:best|kind) regards|viele grüße|beste grüße|liebe grüße|freundliche grüße|mit freundlichen grüßen|herzliche grüße|lg|vg|mfg|gruß|grüße|cordialement|bien (?:cordialement|à vous)|bien à toi|amitiés|bonne journée|merci(?: beaucoup)?|saludos(?: cordiales)?|un saludo|atentamente|un abrazo|gracias|met vriendelijke groet(?:en)?|groeten|groet|hartelijke groet(?:en)?|vriendelijke groet(?:en)?|atenciosamente|abraços|abraço|obrigad[oa]|cumprimentos|cordiali saluti|saluti|distinti saluti|grazie)\s*[,.!]?(?:\s+\p{Lu}[\p{L}.'-]*){0,3}\s*[,.!]?\s*$`)
	psRe      = regexp.MustCompile(`(?i)^\s*p\.?\s?s\.?\b`)
	mobileRe  = regexp.MustCompile(`(?i)^\s*(?:sent from my (?:iphone|ipad|android|mobile|phone|blackberry|samsung|galaxy|pixel|smartphone)|sent from (?:outlook|yahoo mail|mail for windows|my mobile device|proton mail|protonmail)|get outlook for (?:ios|android)|sent via |von meinem (?:iphone|ipad|smartphone|android|mobiltelefon) gesendet|gesendet von meinem|envoyé de mon|envoyé depuis mon|enviado desde mi|enviado do meu|verzonden (?:vanaf|met) mijn|inviato da(?:l mio)? |skickat från min)`)
)

// StripQuoted returns the new text of a reply: quoted history ("On … wrote:"
// in several languages, ">" lines, "-----Original Message-----", Outlook
// "From: … Sent: …" blocks, "Begin forwarded message") and signatures
// ("-- ", "Sent from my iPhone" and translations) removed. Inline answers
// between ">" lines are kept. Surrounding whitespace is trimmed.
func StripQuoted(text string) string {
	text = cleanText(text)
	if len(text) > 1<<20 {
		text = text[:1<<20]
	}
	lines := strings.Split(text, "\n")
	cut := len(lines)
	skip := map[int]bool{}
scan:
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, ">") || !mayBeMarker(t) {
			continue
		}
		switch {
		case originalMsgRe.MatchString(l), beginFwdRe.MatchString(l):
			cut = i
			break scan
		case sigDashRe.MatchString(strings.TrimRight(l, "\r")) || (t == "--" && i > 0):
			cut = i
			break scan
		case mobileRe.MatchString(l):
			cut = i
			break scan
		case disclaimerRe.MatchString(l):
			cut = i
			break scan
		case outlookFromRe.MatchString(l) && outlookBlock(lines, i):
			cut = i
			// an underscore rule just above belongs to the block
			break scan
		case underscoreRe.MatchString(l) && i+1 < len(lines) && outlookFromRe.MatchString(nextNonBlank(lines, i+1)):
			cut = i
			break scan
		}
		if n := attribution(lines, i); n > 0 {
			if quotedFollows(lines, i+n) {
				for k := i; k < i+n; k++ {
					skip[k] = true
				}
				i += n - 1
				continue
			}
			cut = i
			break scan
		}
	}
	// A sign-off near the end starts the signature (name, title, phone,
	// address): cut there, keeping a P.S.
	var ps []string
	for i := cut - 1; i >= 0 && i >= cut-15; i-- {
		t := strings.TrimSpace(lines[i])
		if t == "" || skip[i] || strings.HasPrefix(t, ">") {
			continue
		}
		if signOffRe.MatchString(t) && i > 0 && len(t) < 60 {
			for k := i + 1; k < cut; k++ {
				if psRe.MatchString(lines[k]) {
					ps = append(ps, lines[k:cut]...)
					break
				}
			}
			cut = i
			break
		}
	}
	var out []string
	for i := 0; i < cut; i++ {
		if skip[i] || strings.HasPrefix(strings.TrimSpace(lines[i]), ">") {
			continue
		}
		out = append(out, strings.TrimRight(lines[i], " \t"))
	}
	out = append(out, ps...)
	return strings.TrimSpace(squeezeBlank(strings.Join(out, "\n")))
}

// mayBeMarker is a cheap filter: lines that cannot start quoted history or
// a signature skip the regular expressions.
func mayBeMarker(t string) bool {
	if t == "" || len(t) > 600 {
		return false
	}
	if strings.ContainsAny(t, ":：-_@") {
		return true
	}
	// attribution starts and mobile signatures without a colon
	lt := strings.ToLower(t)
	first, _, _ := strings.Cut(lt, " ")
	switch first {
	case "on", "am", "le", "el", "op", "il", "den", "på", "em", "w", "dne",
		"this", "confidentiality", "confidential", "disclaimer", "disclaimer:", "the", "if", "please", "diese", "der", "ce", "este", "dit", "esta",
		"questo", "to", "you", "unsubscribe", "view", "manage", "*", "**", "***":
		return true
	}
	for _, w := range []string{"sent ", "get outlook", "gesendet", "envoy", "enviado", "verzonden", "inviato", "skickat", "von meinem", "begin forwarded", "写道"} {
		if strings.Contains(lt, w) {
			return true
		}
	}
	return false
}

// attribution reports how many lines (1–3) starting at i form an
// "On … wrote:" attribution, or 0.
func attribution(lines []string, i int) int {
	if bareAttribRe.MatchString(lines[i]) || cjkAttribRe.MatchString(lines[i]) {
		return 1
	}
	if !attribStartRe.MatchString(lines[i]) {
		return 0
	}
	joined := ""
	for n := 1; n <= 3 && i+n-1 < len(lines); n++ {
		l := strings.TrimSpace(lines[i+n-1])
		if n > 1 && (l == "" || strings.HasPrefix(l, ">")) {
			return 0
		}
		joined += " " + l
		if len(joined) > 500 {
			return 0
		}
		if attribEndRe.MatchString(joined) {
			return n
		}
	}
	return 0
}

// quotedFollows tells whether the next non-blank line from i is ">"-quoted,
// in which case the quote is removed line by line and text after it (a
// bottom-posted answer) is kept.
func quotedFollows(lines []string, i int) bool {
	for ; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" {
			continue
		}
		return strings.HasPrefix(t, ">")
	}
	return true
}

func outlookBlock(lines []string, i int) bool {
	seen := 0
	for k := i + 1; k < len(lines) && k <= i+5; k++ {
		if outlookNextRe.MatchString(lines[k]) {
			seen++
		}
	}
	return seen >= 2 || (seen >= 1 && i+1 < len(lines) && outlookNextRe.MatchString(lines[i+1]))
}

func nextNonBlank(lines []string, i int) string {
	for ; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "" {
			return lines[i]
		}
	}
	return ""
}

func squeezeBlank(s string) string {
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return s
}
