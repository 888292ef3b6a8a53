package classify

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"rapport/internal/when"
)

// Proposal is a meeting time a person offered, as an instant in the zone
// they meant, with the end of the window when they gave a range ("1-4pm").
type Proposal struct {
	At    time.Time
	Until time.Time // zero unless a range was written
	// Zone is the zone name the writer stated ("CET", "Pacific"); empty
	// when the time was read in their zone (Context.ContactLoc, else their
	// Date: offset, else the owner's zone).
	Zone string
	Text string // as written
}

// analysis is what the new text of a person's message says.
type analysis struct {
	optOut, decline, snoozeWhy, question, accept, oof string
	snooze                                            time.Time
	proposals                                         []Proposal
	referrals                                         []Referral
	returnDate                                        time.Time
	questions                                         []string
}

var (
	// acceptRe: agreeing to talk.
	acceptRe    = mustFast(`\b(?:happy to|glad to|would love to|i'd love to|love to|i'd be (?:happy|glad|delighted)|i would be (?:happy|glad|delighted)|delighted to|sure(?:\s*thing)?\b|of course|absolutely|definitely|count me in|sounds good|sounds great|that works|works for me|works great|let's do it|let's find|let's set|let's schedule|let's chat|let's talk|let's grab|let's connect|let's meet|i can do|i'm free|i am free|i'm available|i am available|yes[,!. ]|yes$|ok[,!. ]|okay|no problem|my pleasure|with pleasure|i'm in|keen to|pleased to|more than happy|always happy|always glad|gladly|gerne|gern\b|sehr gerne|klar\b|natürlich|kein problem|passt mir|bin dabei|volontiers|avec plaisir|bien sûr|bien sur|ce serait un plaisir|je serais ravie?|pas de souci|pas de problème|d'accord|con gusto|claro|por supuesto|encantad[oa]|será un placer|sera un placer|sin problema|de acuerdo|graag|prima\b|geen probleem|leuk om|met plezier|com prazer|claro que sim|será um prazer|sem problema|certo\b|volentieri|certamente|(?:monday|tuesday|wednesday|thursday|friday|tomorrow|either|both|either one|any of those|that time|that day|the \d+(?:st|nd|rd|th)?) works\b|(?:monday|tuesday|wednesday|thursday|friday|tomorrow)(?: is|'s| would be) (?:fine|good|great|better|perfect|ok|okay)\b|(?:maandag|dinsdag|woensdag|donderdag|vrijdag|morgen) (?:kan |is )?(?:wel|prima|goed)\b|(?:montag|dienstag|mittwoch|donnerstag|freitag|morgen) (?:geht|passt)\b|works (?:fine|well|perfectly)|passt (?:gut|prima|perfekt)|(?:me va|me viene) bien|me convient|past (?:mij |me )?(?:prima|goed)|va bene|fica bom|(?:could|might|should|would) (?:also )?work(?: for me| for us| fine| well)?\b|sounds (?:fine|ok|okay|lovely|perfect|reasonable|like a plan)|let me know what (?:works|suits|time works|day works)|(?:^\W*(?:totally|for sure|yep|yup|yeah)(?:[,!.]|$))|go for it|(?:pick|grab|book|choose|snag) (?:a |any |some )?(?:time|slot|spot)s?\b|con mucho gusto|(?:i'd|i would|i'm|i am) (?:be )?(?:up|game|down) for (?:it|that|this|a chat|a call)|(?:send|give|suggest|propose|let me know|share) (?:me )?(?:a few|some|a couple of|a couple|your|two or three|2-3) (?:times|slots|options|dates|days)|gärna|fungerar (?:bra )?för mig|passar (?:mig |bra)|chętnie|jasne\b|oczywiście|z przyjemnością|pasuje mi)|\Bça me va\b`)
	notBeforeRe = regexp.MustCompile(`(?:\bnot|n't|\bno|\bnever|\bnicht|\bpas|\bnunca)\s+(?:\w+\s+)?$`)
	// conditionalBeforeRe: the agreement is hypothetical ("normally I'd
	// be happy to", "otherwise I would love to").
	conditionalBeforeRe = regexp.MustCompile(`\b(?:normally|usually|ordinarily|otherwise|in principle|under (?:normal|other) circumstances|any other time|normalerweise|sonst|grundsätzlich|normalement|d'habitude|en temps normal|normalmente|por lo general|en otras circunstancias|normaal gesproken|normaal|meestal|anders|em outras circunstâncias|di solito|di norma|in altre circostanze)\b[^.!?\n]*$`)
	// withdrawnAfterRe: the agreement is taken back in the same sentence
	// ("happy to help, but I'm leaving the company so I'll have to pass").
	withdrawnAfterRe = regexp.MustCompile(`^[^.!?\n]{0,80}?\b(?:but|however|unfortunately|sadly|aber|leider|mais|malheureusement|pero|lamentablemente|desafortunadamente|maar|helaas|mas|infelizmente|ma|purtroppo)\b[^.!?\n]{0,120}?` + refusalExpr)
	// falseFriendAfterRe, falseFriendBeforeRe: an accept word of one
	// language that is another word in another: the Dutch "prima" (fine)
	// is the Italian "prima di" (before), "la prima" (the first).
	falseFriendAfterRe  = regexp.MustCompile(`^\s*(?:di|d'|che|del|della|dello|dei|degli|delle|volta|o poi|possibile)\b`)
	falseFriendBeforeRe = regexp.MustCompile(`\b(?:la|una|per la|alla|della|sulla)\s+$`)
	// deferRe: "not now".
	deferRe = mustFast(`\b(?:busy|swamped|slammed|hectic|crazy|packed|buried|underwater|not now|not right now|at the moment|right now|currently|bad time|not a good time|postpone|later|travel\w*|away|out of (?:the )?office|on leave|parental leave|maternity|paternity|sabbatical|reach (?:back )?out|try (?:me|again|back)|ping me|get back to me|check back|circle back|follow up|touch base|get in touch|come back to me|contact me|write (?:to )?me|e-?mail me|drop me|revisit|after (?:the|my)|derzeit|momentan|zurzeit|gerade|später|melden sie sich|melde dich|nochmal|noch einmal|wieder|plus tard|en ce moment|actuellement|débord|recontact\w*|revenez|relancez|reprenez|más adelante|mas adelante|ahora mismo|en este momento|ocupad[oa]|vuelve a|escríbeme|escribeme|contáctame|nu niet|druk|later|neem (?:dan )?contact|mail me|benader me|neste momento|agora não|mais tarde|ocupad[oa]|in questo momento|più avanti|contact op|nog eens|nogmaals|opnieuw|encore une fois|de nouveau|otra vez|de nuevo|novamente|not until|not before|nicht vor|erst (?:ab|im|nach|in|wieder)|pas avant|no antes de|niet voor|pas (?:na|vanaf|in)|não antes de|só (?:em|a partir|depois|no)|non prima di|solo (?:a partire|dopo|da)|stuur (?:me|mij)|nog een (?:berichtje|mailtje|bericht|mail)|lukt (?:het )?(?:\w+ )?(?:\w+ )?niet|laat (?:me |maar |dan )*(?:weer |nog )?(?:iets )?(?:van je |van u )?horen|me escreva|me mande|fale comigo|riscrivimi|riscrivetemi|riscrivermi|ricontattami|ricontattatemi|ricontattarmi|scrivimi|mi riscriva|mi ricontatti|sentiamoci|risentiamoci|al momento|in questo periodo|per ora|adesso no|me escribes|me escribe|escríbame|escribame|me contactas|me contacta|contácteme|contacteme|me llamas|no tengo hueco|sin hueco|(?:ask|try|ping|e-?mail|write|contact|message|nudge|remind) (?:me )?again|revenez vers moi|reviens vers moi|recontacte-moi|relance-moi|viel los|viel zu tun|not this (?:year|month|week|quarter|side of \w+)|heads[- ]down|flat out|snowed under|tied up|up to my (?:eyes|ears|neck)|noch mal|schreib(?:e|t)? mir|me procure|de novo)\b|\B(?:écris-moi|écrivez-moi)\b`)
	// askLaterRe: asking to be written to again later (a snooze), as
	// opposed to saying they will answer when back (an out-of-office).
	askLaterRe = mustFast(`\b(?:try (?:me|again|back)|reach (?:back )?out (?:again|then|after|in|later)|reach out to me|ping me|get back to me|check back|circle back|follow up (?:in|after|then|later)|touch base|get in touch|contact me|come back to me|write (?:to )?me|e-?mail me|drop me|send me|revisit|melden sie sich|melde dich|schreiben sie mir|kontaktieren sie mich|recontact\w*|revenez|relancez|reprenez|escríbeme|escribeme|contáctame|contactame|vuelve a|neem (?:dan )?contact|contact op|mail me|benader me|me procure|me escreva|me mande|fale comigo|stuur (?:me|mij)|laat (?:me |maar |dan )*(?:weer |nog )?(?:iets )?(?:van je |van u )?horen|riscrivimi|riscrivetemi|riscrivermi|ricontattami|ricontattatemi|ricontattarmi|scrivimi|mi riscriva|mi ricontatti|sentiamoci|risentiamoci|me escribes|me escribe|escríbame|escribame|me contactas|me contacta|contácteme|contacteme|(?:ask|try|ping|e-?mail|write|contact|message|nudge|remind) (?:me )?again|revenez vers moi|reviens vers moi|recontacte-moi|relance-moi|noch mal|schreib(?:e|t)? mir)\b|\B(?:écris-moi|écrivez-moi)\b`)
	// questionCueRe: a question that must be answered before agreeing.
	// preAgreeQRe: what someone asks before they will agree, even after
	// a polite "happy to".
	preAgreeQRe    = mustFast(`\b(?:before (?:i|we) (?:commit|agree|say yes|set|schedule|book)|can you (?:tell|share|explain) (?:me )?(?:a bit |a little )?more|could you (?:tell|share|explain) (?:me )?(?:a bit |a little )?more|what exactly|what specifically|what is this (?:about|regarding)|what's (?:this|it) about|are you (?:looking for a job|applying|job hunting|job-hunting)|is this (?:about|for) a (?:job|role|position)|why me|who (?:gave|referred|told)|how did you (?:get|find)|send (?:me )?your (?:cv|resume|résumé) first|cv first|resume first|worum geht|de quoi s'agit|de qué se trata|waar gaat het over|do que se trata|di cosa si tratta|di che si tratta|di cosa vorresti parlare|cosa vorresti (?:sapere|chiedermi|discutere)|sobre o que (?:você )?(?:quer|gostaria)|o que exatamente|was genau|qu'est-ce que vous (?:cherchez|voulez) exactement|qué (?:quieres|buscas) exactamente|wat (?:wil|zoek) je precies|wat wil je (?:precies )?weten)`)
	substantiveQRe = mustFast(`\b(?:what (?:exactly|specifically|is (?:this|it)|are you|do you|would you|kind of|sort of|type of|area|role|questions|topics)|what's (?:this|it) about|what is this regarding|what would you like|which (?:role|position|team|area|company)|why (?:me|do you|are you)|who (?:gave|referred|told|are you)|how did you (?:get|find|hear)|where did you|can you (?:tell|share|send|explain|give|clarify|say)|could you (?:tell|share|send|explain|give|clarify|say)|would you (?:mind )?(?:tell|share|send|explain)|are you (?:looking|applying|interested|a student|currently|hoping|seeking)|is this (?:about|for|regarding|related)|do you have (?:a|your) (?:cv|resume|résumé|linkedin|portfolio)|before (?:we|i) |first,|worum geht|was genau|können sie mir (?:mehr|sagen)|warum|wer hat|de quoi s'agit|pourquoi|qu'est-ce que|pouvez-vous m'en dire|de qué se trata|por qué|qué (?:buscas|busca)|waar gaat|waarom|wat (?:zoek|wil)|do que se trata|por que|di cosa|cosa (?:vorresti|vuoi|cerchi)|perché|o que (?:você )?(?:procura|busca|gostaria|quer)|esattamente|exatamente|exactamente|exactement|precies|genau)`)
	logisticsQRe   = mustFast(`\b(?:when|what time|which (?:day|time|slot)|what day|phone or|or video|zoom or|or zoom|teams|call you|your number|number to|send (?:me )?(?:an? )?(?:invite|invitation|link)|calendar|time zone|timezone|works? for you|suit you|are you free|are you available|does that work|would that work|how long|wann|welche zeit|quand|quelle heure|cuándo|cuando|a qué hora|wanneer|hoe laat|quando|que horas)`)
	pleasantryQRe  = regexp.MustCompile(`(?i)^\s*(?:how are you|how's it going|how have you been|hope you'?re well|how was your|wie geht'?s|comment ça va|qué tal|cómo estás|hoe gaat het|tudo bem)\b`)
	// oofPersonRe: a person writing that they are away.
	oofPersonRe = mustFast(`\bich bin\b[^!?\n]{0,50}\b(?:im urlaub|abwesend|verreist|unterwegs|nicht im büro|in elternzeit)\b|\bje suis\b[^.!?\n]{0,40}\b(?:absente?|en congés?|en vacances|en déplacement)\b|\bestoy\b[^.!?\n]{0,40}\b(?:de vacaciones|fuera de la oficina|de viaje)\b|\b(?:i am|i'm|i will be|i'll be|i'm currently|i am currently|currently)\s+(?:currently\s+|now\s+|still\s+)?(?:out of (?:the )?office|ooo|on (?:annual |parental |maternity |paternity |sick |medical |family )?leave|on (?:a )?(?:vacation|holiday|holidays|sabbatical|break)|away|travell?ing|abroad|offline|out|off)\b|\b(?:limited|no|intermittent|spotty|little) access to (?:my )?(?:e-?mail|email|the internet)\b|\bbin (?:derzeit |aktuell |gerade |noch |bis )?(?:nicht im büro|abwesend|außer haus|im urlaub|in elternzeit|unterwegs|verreist)|\bich bin (?:derzeit |aktuell |gerade |noch )?(?:im urlaub|in elternzeit|unterwegs|verreist|abwesend)|\bje suis (?:actuellement |en ce moment )?(?:absente?|en congés?|en vacances|en déplacement)|\bestoy (?:fuera de la oficina|de vacaciones|ausente|de viaje|de baja)|\bben (?:momenteel |tot )?(?:afwezig|niet op kantoor|met vakantie|op reis)|\bestou (?:de férias|fora do escritório|viajando|ausente)|\bsono (?:in ferie|fuori ufficio|in viaggio)|\b(?:i am|i'm|i will be|i'll be)\s+(?:currently\s+|now\s+|still\s+)?(?:at|attending)\s+(?:a|an|the|our|my)\s+(?:\w+\s+)?(?:conference|offsite|off-site|summit|trade ?show|workshop|retreat|event)\b|\b(?:i am|i'm|i will be|i'll be)\s+(?:currently\s+|now\s+)?on (?:a |the )?(?:business |work )?(?:trip|road)\b|^\W*(?:currently\s+)?(?:on (?:annual |parental |maternity |paternity |sick )?(?:holiday|holidays|vacation|leave|pto|a (?:business )?trip)|out of (?:the )?office|ooo|travell?ing|abroad)\b[^.!?\n]{0,40}\b(?:until|till|til|through|thru|back|returning|from)\b|^\W*(?:im urlaub|unterwegs|verreist|auf (?:dienst|geschäfts)?reisen?|en congés?|en vacances|en déplacement|de vacaciones|de viaje|fuera de la oficina|op vakantie|met vakantie|op reis|de férias|em viagem|in ferie|in viaggio|fuori ufficio)[^.!?\n]{0,40}(?:\b(?:bis|jusqu|au|hasta|al|tot|t/m|fino)\b|\baté)|\bbin (?:derzeit |aktuell |gerade |noch )?auf (?:einer )?(?:dienstreise|geschäftsreise|konferenz|messe|reisen)|\bestou (?:em viagem|viajando)|\b(?:estoy|estaré|estare) (?:fuera|de viaje|de vacaciones|ausente)\b|\b(?:estou|estarei) (?:fora|de férias|viajando|ausente)\b|\bsarò (?:fuori|in ferie|in viaggio|assente)\b|\bje serai (?:absente?|en congés?|en vacances|en déplacement)|\bich bin\b[^.!?\n]{0,40}\b(?:nicht erreichbar|außer haus)|\bik ben\b[^.!?\n]{0,40}\b(?:afwezig|met vakantie|op vakantie|op reis|niet op kantoor)\b|\b(?:i am|i'm|i will be|i'll be)\b[^.!?\n,;]{0,30}?\b(?:out of (?:the )?office|on (?:annual |parental |maternity |paternity |sick |medical |family )?leave|on (?:vacation|holiday|holidays|sabbatical))\b|^\W*(?:away|off|out)\b[^.!?\n]{0,30}\b(?:until|till|til|through|thru|back)\b`)
	oofLaterRe  = mustFast(`\b(?:when i(?:'m| am)? (?:back|return)|once i(?:'m| am)? back|on my return|upon my return|after i return|i'll (?:get back|reply|respond|answer)|i will (?:get back|reply|respond|answer)|get back to you|respond (?:to your (?:e-?mail|message) )?(?:when|once|after|as soon)|reply (?:when|once|after|as soon)|wenn ich zurück|nach meiner rückkehr|melde mich|mon retour|je vous répondrai|je reviendrai vers vous|a mi regreso|a mi vuelta|a la vuelta|al volver|cuando vuelva|le responderé|te responderé|bij terugkomst|na mijn terugkeer|ao meu regresso|quando voltar|al mio rientro)`)
	returnCueRe = mustFast(`\b(?:back|return|returning|returns|resume|resuming|zurück|wieder|retour|rentre|rentrerai|de retour|regres\w*|vuelta|vuelvo|volver[ée]?|terug|weer|partir du|a partir del|ab dem|ab|vanaf|dès le|des le|volto|regresso|rientro)\b`)
	untilCueRe  = mustFast(`\b(?:until|till|til|through|thru|to|bis|bis zum|bis einschließlich|jusqu'au|jusqu'à|jusqu'a|au|hasta|hasta el|al|tot en met|tot|t/m|até|fino al)\s*(?:and including\s+|einschließlich\s+|inclusive\s+|the\s+|le\s+|el\s+|den\s+|zum\s+|dem\s+|o\s+|de\s+)*(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?,?\s*|(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag),?\s*)?$`)
	afterCueRe  = regexp.MustCompile(`(?i)\b(?:after|nach dem|nach den|nach|après le|après les|après|apres|después del|después de|despues de|na de|na|após|dopo)\s*(?:the\s+|le\s+|la\s+|el\s+|de\s+)?$`)
	negPropRe   = mustFast(`\b(?:can't|cannot|can not|couldn't|not able|unable|won't|wont|doesn't work|does not work|don't work|not work|isn't good|not good|is bad|busy|booked|not available|unavailable|out of (?:the )?office|away|travell?ing|until|till|through|back on|was|were|last|kann nicht|geht nicht|passt nicht|leider nicht|pas possible|ne peux pas|ne suis pas|no puedo|no me va|no estoy|kan niet|past niet|não posso|non posso)\b`)
)

// refusalExpr: words that refuse the request outright.
const refusalExpr = `(?:(?:can't|cannot|can not|won't be able to|will not be able to|unable to|not able to|not be able to)\s+(?:really\s+)?(?:help|assist|make (?:the )?time|commit|take (?:this|it|that|on|you up)|do (?:this|it|that|one|any)|meet|participate|be of|offer|fit (?:this|it|you) in)|(?:have|need|got) to (?:pass|decline|say no)|(?:'ll|will|must|going to) (?:have to )?(?:pass|decline|say no)|\bno longer\b|leaving (?:the company|the firm|my (?:job|role|position))|not the (?:right|best) person|(?:don't|do not) have (?:the )?(?:time|bandwidth|capacity)|no (?:time|bandwidth|capacity)\b|kann (?:ihnen |dir )?(?:leider )?nicht (?:helfen|weiterhelfen)|keine zeit|ne (?:peux|pourrai) pas (?:vous aider|donner suite)|pas le temps|no (?:puedo|podré) ayudar|no tengo tiempo|kan (?:je|u) niet helpen|geen tijd|não (?:posso|vou poder|consigo) ajudar|não tenho tempo|non (?:posso|riesco a) aiutar|non ho tempo)`

// acceptNotMeant reports an agreement phrase at s[i:j] that does not
// agree: hypothetical, taken back by a refusal after a "but", or a false
// friend from another language.
func acceptNotMeant(s string, i, j int) bool {
	a, _ := sentenceOf(s, i, j)
	if conditionalBeforeRe.MatchString(s[a:i]) || withdrawnAfterRe.MatchString(s[j:]) {
		return true
	}
	if noneBeforeRe.MatchString(s[a:i]) {
		return true // "neither of those would work", "nothing could work"
	}
	if strings.TrimSpace(s[i:j]) == "prima" && (falseFriendAfterRe.MatchString(s[j:]) || falseFriendBeforeRe.MatchString(s[max(0, i-12):i])) {
		return true
	}
	return false
}

// declineAfterBut finds a refusal that follows a polite agreement and a
// "but" in the same sentence ("Normally I'd be happy to help, but I'll
// have to pass"); matchDecline leaves a sentence with a positive phrase
// alone, since "not able to help with jobs, but happy to chat" agrees.
func declineAfterBut(s string) string {
	spans := sentenceSpans(s)
	for _, ph := range declinePhrases {
		for _, ix := range ph.re.findInSpans(s, spans, 10) {
			start, end := sentenceAround(s, ix[0], ix[1])
			pos := declinePositiveRe.FindStringIndex(s[start:ix[0]])
			if pos == nil || declineButRe.MatchString(s[ix[1]:end]) {
				continue
			}
			if contrastRe.MatchString(s[start+pos[1] : ix[0]]) {
				return s[ix[0]:ix[1]]
			}
		}
	}
	return ""
}

// declineNoDay finds a refusal that declines the whole request only when
// its sentence names no day or time.
func declineNoDay(s string) string {
	spans := sentenceSpans(s)
	for _, ph := range declineNoDayPhrases {
		for _, ix := range ph.re.findInSpans(s, spans, 10) {
			start, end := sentenceAround(s, ix[0], ix[1])
			if dayWordRe.MatchString(s[start:end]) || declineButRe.MatchString(s[ix[1]:end]) {
				continue
			}
			return s[ix[0]:ix[1]]
		}
	}
	return ""
}

// noneBeforeRe: a quantifier that empties what follows.
var noneBeforeRe = regexp.MustCompile(`\b(?:nothing|neither|none|no (?:day|time|slot|date)s?)\b`)

var contrastRe = regexp.MustCompile(`\b(?:but|however|unfortunately|sadly|aber|leider|mais|malheureusement|pero|lamentablemente|maar|helaas|mas|infelizmente|ma|purtroppo)\b`)

// analyze reads the new text of a person's message (and its subject).
func analyze(text, subject string, o when.Options, cc []Address, exclude map[string]bool) analysis {
	var a analysis
	raw := unwrapLines(headOf(text, maxIntentText))
	s := lowerText(raw)
	a.optOut = matchOptOut(s)
	if a.optOut == "" {
		a.optOut = subjectOptOut(subject, s)
	}
	a.decline = matchDecline(s)
	if a.decline == "" {
		a.decline = declineAfterBut(s)
	}
	if a.decline == "" {
		a.decline = declineNoDay(s)
	}
	for _, m := range acceptRe.findInSpans(s, sentenceSpans(s), 10) {
		// "I'm not sure", "not happy to", "wouldn't love to"
		if notBeforeRe.MatchString(s[max(0, m[0]-16):m[0]]) {
			continue
		}
		if acceptNotMeant(s, m[0], m[1]) {
			continue
		}
		a.accept = s[m[0]:m[1]]
		break
	}
	exprs := when.Find(raw, o)
	a.proposals = proposals(raw, s, exprs, o.Ref)
	a.snooze, a.snoozeWhy = snoozeDate(raw, s, exprs, o.Ref)
	if !a.snooze.IsZero() && a.snooze.Sub(o.Ref) < 15*24*time.Hour && a.accept != "" && !deferRe.MatchString(s) {
		// "Happy to chat next week" agrees to talk soon: answer with
		// times, do not wait.
		a.snooze, a.snoozeWhy = time.Time{}, ""
	}
	a.questions = questions(raw)
	for _, q := range a.questions {
		lq := lowerText(q)
		if preAgreeQRe.MatchString(lq) || (a.accept == "" && (substantiveQRe.MatchString(lq) || !logisticsQRe.MatchString(lq))) {
			a.question = strings.TrimSpace(q)
			break
		}
	}
	if m := oofPersonRe.findInSpans(s, sentenceSpans(s), 1); m != nil {
		a.oof = s[m[0][0]:m[0][1]]
		a.returnDate = returnDate(raw, s, exprs)
	}
	a.referrals = findReferrals(raw, cc, exclude)
	if d := delegateSentence(s); d != "" {
		// an assistant copied in to find a time: a yes, and the assistant
		// is no one to write to instead
		if a.accept == "" && a.decline == "" && a.optOut == "" {
			a.accept = strings.TrimSpace(d)
		}
		a.referrals = dropDelegates(raw, a.referrals)
	}
	return a
}

// delegateWhoRe, delegateWhatRe: someone added to arrange the meeting,
// both in one sentence ("adding my EA Jen to find time", "looping in Rob
// to coordinate a time", "my assistant will reach out to schedule").
var (
	delegateWhoRe  = mustFast(`\b(?:my|our) (?:ea|pa|assistant|executive assistant|scheduler|scheduling assistant|office manager|chief of staff)\b|\b(?:adding|added|copying|copied|cc'?ing|cc'd|cc-?ing|looping in|looped in|loop in|including)\b`)
	delegateWhatRe = mustFast(`\b(?:find|schedule|coordinate|set up|book|arrange|sort out|line up|get) (?:a |some |us |the )?(?:time|times|slot|date|something|a call|a meeting|a chat|on (?:my|the) calendar)\b|\b(?:schedule|coordinate|book|arrange) (?:it|this)\b|\b(?:set|sort) (?:something|it|this) up\b|\b(?:reach out|be in touch|get in touch|send (?:you )?(?:an? )?(?:invite|invitation|few times|some times)) to (?:schedule|set|find|book)\b|\bmanages? my (?:calendar|diary|schedule)\b|\bmy (?:calendar|diary|schedule) is (?:hers|his|theirs)\b|\bwill (?:schedule|set up|book|coordinate)\b`)
)

// delegateSentence returns the first sentence of s that delegates the
// scheduling, or "".
func delegateSentence(s string) string {
	for _, sp := range plainSentences(s) {
		sent := s[sp.a:sp.b]
		if delegateWhoRe.MatchString(sent) && delegateWhatRe.MatchString(sent) {
			return sent
		}
	}
	return ""
}

// dropDelegates removes the people named in a sentence that delegates the
// scheduling.
func dropDelegates(raw string, rs []Referral) []Referral {
	var out []Referral
	for _, r := range rs {
		keep := true
		for _, sp := range plainSentences(raw) {
			sent := raw[sp.a:sp.b]
			if delegateSentence(lowerText(sent)) == "" {
				continue
			}
			if (r.Email != "" && strings.Contains(strings.ToLower(sent), r.Email)) || (r.Name != "" && strings.Contains(sent, r.Name)) {
				keep = false
			}
		}
		if keep {
			out = append(out, r)
		}
	}
	return out
}

// unwrapLines joins the lines of a paragraph wrapped by the mail client
// ("once things calm down in\nthe new year"), so that phrases and dates
// are read across the break: a line break becomes a space when the line
// before is long, does not end a sentence, and the next line goes on in
// lower case, a digit or a parenthesis. Lengths are kept.
func unwrapLines(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	b := []byte(s)
	lineStart := 0
	for i := 0; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		line := strings.TrimRight(string(b[lineStart:i]), " \t\r")
		lineStart = i + 1
		if len(line) < 40 || i+1 >= len(b) || strings.ContainsAny(line[len(line)-1:], ".!?:;") {
			continue
		}
		r, _ := utf8.DecodeRune(b[i+1:])
		if unicode.IsLower(r) || unicode.IsDigit(r) || r == '(' {
			b[i] = ' '
		}
	}
	return string(b)
}

// subjectOptOut: a reply whose subject was changed to "Unsubscribe",
// "Remove me" or "STOP", with no new text or a short one that does not
// say otherwise.
func subjectOptOut(subject, body string) string {
	sub := lowerText(NormalizeSubject(subject))
	if sub == "" {
		return ""
	}
	if m := matchOptOut(sub); m != "" && len(strings.Fields(sub)) <= 8 {
		if len(body) < 600 {
			return "subject: " + m
		}
	}
	return ""
}

// sentenceOf returns the bounds of the sentence around s[i:j].
func sentenceOf(s string, i, j int) (int, int) {
	start := 0
	if k := strings.LastIndexAny(s[:i], ".!?;\n"); k >= 0 {
		start = k + 1
	}
	end := len(s)
	if k := strings.IndexAny(s[j:], "!?;\n"); k >= 0 {
		end = j + k
	}
	if k := strings.Index(s[j:min(len(s), end)], ". "); k >= 0 {
		end = j + k
	}
	return start, end
}

var clauseCutRe = regexp.MustCompile(`[;!?\n]|\.\s|\bbut\b|\bhowever\b|\baber\b|\bmais\b|\bpero\b|\bmaar\b|\bmas\b|\bma\b`)

// proposals are the concrete times offered: a day and a time of day, in a
// clause that does not refuse them ("I can't do Tuesday at 2pm").
func proposals(raw, s string, exprs []when.Expr, ref time.Time) []Proposal {
	var out []Proposal
	seen := map[int64]bool{}
	var lastDay *when.Expr
	for i := range exprs {
		e := exprs[i]
		if e.HasDay && !e.HasTime && !e.Range && e.Precision == when.Day {
			lastDay = &exprs[i]
			continue
		}
		if !e.HasDay && e.HasTime && lastDay != nil && e.Start-lastDay.End < 120 && !strings.Contains(s[lastDay.End:e.Start], "\n\n") {
			// "Friday works. Let's say 3pm?": the time belongs to that day
			d := lastDay.At
			at := e.At
			e.At = time.Date(d.Year(), d.Month(), d.Day(), at.Hour(), at.Minute(), 0, 0, at.Location())
			if e.Range {
				u := e.Until
				e.Until = time.Date(d.Year(), d.Month(), d.Day(), u.Hour(), u.Minute(), 0, 0, u.Location())
			}
			e.Text = raw[lastDay.Start:lastDay.End] + " … " + e.Text
			e.HasDay = true
			lo, hi := e.Start, e.End
			e.Start = lastDay.Start
			_ = lo
			_ = hi
		}
		if !e.HasDay || !e.HasTime {
			continue
		}
		lo, hi := e.Start, e.End
		left := 0
		for _, ix := range clauseCutRe.FindAllStringIndex(s[:lo], -1) {
			left = ix[1]
		}
		right := len(s)
		if ix := clauseCutRe.FindStringIndex(s[hi:]); ix != nil {
			right = hi + ix[0]
		}
		if negPropRe.MatchString(s[left:lo]) || negPropRe.MatchString(s[hi:right]) {
			continue
		}
		if e.At.Before(ref.Add(-time.Hour)) || seen[e.At.Unix()] {
			continue
		}
		seen[e.At.Unix()] = true
		p := Proposal{At: e.At, Text: e.Text}
		if e.Range {
			p.Until = e.Until
		}
		if e.ZoneStated {
			p.Zone = e.ZoneName
		}
		out = append(out, p)
		if len(out) >= 10 {
			break
		}
	}
	return out
}

// snoozeDate is the day a "not now, later" reply asks to be written to
// again: a future date in a sentence with a deferral cue.
func snoozeDate(raw, s string, exprs []when.Expr, ref time.Time) (time.Time, string) {
	refDay := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, ref.Location())
	for _, e := range exprs {
		a, b := sentenceOf(s, e.Start, e.End)
		sent := s[a:b]
		// the sentences before and after it ("Right now it's crazy. Maybe
		// in March?", "Maybe in March? Right now it's crazy.")
		nearby := ""
		if a > 0 {
			pa, _ := sentenceOf(s, max(0, a-2), max(0, a-1))
			nearby = s[pa:a]
		}
		if b+1 < len(s) {
			_, nb := sentenceOf(s, b+1, b+1)
			nearby += " " + s[b+1:nb]
		}
		later := e.At.Sub(ref) > 14*24*time.Hour || e.Precision >= when.Week
		// "I have no time until March", "hasta marzo no tengo hueco"
		notUntil := untilBeforeRe.MatchString(s[max(a, e.Start-25):e.Start]) && negWordRe.MatchString(sent)
		if !deferRe.MatchString(sent) && !snoozeHolRe.MatchString(sent) && !deferRe.MatchString(nearby) && !(later && meetWordRe.MatchString(sent)) && !notUntil {
			continue
		}
		if e.HasTime && e.HasDay {
			continue // a meeting time, not a snooze
		}
		if !later && !askLaterRe.MatchString(sent) && !askLaterRe.MatchString(nearby) && !meetWordRe.MatchString(sent) &&
			!untilWordRe.MatchString(s[max(a, e.Start-30):e.Start]) && !afterCueRe.MatchString(s[max(a, e.Start-30):e.Start]) {
			// a near day they are busy on is a slot refused ("busy
			// Tuesday, but Wednesday works"), not a day to write again
			continue
		}
		if !e.HasDay {
			continue
		}
		before := s[max(a, e.Start-30):e.Start]
		t := e.At
		if afterCueRe.MatchString(before) || e.Precision == when.Month && strings.Contains(before, "after") {
			t = e.Until
		} else if (untilWordRe.MatchString(s[a:e.Start]) || (e.Precision == when.Day && !e.Range)) && afterThatRe.MatchString(s[e.End:min(len(s), b+100)]) {
			// "buried until the 10th. Can we talk after that?", "We ship
			// on the 8th. Reach back out after that."
			t = e.Until
		}
		t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
		if !t.After(refDay) {
			// "in March" written in March: from today is no snooze
			if e.Until.After(refDay.AddDate(0, 0, 1)) && e.Precision == when.Month {
				continue
			}
			continue
		}
		return t, strings.TrimSpace(raw[e.Start:e.End])
	}
	// "Q2 might work better", "after Q1", "next quarter"
	if t, why := quarterSnooze(s, ref); !t.IsZero() {
		return t, why
	}
	// "after the holidays", "in the new year", "after summer"
	if m := snoozeHolRe.FindStringIndex(s); m != nil {
		a, b := sentenceOf(s, m[0], m[1])
		if deferRe.MatchString(s[a:b]) || true {
			y := ref.Year()
			if ref.Month() >= time.February {
				y++
			}
			return time.Date(y, time.January, 5, 0, 0, 0, 0, ref.Location()), s[m[0]:m[1]]
		}
	}
	return time.Time{}, ""
}

// quarterRe: a calendar quarter ("Q2", "Q3 2027", "the second
// quarter", "after Q1").
var (
	quarterRe    = regexp.MustCompile(`\b(after (?:the )?|early |(?:in |by )?(?:the )?)?(?:q([1-4])(?:\s*'?(20\d\d|\d\d))?|(first|second|third|fourth|1st|2nd|3rd|4th|next) quarter)\b`)
	quarterCueRe = mustFast(`\b(?:work|works|better|after|early|revisit|until|then|again|talk|chat|ping|reach|try)\b`)
)

// quarterSnooze reads a deferral to a calendar quarter: its first day
// ("after Q1": the next quarter's), the first such day after ref.
func quarterSnooze(s string, ref time.Time) (time.Time, string) {
	for _, m := range quarterRe.FindAllStringSubmatchIndex(s, 5) {
		a, b := sentenceOf(s, m[0], m[1])
		sent := s[a:b]
		if !deferRe.MatchString(sent) && !quarterCueRe.MatchString(sent) {
			continue
		}
		q := 0
		if m[4] >= 0 {
			q = int(s[m[4]] - '0')
		} else {
			q = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}[s[m[8]:m[9]]]
		}
		if q == 0 {
			// "next quarter": the one after ref's
			q = (int(ref.Month())-1)/3 + 2
		}
		after := m[2] >= 0 && strings.HasPrefix(s[m[2]:m[3]], "after")
		y := ref.Year()
		if m[6] >= 0 {
			yy := s[m[6]:m[7]]
			n := 0
			for _, c := range yy {
				n = n*10 + int(c-'0')
			}
			if n < 100 {
				n += 2000
			}
			y = n
		}
		if after {
			q++
			if q == 5 {
				q, y = 1, y+1
			}
		}
		t := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, ref.Location())
		if m[6] < 0 && !t.After(ref) {
			t = t.AddDate(1, 0, 0)
		}
		if !t.After(ref) {
			continue
		}
		return t, strings.TrimSpace(s[m[0]:m[1]])
	}
	return time.Time{}, ""
}

var (
	untilBeforeRe = regexp.MustCompile(`(?:\b(?:until|till|til|before|hasta|antes de|bis|vor|avant|tot|voor|fino a|fino al|prima di|antes do|antes da)|\bjusqu'(?:à|au|en)|\baté)\s+(?:\S+\s+){0,2}$`)
	negWordRe     = mustFast(`n't\b|\b(?:no|not|nothing|never|booked|nicht|nichts|kein\w*|pas|rien|ne|nada|ningún|ninguna|geen|niet|niks|non|niente|nessun\w*|não|nenhum\w*)\b`)
	untilWordRe   = mustFast(`\b(?:until|till|til|through|bis|jusqu'|hasta|tot|até|fino)`)
	afterThatRe   = mustFast(`\b(?:after (?:that|then|this|it)|afterwards?|once (?:that|it)(?:'s| is) (?:done|over)|danach|après (?:ça|cela|quoi)|ensuite|después|luego|daarna|depois (?:disso)?|dopo)\b`)
)

// meetWordRe: talking later ("let's talk in January") defers too.
var meetWordRe = mustFast(`\b(?:aim for|shoot for|pencil|do (?:this|it|that)|push (?:this|it|that)|pick (?:this|it|that) up|move (?:this|it|that)|talk|chat|meet|connect|catch up|speak|call|coffee|reconnect|sprechen|treffen|telefonieren|parler|discuter|hablar|charlar|praten|spreken|conversar)\b`)

var snoozeHolRe = mustFast(`\b(?:after the (?:holidays|christmas|new year|break|festive season|holiday break|christmas break|year-end break)|(?:after|at|from) the (?:first|start|beginning|turn) of (?:the|next) year|(?:start|beginning) of next year|after (?:christmas|new year's|new year|the new year|the holiday season)|in the new year|early next year|nach den feiertagen|nach weihnachten|nach neujahr|im neuen jahr|anfang nächsten jahres|après les fêtes|apres les fetes|après noël|en début d'année|después de las fiestas|después de navidad|despues de las fiestas|después de año nuevo|en el año nuevo|na de feestdagen|na de kerst|in het nieuwe jaar|depois das festas|depois do natal|no ano novo)`)

// returnDate is the day an out-of-office text says its writer is back: a
// date after "back/return/zurück/retour/regreso/terug" wins over one after
// "until/bis/jusqu'au/hasta/tot"; a range gives its end.
func returnDate(raw, s string, exprs []when.Expr) time.Time {
	var weak, rng time.Time
	for _, e := range exprs {
		if !e.HasDay {
			continue
		}
		lineStart := max(strings.LastIndexAny(s[:e.Start], ".!?\n")+1, e.Start-60, 0)
		before := s[lineStart:e.Start]
		day := e.LastDay()
		if e.Range {
			if rng.IsZero() {
				rng = day
			}
			continue
		}
		if returnCueRe.MatchString(before) || returnAfter(s[e.End:]) {
			return dayOf(e.At)
		}
		if weak.IsZero() && untilCueRe.MatchString(before) {
			weak = dayOf(day)
		}
	}
	if !weak.IsZero() {
		return weak
	}
	return rng
}

var returnAfterRe = mustFast(`^[^.!?\n]{0,40}\b(?:wieder|zurück|terug|weer|de retour)\b`)

func returnAfter(s string) bool { return returnAfterRe.MatchString(s) }

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

var questionSplitRe = regexp.MustCompile(`[^.!?\n]*\?`)

// questions are the sentences of the text that end in a question mark,
// without pleasantries ("How are you?").
func questions(raw string) []string {
	var out []string
	for _, q := range questionSplitRe.FindAllString(raw, 20) {
		q = strings.TrimSpace(q)
		if len(q) < 6 || pleasantryQRe.MatchString(q) {
			continue
		}
		out = append(out, q)
	}
	return out
}
