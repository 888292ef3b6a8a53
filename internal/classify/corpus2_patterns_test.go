package classify

import (
	"strings"
	"testing"
)

// Patterns behind the misses testdata/corpus2 found.

func TestSelfDeclaredAutomation(t *testing.T) {
	yes := []string{
		"This mailbox is no longer monitored. Messages sent to this address are not read.",
		"Jordan is no longer with us.\n\nThis is an automatically generated response.",
		"We have received your request and a ticket has been created.",
		"Your request (48213) has been received and is being reviewed.",
		"This message was generated automatically, please do not answer.",
		"Dies ist eine automatische Antwort.",
		"Cette adresse n'est plus consultée.",
		"Esta cuenta ya no se revisa.",
	}
	no := []string{
		"Not an automatic reply, I promise :) I build automated response systems for a living.",
		"I've received your message and will get back to you next week.",
		"My old address is no longer active, so use this one.",
		"Is this an automated message? It reads like one. Anyway, happy to talk.",
		"I opened a ticket with our IT team about the bounce.",
	}
	for _, s := range yes {
		if !selfDeclaredAutoRe.MatchString(s) {
			t.Errorf("not taken as self-declared automation: %q", s)
		}
	}
	for _, s := range no {
		if selfDeclaredAutoRe.MatchString(s) {
			t.Errorf("a person's words taken as automation: %q", s)
		}
	}
}

func TestTicketSubject(t *testing.T) {
	for _, s := range []string{"Ticket Received - Informational interview", "[Request received] Informational interview", "Case #4411 opened", "[Acme] We've received your request"} {
		if !ticketSubjectRe.MatchString(s) {
			t.Errorf("ticket acknowledgement subject missed: %q", s)
		}
	}
	for _, s := range []string{"Re: Informational interview", "Re: the ticket you received", "Happy to help - request received!"} {
		if ticketSubjectRe.MatchString(s) {
			t.Errorf("not a ticket acknowledgement: %q", s)
		}
	}
}

func TestReadBodyAccentedStart(t *testing.T) {
	// A phrase that starts with a non-ASCII letter at a line start ("è
	// stato letto") has no ASCII word boundary before it.
	for _, s := range []string{"Il messaggio\n\nè stato letto giovedì 19 novembre", "Message... a été lu le 19/11"} {
		if !readBodyRe.MatchString(s) {
			t.Errorf("read-receipt text missed: %q", s)
		}
	}
	if readBodyRe.MatchString("Il messaggiè stato letto") {
		t.Error("matched inside a word")
	}
}

func TestNoReplySenderInsideLocalPart(t *testing.T) {
	for a, want := range map[string]bool{
		"messages-noreply@linkedin.example": true,
		"noreply@x.example":                 true,
		"noreen.ali@x.example":              false,
		"newsroom@paper.example":            false,
		"ann.noreply.fan@x.example":         false,
	} {
		m := &Message{From: []Address{{Addr: a}}}
		if got := isAutomatedSender(m); got != want {
			t.Errorf("isAutomatedSender(%s) = %v, want %v", a, got, want)
		}
	}
}

func TestBulkWithoutListPost(t *testing.T) {
	base := "From: Design Weekly <editor@designweekly.example>\r\nTo: alex@example.com\r\nSubject: This week in design\r\n" +
		"List-Unsubscribe: <https://designweekly.example/unsub>\r\nList-Id: <weekly.designweekly.example>\r\nPrecedence: bulk\r\n"
	body := "Content-Type: text/plain\r\n\r\nTwelve portfolio mistakes.\r\n"
	cases := []struct {
		extra string
		want  Kind
	}{
		{"", KindOther}, // a mailing
		{"List-Post: <mailto:weekly@designweekly.example>\r\n", KindHuman}, // a list people post to
		{"List-Post: NO\r\n", KindOther},                                   // announcements only
		{"In-Reply-To: <abc@elsewhere.example>\r\n", KindHuman},            // answers someone
	}
	for _, c := range cases {
		m, err := Parse([]byte(base+c.extra+body), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if r := Classify(m, corpusContext(t)); r.Kind != c.want {
			t.Errorf("with %q: kind %s, want %s (%v)", strings.TrimSpace(c.extra), r.Kind, c.want, r.Reasons)
		}
	}
}
