package classify

import (
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Phrase tables. Each is matched on lower-cased new text with curly
// apostrophes made straight. Opt-out is the highest-stakes intent, so its
// table is wide (recall) and guarded only against the clear negations that
// flip its meaning ("please don't remove me", "click here to unsubscribe").

type phrase struct {
	re    *fastRe
	guard bool // check the words before the match for a negation
}

func p(expr string, guard bool) phrase { return phrase{mustFast(expr), guard} }

var optOutPhrases = []phrase{
	// English
	p(`\b(?:remove|delete|take|drop)\s+(?:me|my (?:e-?mail|email address|address|name|details|contact(?: info| details)?))\s+(?:from|off)\b`, true),
	p(`\bremove me\b`, true),
	p(`\btake me off\b`, true),
	p(`\bunsubscribe\b`, true),
	p(`\bopt(?:-|\s)?(?:me\s+)?out\b`, true),
	p(`\b(?:stop|quit|cease)\s+(?:e-?mailing|emailing|spamming)\b`, true),
	p(`\b(?:stop|quit|cease)\s+(?:contacting|messaging|writing to|writing|bothering|reaching out to|sending)\s+(?:me|us)\b`, true),
	p(`\b(?:stop|quit|cease)\s+sending\s+(?:me\s+)?(?:e-?mails|emails|messages|these)\b`, true),
	p(`\b(?:do not|don't|dont|never|don't ever|do not ever)\s+(?:e-?mail|email|contact|write to|write|message|reach out to|bother|spam)\s+(?:me|us)\b`, false),
	p(`\bno (?:more|further) (?:e-?mails|emails|messages|contact|outreach|follow-?ups?)\b`, false),
	p(`\b(?:don't|do not|dont) (?:want|wish) to (?:receive|get|hear|be contacted)\b`, false),
	p(`\b(?:don't|do not|dont) (?:send|want) (?:me )?(?:any )?(?:more |further )?(?:e-?mails|emails|messages)\b`, false),
	p(`\bleave me alone\b`, false),
	p(`\bnot (?:to )?contact me (?:again|anymore|any more|further)\b`, false),
	p(`\b(?:this is|that's|reporting (?:this|you) as|marked (?:this|you) as|report (?:this|you) as) spam\b`, false),
	p(`^\W*(?:please\W+)?(?:stop|remove|unsubscribe)\W*(?:please|thanks|thank you)?\W*$`, false),
	// German
	p(`\b(?:entfernen|löschen|streichen|nehmen) sie (?:mich|meine (?:e-?mail-?adresse|adresse|daten|kontaktdaten))\b`, false),
	p(`\b(?:aus|von) (?:ihrem|ihrer|dem|der|eurem|deinem|diesem|ihren) (?:verteiler|e-?mail-?verteiler|mailingliste|mailverteiler|kontaktliste|liste|newsletter)\b`, false),
	p(`\b(?:bitte )?(?:abmelden|austragen|abbestellen)\b`, false),
	p(`\btragen sie mich\b.{0,40}\baus\b`, false),
	p(`\b(?:kontaktieren|schreiben|mailen|anschreiben|belästigen|kontaktiere|schreib) (?:sie |du )?mich (?:bitte )?(?:nicht|nie) mehr\b`, false),
	p(`\bnicht mehr (?:kontaktieren|anschreiben|schreiben|mailen|kontaktiert|angeschrieben)\b`, false),
	p(`\bkeine (?:e-?mails|mails|nachrichten|werbung|kontaktaufnahme) mehr\b`, false),
	p(`\bkeine weiteren (?:e-?mails|mails|nachrichten|kontakte|anfragen|zuschriften|kontaktaufnahmen)\b`, false),
	// French
	p(`\bdésinscri(?:re|vez|ption|s)\b|\bdesinscri(?:re|vez|ption)\b`, false),
	p(`\bdésabonn(?:er|ez|ement)\b|\bdesabonn(?:er|ez)\b`, false),
	p(`\b(?:retirez|supprimez|enlevez|effacez|rayez)[- ]moi\b`, false),
	p(`\b(?:retirer|supprimer) (?:mon adresse|mon e-?mail|mon courriel|mon nom|mes coordonnées)\b`, false),
	p(`\bne (?:me )?(?:contactez|écrivez|envoyez|sollicitez|relancez) plus\b`, false),
	p(`\bne m'(?:écrivez|envoyez) plus\b`, false),
	p(`\bne plus (?:me )?(?:contacter|écrire|envoyer|recevoir|solliciter|relancer)\b`, false),
	p(`\b(?:cessez|arrêtez|arretez) de (?:me )?(?:contacter|m'écrire|m'envoyer|écrire|solliciter|relancer)\b`, false),
	// Spanish
	p(`\b(?:darme|dame|denme|deme|darse|darnos) de baja\b`, false),
	p(`\b(?:elimíname|eliminame|elimínenme|eliminenme|bórrenme|borrenme|bórrame|borrame|sácame|sacame|sáquenme|saquenme|quítame|quitame|quítenme|quitenme)\b`, false),
	p(`\bno me (?:vuelva[ns]? a |vuelvas a )?(?:contacte[ns]?|contactes|escriba[ns]?|escribas|envíe[ns]?|envíes|envie[ns]?|mande[ns]?|mandes)\b`, false),
	p(`\b(?:deje[ns]?|deja|dejen) de (?:enviarme|escribirme|contactarme|mandarme)\b`, false),
	p(`\bno (?:quiero|deseo) (?:recibir|seguir recibiendo|ser contactad[oa]|que me contacte)`, false),
	p(`\bcancelar (?:la |mi )?suscripción\b`, false),
	// Dutch
	p(`\b(?:uitschrijven|afmelden)\b`, false),
	p(`\bverwijder (?:mij|me|mijn (?:e-?mail)?adres|mijn gegevens)\b`, false),
	p(`\bhaal (?:mij|me) (?:van|uit)\b`, false),
	p(`\bgeen (?:e-?mails|mails|berichten|contact) meer\b`, false),
	p(`\bneem (?:geen|niet meer|nooit meer) contact\b`, false),
	p(`\bniet meer (?:mailen|contacteren|benaderen|e-?mailen|te mailen|te contacteren|te benaderen)\b`, false),
	p(`\bstop met (?:mailen|e-?mailen|contacteren|benaderen)\b`, false),
	p(`\bmail (?:mij|me) niet meer\b`, false),
}

// negBeforeRe: negations that flip a guarded opt-out phrase, looked for in
// the few words before it.
var negBeforeRe = mustFast(`(?:\bdon't|\bdo not|\bdont|\bno need to|\bnot|\bnever|\bwon't|\bwouldn't|\bclick (?:here )?to|\byou can|\blink to|\bhere to|\bhow to)\s+(?:\w+\s+){0,2}$`)

// optOutExceptionRe: phrases after a "do not contact me" that make it a
// redirection, not a stop ("don't email me at this address, use…").
var optOutExceptionRe = mustFast(`^[^.!?\n]{0,60}\b(?:instead|rather|call me|phone me|text me|use my|at (?:this|my)|this address|work (?:e-?mail|address)|until|before|after|till|during|while|this week|today|tomorrow|on (?:monday|tuesday|wednesday|thursday|friday|weekends))\b`)

var declinePhrases = []phrase{
	p(`\bnot (?:really |currently |at all |at this time )?interested\b`, false),
	p(`\bno,? thanks?\b|\bno,? thank you\b`, false),
	p(`\b(?:don't|do not|dont) (?:really )?have (?:the |any )?(?:time|bandwidth|capacity)\b`, false),
	p(`\bhave no (?:time|bandwidth|capacity)\b`, false),
	p(`\btoo busy\b`, false),
	p(`\b(?:not|un)able to help\b`, false),
	p(`\b(?:can't|cannot|can not|won't be able to|will not be able to|am unable to|am not able to|i'm not able to|i'm unable to|not in a position to) (?:help|assist|take (?:this|that|you up)|meet|do (?:this|that|it)|make time|commit|participate|accommodate|oblige|offer)\b`, false),
	p(`\b(?:i'll|i will|i must|i have to|i need to|i'm going to|i am going to|will have to|have to|must|going to) (?:respectfully |politely |kindly )?(?:decline|pass)\b`, false),
	p(`\brespectfully decline\b|\bi'll pass\b|\bpass on this\b`, false),
	p(`\bnot (?:taking|accepting|doing) (?:any |on )?(?:informational|coffee|new|these|such|meetings|calls|requests|interviews)`, false),
	p(`\bnot (?:a good fit|the right time)\b`, false),
	// German
	p(`\bkein(?:e)? (?:interesse|zeit)\b`, false),
	p(`\bnicht interessiert\b`, false),
	p(`\bmuss (?:ich )?(?:ihnen |dir )?(?:leider )?absagen\b`, false),
	p(`\bkann (?:ihnen|dir|euch) (?:leider )?nicht (?:helfen|weiterhelfen)\b`, false),
	p(`\bnein,? danke\b`, false),
	// French
	p(`\bpas (?:intéressée?|interessée?|intéressé\(e\))`, false),
	p(`\bje n'ai pas (?:le |de )?temps\b|\bpas le temps\b`, false),
	p(`\bje (?:dois|vais) (?:malheureusement )?décliner\b`, false),
	p(`\bje ne (?:pourrai|peux) pas (?:vous aider|donner suite)\b`, false),
	p(`\bnon,? merci\b`, false),
	// Spanish
	p(`\bno (?:me )?interesa\b`, false),
	p(`\bno estoy interesad[oa]\b`, false),
	p(`\bno tengo tiempo\b`, false),
	p(`\bno (?:puedo|podré|podre) ayudar(?:te|le|les)?\b`, false),
	p(`\bno,? gracias\b`, false),
	p(`\bdebo declinar\b`, false),
	// Dutch
	p(`\bgeen interesse\b|\bniet geïnteresseerd\b|\bniet geinteresseerd\b`, false),
	p(`\bgeen tijd\b`, false),
	p(`\bnee,? (?:bedankt|dank je|dank u)\b`, false),
	p(`\bkan (?:je|u) (?:helaas )?niet helpen\b`, false),
}

// A "but" that offers something turns a decline into a conditional yes
// ("not able to help with jobs, but happy to chat").
var (
	declineButRe      = mustFast(`\b(?:but|however|although|though|aber|jedoch|mais|pero|maar)\b,?\s+(?:i'd|i would|i'm happy|i am happy|i'm glad|i can|i could|i'll|i will|happy|glad|feel free|you (?:should|could|might|may)|we could|we can|let's|let me|how about|what about|maybe|perhaps|if|try|talk|reach|contact|ask|ich kann|gerne|gern|je peux|volontiers|puedo|con gusto|ik kan|graag)`)
	declinePositiveRe = mustFast(`\b(?:happy to|glad to|would love|i'd love|love to|gerne|volontiers|con gusto|graag)\b`)
)

var snoozeCueRe = mustFast(`\b(?:try (?:me|again|back)|reach (?:back )?out|get back to me|contact me|ping me|follow up|circle back|check back|check in|touch base|get in touch|e-?mail me|write (?:to )?me|drop me|not now|not right now|right now|at the moment|not a good time|bad time|busy|swamped|slammed|hectic|crazy|packed|revisit|postpone|push|later|chat|talk|connect|meet|catch up|speak|call|coffee|happy to|glad to|would love|free|availab\w*|melden sie sich|melde dich|meld dich|kontaktieren sie mich|schreiben sie mir|gerne wieder|wieder melden|später|derzeit|momentan|zurzeit|gerade|treffen|sprechen|telefonieren|gerne|gern|recontact\w*|revenez vers moi|relancez|reprenez contact|plus tard|pas le moment|en ce moment|débordée?|volontiers|discuter|parler|rencontrer|écrivez-moi|contactez-moi|escríbeme|escribeme|contáctame|contactame|vuelve a escribir|más adelante|mas adelante|ahora mismo|en este momento|ocupad[oa]|hablar|charlar|reunirnos|con gusto|encantad[oa]|neem (?:dan )?contact|benader me|mail me|nu niet|druk|graag|praten|spreken|afspreken)`)

var (
	fullMonthAlt = func() string {
		m := map[string]time.Month{}
		for k, v := range monthNames {
			if len([]rune(k)) >= 4 || k == "mai" || k == "may" || k == "mei" {
				m[k] = v
			}
		}
		return alternation(m)
	}()
	snoozeMonthRe  = mustFast(`\b(in|im|en|after|nach|après|apres|después de|despues de|na|from|until after|around|early|mid|late|beginning of|end of|start of|anfang|mitte|ende|début|fin|principios de|mediados de|finales de|begin|eind|half|à partir de|a partir de|ab)(?:\s+|-)(?:de\s+|d')?(?:early |mid |late |mid-)?(` + fullMonthAlt + `)\b`)
	snoozeNextRe   = mustFast(`\b(?:next (week|month|quarter|year)|nächste[nrs]? (woche|monat|quartal|jahr)|(?:la |le |l')(semaine|mois|trimestre|année|an) prochaine?|(?:la |el )próxim[oa] (semana|mes|año|trimestre)|(?:la |el )(semana|mes|año) que viene|volgende (week|maand|jaar)|volgend (jaar|kwartaal))\b`)
	snoozeInRe     = mustFast(`\b(?:in|dans|en|dentro de|over)\s+(a|an|one|two|three|four|five|six|a couple of|a couple|a few|few|einer|einem|ein paar|zwei|drei|vier|fünf|une|un|deux|trois|quatre|quelques|una|unos|unas|dos|tres|cuatro|een|één|twee|drie|vier|een paar|\d{1,2})\s+(days?|weeks?|months?|tagen|wochen|woche|monaten|monat|jours|semaines|semaine|mois|días|dias|semanas|semana|meses|mes|dagen|weken|week|maanden|maand)\b`)
	snoozeHolRe    = mustFast(`\b(?:after the (?:holidays|christmas|new year|break)|after (?:christmas|new year's|new year)|in the new year|early next year|nach den feiertagen|nach weihnachten|nach neujahr|im neuen jahr|après les fêtes|apres les fetes|après noël|en début d'année|después de las fiestas|después de navidad|despues de las fiestas|en el año nuevo|na de feestdagen|na de kerst|in het nieuwe jaar)`)
	snoozeSummerRe = mustFast(`\b(?:after (?:the )?summer|after my (?:vacation|holiday|leave)|nach dem sommer|nach den sommerferien|après l'été|après les vacances|después del verano|después de las vacaciones|na de zomer(?:vakantie)?)`)
	snoozeSeasonRe = mustFast(`\b(?:in the |im |au |en |in de )(spring|summer|fall|autumn|winter|frühling|frühjahr|sommer|herbst|printemps|été|automne|hiver|primavera|verano|otoño|invierno|lente|zomer|herfst)\b`)
	snoozeAfterRe  = regexp.MustCompile(`\b(?:after|nach dem|nach|après le|après|después del|después de|na)\s*$`)
)

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "a couple of": 2, "a couple": 2, "a few": 3, "few": 3,
	"einer": 1, "einem": 1, "ein paar": 3, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
	"une": 1, "un": 1, "deux": 2, "trois": 3, "quatre": 4, "quelques": 3,
	"una": 1, "unos": 3, "unas": 3, "dos": 2, "tres": 3, "cuatro": 4,
	"een": 1, "één": 1, "twee": 2, "drie": 3, "een paar": 3,
}

var seasonMonth = map[string]time.Month{
	"spring": 3, "frühling": 3, "frühjahr": 3, "printemps": 3, "primavera": 3, "lente": 3,
	"summer": 6, "sommer": 6, "été": 6, "verano": 6, "zomer": 6,
	"fall": 9, "autumn": 9, "herbst": 9, "automne": 9, "otoño": 9, "herfst": 9,
	"winter": 12, "hiver": 12, "invierno": 12,
}

// nextMonthStart is the first day of the next m strictly after now.
func nextMonthStart(m time.Month, day int, now time.Time) time.Time {
	t := time.Date(now.Year(), m, day, 0, 0, 0, 0, now.Location())
	if !t.After(now) {
		t = t.AddDate(1, 0, 0)
	}
	return t
}

func dayStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// findSnooze returns the date a "not now, later" reply asks us to wait for,
// and the phrase that said so. Each candidate must share a sentence with a
// deferral cue (snoozeCueRe).
func findSnooze(s string, now time.Time) (time.Time, string) {
	cues := snoozeCueRe.findInSpans(s, sentenceSpans(s), 50)
	done := -1
	for _, c := range cues {
		if c[0] < done {
			continue
		}
		a, b := sentenceAround(s, c[0], c[1])
		done = b
		sent := s[a:b]
		if m := snoozeHolRe.FindString(sent); m != "" {
			return nextMonthStart(time.January, 5, now), m
		}
		if m := snoozeSummerRe.FindString(sent); m != "" {
			return nextMonthStart(time.September, 1, now), m
		}
		if sm := snoozeNextRe.FindStringSubmatch(sent); sm != nil {
			unit := ""
			for _, g := range sm[1:] {
				if g != "" {
					unit = g
				}
			}
			today := dayStart(now)
			switch unit {
			case "week", "woche", "semaine", "semana":
				d := (8 - int(today.Weekday())) % 7
				if d == 0 {
					d = 7
				}
				return today.AddDate(0, 0, d), sm[0]
			case "month", "monat", "mois", "mes", "maand":
				return time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, now.Location()), sm[0]
			case "quarter", "quartal", "trimestre", "kwartaal":
				q := (int(today.Month())-1)/3*3 + 4
				return time.Date(today.Year(), time.Month(q), 1, 0, 0, 0, 0, now.Location()), sm[0]
			default: // year
				return time.Date(today.Year()+1, 1, 1, 0, 0, 0, 0, now.Location()), sm[0]
			}
		}
		if sm := snoozeInRe.FindStringSubmatch(sent); sm != nil {
			n, ok := numberWords[sm[1]]
			if !ok {
				n = atoiSafe(sm[1])
			}
			if n > 0 && n <= 24 {
				today := dayStart(now)
				u := sm[2]
				switch {
				case strings.HasPrefix(u, "day") || u == "tagen" || u == "jours" || u == "días" || u == "dias" || u == "dagen":
					return today.AddDate(0, 0, n), sm[0]
				case strings.HasPrefix(u, "week") || strings.HasPrefix(u, "woche") || strings.HasPrefix(u, "semaine") || strings.HasPrefix(u, "semana") || u == "weken":
					return today.AddDate(0, 0, 7*n), sm[0]
				default:
					return today.AddDate(0, n, 0), sm[0]
				}
			}
		}
		// An explicit date: "after 15 January" is the day after; "from/on" the day.
		ds := findDates(sent, now)
		for _, d := range ds {
			if d.weekday {
				continue
			}
			t := d.at(0, 0, now.Location())
			if snoozeAfterRe.MatchString(sent[:d.start]) {
				t = t.AddDate(0, 0, 1)
			}
			if t.After(now) {
				return t, sent[d.start:d.end]
			}
		}
		if sm := snoozeMonthRe.FindStringSubmatchIndex(sent); sm != nil {
			prep := sent[sm[2]:sm[3]]
			mo := monthNames[sent[sm[4]:sm[5]]]
			whole := sent[sm[0]:sm[1]]
			day := 1
			switch {
			case strings.Contains(whole, "mid") || prep == "mitte" || prep == "mediados de" || prep == "half":
				day = 15
			case strings.Contains(whole, "late") || prep == "end of" || prep == "ende" || prep == "fin" || prep == "finales de" || prep == "eind":
				day = 20
			}
			t := nextMonthStart(mo, day, now)
			switch prep {
			case "after", "nach", "après", "apres", "después de", "despues de", "na", "until after":
				t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, now.Location())
			}
			return t, whole
		}
		if sm := snoozeSeasonRe.FindStringSubmatch(sent); sm != nil {
			return nextMonthStart(seasonMonth[sm[1]], 1, now), sm[0]
		}
	}
	return time.Time{}, ""
}

func atoiSafe(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 1000 {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// sentences splits lower-cased text at sentence ends and line breaks.
func sentences(s string) []string {
	return sentenceSplitRe.Split(s, 500)
}

var sentenceSplitRe = regexp.MustCompile(`[.!?;]+(?:\s+|$)|\n+`)

// Proposals.

var (
	proposalCueRe = mustFast(`\?|\b(?:how about|what about|would|could|can|does|do|works?|suits?|good for|fine|free|available|let's|let us|shall|meet|call|chat|talk|coffee|zoom|teams|phone|slot|propose|suggest|open|passt|geht|wie wäre|treffen|können|convient|disponible|propose|qué tal|que tal|te va|le va|puedo|podemos|schikt|kan|kunnen|past)\b`)
	proposalNegRe = mustFast(`\b(?:can't|cannot|can not|not able|unable|won't|wont|doesn't work|does not work|don't work|not work|isn't good|not good|is bad|busy|not available|unavailable|out of (?:the )?office|away|until|till|through|back on|was|were|kann nicht|geht nicht|passt nicht|pas possible|ne peux pas|no puedo|no me va|kan niet|past niet)\b`)
	clauseDelimRe = regexp.MustCompile(`[.;!?\n,]|\bbut\b|\baber\b|\bmais\b|\bpero\b|\bmaar\b`)
)

// findProposals returns concrete date-times offered in the text: a date and
// a time of day in the same clause, not negated ("I can't do Tuesday at 2pm").
func findProposals(s string, now time.Time, loc *time.Location) []time.Time {
	if !proposalCueRe.MatchString(s) {
		return nil
	}
	times := findTimes(s)
	dates := dropOverlaps(findDates(s, now), times)
	var out []time.Time
	seen := map[time.Time]bool{}
	for _, d := range dates {
		var best *timeMatch
		for i := range times {
			t := &times[i]
			if t.start >= d.end {
				gap := s[d.end:t.start]
				if len(gap) <= 25 && !strings.ContainsAny(gap, ".;!?\n") && !strings.Contains(gap, " but ") {
					best = t
					break
				}
			}
		}
		if best == nil {
			for i := len(times) - 1; i >= 0; i-- {
				t := &times[i]
				if t.end <= d.start {
					gap := s[t.end:d.start]
					if len(gap) <= 12 && !strings.ContainsAny(gap, ".;!?\n") {
						best = t
					}
					break
				}
			}
		}
		if best == nil {
			continue
		}
		lo, hi := min(d.start, best.start), max(d.end, best.end)
		left := 0
		for _, ix := range clauseDelimRe.FindAllStringIndex(s[:lo], -1) {
			left = ix[1]
		}
		right := len(s)
		if ix := clauseDelimRe.FindStringIndex(s[hi:]); ix != nil {
			right = hi + ix[0]
		}
		// Commas inside the pair ("Tue, 24 Nov") do not end the clause.
		if proposalNegRe.MatchString(s[left:lo]) || proposalNegRe.MatchString(s[hi:right]) {
			continue
		}
		t := d.at(best.h, best.mi, loc)
		if t.Before(now) || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// Referrals.

// Referral is a person the contact suggests we talk to.
type Referral struct {
	Name  string
	Email string // normalised; "" if only a name was given
}

var (
	referralCueRe     = mustFast(`\b(?:talk (?:to|with)|speak (?:to|with)|reach out to|get in touch with|contact|connect (?:you )?with|introduce you to|introducing you to|cc'?ing|cc'd|cc-?ing|copying|copied|looping in|looped in|loop in|i've added|adding|colleague|coworker|co-worker|better person|right person|better fit|good person|best person|would be happy to (?:chat|talk|help)|recommend|kollege|kollegin|wenden sie sich an|sprechen sie mit|in kopie|in cc|collègue|adressez-vous à|en copie|colega|compañer[oa]|habla con|contacta a|contacte a|en copia|collega|neem contact op met|in de cc)\b`)
	nameWord          = `\p{Lu}[\p{L}'’-]+`
	referralNameRe    = regexp.MustCompile(`(?:(?i:talk (?:to|with)|speak (?:to|with)|reach out to|get in touch with|contact|connect (?:you )?with|introduce you to|introducing you to|cc'?ing|cc’ing|cc'd|cc’d|cc-?ing|copying|copied|looping in|looped in|loop in|i've added|adding|ask|try|recommend(?:ing)?|suggest(?:ing)?|wenden sie sich an|sprechen sie mit|contactez|adressez-vous à|habla con|contacta a|contacte a|neem contact op met)\s+(?i:(?:my|our|his|her|their|mon|ma|mein|meine|meinen|mi|mijn)\s+(?:former\s+)?(?i:colleague|coworker|co-worker|friend|teammate|manager|boss|team lead|kollegen|kollegin|kollege|collègue|colega|compañer[oa]|collega)\s+)?|(?i:colleague|coworker|co-worker|friend|teammate|kollege|kollegin|collègue|colega|compañer[oa]|collega)[,]?\s+)(` + nameWord + `(?:\s+` + nameWord + `)?)`)
	nameBeforeEmailRe = regexp.MustCompile(`(` + nameWord + `(?:\s+` + nameWord + `)?)\s*(?:\(|<|\[|at|:|-|–|,)?\s*$`)
	nameWouldBeRe     = regexp.MustCompile(`(` + nameWord + `(?:\s+` + nameWord + `)?)\s+(?i:would be (?:a |the )?(?:much |far |way )?(?:better|great|good|right|best)|is (?:the|a) (?:better|right|best) (?:person|contact)|knows (?:a lot|much) more)`)
)

var nameStop = map[string]bool{
	"i": true, "we": true, "you": true, "he": true, "she": true, "they": true, "the": true, "a": true, "an": true, "my": true, "our": true, "hi": true,
	"hello": true, "thanks": true, "thank": true, "best": true, "regards": true, "cheers": true, "it": true, "this": true, "that": true, "someone": true,
	"somebody": true, "anyone": true, "me": true, "him": true, "her": true, "them": true, "us": true, "if": true, "please": true, "sie": true, "ihn": true,
	"linkedin": true, "email": true, "e-mail": true, "hr": true, "recruiting": true, "here": true, "there": true, "who": true, "whom": true,
}

func init() {
	for k := range monthNames {
		nameStop[k] = true
	}
	for k := range weekdayNames {
		nameStop[k] = true
	}
}

func cleanName(n string) string {
	fs := strings.Fields(n)
	var out []string
	for _, f := range fs {
		f = strings.Trim(f, "'’-")
		if f == "" || nameStop[strings.ToLower(f)] {
			break
		}
		out = append(out, f)
	}
	return strings.Join(out, " ")
}

// findReferrals looks for people offered in the text (original case). exclude
// holds addresses that are not referrals (the sender, us).
func findReferrals(text string, cc []Address, exclude map[string]bool) []Referral {
	lt := lowerText(text)
	if referralCueRe.findInSpans(lt, sentenceSpans(lt), 1) == nil {
		return nil
	}
	var out []Referral
	byEmail := map[string]int{}
	byName := map[string]int{}
	add := func(name, email string) {
		name = cleanName(name)
		if email != "" && exclude[email] {
			return
		}
		if name == "" && email == "" {
			return
		}
		if email != "" {
			if i, ok := byEmail[email]; ok {
				if out[i].Name == "" {
					out[i].Name = name
				}
				return
			}
		}
		if name != "" {
			if i, ok := byName[strings.ToLower(name)]; ok {
				if out[i].Email == "" && email != "" {
					out[i].Email = email
					byEmail[email] = i
				}
				return
			}
			// a first name already known with a longer form
			for i := range out {
				if strings.HasPrefix(strings.ToLower(out[i].Name)+" ", strings.ToLower(name)+" ") || strings.HasPrefix(strings.ToLower(name)+" ", strings.ToLower(out[i].Name)+" ") {
					if out[i].Email == "" {
						out[i].Email = email
					}
					if len(name) > len(out[i].Name) {
						out[i].Name = name
					}
					return
				}
			}
		}
		out = append(out, Referral{Name: name, Email: email})
		if email != "" {
			byEmail[email] = len(out) - 1
		}
		if name != "" {
			byName[strings.ToLower(name)] = len(out) - 1
		}
	}
	// Addresses in the text, with the name just before them.
	for _, ix := range addrRe.FindAllStringIndex(text, 20) {
		email := NormalizeAddress(strings.Trim(text[ix[0]:ix[1]], "."))
		if email == "" || exclude[email] {
			continue
		}
		before := text[max(0, ix[0]-60):ix[0]]
		name := ""
		if sm := nameBeforeEmailRe.FindStringSubmatch(before); sm != nil {
			name = sm[1]
		}
		add(name, email)
	}
	for _, sm := range referralNameRe.FindAllStringSubmatch(text, 10) {
		add(sm[1], "")
	}
	for _, sm := range nameWouldBeRe.FindAllStringSubmatch(text, 10) {
		add(sm[1], "")
	}
	// Give names an address from Cc when the display name or local part fits.
	for i := range out {
		if out[i].Email != "" || out[i].Name == "" {
			continue
		}
		first := strings.ToLower(strings.Fields(out[i].Name)[0])
		for _, a := range cc {
			if exclude[a.Addr] {
				continue
			}
			if strings.HasPrefix(strings.ToLower(a.Name), first) || strings.HasPrefix(a.Addr, first) {
				out[i].Email = a.Addr
				if len(a.Name) > len(out[i].Name) && strings.HasPrefix(strings.ToLower(a.Name), strings.ToLower(out[i].Name)) {
					out[i].Name = a.Name
				}
				break
			}
		}
	}
	return out
}

// lowerText prepares text for the phrase tables.
func lowerText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '’', '‘', 'ʼ', '`':
			return '\''
		case '\u00a0':
			return ' '
		}
		return unicode.ToLower(r)
	}, s)
	return s
}
