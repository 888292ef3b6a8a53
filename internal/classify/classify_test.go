package classify

import (
	"rapport/internal/when"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testNow is Monday 23 November 2026, 10:00 UTC.
var testNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func testCtx() Context {
	return Context{Now: testNow, Loc: time.UTC, Own: []string{"alex@example.com"}}
}

// msg builds a raw message from header lines and a body.
func msg(headers, body string) []byte {
	if !strings.Contains(headers, "From:") {
		headers = "From: Jane <jane@acme.example>\n" + headers
	}
	return []byte(strings.TrimLeft(headers, "\n") + "\n\n" + body)
}

func classifyRaw(t *testing.T, raw []byte) Result {
	t.Helper()
	m, err := Parse(raw, Limits{})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return Classify(m, testCtx())
}

func human(t *testing.T, body string) Result {
	t.Helper()
	return classifyRaw(t, msg("Subject: Re: hello\nTo: alex@example.com", body))
}

func TestNormalizeSubject(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Re: Hello", "hello"},
		{"RE: AW: Fwd: Hello  World", "hello world"},
		{"Re[2]: Hello", "hello"},
		{"Re(3) : Hello", "hello"},
		{"SV: VS: Antw: Réf: RIF: hello", "hello"},
		{"回复：答复: 你好", "你好"},
		{"WG: TR: ENC: FW: hello", "hello"},
		{"[EXTERNAL] Re: Hello", "hello"},
		{"Re: [External]: Hello", "hello"},
		{"  Informational   interview?  ", "informational interview?"},
		{"Ynt: Odp: ATB: hello", "hello"},
		{"Re: Re: Re:", ""},
		{"Regarding the call", "regarding the call"}, // not a prefix without a colon
		{"Fwd:Re:Fw: X", "x"},
		{"ΣΧΕΔΙΟ", "σχεδιο"},
	} {
		if got := NormalizeSubject(tc.in); got != tc.want {
			t.Errorf("NormalizeSubject(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeAddress(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Jane.Smith@Example.COM", "jane.smith@example.com"},
		{"Jane <Jane+tag@Example.com>", "jane+tag@example.com"},
		{"<a@b.example>", "a@b.example"},
		{"jürgen@müller.example", "jürgen@xn--mller-kva.example"},
		{"x@BÜCHER.example.", "x@xn--bcher-kva.example"},
		{"not an address", ""},
		{"@nolocal.example", ""},
		{"nodomain@", ""},
		{"", ""},
	} {
		if got := NormalizeAddress(tc.in); got != tc.want {
			t.Errorf("NormalizeAddress(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCandidateIDs(t *testing.T) {
	raw := msg(`Message-ID: <self@x>
In-Reply-To: <b@x>
References: <a@x>, <b@x> <noat> <c@x>
X-Microsoft-Original-Message-ID: <orig@x>`, "hi")
	m, err := Parse(raw, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"b@x", "c@x", "noat", "a@x", "orig@x"}
	if got := CandidateIDs(m); !reflect.DeepEqual(got, want) {
		t.Errorf("CandidateIDs = %q, want %q", got, want)
	}
	if m.MessageID != "self@x" {
		t.Errorf("MessageID = %q", m.MessageID)
	}
	if got := ExtractMessageIDs("bare@id.example other@id.example"); !reflect.DeepEqual(got, []string{"bare@id.example", "other@id.example"}) {
		t.Errorf("bare ids: %q", got)
	}
}

func TestStripQuoted(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"gmail", "Sure!\n\nOn Thu, Nov 19, 2026 at 9:30 AM Alex <a@x> wrote:\n> hi\n> there", "Sure!"},
		{"gmail wrapped", "Sure!\n\nOn Thu, Nov 19, 2026 at 9:30 AM Alex Doe <\nalex@example.com> wrote:\n\n> hi", "Sure!"},
		{"german", "Gerne.\n\nAm Do., 19. Nov. 2026 um 15:30 Uhr schrieb Alex <a@x>:\n> hallo", "Gerne."},
		{"french", "Oui.\n\nLe jeu. 19 nov. 2026 à 15:30, Alex <a@x> a écrit :\n> salut", "Oui."},
		{"spanish", "Sí.\n\nEl jue, 19 nov 2026 a las 15:30, Alex (<a@x>) escribió:\n> hola", "Sí."},
		{"dutch", "Ja.\n\nOp do 19 nov. 2026 om 15:30 schreef Alex <a@x>:\n> hoi", "Ja."},
		{"original message", "Yes.\n\n-----Original Message-----\nFrom: Alex\nSent: Thursday\n\nHi", "Yes."},
		{"outlook block", "Yes.\n\nFrom: Alex Doe <alex@example.com>\nSent: Thursday, November 19, 2026 9:30 AM\nTo: Jane\nSubject: Hi\n\nHi Jane", "Yes."},
		{"outlook underscores", "Yes.\n\n________________________________\nFrom: Alex Doe\nSent: Thursday\n", "Yes."},
		{"outlook german", "Ja.\n\nVon: Alex Doe <alex@example.com>\nGesendet: Donnerstag, 19. November 2026 15:30\nAn: Jane\nBetreff: Hallo\n\nHallo", "Ja."},
		{"signature", "Thanks!\n\n-- \nJane Smith\nVP", "Thanks!"},
		{"iphone", "Ok\n\nSent from my iPhone", "Ok"},
		{"german iphone", "Ok\n\nVon meinem iPhone gesendet", "Ok"},
		{"bottom post", "On Thu, Alex <a@x> wrote:\n> question?\n\nAnswer.", "Answer."},
		{"inline", "> q1\nA1\n> q2\nA2", "A1\nA2"},
		{"apple", "Sure\n\n> On 19 Nov 2026, at 15:30, Alex <a@x> wrote:\n> \n> hi", "Sure"},
		{"unquoted history after attribution", "Yes.\n\nOn Thu, Nov 19, 2026, Alex <a@x> wrote:\nHi Jane, not interested?", "Yes."},
		{"forwarded", "FYI\n\n---------- Forwarded message ---------\nFrom: x", "FYI"},
		{"no quote", "Just text.\nTwo lines.", "Just text.\nTwo lines."},
		{"not a header", "From: my side, yes.\nThanks for asking", "From: my side, yes.\nThanks for asking"},
		{"sign-off", "Sure.\n\nBest,\nJane Smith\n+1 555 0100", "Sure."},
		{"crlf", "Yes\r\n\r\n> quoted\r\n", "Yes"},
	} {
		if got := StripQuoted(tc.in); got != tc.want {
			t.Errorf("%s: StripQuoted = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestParseDSN(t *testing.T) {
	body := "Reporting-MTA: dns; mx.example.com\r\nArrival-Date: Thu, 19 Nov 2026 09:30:58 -0500\r\n\r\n" +
		"Final-Recipient: rfc822; A@Example.com\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n" +
		"Final-Recipient: rfc822;b@example.com\r\nAction: delayed\r\nStatus: 4.4.7 (timeout)\r\n\r\n" +
		"Original-Recipient: rfc822; c@example.com\r\nAction: delivered\r\nStatus: 2.0.0\r\n"
	d, err := ParseDSN([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if d.ReportingMTA != "mx.example.com" {
		t.Errorf("ReportingMTA = %q", d.ReportingMTA)
	}
	want := []Recipient{
		{Addr: "a@example.com", Action: "failed", Status: "5.1.1", Diagnostic: "550 5.1.1 user unknown"},
		{Addr: "b@example.com", Action: "delayed", Status: "4.4.7"},
		{Addr: "c@example.com", Action: "delivered", Status: "2.0.0"},
	}
	if !reflect.DeepEqual(d.Recipients, want) {
		t.Errorf("Recipients =\n%+v\nwant\n%+v", d.Recipients, want)
	}
	if !d.Recipients[0].Permanent() || d.Recipients[1].Permanent() || d.Recipients[2].Failed() {
		t.Error("Permanent/Failed wrong")
	}
	// A broken line does not stop the group.
	d, err = ParseDSN([]byte("Final-Recipient: rfc822; x@y.example\nthis line is junk\nAction: failed\nStatus: 5.0.0\n"))
	if err != nil || len(d.Recipients) != 1 || d.Recipients[0].Action != "failed" {
		t.Errorf("lenient: %+v %v", d, err)
	}
	if _, err := ParseDSN(nil); err == nil {
		t.Error("empty: want error")
	}
}

func TestBounceRules(t *testing.T) {
	for _, tc := range []struct {
		name      string
		raw       []byte
		bounce    bool
		permanent bool
	}{
		{"x-failed-recipients", msg("From: Mail Delivery System <Mailer-Daemon@h.example>\nX-Failed-Recipients: a@b.example\nSubject: Mail delivery failed: returning message to sender", "550 5.1.1 unknown"), true, true},
		{"exchange ndr header", msg("From: postmaster@c.example\nX-MS-Exchange-Message-Is-Ndr:\nSubject: Undeliverable: hi", "Delivery has failed to these recipients: a@b.example"), true, true},
		{"daemon and subject", msg("From: MAILER-DAEMON@h.example\nSubject: failure notice", "<a@b.example>:\nSorry, no mailbox here by that name. (#5.1.1)"), true, true},
		{"subject and null return path", msg("Return-Path: <>\nFrom: \"Mail System\" <mail@isp.example>\nSubject: Undeliverable mail", "could not be delivered to a@b.example"), true, true},
		{"delay subject", msg("From: MAILER-DAEMON@h.example\nSubject: Delivery Status Notification (Delay)", "Delivery to a@b.example is delayed. Will retry."), true, false},
		{"failed with a 4.x.x status is a bounce", msg("From: MAILER-DAEMON@h.example\nSubject: Undelivered Mail\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=b",
			"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; g\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 4.4.7\n--b--\n"), true, true},
		{"sendgrid expired is a bounce", msg("From: SendGrid <bounces@sendgrid.example>\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=b",
			"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; sendgrid.net\n\nFinal-Recipient: rfc822; a@b.example\nOriginal-Recipient: rfc822; alias@b.example\nAction: expired\nStatus: 4.2.0\n--b--\n"), true, true},
		{"mailer-daemon without a domain", msg("From: MAILER-DAEMON\nSubject: Mail delivery failed", "The following address failed:\n\n  a@b.example\n    550 no such user"), true, true},
		{"post_master", msg("From: post_master@isp.example\nSubject: Returned mail", "Your message could not be delivered to <a@b.example>"), true, true},
		{"empty MAILER-DAEMON <>", msg("From: MAILER-DAEMON <>\nSubject: Mail delivery failed", "There was an error delivering your mail to <a@b.example>.\n550 5.1.1 unknown"), true, true},
		{"gmail dsn with auto-submitted", msg("From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nAuto-Submitted: auto-replied\nSubject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=b",
			"--b\nContent-Type: text/plain\n\nfailed\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; g\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n--b--\n"), true, true},
		{"success dsn is not a bounce", msg("From: MAILER-DAEMON@h.example\nSubject: Successful Mail Delivery Report\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=b",
			"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; g\n\nFinal-Recipient: rfc822; a@b.example\nAction: delivered\nStatus: 2.0.0\n--b--\n"), false, false},
		{"human re: undeliverable", msg("From: Jane <jane@acme.example>\nSubject: Re: Undeliverable: hi", "Your first mail bounced, this address works."), false, false},
		{"human subject only", msg("From: Jane <jane@acme.example>\nSubject: failure notice for the project", "We failed, sadly."), false, false},
	} {
		r := classifyRaw(t, tc.raw)
		if (r.Kind == KindBounce || r.Kind == KindDelay) != tc.bounce || (tc.bounce && (r.Kind == KindBounce) != tc.permanent) {
			t.Errorf("%s: kind %s, want bounce=%v (%v)", tc.name, r.Kind, tc.bounce, r.Reasons)
			continue
		}
		if tc.bounce && r.Bounce.Permanent != tc.permanent {
			t.Errorf("%s: permanent=%v, want %v (%+v)", tc.name, r.Bounce.Permanent, tc.permanent, r.Bounce)
		}
		if tc.bounce && len(r.Bounce.Recipients) == 0 {
			t.Errorf("%s: no recipients", tc.name)
		}
	}
}

func TestAutoReplyRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		headers string
		auto    bool
	}{
		{"auto-submitted replied", "Auto-Submitted: auto-replied", true},
		{"auto-submitted generated", "Auto-Submitted: auto-generated", true},
		{"auto-submitted notified", "Auto-Submitted: auto-notified", true},
		{"auto-submitted no", "Auto-Submitted: no", false},
		{"auto-submitted with comment", "Auto-Submitted: auto-replied (vacation)", true},
		{"x-autoreply", "X-Autoreply: yes", true},
		{"x-autorespond", "X-Autorespond: hi", true},
		{"precedence auto_reply", "Precedence: auto_reply", true},
		{"x-precedence auto_reply", "X-Precedence: auto_reply", true},
		{"communigate", "X-Autogenerated: Reply", true},
		{"x-autoreply-from", "X-AutoReply-From: a@b", true},
		{"x-mail-autoreply", "X-Mail-Autoreply: yes", true},
		{"firstclass", "X-FC-MachineGenerated: true", true},
		{"mailtraq", "X-POST-MessageClass: 9; Autoresponder", true},
		{"qmail", "Delivered-To: Autoresponder", true},
		{"suppress is not a signal", "X-Auto-Response-Suppress: All", false},
		{"one weak signal", "Precedence: bulk", false},
		{"list headers are not automation", "Precedence: bulk\nList-Id: <x.list>", false},
		{"no-reply and a null return path", "From: noreply@service.example\nReturn-Path: <>\nPrecedence: bulk", true},
		{"subject automatic reply", "Subject: Automatic reply: hello", true},
		{"subject out of office", "Subject: Out of Office: hello", true},
		{"subject auto reply", "Subject: Auto Reply", true},
		{"subject abwesenheitsnotiz", "Subject: Abwesenheitsnotiz: Hallo", true},
		{"subject automatische antwort", "Subject: Automatische Antwort: Hallo", true},
		{"subject reponse automatique", "Subject: =?UTF-8?Q?R=C3=A9ponse_automatique_:_x?=", true},
		{"subject respuesta automatica", "Subject: Respuesta automática: hola", true},
		{"subject risposta automatica", "Subject: Risposta automatica: ciao", true},
		{"subject autosvar", "Subject: Autosvar: hej", true},
		{"subject is out of the office", "Subject: Jane Smith is out of the office", true},
		{"human subject automatic", "Subject: Automatic testing roles", false},
		{"human subject automation", "Subject: Re: Automation ideas", false},
		{"human subject out", "Subject: Re: out of curiosity", false},
	} {
		r := classifyRaw(t, msg(tc.headers, "Thanks for your message."))
		if (r.Kind == KindAutoReply) != tc.auto {
			t.Errorf("%s: kind %s, want auto=%v (%v)", tc.name, r.Kind, tc.auto, r.Reasons)
		}
	}
	// Weak signal plus out-of-office wording.
	r := classifyRaw(t, msg("Return-Path: <>", "I am currently out of the office until Monday."))
	if r.Kind != KindAutoReply {
		t.Errorf("weak+oof: %s", r.Kind)
	}
}

func TestReturnDate(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"I will be back on 30 November.", "2026-11-30"},
		{"I'm out, returning Monday 7 December.", "2026-12-07"},
		{"Back on 12/01.", "2026-12-01"},
		{"I'm away until December 2, 2026.", "2026-12-02"},
		{"Ich bin ab dem 7. Dezember wieder im Büro.", "2026-12-07"},
		{"Ich bin bis 30.11.2026 nicht im Büro.", "2026-11-30"},
		{"Je serai de retour le lundi 7 décembre.", "2026-12-07"},
		{"Estoy fuera hasta el 30 de noviembre.", "2026-11-30"},
		{"Regreso el 2 de diciembre.", "2026-12-02"},
		{"Ik ben terug op 1 december.", "2026-12-01"},
		{"Out from 20 Nov to 27 Nov, back on 30 Nov.", "2026-11-30"},
		{"I'm back in January 2027.", "2027-01-01"},
		{"I am on leave.", ""},
		{"Back Monday.", "2026-11-30"},
		{"back on 2027-01-04", "2027-01-04"},
	} {
		got := findReturnDate(tc.text, testNow, time.UTC)
		s := ""
		if !got.IsZero() {
			s = got.Format("2006-01-02")
		}
		if s != tc.want {
			t.Errorf("%q: return date %q, want %q", tc.text, s, tc.want)
		}
	}
}

func TestOptOut(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Please remove me from your list.", true},
		{"Remove me.", true},
		{"Take me off your mailing list", true},
		{"unsubscribe", true},
		{"Please unsubscribe me", true},
		{"STOP", true},
		{"Stop emailing me.", true},
		{"Stop contacting me, please.", true},
		{"Please do not contact me again.", true},
		{"Don't email me.", true},
		{"No more emails please.", true},
		{"I don't want to receive these.", true},
		{"Opt me out.", true},
		{"Leave me alone.", true},
		{"This is spam.", true},
		{"Bitte entfernen Sie mich aus Ihrem Verteiler.", true},
		{"Kontaktieren Sie mich bitte nicht mehr.", true},
		{"Bitte austragen.", true},
		{"Keine E-Mails mehr, danke.", true},
		{"Merci de ne plus me contacter.", true},
		{"Désinscrivez-moi.", true},
		{"Retirez-moi de votre liste.", true},
		{"Ne m'écrivez plus.", true},
		{"Por favor, dejen de escribirme.", true},
		{"Quiero darme de baja.", true},
		{"No me contacte más.", true},
		{"Graag uitschrijven.", true},
		{"Verwijder mij van uw lijst.", true},
		{"Mail me niet meer.", true},
		// precision
		{"Please don't remove me from your list, I'm just busy.", false},
		{"Ha, don't unsubscribe me from the newsletter!", false},
		{"Don't email me at this address, use my personal one instead.", false},
		{"Don't hesitate to contact me.", false},
		{"I stopped emailing that group years ago. Happy to chat.", false},
		{"Happy to help!", false},
		{"I'll remove the item from the agenda.", false},
	} {
		r := human(t, tc.text)
		if got := hasIntent(r.Intents, IntentOptOut); got != tc.want {
			t.Errorf("%q: opt_out=%v, want %v (%v)", tc.text, got, tc.want, r.Reasons)
		}
		if tc.want && r.Intent != IntentOptOut {
			t.Errorf("%q: primary intent %q, want opt_out", tc.text, r.Intent)
		}
	}
}

func TestDecline(t *testing.T) {
	for _, tc := range []struct {
		text string
		want Intent
	}{
		{"Thanks, but I'm not interested.", IntentDecline},
		{"I don't have time for this, sorry.", IntentDecline},
		{"I'm not able to help.", IntentDecline},
		{"No thanks.", IntentDecline},
		{"I'll have to pass.", IntentDecline},
		{"I must respectfully decline.", IntentDecline},
		{"Leider kein Interesse.", IntentDecline},
		{"Pas intéressé, merci.", IntentDecline},
		{"No tengo tiempo.", IntentDecline},
		{"Geen interesse.", IntentDecline},
		// not declines
		{"I'm not able to meet Tuesday, but Thursday 2pm works.", IntentYes},
		{"I'm not able to help with a job, but happy to chat.", IntentYes},
		{"I don't have much time, but I can do 15 minutes by phone.", IntentYes},
		{"Too busy right now, try me in March.", IntentSnooze},
		{"Sounds great.", IntentYes},
		{"Thanks, got it.", IntentNone},
	} {
		r := human(t, tc.text)
		if r.Intent != tc.want {
			t.Errorf("%q: intent %q, want %q (%v)", tc.text, r.Intent, tc.want, r.Reasons)
		}
	}
}

func TestSnooze(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Not now, try me in March.", "2027-03-01"},
		{"Can you reach out after the holidays?", "2027-01-05"},
		{"Let's talk in January.", "2027-01-01"},
		{"Busy now, let's talk next month.", "2026-12-01"},
		{"Ping me in two weeks.", "2026-12-07"},
		{"Ping me in 3 days.", "2026-11-26"},
		{"Please get back to me after 15 January.", "2027-01-16"},
		{"Reach out next week.", "2026-11-30"},
		{"Try me next quarter.", "2027-01-01"},
		{"Reach out mid-February.", "2027-02-15"},
		{"Let's connect in the new year.", "2027-01-05"},
		{"Melden Sie sich gerne im März wieder.", "2027-03-01"},
		{"Recontactez-moi dans deux semaines.", "2026-12-07"},
		{"Escríbeme el próximo mes.", "2026-12-01"},
		{"Neem contact op na de feestdagen.", "2027-01-05"},
		{"Try me in November.", "2027-11-01"}, // next November after now
		// not snoozes
		{"I joined the company in March.", ""},
		{"Happy to help.", ""},
	} {
		r := human(t, tc.text)
		got := ""
		if !r.SnoozeUntil.IsZero() {
			got = r.SnoozeUntil.Format("2006-01-02")
		}
		if got != tc.want {
			t.Errorf("%q: snooze %q, want %q (%v)", tc.text, got, tc.want, r.Reasons)
		}
		if tc.want != "" && r.Intent != IntentSnooze {
			t.Errorf("%q: intent %q", tc.text, r.Intent)
		}
	}
}

func TestProposals(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"How about Tuesday at 2pm?", []string{"2026-11-24 14:00"}},
		{"Thu 26 Nov 10:00 works for me.", []string{"2026-11-26 10:00"}},
		{"Could we do 2026-11-24 14:00?", []string{"2026-11-24 14:00"}},
		{"I'm not able to meet Tuesday, but Thursday 2pm works.", []string{"2026-11-26 14:00"}},
		{"I can't do Tuesday at 2pm, but Wednesday at 3:30 pm is fine.", []string{"2026-11-25 15:30"}},
		{"Does 2pm on Friday work?", []string{"2026-11-27 14:00"}},
		{"Free on December 3rd at 9am or December 4 at noon.", []string{"2026-12-03 09:00", "2026-12-04 12:00"}},
		{"Tomorrow at 11:30?", []string{"2026-11-24 11:30"}},
		{"Passt Ihnen Mittwoch, 25. November um 16 Uhr?", []string{"2026-11-25 16:00"}},
		{"Je suis disponible jeudi 26 novembre à 15h.", []string{"2026-11-26 15:00"}},
		{"¿Qué tal el jueves 26 de noviembre a las 10:00?", []string{"2026-11-26 10:00"}},
		{"Tuesday 24 Nov between 1-4pm works.", []string{"2026-11-24 13:00"}},
		// not proposals
		{"I'm out until Monday at 9am.", nil},
		{"Thursday works.", nil},
		{"Happy to chat.", nil},
	} {
		r := human(t, tc.text)
		var got []string
		for _, p := range r.ProposedTimes {
			got = append(got, p.Format("2006-01-02 15:04"))
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: proposed %q, want %q (%v)", tc.text, got, tc.want, r.Reasons)
		}
		if (len(tc.want) > 0) != (r.Intent == IntentYes && len(r.ProposedTimes) > 0) {
			t.Errorf("%q: intent %q", tc.text, r.Intent)
		}
	}
}

func TestReferrals(t *testing.T) {
	for _, tc := range []struct {
		text string
		cc   string
		want []Referral
	}{
		{"You should talk to my colleague Brad (brad@x.example).", "", []Referral{{"Brad", "brad@x.example"}}},
		{"cc'ing Maria who leads our data team.", "Maria Lopez <maria.lopez@acme.example>", []Referral{{"Maria Lopez", "maria.lopez@acme.example"}}},
		{"I'd recommend reaching out to Sam Lee <sam@lee.example>.", "", []Referral{{"Sam Lee", "sam@lee.example"}}},
		{"Priya Patel would be a much better person to ask.", "", []Referral{{"Priya Patel", ""}}},
		{"Wenden Sie sich an meine Kollegin Anna Weber.", "", []Referral{{"Anna Weber", ""}}},
		// the sender's own address is not a referral
		{"Contact me at jane@acme.example anytime.", "", nil},
		{"My email is jane.alt@gmail.example.", "", nil}, // no cue
		{"Thanks!", "", nil},
		// asked not to be contacted: never a referral
		{"Talk to Brad Smith (brad@x.example). Please don't contact Carl Jones (carl.jones@x.example) though, he is swamped.", "",
			[]Referral{{"Brad Smith", "brad@x.example"}}},
		{"You could ask Dana (dana@x.example), but please don’t mention me.", "", nil},
		{"My colleague Eve (eve@x.example) knows more, but I'd rather you didn't email her directly.", "", nil},
		{"Don't hesitate to contact my colleague Finn (finn@x.example).", "", []Referral{{"Finn", "finn@x.example"}}},
		{"Please do not reach out to Gail Park, she is on leave. Try Hugo (hugo@x.example) instead.", "",
			[]Referral{{"Hugo", "hugo@x.example"}}},
		{"Bitte kontaktieren Sie nicht meine Kollegin Ida (ida@x.example).", "", nil},
	} {
		h := "Subject: Re: hi\nTo: alex@example.com"
		if tc.cc != "" {
			h += "\nCc: " + tc.cc
		}
		r := classifyRaw(t, msg(h, tc.text))
		if !reflect.DeepEqual(r.Referrals, tc.want) {
			t.Errorf("%q: referrals %+v, want %+v", tc.text, r.Referrals, tc.want)
		}
	}
}

func TestOwnMailAndOrder(t *testing.T) {
	r := classifyRaw(t, msg("From: Alex <ALEX@example.com>\nSubject: Re: hi", "Please remove me"))
	if r.Kind != KindOwn || r.Intent != "" {
		t.Errorf("own: %+v", r)
	}
	// Bounce before auto-reply: a DSN with Auto-Submitted is a bounce.
	r = classifyRaw(t, msg("From: MAILER-DAEMON@x.example\nAuto-Submitted: auto-replied\nSubject: Undelivered Mail Returned to Sender", "550 5.1.1 <a@b.example>: User unknown"))
	if r.Kind != KindBounce {
		t.Errorf("bounce order: %s", r.Kind)
	}
	// Auto-reply text is not mined for intents.
	r = classifyRaw(t, msg("Auto-Submitted: auto-replied\nSubject: Out of office", "I'm away. Please do not contact me until December."))
	if r.Kind != KindAutoReply || r.Intent != "" {
		t.Errorf("auto intents: %s %q", r.Kind, r.Intent)
	}
	// Nil message and zero context do not panic.
	_ = Classify(nil, Context{})
	m, _ := Parse(msg("Subject: x", "hi"), Limits{})
	_ = Classify(m, Context{})
}

func TestHTMLToText(t *testing.T) {
	in := `<html><head><title>t</title><style>p{}</style><script>alert(1)</script></head><body><p>Hello&nbsp;<b>there</b></p><div>Line two<br>Line three</div><blockquote><p>quoted</p></blockquote><p>&lt;tag&gt; &amp; more</p></body></html>`
	want := "Hello there\nLine two\nLine three\n> quoted\n<tag> & more"
	if got := HTMLToText(in); got != want {
		t.Errorf("HTMLToText =\n%q\nwant\n%q", got, want)
	}
}

func TestParseBasics(t *testing.T) {
	raw := []byte("From \x00mbox line\r\nFrom: =?ISO-8859-1?Q?J=FCrgen?= <J@Ex.example>\r\nbroken header line\r\nTo: a@b.example, \"Bad, Name\" <c@d.example>\r\nCc: this is not parseable <<<@@\r\nSubject: =?utf-8?b?w4RoIQ==?=\r\nDate: Mon, 23 Nov 2026 09:12:44 -0500\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 =93quoted=94\r\n")
	m, err := Parse(raw, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Äh!" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if len(m.From) != 1 || m.From[0].Addr != "j@ex.example" || m.From[0].Name != "Jürgen" {
		t.Errorf("From = %+v", m.From)
	}
	if len(m.To) != 2 || m.To[1].Addr != "c@d.example" {
		t.Errorf("To = %+v", m.To)
	}
	if m.Text != "Café “quoted”\n" {
		t.Errorf("Text = %q", m.Text)
	}
	if m.Date.IsZero() {
		t.Error("Date not parsed")
	}
	if len(m.Notes) == 0 {
		t.Error("expected notes about dropped header lines")
	}
	if _, err := Parse(nil, Limits{}); err == nil {
		t.Error("empty input: want error")
	}
	if _, err := Parse([]byte("no header here at all"), Limits{}); err == nil {
		t.Error("no header: want error")
	}
}

// findReturnDate reads a return date from an out-of-office text.
func findReturnDate(text string, now time.Time, loc *time.Location) time.Time {
	exprs := when.Find(text, when.Options{Ref: now, Loc: loc})
	return returnDate(text, lowerText(text), exprs)
}
