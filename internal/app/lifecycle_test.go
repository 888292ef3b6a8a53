package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/model"
	"rapport/internal/schedule"
	"rapport/internal/store"
	"rapport/internal/testmail"
	"rapport/internal/timers"
)

// lcStart is Tuesday 24 November 2026, 09:30 in New York.
var lcStart = time.Date(2026, 11, 24, 14, 30, 0, 0, time.UTC)

// lcEnv is a daemon against in-process servers with a fake clock and
// every lifecycle span compressed to seconds. Only the watcher loop runs;
// the test drives the outbox and the lifecycle, as the demo does.
type lcEnv struct {
	t    *testing.T
	cfg  *config.Config
	imap *testmail.IMAP
	smtp *testmail.SMTP
	clk  *clock.Fake
	a    *App
	d    *Daemon
	stop func()
}

func lcConfig(t *testing.T, imap *testmail.IMAP, smtp *testmail.SMTP) *config.Config {
	cfg := config.Default()
	cfg.Me = config.Me{Name: "Alex Doe", Email: testmail.DefaultUser, Timezone: "America/New_York",
		Intro: "I just finished a programming certificate", Interest: "the IT industry",
		Availability: []string{"tue 13:00-16:00", "fri 09:00-17:00"}}
	cfg.IMAP = config.Server{Host: "127.0.0.1", Port: imap.Port(), Security: "none", Username: imap.Username(), Password: config.Secret(imap.Password())}
	cfg.SMTP = config.Server{Host: "127.0.0.1", Port: smtp.Port(), Security: "none", Username: smtp.Username(), Password: config.Secret(smtp.Password())}
	cfg.Database = "sqlite://" + t.TempDir() + "/rapport.db"
	cfg.Outreach.Days = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	cfg.Outreach.Window = "00:00-24:00"
	cfg.Outreach.Spacing = "0s"
	cfg.Followup.After = config.Dur("2s")
	cfg.Followup.Grace = config.Dur("5s")
	cfg.Followup.Max = 2
	cfg.Thankyou.After = config.Dur("2s")
	cfg.KeepInTouch.Every = config.Dur("30s")
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return &cfg
}

func newLC(t *testing.T, tune func(*config.Config)) *lcEnv {
	t.Helper()
	e := &lcEnv{t: t, imap: testmail.NewIMAP(t), smtp: testmail.NewSMTP(t), clk: clock.NewFake(lcStart)}
	e.cfg = lcConfig(t, e.imap, e.smtp)
	if tune != nil {
		tune(e.cfg)
	}
	e.open()
	t.Cleanup(e.close)
	return e
}

// open starts an App and a Daemon on the config's database.
func (e *lcEnv) open() {
	e.t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := Open(ctx, e.cfg, Options{Log: log, Clock: e.clk})
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := a.NewDaemon(ctx)
	if err != nil {
		a.Close()
		e.t.Fatal(err)
	}
	e.a, e.d = a, d
	// Run recovers the outbox too; doing it first means the outbox's
	// defaults are set before the test drives it alongside the watcher.
	if err := d.Outbox.Recover(ctx); err != nil {
		e.t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(rctx, RunOptions{WatchOnly: true}) }()
	e.stop = func() {
		cancel()
		if err := <-done; err != nil {
			e.t.Errorf("daemon: %v", err)
		}
		a.Close()
	}
}

func (e *lcEnv) close() {
	if e.stop != nil {
		e.stop()
		e.stop = nil
	}
}

// restart is a new process on the same database.
func (e *lcEnv) restart() {
	e.close()
	e.open()
}

func (e *lcEnv) add(name, email string) {
	e.t.Helper()
	if _, err := e.a.Contacts.Add(context.Background(), contacts.Input{Name: name, Email: email, Company: "Acme"}, ""); err != nil {
		e.t.Fatal(err)
	}
}

func (e *lcEnv) outbox() {
	e.t.Helper()
	if err := e.d.OutboxOnce(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *lcEnv) lifecycle() {
	e.t.Helper()
	if err := e.d.LifecycleOnce(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *lcEnv) contact(email string) *model.Contact {
	e.t.Helper()
	c, err := e.a.Contacts.Get(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *lcEnv) wantStatus(email string, want model.Status) *model.Contact {
	e.t.Helper()
	c := e.contact(email)
	if c.Status != want {
		d, _ := e.a.Contacts.Show(context.Background(), email)
		e.t.Fatalf("%s is %s, want %s; timeline %+v", email, c.Status, want, d.Events)
	}
	return c
}

// sentTo is the message the SMTP server received for to.
func (e *lcEnv) sentTo(to string) testmail.Received {
	e.t.Helper()
	for _, r := range e.smtp.Received() {
		if slices.Contains(r.To, to) {
			return r
		}
	}
	e.t.Fatalf("nothing sent to %s", to)
	return testmail.Received{}
}

// thankyous are the thank-you drafts addressed to to (not the invitation).
func (e *lcEnv) thankyous(to string) []testmail.Message {
	var out []testmail.Message
	for _, m := range e.drafts(to) {
		if strings.Contains(header(m.Raw, "Subject"), "Thank you") {
			out = append(out, m)
		}
	}
	return out
}

// letters are the drafts addressed to to, but the calendar invitation.
func (e *lcEnv) letters(to string) []testmail.Message {
	var out []testmail.Message
	for _, m := range e.drafts(to) {
		if !strings.Contains(string(m.Raw), "text/calendar") {
			out = append(out, m)
		}
	}
	return out
}

// drafts are the messages in the Drafts folder addressed to to.
func (e *lcEnv) drafts(to string) []testmail.Message {
	var out []testmail.Message
	for _, m := range e.imap.Messages("Drafts") {
		if strings.Contains(header(m.Raw, "To"), to) {
			out = append(out, m)
		}
	}
	return out
}

// header returns a (first) header field of a raw message, unfolded.
func header(raw []byte, name string) string {
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	var val string
	found := false
	for _, l := range strings.Split(head, "\r\n") {
		if found && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) {
			val += " " + strings.TrimSpace(l)
			continue
		}
		if found {
			break
		}
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			val, found = strings.TrimSpace(v), true
		}
	}
	return strings.TrimSpace(val)
}

// nyZone is where the test contacts write from (their replies' Date:
// offset says so).
var nyZone, _ = time.LoadLocation("America/New_York")

func inboundReply(from, inReplyTo, subject, body string, extra ...string) []byte {
	h := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nDate: %s\r\nMessage-ID: <%d.%s>\r\nIn-Reply-To: <%s>\r\nReferences: <%s>\r\n",
		from, testmail.DefaultUser, subject, lcStart.In(nyZone).Format(time.RFC1123Z), time.Now().UnixNano(), from, inReplyTo, inReplyTo)
	for _, x := range extra {
		h += x + "\r\n"
	}
	return []byte(h + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
}

// bodyText is a single-part message's body, quoted-printable decoded and
// with runs of white space collapsed.
func bodyText(raw []byte) string {
	_, body, _ := strings.Cut(string(raw), "\r\n\r\n")
	if strings.Contains(strings.ToLower(header(raw, "Content-Transfer-Encoding")), "quoted-printable") {
		if b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body))); err == nil {
			body = string(b)
		}
	}
	return strings.Join(strings.Fields(body), " ")
}

// checkThreaded fails unless a draft replies to the outreach.
func checkThreaded(t *testing.T, raw []byte, outreach testmail.Received) {
	t.Helper()
	id := "<" + outreach.MessageID + ">"
	if got := header(raw, "In-Reply-To"); got != id {
		t.Errorf("In-Reply-To %q, want %q", got, id)
	}
	if got := header(raw, "References"); !strings.Contains(got, id) {
		t.Errorf("References %q lack %q", got, id)
	}
	if got, want := header(raw, "Subject"), "Re: "+header(outreach.Data, "Subject"); got != want {
		t.Errorf("Subject %q, want %q", got, want)
	}
}

func TestSilentContactGetsMaxThreadedFollowupDraftsThenNoResponse(t *testing.T) {
	e := newLC(t, nil)
	e.add("Sue Silent", "sue@example.org")
	e.add("Maria Lopez", "maria@example.org")
	e.add("Gina Gone", "gina@example.org")
	e.add("Sam Stop", "sam@example.org")
	e.outbox()
	if n := len(e.smtp.Received()); n != 4 {
		t.Fatalf("%d outreach sent, want 4", n)
	}
	m, s, g := e.sentTo("maria@example.org"), e.sentTo("sam@example.org"), e.sentTo("gina@example.org")
	e.imap.Deliver("INBOX", inboundReply("Maria Lopez <maria@example.org>", m.MessageID, header(m.Data, "Subject"),
		"Happy to chat! Tuesday afternoon works."))
	e.imap.Deliver("INBOX", inboundReply("sam@example.org", s.MessageID, header(s.Data, "Subject"), "Please remove me from your list."))
	dsn := "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\nTo: " + testmail.DefaultUser +
		"\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.example.org>\r\nAuto-Submitted: auto-replied\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n" +
		"Final-Recipient: rfc822; gina@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" + g.MessageID + ">\r\n--B--\r\n"
	e.imap.Deliver("INBOX", []byte(dsn))

	// Not due yet: nothing.
	e.lifecycle()
	if n := len(e.imap.Messages("Drafts")); n != 0 {
		t.Fatalf("%d drafts before the follow-up is due", n)
	}
	// The replies above may not have been read yet: the inbox sync before
	// the follow-ups must catch them.
	e.clk.Advance(3 * time.Second)
	e.lifecycle()
	e.lifecycle() // idempotent
	sue := e.wantStatus("sue@example.org", model.Contacted)
	if sue.FollowupsSent != 1 || sue.NextAction != "followup" {
		t.Fatalf("after the first follow-up: %+v", sue)
	}
	e.wantStatus("maria@example.org", model.Replied)
	e.wantStatus("sam@example.org", model.OptedOut)
	e.wantStatus("gina@example.org", model.Bounced)

	e.clk.Advance(3 * time.Second)
	e.lifecycle()
	sue = e.wantStatus("sue@example.org", model.Contacted)
	if sue.FollowupsSent != 2 || sue.NextAction != "no_response" {
		t.Fatalf("after the last follow-up: %+v", sue)
	}
	all := e.imap.Messages("Drafts")
	drafts := e.drafts("sue@example.org")
	if len(drafts) != 2 || len(all) != 2 {
		t.Fatalf("%d drafts to sue (%d in all), want exactly 2 (followup.max)", len(drafts), len(all))
	}
	outreach := e.sentTo("sue@example.org")
	for _, d := range drafts {
		checkThreaded(t, d.Raw, outreach)
		if !slices.Contains(d.Flags, `\Draft`) {
			t.Errorf("draft flags %v lack \\Draft", d.Flags)
		}
		if !strings.Contains(string(d.Raw), "follow up") {
			t.Errorf("draft is not a follow-up:\n%s", d.Raw)
		}
	}
	// Each draft's row knows where it is.
	msgs, err := e.a.Store.MessagesByContact(context.Background(), sue.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Kind == "followup" {
			n++
			if m.State != store.MsgDrafted || m.Mailbox != "Drafts" || m.UID == 0 {
				t.Errorf("follow-up row %+v", m)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d follow-up rows, want 2", n)
	}

	// Grace is 5s from the last follow-up.
	e.clk.Advance(3 * time.Second)
	e.lifecycle()
	e.wantStatus("sue@example.org", model.Contacted)
	e.clk.Advance(3 * time.Second)
	e.lifecycle()
	sue = e.wantStatus("sue@example.org", model.NoResponse)
	e.clk.Advance(time.Minute)
	e.lifecycle()
	// The owner never sent the follow-ups: the timeline says so, and the
	// stale drafts leave Drafts (rapport's own, unchanged).
	if n := len(e.imap.Messages("Drafts")); n != 0 {
		t.Errorf("%d drafts left in Drafts after no_response", n)
	}
	d, _ := e.a.Contacts.Show(context.Background(), "sue@example.org")
	said := false
	for _, ev := range d.Events {
		if ev.Type == model.EventStatus && ev.To == model.NoResponse {
			said = strings.Contains(ev.Detail, "never went") && !strings.Contains(ev.Detail, "after the request and")
		}
	}
	if !said {
		t.Errorf("the no_response event does not say the follow-ups never went: %+v", d.Events)
	}
	// Nothing was sent but the outreach: drafts are the user's to send.
	if got := len(e.smtp.Received()); got != 4 {
		t.Errorf("%d messages sent, want only the 4 outreach", got)
	}
}

func TestFollowupSendModeQueuesForTheOutbox(t *testing.T) {
	e := newLC(t, func(c *config.Config) { c.Followup.Mode, c.Followup.Max = "send", 1 })
	e.add("Sue Silent", "sue@example.org")
	e.add("Maria Lopez", "maria@example.org")
	e.outbox()
	e.clk.Advance(3 * time.Second)
	e.lifecycle()
	// Maria answers after the follow-up was queued and before it goes: the
	// outbox's claim cancels it.
	m := e.sentTo("maria@example.org")
	e.imap.Deliver("INBOX", inboundReply("maria@example.org", m.MessageID, header(m.Data, "Subject"), "Sure, let's talk."))
	if err := e.d.SyncInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.outbox()
	var toSue []testmail.Received
	for _, r := range e.smtp.Received() {
		if slices.Contains(r.To, "sue@example.org") {
			toSue = append(toSue, r)
		}
		if slices.Contains(r.To, "maria@example.org") && strings.HasPrefix(header(r.Data, "Subject"), "Re:") {
			t.Errorf("a follow-up went to maria after she replied")
		}
	}
	if len(toSue) != 2 {
		t.Fatalf("%d messages to sue, want outreach and one follow-up", len(toSue))
	}
	checkThreaded(t, toSue[1].Data, toSue[0])
	if n := len(e.imap.Messages("Drafts")); n != 0 {
		t.Errorf("%d drafts in send mode", n)
	}
}

var errCrash = errors.New("simulated crash after APPEND")

func TestMetContactGetsOneThankYouAcrossRestartsAndACrashDuringAppend(t *testing.T) {
	e := newLC(t, nil)
	ctx := context.Background()
	e.add("Jordan Lee", "jordan@example.org")
	e.outbox()
	start := e.clk.Now().Add(time.Hour)
	if _, err := e.a.Contacts.Schedule(ctx, "jordan@example.org", contacts.Meeting{Start: start, Duration: 30 * time.Minute,
		Format: "video", Source: "test"}); err != nil {
		t.Fatal(err)
	}
	jo := e.wantStatus("jordan@example.org", model.Scheduled)
	exchanged := jo.LastExchangeAt

	// The day before (here: at once, the meeting is in an hour) a
	// preparation note is queued to the owner and the outbox sends it.
	e.lifecycle()
	e.lifecycle()
	e.outbox()
	var prep []testmail.Received
	for _, r := range e.smtp.Received() {
		// (The other mail to the owner is their copy of the invitation.)
		if slices.Contains(r.To, testmail.DefaultUser) && strings.Contains(header(r.Data, "Subject"), "Prepare") {
			prep = append(prep, r)
		}
	}
	if len(prep) != 1 {
		t.Fatalf("%d preparation notes, want 1", len(prep))
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(header(prep[0].Data, "Subject"))
	body := subject + " " + bodyText(prep[0].Data)
	for _, want := range []string{"Prepare for Jordan Lee", "Questions you could ask", "Who else do you think I should talk to?"} {
		if !strings.Contains(body, want) {
			t.Errorf("preparation note lacks %q:\n%s", want, body)
		}
	}
	if header(prep[0].Data, "In-Reply-To") != "" {
		t.Errorf("the note to the owner is threaded on the contact's conversation")
	}
	jo = e.wantStatus("jordan@example.org", model.Scheduled)
	if !jo.LastExchangeAt.Equal(exchanged) {
		t.Errorf("mail to the owner counted as an exchange with the contact: %v -> %v", exchanged, jo.LastExchangeAt)
	}

	// The meeting ends; the thank-you is recorded and appended, and the
	// process dies before it records the UID.
	e.clk.Advance(2 * time.Hour)
	crashes := 0
	timers.TestHookDraftAppended = func(*store.Message) error { crashes++; return errCrash }
	t.Cleanup(func() { timers.TestHookDraftAppended = nil })
	if err := e.d.LifecycleOnce(ctx); !errors.Is(err, errCrash) {
		t.Fatalf("lifecycle pass: %v, want the simulated crash", err)
	}
	timers.TestHookDraftAppended = nil
	if crashes != 1 {
		t.Fatalf("%d crashes", crashes)
	}
	e.wantStatus("jordan@example.org", model.Met)
	if n := len(e.thankyous("jordan@example.org")); n != 1 {
		t.Fatalf("%d drafts after the crash", n)
	}

	for i := 0; i < 2; i++ {
		e.restart()
		e.lifecycle()
		e.clk.Advance(time.Second)
		e.lifecycle()
	}
	drafts := e.thankyous("jordan@example.org")
	if len(drafts) != 1 {
		t.Fatalf("%d thank-you drafts after restarts, want exactly 1", len(drafts))
	}
	ty := bodyText(drafts[0].Raw)
	when := schedule.ContactDay(start, e.cfg.Location())
	for _, want := range []string{"Thank you for taking the time to talk with me on " + when, "anyone else you would suggest I talk to"} {
		if !strings.Contains(ty, want) {
			t.Errorf("thank-you lacks %q:\n%s", want, ty)
		}
	}
	if got, want := header(drafts[0].Raw, "In-Reply-To"), "<"+e.sentTo("jordan@example.org").MessageID+">"; got != want {
		t.Errorf("thank-you In-Reply-To %q, want the outreach %q", got, want)
	}
	jo = e.contact("jordan@example.org")
	msgs, _ := e.a.Store.MessagesByContact(ctx, jo.ID)
	for _, m := range msgs {
		if m.Kind == "thankyou" && (m.Mailbox != "Drafts" || m.UID != int64(drafts[0].UID)) {
			t.Errorf("thank-you row not located after recovery: %+v", m)
		}
	}

	// The user writes to Jordan after the meeting (seen in Sent): thanked.
	outreach := e.sentTo("jordan@example.org")
	own := fmt.Sprintf("From: Alex Doe <%s>\r\nTo: Jordan Lee <jordan@example.org>\r\nSubject: Thank you!\r\nDate: %s\r\n"+
		"Message-ID: <own1@example.test>\r\nIn-Reply-To: <%s>\r\nReferences: <%s>\r\n\r\nThanks again.\r\n",
		testmail.DefaultUser, e.clk.Now().Format(time.RFC1123Z), outreach.MessageID, outreach.MessageID)
	e.imap.Deliver("Sent", []byte(own))
	if err := e.d.SyncInbox(ctx); err != nil {
		t.Fatal(err)
	}
	e.wantStatus("jordan@example.org", model.Thanked)

	// Keep in touch after `every` (30s here) of quiet; once per period.
	e.clk.Advance(20 * time.Second)
	e.lifecycle()
	if n := len(e.letters("jordan@example.org")); n != 1 {
		t.Fatalf("%d drafts before keep-in-touch is due", n)
	}
	e.clk.Advance(15 * time.Second)
	e.lifecycle()
	e.lifecycle()
	drafts = e.letters("jordan@example.org")
	if len(drafts) != 2 || !strings.Contains(header(drafts[1].Raw, "Subject"), "A short update") {
		t.Fatalf("%d drafts after keep-in-touch is due", len(drafts))
	}
}

func TestSnoozeHoldsFollowupsThenOneGentleFollowup(t *testing.T) {
	e := newLC(t, func(c *config.Config) { c.Followup.Max = 1 })
	ctx := context.Background()
	e.add("Sue Silent", "sue@example.org")
	e.outbox()
	e.clk.Advance(3 * time.Second)
	e.lifecycle()
	if n := len(e.drafts("sue@example.org")); n != 1 {
		t.Fatalf("%d follow-ups, want 1", n)
	}
	// Snoozed before the grace ends: no no_response while snoozed.
	until := e.clk.Now().Add(time.Minute)
	if _, err := e.a.Contacts.Snooze(ctx, "sue@example.org", until, "try me later"); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(30 * time.Second)
	e.lifecycle()
	e.wantStatus("sue@example.org", model.Snoozed)
	e.clk.Advance(31 * time.Second)
	e.lifecycle()
	sue := e.wantStatus("sue@example.org", model.Contacted)
	if n := len(e.drafts("sue@example.org")); n != 2 {
		t.Fatalf("%d follow-ups after the snooze, want one more", n)
	}
	if sue.NextAction != "no_response" {
		t.Errorf("after the resumed follow-up: next %q", sue.NextAction)
	}
	checkThreaded(t, e.drafts("sue@example.org")[1].Raw, e.sentTo("sue@example.org"))
	e.clk.Advance(6 * time.Second)
	e.lifecycle()
	e.wantStatus("sue@example.org", model.NoResponse)
	e.lifecycle()
	// The two follow-ups were never sent: at no_response they leave Drafts.
	if n := len(e.drafts("sue@example.org")); n != 0 {
		t.Fatalf("%d follow-up drafts left after no_response, want 0", n)
	}
}

func TestMeetingsFromCalendarsAndProposals(t *testing.T) {
	e := newLC(t, nil)
	ctx := context.Background()
	e.add("Cal Invite", "cal@example.org")
	e.add("Own Invite", "own@example.org")
	e.add("Pat Proposes", "pat@example.org")
	e.outbox()

	ics := func(method, start string) string {
		return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:" + method + "\r\nBEGIN:VEVENT\r\n" +
			"UID:m1@example.org\r\nDTSTAMP:20261124T150000Z\r\nDTSTART:" + start + "\r\nDTEND:20261127T193000Z\r\n" +
			"SUMMARY:Chat\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	}
	invite := func(from, to, id, inReplyTo, method string) []byte {
		return []byte("From: " + from + "\r\nTo: " + to + "\r\nSubject: Invitation: Chat\r\nDate: " + lcStart.Format(time.RFC1123Z) +
			"\r\nMessage-ID: <" + id + ">\r\nIn-Reply-To: <" + inReplyTo + ">\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=\"X\"\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nSee you then.\r\n" +
			"--X\r\nContent-Type: text/calendar; method=" + method + "; charset=UTF-8\r\n\r\n" + ics(method, "20261127T190000Z") + "--X--\r\n")
	}
	c := e.sentTo("cal@example.org")
	e.imap.Deliver("INBOX", invite("cal@example.org", testmail.DefaultUser, "inv1@example.org", c.MessageID, "REQUEST"))
	o := e.sentTo("own@example.org")
	e.imap.Deliver("Sent", invite(testmail.DefaultUser, "own@example.org", "inv2@example.test", o.MessageID, "REQUEST"))
	p := e.sentTo("pat@example.org")
	e.imap.Deliver("INBOX", inboundReply("pat@example.org", p.MessageID, header(p.Data, "Subject"),
		"Happy to help. Would Friday 27 November at 2pm work for you?"))
	if err := e.d.SyncInbox(ctx); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 11, 27, 19, 0, 0, 0, time.UTC)
	for _, who := range []string{"cal@example.org", "own@example.org"} {
		e.wantStatus(who, model.Scheduled)
		ms, err := e.a.Store.MeetingsByContact(ctx, e.contact(who).ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].State != store.MeetingScheduled || !ms[0].Start.Equal(want) {
			t.Errorf("%s meetings %+v", who, ms)
		}
	}
	e.wantStatus("pat@example.org", model.Replied)
	props := proposals(t, e.a, "pat@example.org")
	if len(props) != 1 || !props[0].Start.Equal(want) {
		t.Fatalf("proposals %+v", props)
	}
	if _, err := e.a.Contacts.Confirm(ctx, "pat@example.org", 2); err == nil {
		t.Error("confirming a proposal that does not exist succeeded")
	}
	if _, err := e.a.Contacts.Confirm(ctx, "pat@example.org", 1); err != nil {
		t.Fatal(err)
	}
	m := scheduledMeeting(t, e.a, "pat@example.org")
	if m.ID != props[0].ID || m.State != store.MeetingScheduled {
		t.Errorf("confirmed %+v", m)
	}
	pat := e.wantStatus("pat@example.org", model.Scheduled)
	if pat.NextAction != model.ActionPrep || !pat.NextActionAt.Equal(want.AddDate(0, 0, -1)) {
		t.Errorf("next action %s at %v, want the preparation note the day before", pat.NextAction, pat.NextActionAt)
	}
	// A cancellation from the contact puts the conversation back to replied.
	e.imap.Deliver("INBOX", invite("cal@example.org", testmail.DefaultUser, "inv3@example.org", c.MessageID, "CANCEL"))
	if err := e.d.SyncInbox(ctx); err != nil {
		t.Fatal(err)
	}
	e.wantStatus("cal@example.org", model.Replied)
}

func proposals(t *testing.T, a *App, email string) []*store.Meeting {
	t.Helper()
	ms, err := a.Contacts.Meetings(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	var out []*store.Meeting
	for _, m := range ms {
		if m.State == store.MeetingProposed {
			out = append(out, m)
		}
	}
	return out
}

func scheduledMeeting(t *testing.T, a *App, email string) *store.Meeting {
	t.Helper()
	ms, err := a.Contacts.Meetings(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.State == store.MeetingScheduled {
			return m
		}
	}
	t.Fatalf("%s has no scheduled meeting: %+v", email, ms)
	return nil
}
