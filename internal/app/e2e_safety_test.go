package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"rapport/internal/clock"
	"rapport/internal/compose"
	"rapport/internal/contacts"
	"rapport/internal/mailstack"
	"rapport/internal/model"
)

// Safety end to end on Postfix, Dovecot and Pigeonhole. These tests count
// the messages in real mailboxes: rapport acts for a person, so what it
// must never do is measured by what arrived.

// esRound is one look of a daemon: the inbox read, whatever is due run.
func esRound(t *testing.T, r *eoDaemon) {
	t.Helper()
	r.sync(t)
	if _, err := r.d.RunDue(context.Background()); err != nil {
		t.Fatalf("run due: %v", err)
	}
}

// esFirstRequests counts the first requests in a contact's INBOX: mail
// rapport wrote (its Message-IDs) that starts a thread.
func esFirstRequests(t *testing.T, st *mailstack.Stack, who string) int {
	n := 0
	for _, m := range st.Messages(t, who, "INBOX") {
		if strings.HasPrefix(eoID(m), "rp.") && m.Header.Get("In-Reply-To") == "" {
			n++
		}
	}
	return n
}

func TestE2ETwoInstancesOnOneMailboxOnDovecot(t *testing.T) {
	st := mailstack.FromEnv(t)
	ctx := context.Background()
	owner := st.UniqueUser(t, "me")
	var people []string
	for _, p := range []string{"ann", "bo", "cy"} {
		people = append(people, st.UniqueUser(t, p).Address)
	}
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	start := func() *eoDaemon {
		cfg, _ := eoConfig(t, st, owner, t.TempDir())
		r := eoStart(t, cfg, clk)
		for _, p := range people {
			if _, err := r.a.Contacts.Add(ctx, contacts.Input{Name: strings.SplitN(p, ".", 2)[0], Email: p, Company: "Acme"}, ""); err != nil {
				t.Fatal(err)
			}
		}
		return r
	}
	// A laptop, then a server with its own database, on one mailbox.
	a := start()
	for range 4 {
		esRound(t, a)
		clk.Advance(30 * time.Second)
	}
	b := start()
	for range 8 {
		esRound(t, a)
		esRound(t, b)
		clk.Advance(30 * time.Second)
	}
	reached := 0
	for _, p := range people {
		n := esFirstRequests(t, st, p)
		if n > 1 {
			t.Errorf("%s got %d first requests", p, n)
		}
		reached += n
	}
	if reached != len(people) {
		t.Errorf("%d of %d people reached by the first instance", reached, len(people))
	}
	for _, p := range people {
		if c, _ := b.a.Contacts.Get(ctx, p); c.Status != model.Suggested {
			t.Errorf("the second instance left %s %s, want held for the owner", p, c.Status)
		}
	}
	ownerMail := func() (warnings map[string]int, answers, total int) {
		warnings = map[string]int{}
		for _, m := range st.Messages(t, owner.Address, "INBOX") {
			total++
			s := m.Subject()
			if strings.Contains(s, "Another rapport is running") {
				warnings[m.Header.Get(compose.InstanceHeader)]++
			}
			if strings.Contains(s, "Not everything was understood") || strings.Contains(s, "Done") {
				answers++
			}
		}
		return warnings, answers, total
	}
	w, answers, total := ownerMail()
	if len(w) == 0 {
		t.Error("no warning about the other instance")
	}
	for inst, n := range w {
		if n != 1 {
			t.Errorf("instance %q warned %d times, want once", inst, n)
		}
	}
	if answers != 0 {
		t.Errorf("%d answers between the instances", answers)
	}
	for range 6 {
		esRound(t, a)
		esRound(t, b)
		clk.Advance(time.Minute)
	}
	if _, _, after := ownerMail(); after != total {
		t.Errorf("the owner's INBOX went from %d to %d messages once both were quiet: a loop", total, after)
	}
	for _, p := range people {
		if n := esFirstRequests(t, st, p); n > 1 {
			t.Errorf("%s got %d first requests", p, n)
		}
	}
	t.Logf("two instances: %d people reached once each, warnings %v, owner INBOX %d messages", reached, w, total)
}

// esMaria starts a daemon for owner, adds Maria and returns the first
// request as she received it.
func esMaria(t *testing.T, st *mailstack.Stack, owner mailstack.User, maria string) (*eoDaemon, *clock.Fake, *mailstack.Message) {
	t.Helper()
	ctx := context.Background()
	cfg, _ := eoConfig(t, st, owner, t.TempDir())
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	r := eoStart(t, cfg, clk)
	if _, err := r.a.Contacts.Add(ctx, contacts.Input{Name: "Maria Lopez", Email: maria, Company: "Northwind"}, ""); err != nil {
		t.Fatal(err)
	}
	eoEventually(t, 30*time.Second, "outreach sent", func() (bool, string) {
		esRound(t, r)
		clk.Advance(time.Second)
		c, _ := r.a.Contacts.Get(ctx, maria)
		return c.Status == model.Contacted, "status " + string(c.Status)
	})
	return r, clk, st.WaitForMessage(t, maria, "INBOX", 30*time.Second, nil)
}

func TestE2EVacationAndQuotedMailAreNeverObeyedOnDovecot(t *testing.T) {
	st := mailstack.FromEnv(t)
	ctx := context.Background()
	owner := st.UniqueUser(t, "me")
	maria := st.UniqueUser(t, "maria").Address
	r, clk, first := esMaria(t, st, owner, maria)
	sent := r.d.Folders.Sent.Name

	// The owner is away: Pigeonhole answers everything that reaches them.
	st.SetVacation(t, owner.Address, "I am away until Monday.\nmet\nstatus\n")
	st.Submit(t, maria, []string{owner.Address}, mailstack.BuildMessage("Maria Lopez <"+maria+">", owner.Address,
		"Re: "+first.Subject(), "Hi Alex, happy to chat. Let me know what suits you.\n\nMaria",
		"In-Reply-To: <"+eoID(first)+">", "References: <"+eoID(first)+">"))
	eoStatus(t, r.a, maria, model.Replied)
	esRound(t, r)
	note := st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		return strings.HasPrefix(m.Subject(), "[rapport]") && strings.Contains(m.Subject(), "Maria Lopez")
	})
	// Pigeonhole did answer Maria (the owner's vacation is live), and
	// left rapport's notification alone (it is Auto-Submitted).
	st.WaitForMessage(t, maria, "INBOX", 30*time.Second, func(m *mailstack.Message) bool { return m.IsAutoReply() })
	ownBefore := rapportMail(t, st, owner.Address, "INBOX")
	// An outside auto-responder too (an Exchange-style rule) whose replies
	// are filed in Sent: each answers the notification, from the owner.
	for i := range 5 {
		raw := []byte(fmt.Sprintf("From: Alex Doe <%[1]s>\r\nTo: Alex Doe <%[1]s>\r\nSubject: Automatic reply: %[2]s\r\n"+
			"Date: %[3]s\r\nMessage-ID: <auto.%[4]d.%[5]d@rapport.test>\r\nAuto-Submitted: auto-replied\r\nX-Auto-Response-Suppress: All\r\n"+
			"In-Reply-To: <%[6]s>\r\nReferences: <%[6]s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"I am away until Monday.\r\nmet\r\nthanked\r\nstatus\r\n", owner.Address, note.Subject(), time.Now().Format(time.RFC1123Z),
			time.Now().UnixNano(), i, eoID(note)))
		eoSendAsOwner(t, st, owner, sent, raw)
	}
	settle := func() {
		for range 4 {
			esRound(t, r)
			clk.Advance(30 * time.Second)
			time.Sleep(200 * time.Millisecond) // Postfix and Pigeonhole deliver what they will
		}
	}
	settle()
	count := func() (inbox, sentN, toMaria int) {
		return len(st.Messages(t, owner.Address, "INBOX")), len(st.Messages(t, owner.Address, sent)), len(st.Messages(t, maria, "INBOX"))
	}
	i0, s0, m0 := count()
	settle()
	i1, s1, m1 := count()
	if i1 != i0 || s1 != s0 || m1 != m0 {
		t.Fatalf("mail kept coming with no one writing: owner INBOX %d→%d, Sent %d→%d, Maria %d→%d", i0, i1, s0, s1, m0, m1)
	}
	if c, _ := r.a.Contacts.Get(ctx, maria); c.Status != model.Replied {
		t.Fatalf("maria is %s: an auto-reply's lines were obeyed", c.Status)
	}
	if n := rapportMail(t, st, owner.Address, "INBOX"); n != ownBefore {
		t.Errorf("rapport mailed the owner %d more times in answer to automatic mail", n-ownBefore)
	}
	// rapport wrote to Maria only the first request (the owner's vacation
	// answered her reply: that is Pigeonhole's, not rapport's).
	if n := rapportMail(t, st, maria, "INBOX"); n != 1 {
		t.Errorf("rapport wrote to Maria %d times, want the first request alone", n)
	}
	ms1 := i1

	// The owner answers the notification with all of it quoted below,
	// without '>' (as Outlook does): the command lines in it are rapport's.
	quoted := strings.ReplaceAll(ownerText(t, note.Raw), "\n", "\r\n")
	cmd, cmdID := eoCommand(owner.Address, "Re: "+note.Subject(), eoID(note), "Thanks!\r\n\r\nFrom: Alex Doe\r\nSent: Tuesday\r\n\r\n"+quoted)
	eoSendAsOwner(t, st, owner, sent, cmd)
	eoWaitIndexed(t, st, r, owner.Address, cmdID)
	settle()
	if c, _ := r.a.Contacts.Get(ctx, maria); c.Status != model.Replied {
		t.Fatalf("maria is %s after the owner quoted the notification back", c.Status)
	}
	if n := eoConfirmationRows(t, r.a, cmdID); n != 0 {
		t.Fatalf("%d confirmations of a mail without a command of the owner's", n)
	}
	t.Logf("owner vacation + 5 auto-replies filed in Sent + a quoted notification: owner INBOX %d messages, stable", ms1)
}

func TestE2EAReferralWaitsForTheOwnersYesOnDovecot(t *testing.T) {
	st := mailstack.FromEnv(t)
	ctx := context.Background()
	owner := st.UniqueUser(t, "me")
	maria := st.UniqueUser(t, "maria").Address
	brad := st.UniqueUser(t, "brad").Address
	carl := st.UniqueUser(t, "carl").Address
	sched := "calendar." + strings.SplitN(st.UniqueUser(t, "x").Address, ".", 2)[1]
	r, clk, first := esMaria(t, st, owner, maria)
	sent := r.d.Folders.Sent.Name
	st.Submit(t, maria, []string{owner.Address}, mailstack.BuildMessage("Maria Lopez <"+maria+">", owner.Address,
		"Re: "+first.Subject(), "Hi Alex,\n\nI'm not the right person, but you should talk to my colleague Brad Smith ("+brad+"), "+
			"he moved into engineering from teaching too.\nPlease don't contact Carl Jones ("+carl+") though, he is swamped.\n"+
			"For anything else my scheduler is at "+sched+".\n\nMaria",
		"In-Reply-To: <"+eoID(first)+">", "References: <"+eoID(first)+">", "Cc: "+sched))
	eoStatus(t, r.a, maria, model.Replied)
	eoEventually(t, 30*time.Second, "brad suggested", func() (bool, string) {
		c, err := r.a.Contacts.Get(ctx, brad)
		if err != nil {
			return false, err.Error()
		}
		return c.Status == model.Suggested, "status " + string(c.Status)
	})
	for _, who := range []string{carl, sched} {
		if _, err := r.a.Contacts.Get(ctx, who); err == nil {
			t.Errorf("%s became a contact", who)
		}
	}
	// Days pass; nothing goes to Brad (or Carl) without the owner's yes.
	for range 10 {
		esRound(t, r)
		clk.Advance(24 * time.Hour)
	}
	for _, who := range []string{brad, carl, sched} {
		if n := len(st.Messages(t, who, "INBOX")); n != 0 {
			t.Fatalf("%d messages to %s before the owner's yes", n, who)
		}
	}
	note := st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		return strings.HasPrefix(m.Subject(), "[rapport]") && strings.Contains(m.Subject(), "Maria Lopez")
	})
	if !strings.Contains(ownerText(t, note.Raw), brad) {
		t.Fatalf("the notification does not name Brad:\n%s", ownerText(t, note.Raw))
	}
	cmd, _ := eoCommand(owner.Address, "Re: "+note.Subject(), eoID(note), "approve "+brad)
	eoSendAsOwner(t, st, owner, sent, cmd)
	eoEventually(t, 60*time.Second, "the request to brad", func() (bool, string) {
		esRound(t, r)
		clk.Advance(time.Hour)
		n := esFirstRequests(t, st, brad)
		c, _ := r.a.Contacts.Get(ctx, brad)
		return n > 0, fmt.Sprintf("%d messages to brad (%s)", n, c.Status)
	})
	for range 5 {
		esRound(t, r)
		clk.Advance(24 * time.Hour)
	}
	if n := esFirstRequests(t, st, brad); n != 1 {
		t.Fatalf("%d first requests to brad after the owner's yes, want exactly 1", n)
	}
	for _, who := range []string{carl, sched} {
		if n := len(st.Messages(t, who, "INBOX")); n != 0 {
			t.Fatalf("%d messages to %s", n, who)
		}
	}
}

// rapportMail counts the messages rapport wrote in a mailbox (its
// Message-IDs).
func rapportMail(t *testing.T, st *mailstack.Stack, who, mailbox string) int {
	n := 0
	for _, m := range st.Messages(t, who, mailbox) {
		if strings.HasPrefix(eoID(m), "rp.") {
			n++
		}
	}
	return n
}

// Drafts stay true, on Dovecot: when a contact answers, rapport takes its
// own unsent follow-up draft to them out of Drafts; a draft the owner
// edited (saved again by the client: a new message, the same Message-ID)
// is theirs, stays, and the owner is told.
func TestE2EDraftsOfContactsWhoAnsweredOnDovecot(t *testing.T) {
	st := mailstack.FromEnv(t)
	ctx := context.Background()
	owner := st.UniqueUser(t, "me")
	plain := st.UniqueUser(t, "plain").Address
	edited := st.UniqueUser(t, "edited").Address
	cfg := lifecycleE2EConfig(t, st, owner)
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	r := eoStart(t, cfg, clk)
	drafts := r.d.Folders.Drafts.Name
	for _, c := range []contacts.Input{{Name: "Pat Plain", Email: plain, Company: "Acme"}, {Name: "Eda Edit", Email: edited, Company: "Initech"}} {
		if _, err := r.a.Contacts.Add(ctx, c, ""); err != nil {
			t.Fatal(err)
		}
	}
	r.outbox(t)
	firsts := map[string]*mailstack.Message{}
	for _, who := range []string{plain, edited} {
		firsts[who] = st.WaitForMessage(t, who, "INBOX", 30*time.Second, nil)
	}
	// The follow-up drafts appear.
	clk.Advance(3 * time.Second)
	if err := r.d.LifecycleOnce(ctx); err != nil {
		t.Fatal(err)
	}
	draftTo := func(who string) []*mailstack.Message {
		var out []*mailstack.Message
		for _, m := range st.Messages(t, owner.Address, drafts) {
			if strings.Contains(m.Header.Get("To"), who) {
				out = append(out, m)
			}
		}
		return out
	}
	eoEventually(t, 30*time.Second, "both follow-up drafts in Drafts", func() (bool, string) {
		if err := r.d.LifecycleOnce(ctx); err != nil {
			return false, err.Error()
		}
		return len(draftTo(plain)) == 1 && len(draftTo(edited)) == 1, fmt.Sprintf("%d and %d", len(draftTo(plain)), len(draftTo(edited)))
	})
	// The owner edits one, as a client does: saves a new version (same
	// Message-ID, new text) and deletes the old one.
	old := draftTo(edited)[0]
	newer := []byte(strings.Replace(string(old.Raw), "\r\n\r\n", "\r\n\r\nP.S. I also loved your talk last week.\r\n", 1))
	eoAppend(t, st, owner, drafts, newer)
	eoDelete(t, st, owner.Address, drafts, old.UID)
	// Both answer.
	for _, who := range []string{plain, edited} {
		f := firsts[who]
		st.Submit(t, who, []string{owner.Address}, mailstack.BuildMessage(who, owner.Address, "Re: "+f.Subject(),
			"Hi Alex, sorry for the slow answer: happy to talk.", "In-Reply-To: <"+eoID(f)+">", "References: <"+eoID(f)+">"))
		eoStatus(t, r.a, who, model.Replied)
	}
	eoEventually(t, 30*time.Second, "the unedited draft taken out", func() (bool, string) {
		if err := r.d.LifecycleOnce(ctx); err != nil {
			return false, err.Error()
		}
		return len(draftTo(plain)) == 0, fmt.Sprintf("%d drafts to %s", len(draftTo(plain)), plain)
	})
	left := draftTo(edited)
	if len(left) != 1 || !strings.Contains(string(left[0].Raw), "P.S. I also loved your talk") {
		t.Fatalf("the owner's edited draft: %d in Drafts", len(left))
	}
	r.outbox(t)
	st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		return strings.HasPrefix(m.Subject(), "[rapport]") && strings.Contains(m.Subject(), "still in Drafts")
	})
}
