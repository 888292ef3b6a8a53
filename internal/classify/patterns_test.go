package classify

import (
	"reflect"
	"testing"
)

// TestIntentPatterns: phrasings the labelled sets showed were missed, each
// written afresh (not copied from a fixture) so the pattern, not a file, is
// what is checked. now is Monday 23 November 2026 (testCtx).
func TestIntentPatterns(t *testing.T) {
	checkIntentCases(t, []intentCase{
		// "prima": Dutch "fine", Italian "before" / "the first"
		{"Prima di fissare qualcosa: di cosa vorresti parlare esattamente?", IntentQuestion, "", nil},
		{"Prima, dat is goed. Bel me maar.", IntentYes, "", nil},
		{"Volentieri, ma di cosa si tratta esattamente?", IntentQuestion, "", nil},
		{"Com prazer. Mas o que exatamente você gostaria de saber?", IntentQuestion, "", nil},
		// agreement that is hypothetical or taken back
		{"Normally I'd be glad to help, but I'm swamped with a launch and will have to pass.", IntentDecline, "", nil},
		{"I'd love to, but I'm not able to take on any new requests.", IntentDecline, "", nil},
		{"Happy to help, but I'm not the right person. Try my colleague Dana Wu (dana.wu@x.example).", IntentReferral, "", nil},
		{"Happy to chat, but I can't do Tuesday. Thursday at 2pm?", IntentYes, "", []string{"2026-11-26 14:00"}},
		// declines
		{"Not a great time, sorry.", IntentDecline, "", nil},
		{"My calendar is completely full for the foreseeable future.", IntentDecline, "", nil},
		{"Je ne suis pas disponible pour des entretiens de ce type.", IntentDecline, "", nil},
		{"Infelizmente não posso ajudar.", IntentDecline, "", nil},
		{"Purtroppo non ho tempo.", IntentDecline, "", nil},
		{"Non sono interessato, grazie.", IntentDecline, "", nil},
		// opt-outs
		{"Por favor, não me mande mais mensagens.", IntentOptOut, "", nil},
		{"Remova-me da sua lista, obrigado.", IntentOptOut, "", nil},
		{"Non scrivermi più, grazie.", IntentOptOut, "", nil},
		{"Per favore rimuovetemi dalla vostra lista.", IntentOptOut, "", nil},
		// snoozes
		{"Volentieri, ma non prima di febbraio.", IntentSnooze, "2027-02-01", nil},
		{"Deze week lukt het niet, stuur me in januari nog een mailtje.", IntentSnooze, "2027-01-01", nil},
		{"Swamped until December 4th. Let's talk after that.", IntentSnooze, "2026-12-05", nil},
		{"Swamped until December 4th, ping me then.", IntentSnooze, "2026-12-04", nil},
		// proposed times in 24-hour forms
		{"Passt es Ihnen am Dienstag, 1.12., um 10 Uhr?", IntentYes, "", []string{"2026-12-01 10:00"}},
		{"Gerne. Kan je op woensdag om 9.30 uur?", IntentYes, "", []string{"2026-11-25 09:30"}},
		{"Volentieri! Va bene venerdì alle ore 11.15?", IntentYes, "", []string{"2026-11-27 11:15"}},
		{"Sure, I'm at the office until 5.30 most days.", IntentYes, "", nil},
		{"Great, Wednesday at 3:15 suits me.", IntentYes, "", []string{"2026-11-25 15:15"}}, // one-digit hour: afternoon
		{"Va bene giovedì 3° dicembre alle 10?", IntentYes, "", []string{"2026-12-03 10:00"}},
		// more declines; "not possible" only without a day
		{"I've moved on from that company, and I no longer work in data, sorry.", IntentDecline, "", nil},
		{"Honestly I'm not the right person for this.", IntentDecline, "", nil},
		{"Lo siento, no dispongo de tiempo.", IntentDecline, "", nil},
		{"Désolée, cela ne va pas être possible.", IntentDecline, "", nil},
		{"Das wird leider nichts.", IntentDecline, "", nil},
		{"Dat gaat helaas niet lukken.", IntentDecline, "", nil},
		{"Tuesday won't be possible, but Thursday works.", IntentYes, "", nil},
		// a near day refused is a slot, not a later date
		{"I'm busy Tuesday but Wednesday works.", IntentYes, "", nil},
		{"Busy this week, but next Tuesday works!", IntentYes, "", nil},
		{"Tuesday I'm travelling, Thursday is fine.", IntentYes, "", nil},
		{"Dinsdag lukt niet, woensdag wel.", IntentYes, "", nil},
		{"Swamped this week. Ping me next Monday?", IntentSnooze, "2026-11-30", nil},
		{"Sorry, I don't do informational interviews.", IntentDecline, "", nil},
		{"I'm going to have to say no this time.", IntentDecline, "", nil},
		{"Thanks, but no.", IntentDecline, "", nil},
		{"Je préfère décliner, désolé.", IntentDecline, "", nil},
		{"Lo siento, pero no va a poder ser.", IntentDecline, "", nil},
		{"Helaas moet ik je teleurstellen.", IntentDecline, "", nil},
		{"Leider muss ich ablehnen.", IntentDecline, "", nil},
		{"Ja hoor, prima. Volgende week dinsdag om 11 uur?", IntentYes, "", []string{"2026-12-01 11:00"}},
		// opt-outs
		{"No thanks. Stop, please.", IntentOptOut, "", nil},
		{"Please don't email again.", IntentOptOut, "", nil},
		{"Schicken Sie mir bitte keine Mails mehr.", IntentOptOut, "", nil},
		{"I'd appreciate it if you didn't contact me again.", IntentOptOut, "", nil},
		{"Je ne souhaite plus recevoir vos messages.", IntentOptOut, "", nil},
		{"Stop by the office whenever you like.", IntentNone, "", nil},
		// "until" and a "no": a later date
		{"I have no time until February, sorry.", IntentSnooze, "2027-02-01", nil},
		{"Hasta enero no tengo nada libre.", IntentSnooze, "2027-01-01", nil},
		{"Claro, ¿me escribes en marzo?", IntentSnooze, "2027-03-01", nil},
		{"Ask me again in the spring.", IntentSnooze, "2027-03-01", nil},
		{"Vielleicht im Frühjahr? Gerade ist viel los.", IntentSnooze, "2027-03-01", nil},
		{"Reviens vers moi en février.", IntentSnooze, "2027-02-01", nil},
	})
}

func TestReferralPatterns(t *testing.T) {
	checkReferralCases(t, []referralCase{
		{"Ich bin nicht der richtige Ansprechpartner. Schreiben Sie doch an Tim Berg (tim.berg@x.example).", []Referral{{"Tim Berg", "tim.berg@x.example"}}},
		{"No soy la persona adecuada; te recomiendo a Ana Gil (ana.gil@x.example).", []Referral{{"Ana Gil", "ana.gil@x.example"}}},
		{"Ti consiglio di contattare Paolo Neri: paolo.neri@x.example", []Referral{{"Paolo Neri", "paolo.neri@x.example"}}},
		{"Not really my area, so I'm passing your message to Omar Said<mailto:omar.said@x.example>.", []Referral{{"Omar Said", "omar.said@x.example"}}},
		{"Talk to my colleague Maria de la Cruz.", []Referral{{"Maria de la Cruz", ""}}},
		{"Wim van der Berg (wim.vanderberg@x.example) kan je verder helpen.", []Referral{{"Wim van der Berg", "wim.vanderberg@x.example"}}},
		{"My old teammate Kim Ortiz at Globex would be a great person to ask.", []Referral{{"Kim Ortiz", ""}}},
		{"Rita Gomez is the person you want to talk to.", []Referral{{"Rita Gomez", ""}}},
		{"I'd suggest talking to Marco Diaz in our data team.", []Referral{{"Marco Diaz", ""}}},
		{"Je vous conseille de contacter Jean Roux (jean.roux@x.example).", []Referral{{"Jean Roux", "jean.roux@x.example"}}},
	})
}

// TestPersonalAwayPatterns: away notes a person wrote, without "I'm
// away" in the usual words.
func TestPersonalAwayPatterns(t *testing.T) {
	for _, tc := range []struct{ text, ret string }{
		{"I'm attending a conference in Berlin, back on 2 December. I'll reply then.", "2026-12-02"},
		{"Out of office until Dec 9 - will reply when back.", "2026-12-09"},
		{"Auf Dienstreise bis 3.12., ich melde mich danach.", "2026-12-03"},
		{"De vacaciones hasta el 7 de diciembre, te contesto a la vuelta.", "2026-12-07"},
		{"Off until Monday 30 Nov, will answer then.", "2026-11-30"},
		{"I'm unfortunately on medical leave until 4 January; I'll reply when I'm back.", "2027-01-04"},
		{"Ik ben tot 2 december met vakantie, daarna reageer ik.", "2026-12-02"},
		{"Estoy fuera hasta el lunes 30, te escribo a la vuelta.", "2026-11-30"},
	} {
		r := human(t, tc.text)
		got := ""
		if r.AutoReply != nil && !r.AutoReply.ReturnDate.IsZero() {
			got = r.AutoReply.ReturnDate.Format("2006-01-02")
		}
		if r.Kind != KindAutoReply || got != tc.ret {
			t.Errorf("%q: kind %q return %q, want auto_reply %q (%v)", tc.text, r.Kind.JSONKind(), got, tc.ret, r.Reasons)
		}
	}
}

// intentCase is a short reply and what it should be read as: its
// intent, the snooze date (YYYY-MM-DD) and the proposed times
// ("YYYY-MM-DD HH:MM" in the test context's zone).
type intentCase struct {
	text     string
	intent   Intent
	snooze   string
	proposed []string
}

func checkIntentCases(t *testing.T, cases []intentCase) {
	t.Helper()
	for _, tc := range cases {
		r := human(t, tc.text)
		if r.Intent != tc.intent {
			t.Errorf("%q: intent %q, want %q (%v)", tc.text, r.Intent, tc.intent, r.Reasons)
		}
		got := ""
		if !r.SnoozeUntil.IsZero() {
			got = r.SnoozeUntil.Format("2006-01-02")
		}
		if got != tc.snooze {
			t.Errorf("%q: snooze %q, want %q", tc.text, got, tc.snooze)
		}
		var ps []string
		for _, p := range r.ProposedTimes {
			ps = append(ps, p.Format("2006-01-02 15:04"))
		}
		if !reflect.DeepEqual(ps, tc.proposed) {
			t.Errorf("%q: proposed %q, want %q", tc.text, ps, tc.proposed)
		}
	}
}

// referralCase is a short reply and the people it refers the owner to.
type referralCase struct {
	text string
	want []Referral
}

func checkReferralCases(t *testing.T, cases []referralCase) {
	t.Helper()
	for _, tc := range cases {
		r := human(t, tc.text)
		if !reflect.DeepEqual(r.Referrals, tc.want) || r.Intent != IntentReferral {
			t.Errorf("%q: intent %q, referrals %+v, want %+v (%v)", tc.text, r.Intent, r.Referrals, tc.want, r.Reasons)
		}
	}
}
