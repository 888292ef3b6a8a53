package classify

import (
	"regexp"
	"strings"
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
	p(`\bbe removed from (?:these|your|this|the|any|all)\b`, true),
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
	p(`\b(?:do not|don't|dont|please don't|please do not)\s+(?:send (?:me )?(?:any )?(?:more )?)?follow[- ]?(?:up|ups)\b`, false),
	p(`\bstop (?:following up|sending (?:me )?follow[- ]?ups?)\b`, false),
	p(`\b(?:not|never) (?:to )?(?:e-?mail|email|contact|write to) me again\b`, false),
	p(`\b(?:remove|take) (?:me|my (?:e-?mail|address|name)) (?:from|off) (?:your|this|the) (?:list|mailing list|database|records|contacts)\b`, true),
	p(`\bnot (?:to )?contact me (?:again|anymore|any more|further)\b`, false),
	p(`\b(?:this is|that's|reporting (?:this|you) as|marked (?:this|you) as|report (?:this|you) as) spam\b`, false),
	// a sentence that is only "Stop", "Please stop", "Remove me, thanks"
	// ("Not interested. Please stop.")
	p(`(?:^\W*(?:please\W+)?(?:stop|remove|remove me|unsubscribe|unsubscribe me)(?:\W+(?:it|now|this|already))?\W*(?:please|thanks|thank you)?\W*$)`, false),
	p(`\b(?:don't|do not|dont|never|please don't|please do not) (?:e-?mail|email|contact|write|message|spam) (?:me )?again\b`, false),
	p(`\blose my (?:e-?mail|email|address|contact details|details)\b|\bcease and desist\b`, false),
	p(`\b(?:didn't|did not|wouldn't|would not) (?:contact|e-?mail|email|write to|message) me (?:again|anymore|any more|further)\b`, false),
	p(`\bget (?:me )?off (?:of )?(?:this|your|the) (?:list|mailing list|distribution list)\b|\bhow (?:do|can) i (?:unsubscribe|opt out|get off)\b`, false),
	p(`\b(?:do not|don't|dont|please don't|please do not) (?:reach out|get in touch|follow up)(?: with me| to me)? (?:again|ever again)\b`, false),
	// Swedish, Polish
	p(`\bta bort mig\b|\bavregistrera mig\b|\bkontakta mig inte\b|\bmejla mig inte\b`, false),
	p(`\b(?:proszę )?(?:usuń|usunąć|wypisz|wypisać) mnie\b|\bnie (?:pisz|piszcie|pisać|kontaktuj|kontaktować) (?:się )?(?:do|ze) mn(?:ie|ą)\b`, false),
	// German
	p(`\b(?:entfernen|löschen|streichen|nehmen) sie (?:mich|meine (?:e-?mail-?adresse|adresse|daten|kontaktdaten))\b`, false),
	p(`\b(?:aus|von) (?:ihrem|ihrer|dem|der|eurem|deinem|diesem|ihren) (?:verteiler|e-?mail-?verteiler|mailingliste|mailverteiler|kontaktliste|liste|newsletter)\b`, false),
	p(`\b(?:bitte )?(?:abmelden|austragen|abbestellen)\b`, false),
	p(`\btragen sie mich\b.{0,40}\baus\b`, false),
	p(`\b(?:kontaktieren|schreiben|mailen|anschreiben|belästigen|kontaktiere|schreib) (?:sie |du )?mich (?:bitte )?(?:nicht|nie) mehr\b`, false),
	p(`\bnicht mehr (?:kontaktieren|anschreiben|schreiben|mailen|kontaktiert|angeschrieben)\b`, false),
	p(`\bkeine (?:e-?mails|mails|nachrichten|werbung|kontaktaufnahme) mehr\b`, false),
	p(`\bkeine weiteren (?:e-?mails|mails|nachrichten|kontakte|anfragen|zuschriften|kontaktaufnahmen)\b`, false),
	p(`\b(?:schreib|schreiben sie|schreibt|mail|mailen sie|schick|schicken sie|sende|senden sie) mir (?:bitte )?(?:nicht|nie|keine (?:e-?mails|mails|nachrichten)) mehr\b`, false),
	p(`\bmir (?:bitte )?(?:nicht|nie) mehr (?:zu )?(?:schreiben|mailen|schicken)\b`, false),
	// French
	p(`\bdésinscri(?:re|vez|ption|s)\b|\bdesinscri(?:re|vez|ption)\b`, false),
	p(`\bdésabonn(?:er|ez|ement)\b|\bdesabonn(?:er|ez)\b`, false),
	p(`\b(?:retirez|supprimez|enlevez|effacez|rayez)[- ]moi\b`, false),
	p(`\b(?:retirer|supprimer) (?:mon adresse|mon e-?mail|mon courriel|mon nom|mes coordonnées)\b`, false),
	p(`\bne (?:me )?(?:contactez|écrivez|envoyez|sollicitez|relancez) plus\b`, false),
	p(`\bne m'(?:écrivez|envoyez) plus\b`, false),
	p(`\bne plus (?:me )?(?:contacter|écrire|envoyer|recevoir|solliciter|relancer)\b`, false),
	p(`\bne (?:souhaite|veux|désire) (?:plus|pas) (?:recevoir|être (?:contacté|sollicité|relancé))`, false),
	p(`\b(?:cessez|arrêtez|arretez) de (?:me )?(?:contacter|m'écrire|m'envoyer|écrire|solliciter|relancer)\b`, false),
	// Spanish
	p(`\b(?:darme|dame|denme|deme|darse|darnos) de baja\b`, false),
	p(`\b(?:elimíname|eliminame|elimínenme|eliminenme|bórrenme|borrenme|bórrame|borrame|sácame|sacame|sáquenme|saquenme|quítame|quitame|quítenme|quitenme)\b`, false),
	p(`\bno me (?:vuelva[ns]? a |vuelvas a )?(?:contacte[ns]?|contactes|escriba[ns]?|escribas|envíe[ns]?|envíes|envie[ns]?|mande[ns]?|mandes|escribir|contactar|enviar|mandar)\b`, false),
	p(`\bno (?:me )?(?:vuelva[ns]?|vuelvas) a (?:escribirme|contactarme)\b`, false),
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
	// Portuguese
	p(`\bnão (?:me )?(?:envie[ms]?|mande[ms]?|escreva[ms]?|contacte[ms]?|contate[ms]?|procure[ms]?) mais\b`, false),
	p(`\bnão (?:quero|desejo) (?:mais )?(?:receber|ser contactad[oa]|ser contatad[oa])\b`, false),
	p(`\b(?:remova-me|me remova|removam-me|retire-me|me retire|tire-me|me tire) d[ao]s?\b|\bremover (?:o )?meu (?:e-?mail|endereço|contato|contacto)\b`, false),
	p(`\bdescadastr(?:ar|e|em|o)\b|\bcancelar (?:a )?(?:minha )?inscrição\b`, false),
	p(`\b(?:pare|parem|deixe|deixem) de (?:me )?(?:enviar|mandar|escrever|contactar|contatar)\b`, false),
	// Italian
	p(`\bnon (?:mi )?(?:scriva|scrivete|scrivermi|contatti|contattate|contattarmi|mandi|mandate|inviate|invii) più`, false),
	p(`\b(?:rimuovetemi|rimuovermi|rimuovi(?:mi)?|cancellatemi|cancellami|toglietemi|toglimi) (?:da|dalla|dalle|dai|dal)\b`, false),
	p(`\b(?:disiscriv\w*|annulla(?:re)? (?:l'|la )?iscrizione)\b`, false),
	p(`\bnon (?:voglio|desidero) (?:più )?(?:ricevere|essere contattat[oa])\b`, false),
	p(`\b(?:smetti|smettete|smetta) di (?:scrivermi|contattarmi|mandarmi|inviarmi)\b`, false),
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
	p(`\bnot (?:taking|accepting|doing) (?:on )?(?:any |new |more )?(?:informational|coffee|new|these|such|meetings|calls|requests|interviews)`, false),
	p(`\bnot (?:a good fit|the right time)\b`, false),
	p(`\bnot (?:a|the) (?:good|great|convenient) time\b|\bbad time\b`, false),
	p(`\b(?:not able to|unable to|can't|cannot|can not) take on (?:any )?(?:more|new|additional|further|extra|these|such)\b`, false),
	p(`\b(?:my )?(?:schedule|calendar|plate) is (?:\w+ )?(?:too |very |really |completely |totally )?(?:full|packed)\b`, false),
	p(`\bnot available for (?:this|these|that|such|an? (?:call|chat|meeting|conversation|informational))\b`, false),
	p(`\bno longer (?:work|am|with|at|employed|part of)\b`, false),
	p(`\b(?:don't|do not|no longer|never) (?:do|take|accept|agree to) (?:informational|coffee|career|networking|these|such|cold)\b`, false),
	p(`\b(?:have to|need to|going to have to|must|'ll have to|will have to) say no\b`, false),
	p(`(?:^\W*(?:thanks|thank you|thx|sorry),?\s+but\s+no(?:pe)?(?:,?\s+(?:thanks|thank you|sorry))?\W*$)`, false),
	p(`\bnot (?:really |quite )?the (?:right|best|ideal|most useful) person\b`, false),
	p(`\bnot the (?:person|one) to (?:ask|talk to|help)\b|\b(?:isn't|is not|wouldn't be|would not be|not really) (?:a )?(?:good|great|right) fit\b|\b(?:don't|do not) (?:really |usually |generally )?(?:do|take) (?:these|such|calls|meetings|informational|coffee|networking|cold)\b`, false),
	p(`\bsit (?:this|that) (?:one )?out\b|\b(?:the )?answer (?:is|has to be|will have to be|must be) (?:a )?no\b|(?:^\W*not (?:at this (?:point|stage|time)|at the moment|right now|now|for now)\b)`, false),
	p(`\bat (?:full )?capacity\b|\b(?:stopped|stop|quit|had to stop) (?:doing|taking) (?:these|such|informational|coffee|any)\b|(?:^\W*nope\W*(?:sorry|thanks)?\W*$)|\b(?:don't|do not) think i (?:can|could|'d be able to|would be able to) (?:help|be of (?:much |any )?help|assist)\b`, false),
	p(`\bcount me out\b|\bno can do\b|\bhard pass\b|\bno interest\b|\b(?:i'd|i would) (?:rather|prefer) not\b`, false),
	p(`(?:^\W*(?:i'll\s+|i will\s+|i'm going to\s+|gonna\s+)?pass(?:\s+(?:for now|this time|on it))?\W*(?:sorry|thanks|thank you)?\W*$)`, false),
	p(`\b(?:don't think i'(?:m going to|d|ll) be|won't be|wouldn't be|not going to be|i'm not|i am not) (?:of )?(?:much|any|a lot of|great) (?:use|help)\b`, false),
	p(`\b(?:i'm|i am) not comfortable (?:with|doing|taking) (?:this|that|these|it)\b`, false),
	p(`\b(?:doesn't|does not|don't|do not|won't|will not) (?:allow|permit|let (?:us|me|employees|staff)) (?:this|that|these|us|me|employees|staff|it|such)\b|\bnot (?:allowed|permitted) to (?:do|take part|participate|meet|talk|speak|take)\b|\bpolicy against\b`, false),
	// a sentence that is only "Can't." or "Sorry, I can't."
	p(`(?:^\W*(?:sorry\W+|unfortunately\W+)?(?:i\s+)?(?:can't|cannot|can not|won't be able to|couldn't)(?:\s+(?:sorry|unfortunately))?\W*$)`, false),
	p(`\bstretched (?:\w+ ){0,2}thin\b|\b(?:not|isn't|is not) something i (?:can |really |usually |generally )?(?:do|help with|take on|commit to|make time for)\b`, false),
	p(`\bnot for me\b|\bbut no(?:pe)?(?:,?\s+(?:thanks|thank you|sorry))?\W*$|\bnot (?:taking on|accepting) (?:any )?(?:more|new|additional|further)\b`, false),
	p(`\b(?:lieber nicht|liever niet|prefiero no|prefiro não|preferisco di no|preferirei di no|preferisco non|je préfère ne pas|je préfère pas)\b`, false),
	// German
	p(`\bkein(?:e)? (?:interesse|zeit)\b`, false),
	p(`\bnicht interessiert\b`, false),
	p(`\bmuss (?:ich )?(?:ihnen |dir |euch )?(?:leider )?(?:absagen|ablehnen|passen)\b`, false),
	p(`\b(?:lehne|sage) (?:ich )?(?:leider |dankend )?ab\b`, false),
	p(`\bkann (?:ihnen|dir|euch) (?:leider )?nicht (?:helfen|weiterhelfen)\b`, false),
	p(`\bnein,? danke\b`, false),
	p(`\bkeine (?:kapazität(?:en)?|kapazitäten frei|luft)\b`, false),
	p(`\b(?:bin|wäre) (?:ich )?(?:leider )?nicht (?:der|die) richtige\b`, false),
	// French
	p(`\bpas (?:intéressée?|interessée?|intéressé\(e\))`, false),
	p(`\bje n'ai pas (?:le |de )?temps\b|\bpas le temps\b`, false),
	p(`\bje (?:dois|vais|préfère|prefere|me vois obligée? de) (?:malheureusement |plutôt )?décliner\b`, false),
	p(`\bje ne (?:pourrai|peux) pas (?:vous aider|donner suite)\b|\b(?:ne suis|ne serai|ne sommes) pas en mesure de\b`, false),
	p(`\b(?:je ne suis|ne suis|je ne serai) pas disponible pour\b|\b(?:je ne suis|ne suis|je ne serai) pas disponible\s*(?:[.!,]|$)`, false),
	p(`\bje ne suis pas (?:la bonne|le bon) (?:personne|interlocut\w+)`, false),
	p(`\bnon,? merci\b`, false),
	// Spanish
	p(`\bno (?:me )?interesa\b`, false),
	p(`\bno estoy interesad[oa]\b`, false),
	p(`\bno tengo tiempo\b`, false),
	p(`\bno (?:puedo|podré|podre) ayudar(?:te|le|les)?\b`, false),
	p(`\bno,? gracias\b`, false),
	p(`\bdebo declinar\b`, false),
	p(`\bno dispongo de (?:tiempo|disponibilidad)\b`, false),
	p(`\bno (?:voy a poder|podré|podre) (?:ayudar\w*|participar|atender\w*|reunirme)\b`, false),
	p(`\bno soy la persona (?:indicada|adecuada|correcta)\b`, false),
	p(`\bno puedo\s*(?:[.!,]|$)`, false),
	// Dutch
	p(`\bgeen interesse\b|\bniet geïnteresseerd\b|\bniet geinteresseerd\b`, false),
	p(`\bgeen tijd\b|\bgeen ruimte\b|\bsla (?:ik )?(?:deze|dit|het|die) (?:\w+ )?over\b`, false),
	p(`\bnee,? (?:bedankt|dank je|dank u)\b`, false),
	p(`\bkan (?:je|u) (?:helaas )?niet helpen\b`, false),
	p(`\bniet de (?:juiste|geschikte) persoon\b`, false),
	p(`\bmoet (?:ik )?(?:je|u|jullie) (?:helaas )?teleurstellen\b|\bmoet (?:ik )?(?:helaas )?(?:bedanken|nee zeggen|afzeggen)\b`, false),
	// Portuguese
	p(`\bnão (?:vou |vou conseguir |conseguirei |poderei )?(?:poder |posso |consigo )?ajudar\b`, false),
	p(`\bnão tenho (?:tempo|interesse|disponibilidade)\b`, false),
	p(`\bnão (?:estou|tenho) interess\w*\b|\bsem interesse\b`, false),
	p(`\bnão,? obrigad[oa]\b`, false),
	p(`\bnão sou a pessoa (?:certa|indicada)\b`, false),
	p(`\bnão vou conseguir\s*(?:[.!,]|$)|\bnão (?:consigo|posso)\s*(?:[.!,]|$)`, false),
	p(`\b(?:vou ter que|tenho que|preciso|vou precisar|vou) (?:recusar|declinar|dizer não)`, false),
	// Italian
	p(`\bnon ho (?:tempo\b|modo\b|la possibilità)`, false),
	p(`\bnon (?:posso|potrò|potro|riesco a|sono in grado di) (?:aiutar\w*|esserti d'aiuto|esserle d'aiuto)\b`, false),
	p(`\bnon (?:sono|siamo) interessat[oaie]\b|\bnon mi interessa\b`, false),
	p(`\bno,? grazie\b`, false),
	p(`\bdevo (?:declinare|rinunciare)\b`, false),
	p(`\bnon sono la persona giusta\b`, false),
	p(`\bdevo (?:dire di no|dirti di no|dirle di no)\b`, false),
	p(`\bpurtroppo non (?:riesco|ce la faccio|posso)\b|\bnon (?:riesco|ce la faccio|posso)\s*(?:[,.!]|$)`, false),
	// Swedish
	p(`\btacka nej\b|\bmåste (?:tyvärr )?avböja\b|\bnej,? tack\b|\b(?:har|hinner) (?:jag )?(?:tyvärr )?inte (?:tid|möjlighet)\b|\binte intresserad\b|\btyvärr kan jag inte\b`, false),
	// Polish
	p(`\bmuszę (?:niestety )?odmówić|\bodmawiam\b|\bnie mam (?:czasu|możliwości)\b|\bnie,? dziękuję(?:\P{L}|$)|\bnie jestem zainteresowan[ya]\b|\bniestety nie (?:mogę|dam rady)`, false),
}

// declineNoDayPhrases refuse only in a sentence that names no day or
// time: "that won't be possible" declines, "Tuesday won't be possible"
// declines a slot.
var declineNoDayPhrases = []phrase{
	p(`\b(?:that|this|it) (?:won't|will not|isn't going to) (?:be possible|work (?:for me|out))\b|\bnot possible for me\b|(?:^\W*(?:sorry,?\s+)?(?:that's |it's )?not possible\b)`, false),
	p(`\b(?:ce|cela|ça) ne (?:sera|va) pas (?:être )?possible\b|\bpas possible pour moi\b`, false),
	p(`\bno (?:me )?(?:es|será|sera|va a ser) posible\b|\bno (?:va a|podrá) (?:poder )?ser\b`, false),
	p(`\b(?:leider )?nicht möglich\b|\bwird (?:das )?(?:bei mir )?(?:leider )?nichts\b`, false),
	p(`\b(?:helaas )?niet mogelijk\b|\bgaat (?:me |mij |ons )?(?:helaas )?niet lukken\b`, false),
	p(`\bnão (?:será|vai ser|é) possível|\bnão vai dar\b`, false),
	p(`\bnon (?:sarà|sara|mi è|mi e|mi sarà) possibile\b`, false),
}

// dayWordRe: a day, a date or a time in a sentence.
var dayWordRe = mustFast(`\d|\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\b|\b(?:today|tomorrow|tonight|this week|next week|morning|afternoon|evening|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|heute|morgen|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|demain|lunes|martes|jueves|viernes|domingo|hoy|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|vandaag|segunda|quarta|quinta|sexta|hoje|sabato|domenica|domani|oggi)\b|miércoles|sábado|aujourd'hui|mañana|terça|amanhã|lunedì|martedì|mercoledì|giovedì|venerdì`)

// A "but" that offers something turns a decline into a conditional yes
// ("not able to help with jobs, but happy to chat").
var (
	declineButRe      = mustFast(`\b(?:but|however|although|though|aber|jedoch|mais|pero|maar)\b,?\s+(?:i'd|i would|i'm happy|i am happy|i'm glad|i can|i could|i'll|i will|happy|glad|feel free|you (?:should|could|might|may)|we could|we can|let's|let me|how about|what about|maybe|perhaps|if|try|talk|reach|contact|ask|ich kann|gerne|gern|je peux|volontiers|puedo|con gusto|ik kan|graag)`)
	declinePositiveRe = mustFast(`\b(?:happy to|glad to|would love|i'd love|love to|gerne|volontiers|con gusto|graag)\b`)
)

// Referrals.

// Referral is a person the contact suggests we talk to.
type Referral struct {
	Name  string
	Email string // normalised; "" if only a name was given
}

var (
	referralCueRe = mustFast(`\b(?:talk (?:to|with)|speak (?:to|with)|talking (?:to|with)|speaking (?:to|with)|chatting with|chat (?:to|with)|forward (?:this|it|your (?:e-?mail|message|note|request)) (?:on |along )?to|reach(?:ing)? out to|get in touch with|contact|connect(?:ing)? (?:you )?with|introduce you to|introducing you to|cc'?ing|cc'd|cc-?ing|copying|copied|looping in|looped in|loop in|i've added|adding|i'm forwarding|forwarding (?:this|your (?:e-?mail|message|note|request))? ?to|forwarded (?:this|it|your (?:e-?mail|message|note))? ?to|passing (?:this|you|it) (?:on|along) to|passed (?:this|it) (?:on|along) to|try|ask|colleague|coworker|co-worker|better person|right person|better fit|good person|best person|better placed|better suited|point of contact|recommend|suggest|kollege|kollegin|wenden sie sich (?:bitte )?an|wende dich an|sprechen sie mit|fragen sie|in kopie|in cc|leite .{0,30}weiter an|weitergeleitet an|collègue|contactez|je transfère|en copie|colega|compañer[oa]|habla con|hable con|contacta a|contacte a|escribe a|escríbele a|pregunta a|reenviado a|reenvío|en copia|collega|neem contact op met|vraag het aan|doorgestuurd naar|in de cc|fale com|entre em contato com|procure|encaminhei|em cópia|pessoa certa|pessoa indicada|ansprechpartner(?:in)?|schreiben sie (?:doch|bitte|gerne|einfach) |hablar con|recomiendo|te sugiero|le sugiero|persona (?:indicada|adecuada)|ti consiglio|le consiglio|consiglio di|scrivi a|scrivere a|contatta|contattare|parla con|parlare con|rivolgiti a|si rivolga a|persona giusta|in copia|pass(?:ing|ed)? (?:this|it|you|your (?:note|e-?mail|message|request))(?: on| along)? to|not (?:really )?my (?:area|field|expertise)|outside (?:of )?my (?:area|field|expertise)|(?:the|your) (?:person|one) you (?:want|need)|your best bet|who you should (?:talk|speak) to|look (?:him|her|them) up|look up|contacter|prendre contact avec|vous rapprocher de|la bonne personne|le bon interlocuteur|de juiste persoon|nicht (?:der|die) richtige|kennt sich|weet er (?:alles|veel|meer) van|kan je (?:verder|beter) helpen|kan u (?:verder|beter) helpen|(?:ihnen|dir) (?:sicher |bestimmt )?(?:besser |weiter)helfen|pourra (?:mieux )?vous aider|te puede ayudar|podrá ayudarte|pode te ajudar|potrà aiutarti)\b|\badressez-vous à|écrivez à|\btransféré à`)
	nameWord      = `\p{Lu}[\p{L}'’-]+`
	// nameMore: the next word of a name, after particles ("Bram de Wit",
	// "Maria de la Cruz", "Ludwig van der Berg")
	nameMore          = `\s+(?:(?:de|van|von|der|den|da|di|del|della|dos|das|du|le|la|ten|ter|zu|y)\s+){0,2}` + nameWord
	titleWord         = `(?:(?:Mr|Mrs|Ms|Dr|Prof|Herr|Frau|Hr|Fr|M|Mme|Mlle|Sr|Sra|Dhr|Mevr|Sig|Sig\.ra)\.?\s+)?`
	referralNameRe    = regexp.MustCompile(`(?:(?i:talk (?:to|with)|speak (?:to|with)|talking (?:to|with)|speaking (?:to|with)|chatting with|chat (?:to|with)|forward (?:this|it|your (?:e-?mail|message|note|request)) (?:on |along )?to|reach(?:ing)? out to|get in touch with|contact|connect(?:ing)? (?:you )?with|introduce you to|introducing you to|cc'?ing|cc’ing|cc'd|cc’d|cc-?ing|copying|copied|looping in|looped in|loop in|i've added|adding|i'm forwarding (?:this|your (?:e-?mail|message|note|request)) to|forwarding (?:this|your (?:e-?mail|message|note|request)) to|forwarding (?:this )?to|forwarded (?:this|it|your (?:e-?mail|message|note)) to|passing (?:this|you|it) (?:on|along) to|passed (?:this|it) (?:on|along) to|ask|try|recommend(?:ing)?|suggest(?:ing)?|wenden sie sich (?:bitte )?an|wende dich an|sprechen sie mit|fragen sie|contactez|adressez-vous à|écrivez à|habla con|hable con|contacta a|contacte a|escribe a|pregunta a|neem contact op met|vraag het aan|fale com|entre em contato com|procure|schreiben sie (?:doch |bitte |gerne |einfach )?|hablar con|parlare con|parla con|scrivere a|scrivi a|contatta(?:re)?|pass(?:ing|ed)? (?:this|it|you|your (?:note|e-?mail|message|request))(?: on| along)? to|contacter|prendre contact avec|vous rapprocher de|look up)\s+(?i:(?:my|our|his|her|their|mon|ma|mein|meine|meinen|meinem|unsere[nm]?|mi|mijn|onze|minha|meu)\s+(?:former\s+|new\s+)?(?i:colleague|coworker|co-worker|friend|teammate|manager|boss|team lead|lead|director|head of \w+|kollegen|kollegin|kollege|collègue|colega|compañer[oa]|collega|chef|cheffe)\s*,?\s+)?` + titleWord + `|(?i:colleague|coworker|co-worker|friend|teammate|kollege|kollegin|collègue|colega|compañer[oa]|collega)[,]?\s+` + titleWord + `)(` + nameWord + `(?:` + nameMore + `){0,2})`)
	nameBeforeEmailRe = regexp.MustCompile(`(` + nameWord + `(?:` + nameMore + `)?)\s*(?:\(|<|\[|at|:|-|–|,)?\s*(?:mailto:)?$`)
	nameWouldBeRe     = regexp.MustCompile(`(` + nameWord + `(?:` + nameMore + `)?)\s+(?:\([^)]{0,60}\)\s+)?(?i:is (?:the|your) (?:person|guy|one|woman|man|expert) (?:you want|you need|to (?:talk|speak) to|to ask)|is (?:your|the) (?:best )?(?:bet|go-to)|is who you (?:want|need|should (?:talk|speak) to)|kennt sich (?:damit |da )?(?:viel |deutlich |sehr )?(?:besser |gut )aus|weiß (?:da |darüber )?(?:viel )?mehr|weet er (?:alles|veel|meer) van|en sait (?:beaucoup )?plus|sabe (?:mucho )?más|sabe (?:muito )?mais|ne sa (?:molto )?di più|kan (?:je|u) (?:verder|beter) helpen|kann (?:ihnen|dir) (?:sicher |bestimmt )?(?:besser |weiter)helfen|pourra (?:mieux )?vous aider|te puede ayudar|podrá ayudarte|pode te ajudar|potrà aiutarti|would be (?:a |the )?(?:much |far |way )?(?:better|great|good|right|best|perfect|ideal)|is (?:the|a|much|far) (?:better|right|best|ideal|perfect|more relevant) (?:person|contact|fit|match)|is (?:better|best) placed|knows (?:a lot|much|far) more|might be able to help|could help you|can help you|leads our|runs our|heads our|is our (?:expert|go-to))`)
)

// orgBeforeRe: a capitalised word after these is a place or a company.
var orgBeforeRe = regexp.MustCompile(`(?i)\b(?:at|from|of|in|with|for|bei|von|chez|en|di|da|bij|em|do|na)\s+$`)

var nameStop = map[string]bool{
	"i": true, "we": true, "you": true, "he": true, "she": true, "they": true, "the": true, "a": true, "an": true, "my": true, "our": true, "hi": true,
	"hello": true, "thanks": true, "thank": true, "best": true, "regards": true, "cheers": true, "it": true, "this": true, "that": true, "someone": true,
	"somebody": true, "anyone": true, "me": true, "him": true, "her": true, "them": true, "us": true, "if": true, "please": true, "sie": true, "ihn": true,
	"linkedin": true, "email": true, "e-mail": true, "hr": true, "recruiting": true, "here": true, "there": true, "who": true, "whom": true,
}

func init() {
	for _, w := range []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "again", "to", "in", "on", "at", "for", "and", "or", "but",
		"next", "later", "soon", "back", "around", "calling", "reaching", "emailing", "writing", "asking", "trying", "looking", "again.", "also",
		"your", "his", "their", "its", "these", "those", "some", "any", "all", "every", "team", "people", "folks", "them.", "thanks!", "best,",
		"dear", "kind", "warm", "sincerely", "greetings", "mr", "mrs", "ms", "dr", "herr", "frau", "m", "mme", "sr", "sra", "dhr", "mevr", "prof",
		"google", "github", "zoom", "teams", "slack", "calendly", "outlook", "gmail", "monsieur", "madame", "señor", "señora", "human", "resources",
		"recruiter", "recruiters", "talent", "acquisition", "careers", "jobs", "job", "hiring", "university", "college", "company", "department",
		"try", "ask", "contact", "email", "write", "colleague", "kollege", "kollegin", "collègue", "colega", "collega", "coworker"} {
		nameStop[w] = true
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
	// Offsets are the text's: lowerText may change byte lengths.
	spans := plainSentences(text)
	// Addresses in the text, with the name just before them.
	for _, ix := range addrRe.FindAllStringIndex(text, 20) {
		email := NormalizeAddress(strings.Trim(text[ix[0]:ix[1]], "."))
		if email == "" || exclude[email] {
			continue
		}
		if negatedReferral(text, spans, ix[0], ix[1]) {
			exclude[email] = true // and not from Cc either
			continue
		}
		before := text[max(0, ix[0]-60):ix[0]]
		name := ""
		if sm := nameBeforeEmailRe.FindStringSubmatch(before); sm != nil {
			name = sm[1]
		}
		add(name, email)
	}
	for _, re := range []*regexp.Regexp{referralNameRe, nameWouldBeRe} {
		for _, ix := range re.FindAllStringSubmatchIndex(text, 10) {
			if re == nameWouldBeRe && orgBeforeRe.MatchString(text[max(0, ix[2]-12):ix[2]]) {
				continue // "my friend Sofia at Acme would be perfect": Acme is no one
			}
			if !negatedReferral(text, spans, ix[2], ix[3]) {
				add(text[ix[2]:ix[3]], "")
			}
		}
	}
	out = mergeNameEmail(out)
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

// plainSentences splits text into sentences at a '.', '!' or '?' that is
// followed by a space or the end (not the dots of an address or a
// domain), and at blank lines.
func plainSentences(text string) []span {
	var out []span
	start := 0
	for i := 0; i < len(text); i++ {
		end := false
		switch text[i] {
		case '.', '!', '?':
			end = i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n' || text[i+1] == '\r' || text[i+1] == '\t'
		case '\n':
			end = i+1 < len(text) && (text[i+1] == '\n' || text[i+1] == '\r')
		}
		if end {
			if i > start {
				out = append(out, span{start, i})
			}
			start = i + 1
		}
	}
	if start < len(text) {
		out = append(out, span{start, len(text)})
	}
	return out
}

// negReferralRe: the writer asks that someone not be written to ("please
// don't contact Carl", "I'd rather you didn't email her", "don't mention
// me to Brad"). "Don't hesitate to contact" is not one.
var negReferralRe = regexp.MustCompile(`(?i)\b(?:(?:please )?(?:don['’]t|do not|dont|never|shouldn['’]t|should not|wouldn['’]t|would not|not to)(?: (?:ever|directly|actually|really|yet|now))? (?:contact|contacting|email|e-mail|emailing|mail|write to|write|writing to|reach out|reaching out|mention|mentioning|bother|bothering|cc|loop in|copy|message|ping|call|approach|involve)|rather you didn['’]t|leave (?:him|her|them) out|(?:please )?no need to (?:contact|email|write|reach out|bother)|bitte nicht (?:kontaktieren|anschreiben)|nicht kontaktieren|kontaktieren sie (?:(?:ihn|sie|bitte) )*nicht|ne (?:le |la |les )?contactez pas|ne (?:lui )?écrivez pas|no (?:le |la |los )?(?:contactes|contacte|escribas|escriba)|neem geen contact op|não (?:o |a )?contacte|non contattare)\b`)

// negatedReferral reports whether the person at text[i:j] is named in a
// sentence that asks not to contact them (the negation before them, or
// after them with a pronoun: "Brad, but please don't email him").
func negatedReferral(text string, spans []span, i, j int) bool {
	for _, sp := range spans {
		if i < sp.a || i >= sp.b {
			continue
		}
		sent := text[sp.a:sp.b]
		if mentionMeRe.MatchString(sent) {
			return true // "but please don't mention me"
		}
		ix := negReferralRe.FindAllStringIndex(sent, -1)
		for _, m := range ix {
			if m[0]+sp.a < i {
				return true
			}
			if m[0]+sp.a >= j && pronounAfterRe.MatchString(sent[m[1]:]) {
				return true
			}
		}
		return false
	}
	return false
}

var (
	pronounAfterRe = regexp.MustCompile(`(?i)^\W*(?:\pL+\s+){0,2}(?:him|her|them|ihn|sie|le|la|lui|lo)\b`)
	mentionMeRe    = regexp.MustCompile(`(?i)\b(?:don['’]?t|do not|please not|not) (?:mention|name|cite) (?:me|my name)\b|\bleave me out of\b|\bnicht (?:auf )?mich (?:berufen|erwähnen)\b|\bsans me citer\b`)
)

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

// footerLineRe: a line of a company or list footer, where "unsubscribe"
// and "remove" are instructions to readers, not the writer's wish.
var footerLineRe = mustFast(`(?:\bto unsubscribe\b|\bor unsubscribe\b|\bunsubscribe (?:here|link|from (?:this|these|our|future|all)|at any time|anytime|below|instantly|by (?:clicking|replying|sending))|\bclick (?:here )?to\b|\bclick here\b|https?://|\bmanage (?:your )?(?:preferences|subscription)|\bemail preferences\b|\bunsubscribe from (?:the |our |this )?(?:newsletter|mailing list)\b|\bwish to (?:unsubscribe|stop receiving|no longer receive)\b|\bprefer not to receive\b|\bno longer wish\b|\breceive (?:these|this|such) (?:e-?mails|emails|messages)\b|\byou are receiving\b|\bif you (?:no longer|do not|don't) (?:want|wish)\b|\bopt out of (?:marketing|promotional|future)|\babmelden können\b|\bse désabonner de\b|\bpour vous désinscrire\b|\bpara darse de baja\b|\bdarse de baja de (?:esta|nuestra)\b|\bafmelden voor\b|\bom je af te melden\b)`)

func lineAround(s string, i, j int) string {
	a := strings.LastIndexByte(s[:i], '\n') + 1
	b := len(s)
	if k := strings.IndexByte(s[j:], '\n'); k >= 0 {
		b = j + k
	}
	return s[a:b]
}

// mergeNameEmail joins a name found alone with an address found alone
// when the address's local part spells the name ("Marta Gil" and
// marta.gil@…).
func mergeNameEmail(rs []Referral) []Referral {
	for i := 0; i < len(rs); i++ {
		if rs[i].Email == "" || rs[i].Name != "" {
			continue
		}
		local, _, _ := strings.Cut(rs[i].Email, "@")
		parts := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' || r == '+' })
		for j := 0; j < len(rs); j++ {
			if j == i || rs[j].Email != "" || rs[j].Name == "" {
				continue
			}
			words := strings.Fields(strings.ToLower(rs[j].Name))
			match := len(parts) > 0 && len(words) > 0 && (parts[0] == words[0] || (len(parts) > 1 && parts[len(parts)-1] == words[len(words)-1]) || strings.HasPrefix(local, words[0]))
			if match {
				rs[i].Name = rs[j].Name
				rs = append(rs[:j], rs[j+1:]...)
				if j < i {
					i--
				}
				break
			}
		}
	}
	return rs
}
