package classify

import "testing"

// TestIntentPatterns4: phrasings a fourth labelled set showed were missed,
// written afresh. now is Monday 23 November 2026 (testCtx).
func TestIntentPatterns4(t *testing.T) {
	checkIntentCases(t, []intentCase{
		// a paragraph wrapped by the mail client is read across the break
		{"Sorry, this December is completely hectic for me, so let's pick it up in\nthe new year, if that suits you.", IntentSnooze, "2027-01-05", nil},
		{"Thanks Alex\nBest of luck with it all.", IntentNone, "", nil},
		// curt refusals
		{"Can't. Sorry.", IntentDecline, "", nil},
		{"Sorry, I can't.", IntentDecline, "", nil},
		{"I can't wait to hear about it. Thursday at 3pm?", IntentYes, "", []string{"2026-11-26 15:00"}},
		{"Honestly I'm stretched way too thin these days.", IntentDecline, "", nil},
		{"That's not something I can do right now, I'm afraid.", IntentDecline, "", nil},
		{"Purtroppo non riesco, ho troppi impegni.", IntentDecline, "", nil},
		{"Non riesco martedì, ma giovedì alle 15 va bene.", IntentYes, "", []string{"2026-11-26 15:00"}},
		// agreement without a set phrase
		{"Early December could work for me, let me know.", IntentYes, "", nil},
		{"Absolut, gärna!", IntentYes, "", nil},
		{"Jasne, chętnie pomogę.", IntentYes, "", nil},
		// quarters
		{"Q2 would suit me better, it's budget season here.", IntentSnooze, "2027-04-01", nil},
		{"Let's revisit after Q1.", IntentSnooze, "2027-04-01", nil},
		{"Q4 has been rough, sorry for the slow reply. Tuesday at 10am?", IntentYes, "", []string{"2026-11-24 10:00"}},
		// "after that" after a single day: the day after
		{"Our audit wraps up on December 11th. Try me again after that.", IntentSnooze, "2026-12-12", nil},
		// more refusals, in several languages
		{"Count me out, sorry.", IntentDecline, "", nil},
		{"Pass, thanks.", IntentDecline, "", nil},
		{"Please pass my regards to Maria. Thursday at 2pm works.", IntentYes, "", []string{"2026-11-26 14:00"}},
		{"No can do this time of year.", IntentDecline, "", nil},
		{"Hard pass.", IntentDecline, "", nil},
		{"I'd rather not, if that's ok.", IntentDecline, "", nil},
		{"I'd rather not do Tuesday. Thursday at 2pm?", IntentYes, "", []string{"2026-11-26 14:00"}},
		{"I doubt I'd be of much help, and I won't be much use to you on this.", IntentDecline, "", nil},
		{"I'm not comfortable doing this with someone I don't know.", IntentDecline, "", nil},
		{"Our employer doesn't allow this kind of thing.", IntentDecline, "", nil},
		{"Leider habe ich gerade keine Kapazitäten.", IntentDecline, "", nil},
		{"Perdona, en estas fechas no puedo.", IntentDecline, "", nil},
		{"Ik heb er helaas geen ruimte voor.", IntentDecline, "", nil},
		{"Desculpe, não vou conseguir.", IntentDecline, "", nil},
		{"Scusa, non posso.", IntentDecline, "", nil},
		{"Nej tack, det passar inte.", IntentDecline, "", nil},
		{"Jag har tyvärr inte tid just nu.", IntentDecline, "", nil},
		{"Przepraszam, nie mam czasu.", IntentDecline, "", nil},
		{"Nie, dziękuję.", IntentDecline, "", nil},
		{"Please don't reach out again.", IntentOptOut, "", nil},
		{"Ta bort mig från listan.", IntentOptOut, "", nil},
		{"Proszę usunąć mnie z listy.", IntentOptOut, "", nil},
		{"Kind of you, but this isn't something I usually do.", IntentDecline, "", nil},
		{"Honestly, it's not for me.", IntentDecline, "", nil},
		{"I appreciate the thought, but no.", IntentDecline, "", nil},
		{"Thanks, but no rush on your side. Thursday at 2pm?", IntentYes, "", []string{"2026-11-26 14:00"}},
		{"We're not accepting any more requests like this.", IntentDecline, "", nil},
		{"Désolé, je ne suis pas disponible.", IntentDecline, "", nil},
		{"Dankjewel, maar ik sla dit verzoek over.", IntentDecline, "", nil},
		{"Agradeço, mas vou recusar.", IntentDecline, "", nil},
		{"Grazie, preferirei di no.", IntentDecline, "", nil},
		{"Danke, aber lieber nicht.", IntentDecline, "", nil},
		// words that begin with a letter outside ASCII
		{"Ça me va, merci !", IntentYes, "", nil},
		{"Pas maintenant. Écrivez-moi en mars.", IntentSnooze, "2027-03-01", nil},
		{"Schreib mir im März noch mal.", IntentSnooze, "2027-03-01", nil},
		{"Heads down until March, then happy to.", IntentSnooze, "2027-03-01", nil},
		// more agreements and deferrals
		{"Sounds like a plan. Which days suit you?", IntentYes, "", nil},
		{"Send me a few times and I'll pick one.", IntentYes, "", nil},
		{"Con mucho gusto, ¿qué día te viene mejor?", IntentYes, "", nil},
		{"I'd be game for that. Next Wednesday?", IntentYes, "", nil},
		{"Not this year, sorry. In the spring, maybe.", IntentSnooze, "2027-03-01", nil},
		{"Could we shoot for mid-January?", IntentSnooze, "2027-01-15", nil},
		{"Can we do it in a month or so?", IntentSnooze, "2026-12-23", nil},
		{"Let's talk at the start of next year.", IntentSnooze, "2027-01-01", nil},
		{"Maybe after the first of the year?", IntentSnooze, "2027-01-05", nil},
		// an assistant copied in to schedule: a yes, no referral
		{"Adding my assistant Priya (priya@x.example) who keeps my calendar, she'll find a time.", IntentYes, "", nil},
		{"Looping in Sam from my team to set something up.", IntentYes, "", nil},
		{"My EA will be in touch to schedule.", IntentYes, "", nil},
		{"My assistant is away, so I'm buried. Not this month.", IntentNone, "", nil},
		{"Snag any slot on my calendar.", IntentYes, "", nil},
		{"Neither of those would work for me, sorry, and I can't offer others.", IntentDecline, "", nil},
		// more refusals and stops
		{"I think I'll sit this one out.", IntentDecline, "", nil},
		{"I'm sorry, but the answer has to be no.", IntentDecline, "", nil},
		{"Not at this stage, sorry.", IntentDecline, "", nil},
		{"Sorry, not possible.", IntentDecline, "", nil},
		{"Can you get me off this list?", IntentOptOut, "", nil},
		{"The next quarter would suit me better.", IntentSnooze, "2027-01-01", nil},
		{"Merci, mais je ne suis pas en mesure de donner suite.", IntentDecline, "", nil},
		{"Tack för frågan, men jag måste tacka nej.", IntentDecline, "", nil},
		{"Przykro mi, muszę odmówić.", IntentDecline, "", nil},
		{"Niestety nie mogę.", IntentDecline, "", nil},
		{"Agora não dá, me procure de novo em março.", IntentSnooze, "2027-03-01", nil},
		// a plain day number after a weekday outside English; a dotted
		// time before a weekday
		{"Vale, ¿el jueves 3 a las 16h?", IntentYes, "", []string{"2026-12-03 16:00"}},
		{"Volentieri, mercoledì 2 alle 10?", IntentYes, "", []string{"2026-12-02 10:00"}},
		{"Sure, Tuesday 2 to 3pm works.", IntentYes, "", []string{"2026-11-24 14:00"}},
		{"Would 9.45 on Thursday suit?", IntentYes, "", []string{"2026-11-26 09:45"}},
		{"Sure. It costs 9.50 on Fridays.", IntentYes, "", nil},
		{"Sorry, I'm completely at capacity.", IntentDecline, "", nil},
		{"I quit doing these a while back.", IntentDecline, "", nil},
		{"Nope.", IntentDecline, "", nil},
		{"I don't think I could be of much help, sorry.", IntentDecline, "", nil},
		{"Please, I want to be removed from these mailings.", IntentOptOut, "", nil},
		{"Yep! Let me know what suits.", IntentYes, "", nil},
		{"Great, 4th at 10am then?", IntentYes, "", []string{"2026-12-04 10:00"}},
		{"Honestly I'm not the one to ask about this.", IntentDecline, "", nil},
		{"It wouldn't be a good fit for me, I'm afraid.", IntentDecline, "", nil},
		{"I don't usually take calls like this.", IntentDecline, "", nil},
		{"Could we push it to February?", IntentSnooze, "2027-02-01", nil},
		{"Let's pick it up after the holiday break.", IntentSnooze, "2027-01-05", nil},
		{"Busy season. Maybe February?", IntentSnooze, "2027-02-01", nil},
		// a weekday with "'s"
		{"Wednesday's fine by me. 4:30?", IntentYes, "", []string{"2026-11-25 16:30"}},
		{"Tomorrow's good.", IntentYes, "", nil},
		// Swedish, Polish, "dia 30"
		{"Fredag 27 november kl. 10 passar mig.", IntentYes, "", []string{"2026-11-27 10:00"}},
		{"W czwartek 26 listopada o 14:30 pasuje mi.", IntentYes, "", []string{"2026-11-26 14:30"}},
		{"Pode ser na terça-feira, dia 1, às 9h?", IntentYes, "", []string{"2026-12-01 09:00"}},
	})
}

// TestReferralPatterns4: "look up NAME", after a refusal whose words hold
// "I can do".
func TestReferralPatterns4(t *testing.T) {
	checkReferralCases(t, []referralCase{
		{"Not something I can do. Look up Nadia Khoury on our team, she mentors people.", []Referral{{"Nadia Khoury", ""}}},
		{"You could look up Tomas Berg, he went through the same thing.", []Referral{{"Tomas Berg", ""}}},
		{"You should chat with Lea Moreau (lea.moreau@x.example) instead.", []Referral{{"Lea Moreau", "lea.moreau@x.example"}}},
		{"I'll forward this to Hugo Lind, he handles these.", []Referral{{"Hugo Lind", ""}}},
		{"Copying Ana Ruiz (ana.ruiz@x.example), you might find it useful to talk to her.", []Referral{{"Ana Ruiz", "ana.ruiz@x.example"}}},
	})
}
