package demo

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"rapport/internal/model"
	"rapport/internal/testmail"
)

// person is a simulated contact and how they answer.
type person struct {
	name, email, company, role, connection, referredBy, timezone string
	// answer builds the reply to rapport's message (nil: silence), and how
	// long after receiving it they answer.
	answer func(p *person, msgID, subject string) []byte
	delay  time.Duration
}

// pending is a message that will land in the owner's INBOX at a time.
type pending struct {
	at  time.Time
	raw []byte
}

type people struct {
	d    *demo
	list []*person

	mu      sync.Mutex
	wg      sync.WaitGroup
	queue   []pending
	counter int             // for unique Message-IDs
	handled int             // messages receive has seen
	done    map[string]bool // owner actions already taken
	seenAt  time.Time       // when the owner saw the notification
}

func newPeople(d *demo) *people {
	ps := &people{d: d, done: map[string]bool{}}
	ps.list = []*person{
		{name: "Maria Lopez", email: "maria@northwind.example", company: "Northwind", role: "engineering manager",
			connection: "I loved your PyCon talk on mentoring new engineers", timezone: "America/Chicago",
			delay: 3 * time.Hour, answer: func(p *person, id, subj string) []byte {
				return ps.reply(p, id, subj, nil, "Hi Alex,\n\nHappy to help! How about Thursday 3 December at 2pm? A video call works for me.\n"+
					"You should also talk to my colleague Brad Smith (brad@northwind.example), who moved into engineering from teaching too.\n\nMaria")
			}},
		{name: "Otto Berg", email: "otto@contoso.example", company: "Contoso", role: "staff engineer",
			connection: "Your article on code review changed how I give feedback", delay: time.Minute, answer: func(p *person, id, subj string) []byte {
				return ps.reply(p, id, "Automatic reply: "+subj, []string{"Auto-Submitted: auto-replied", "X-Autoreply: yes"},
					"I am out of the office until Monday 30 November with limited access to email.")
			}},
		{name: "Gina Park", email: "gina@fabrikam.example", company: "Fabrikam", role: "developer advocate",
			connection: "I have been following the Fabrikam open source program", delay: 2 * time.Minute, answer: func(p *person, id, subj string) []byte {
				return ps.bounce(p, id)
			}},
		{name: "Sam Rivera", email: "sam@tailspin.example", company: "Tailspin", role: "CTO",
			connection: "I met you briefly at the meetup you organise", delay: 26 * time.Hour, answer: func(p *person, id, subj string) []byte {
				return ps.reply(p, id, subj, nil, "Please remove me from your list. Thanks.")
			}},
		{name: "Sue Chen", email: "sue@wingtip.example", company: "Wingtip", role: "data engineer",
			connection: "We are both alumni of State University"},
		{name: "Brad Smith", email: "brad@northwind.example", company: "Northwind", role: "software engineer",
			referredBy: "maria@northwind.example", delay: 5 * time.Hour, answer: func(p *person, id, subj string) []byte {
				return ps.reply(p, id, subj, nil, "Hi Alex, any friend of Maria's is a friend of mine. Happy to chat, send me a couple of times. Brad")
			}},
	}
	// Brad joins when Maria refers him; he is not added up front.
	return ps
}

// initial are the people the user adds at the start.
func (ps *people) initial() []*person { return ps.list[:5] }

// receive is the SMTP server's hook: a person got a message from rapport.
func (ps *people) receive(r testmail.Received) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.handled++
	if len(r.To) != 1 {
		return
	}
	for _, p := range ps.list {
		if !strings.EqualFold(p.email, r.To[0]) || p.answer == nil {
			continue
		}
		if ps.done["answered:"+p.email] {
			return // people answer the first request; follow-ups stay unanswered
		}
		ps.done["answered:"+p.email] = true
		raw := p.answer(p, r.MessageID, headerLine(r.Data, "Subject"))
		ps.queue = append(ps.queue, pending{at: ps.d.clock.Now().Add(p.delay), raw: raw})
	}
}

// wait returns once every message the SMTP server accepted has reached
// receive (the server's hook runs in its own goroutine).
func (ps *people) wait() {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ps.mu.Lock()
		h := ps.handled
		ps.mu.Unlock()
		if h >= len(ps.d.smtp.Received()) {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// deliverDue puts answers whose time has come into the owner's INBOX.
func (ps *people) deliverDue(ctx context.Context) error {
	ps.mu.Lock()
	var due [][]byte
	keep := ps.queue[:0]
	now := ps.d.clock.Now()
	for _, p := range ps.queue {
		if !p.at.After(now) {
			due = append(due, p.raw)
		} else {
			keep = append(keep, p)
		}
	}
	ps.queue = keep
	ps.mu.Unlock()
	for _, raw := range due {
		if _, err := ps.d.imap.Append("INBOX", raw, nil, now); err != nil {
			return err
		}
	}
	return nil
}

func (ps *people) reply(p *person, inReplyTo, subject string, extra []string, body string) []byte {
	if !strings.HasPrefix(subject, "Re: ") && !strings.HasPrefix(subject, "Automatic reply: ") {
		subject = "Re: " + subject
	}
	ps.counter++
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s <%s>\r\nTo: Alex Doe <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <sim.%d.%d@%s>\r\n",
		p.name, p.email, owner, subject, ps.d.clock.Now().Add(p.delay).Format(time.RFC1123Z), time.Now().UnixNano(), ps.counter,
		strings.Split(p.email, "@")[1])
	fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	for _, e := range extra {
		b.WriteString(e + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n") + "\r\n")
	return []byte(b.String())
}

// bounce is what a receiving server's mailer daemon sends back for an
// address that does not exist (RFC 3464, as Postfix writes it).
func (ps *people) bounce(p *person, msgID string) []byte {
	ps.counter++
	domain := strings.Split(p.email, "@")[1]
	return []byte(fmt.Sprintf("From: MAILER-DAEMON@mx.%[1]s (Mail Delivery System)\r\nTo: %[2]s\r\n"+
		"Subject: Undelivered Mail Returned to Sender\r\nDate: %[5]s\r\nMessage-ID: <bounce.%[6]d@mx.%[1]s>\r\nAuto-Submitted: auto-replied\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n"+
		"--b1\r\nContent-Type: text/plain\r\n\r\nThis is the mail system at host mx.%[1]s.\r\n\r\n"+
		"I'm sorry to have to inform you that your message could not be delivered to one or more recipients.\r\n\r\n"+
		"<%[3]s>: host mx.%[1]s said: 550 5.1.1 <%[3]s>: Recipient address rejected: User unknown\r\n"+
		"--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.%[1]s\r\n\r\n"+
		"Final-Recipient: rfc822; %[3]s\r\nAction: failed\r\nStatus: 5.1.1\r\n"+
		"Diagnostic-Code: smtp; 550 5.1.1 <%[3]s>: Recipient address rejected: User unknown\r\n\r\n"+
		"--b1\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <%[4]s>\r\nFrom: Alex Doe <%[2]s>\r\nTo: %[3]s\r\n\r\n--b1--\r\n",
		domain, owner, p.email, msgID, ps.d.clock.Now().Format(time.RFC1123Z), ps.counter))
}

// ownerActs is what the user does in their mail client: answer rapport's
// notification about Maria (confirm her time, approve the colleague she
// suggested), send the invitation rapport drafted, and send the thank-you
// it drafted after the meeting.
func (ps *people) ownerActs(ctx context.Context) error {
	d := ps.d
	maria, err := d.app.Contacts.Get(ctx, ps.list[0].email)
	if err != nil {
		return err
	}
	switch {
	case maria.Status == model.Replied && !ps.done["confirmed"]:
		// The owner reads rapport's notification an hour later and
		// answers it: one command per line.
		note := ps.notificationAbout(maria.Name)
		if note == nil {
			return nil
		}
		if ps.seenAt.IsZero() {
			ps.seenAt = d.clock.Now()
		}
		if d.clock.Now().Sub(ps.seenAt) < time.Hour {
			return nil
		}
		ps.done["confirmed"] = true
		return ps.answer(note, "confirm\r\napprove brad@northwind.example")
	case maria.Status == model.Scheduled && !ps.done["invited"]:
		if raw := ps.draft(func(raw []byte) bool { return strings.Contains(string(raw), "text/calendar") }); raw != nil {
			ps.done["invited"] = true
			return ps.sendAsUser(maria, raw)
		}
	case maria.Status == model.Met && !ps.done["thanked"]:
		if raw := ps.draft(func(raw []byte) bool { return strings.Contains(readableSubject(raw), "Thank you") }); raw != nil {
			ps.done["thanked"] = true
			return ps.sendAsUser(maria, raw)
		}
	}
	return nil
}

// draft finds a draft to Maria in Drafts.
func (ps *people) draft(match func([]byte) bool) []byte {
	d := ps.d
	for _, m := range d.imap.Messages(d.daemon.Folders.Drafts.Name) {
		if strings.Contains(string(m.Raw), ps.list[0].email) && match(m.Raw) {
			return m.Raw
		}
	}
	return nil
}

// notificationAbout finds rapport's notification to the owner about name.
func (ps *people) notificationAbout(name string) *testmail.Received {
	for _, r := range ps.d.smtp.Received() {
		if len(r.To) == 1 && r.To[0] == owner && strings.Contains(headerLine(r.Data, "Subject"), name) {
			return &r
		}
	}
	return nil
}

// answer is the owner replying to rapport's mail from their mail client:
// the message goes to themselves, and the client files a copy in Sent.
func (ps *people) answer(to *testmail.Received, body string) error {
	d := ps.d
	ps.counter++
	raw := fmt.Sprintf("From: Alex Doe <%[1]s>\r\nTo: Alex Doe <%[1]s>\r\nSubject: Re: %[2]s\r\nDate: %[3]s\r\n"+
		"Message-ID: <owner.%[4]d@rapport.demo>\r\nIn-Reply-To: <%[5]s>\r\nReferences: <%[5]s>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n%[6]s\r\n\r\n> (rapport's notification)\r\n",
		owner, headerLine(to.Data, "Subject"), d.clock.Now().Format(time.RFC1123Z), ps.counter, to.MessageID, body)
	if _, err := d.imap.Append(d.daemon.Folders.Sent.Name, []byte(raw), []string{`\Seen`}, d.clock.Now()); err != nil {
		return err
	}
	_, err := d.imap.Append("INBOX", []byte(raw), nil, d.clock.Now())
	return err
}

// sendAsUser files a sent message in Sent, as the user's mail client does
// when they send the draft (with a Message-ID of its own), and delivers it
// to the contact.
func (ps *people) sendAsUser(c *model.Contact, draft []byte) error {
	d := ps.d
	raw := strings.Replace(string(draft), "Message-ID: <", "Message-ID: <sent.", 1)
	_, err := d.imap.Append(d.daemon.Folders.Sent.Name, []byte(raw), []string{`\Seen`}, d.clock.Now())
	return err
}
