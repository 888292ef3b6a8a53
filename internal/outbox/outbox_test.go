package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"rapport/internal/apply"
	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/outbox"
	"rapport/internal/pipeline"
	"rapport/internal/render"
	"rapport/internal/schedule"
	"rapport/internal/store"
	"rapport/internal/store/storetest"
	"rapport/internal/testmail"
)

// Tuesday 24 November 2026, 09:30 in New York: inside the default window.
var tuesday = time.Date(2026, 11, 24, 14, 30, 0, 0, time.UTC)

var ny, _ = time.LoadLocation("America/New_York")

// simpleRender builds a small, valid message; the compose package's own
// tests cover the real templates.
func simpleRender(_ context.Context, _ render.Source, kind model.Kind, c *model.Contact, date time.Time) (*render.Rendered, error) {
	if c.Company == "" {
		return nil, fmt.Errorf("%w: outreach: contact has no company", outbox.ErrNeedsInfo)
	}
	id := fmt.Sprintf("rp.%s.%d.%d@example.test", kind, c.ID, date.UnixNano())
	subj := "Question about your work at " + c.Company
	raw := fmt.Sprintf("From: Me <%s>\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\n\r\nHello %s\r\n",
		testmail.DefaultUser, c.Email, subj, date.Format(time.RFC1123Z), id, c.Name)
	return &render.Rendered{Raw: []byte(raw), MessageID: id, Subject: subj}, nil
}

type fixture struct {
	t     *testing.T
	clock *clock.Fake
	store *store.Store
	svc   *contacts.Service
	smtp  *testmail.SMTP
	imap  *testmail.IMAP
	ob    *outbox.Outbox
}

func newFixture(t *testing.T, s *store.Store, clk *clock.Fake, smtpOpts ...testmail.SMTPOption) *fixture {
	t.Helper()
	ctx := context.Background()
	acct, err := s.Account(ctx, testmail.DefaultUser)
	storetest.Must(t, err)
	imap := testmail.NewIMAP(t)
	smtp := testmail.NewSMTP(t, smtpOpts...)
	pol := schedule.DefaultPolicy(ny)
	pol.Spacing = schedule.Spacing{Min: 0, Max: 0}
	planner := &outbox.Planner{Account: acct, Policy: pol, Home: ny, Rand: rand.New(rand.NewPCG(3, 4))}
	ap := &apply.Applier{Account: acct, Owner: testmail.DefaultUser, Clock: clk, Planner: planner,
		Policy: pipeline.Policy{Home: ny, Outreach: pol, FollowupAfter: schedule.MustSpan("7bd"), FollowupMax: 1,
			FollowupGrace: schedule.MustSpan("7bd")}}
	f := &fixture{t: t, clock: clk, store: s, smtp: smtp, imap: imap,
		svc: &contacts.Service{Store: s, Account: acct, Apply: ap}}
	f.ob = &outbox.Outbox{
		Store: s, Account: acct, Clock: clk, From: testmail.DefaultUser, Home: ny,
		Policy: pol, Render: simpleRender, Contacts: apply.Outbox{A: ap}, Planner: planner,
		Log:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Rand: rand.New(rand.NewPCG(1, 2)),
		Dial: func(ctx context.Context) (*outbox.Conn, error) {
			return outbox.Dial(ctx, outbox.SMTPConfig{Host: "127.0.0.1", Port: smtp.Port(), Security: "none",
				Username: smtp.Username(), Password: config.Secret(smtp.Password()), Timeout: 2 * time.Second})
		},
		Sent: &outbox.IMAPSent{Folder: "Sent", Config: mailbox.Config{Host: "127.0.0.1", Port: imap.Port(),
			Security: mailbox.SecurityNone, Username: imap.Username(), Password: imap.Password()}},
	}
	t.Cleanup(func() { f.ob.Sent.(*outbox.IMAPSent).Close() })
	return f
}

func (f *fixture) add(name, email, company string) *model.Contact {
	f.t.Helper()
	c, err := f.svc.Add(context.Background(), contacts.Input{Name: name, Email: email, Company: company}, "")
	storetest.Must(f.t, err)
	return c
}

func (f *fixture) contact(email string) *model.Contact {
	f.t.Helper()
	c, err := f.svc.Get(context.Background(), email)
	storetest.Must(f.t, err)
	return c
}

func (f *fixture) cycle() {
	f.t.Helper()
	ctx := context.Background()
	if err := f.ob.Pass(ctx); err != nil {
		f.t.Fatal(err)
	}
}

func TestSendsEachOutreachOnceAndAdvances(t *testing.T) {
	clk := clock.NewFake(tuesday)
	storetest.Each(t, clk, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, clk)
		f.add("Ann Lee", "ann@example.org", "Acme")
		f.add("Bo Chen", "bo@example.org", "Globex")
		f.add("No Company", "nc@example.org", "")
		for i := 0; i < 3; i++ {
			f.cycle()
			clk.Advance(time.Minute)
		}
		got := f.smtp.Received()
		if len(got) != 2 {
			t.Fatalf("received %d messages, want 2", len(got))
		}
		for _, r := range got {
			if f.smtp.Count(r.MessageID) != 1 {
				t.Errorf("%s delivered %d times", r.MessageID, f.smtp.Count(r.MessageID))
			}
		}
		ann := f.contact("ann@example.org")
		if ann.Status != model.Contacted || ann.NextAction != "followup" {
			t.Fatalf("ann = %s next %s", ann.Status, ann.NextAction)
		}
		// Seven business days after Tuesday 24 Nov is Thursday 3 Dec; the
		// follow-up is planned for the next preferred morning after it.
		if d := ann.NextActionAt.In(ny); d.Month() != time.December || d.Day() != 8 || d.Hour() != 9 {
			t.Errorf("follow-up due %v, want Tue 8 Dec 09:00", d)
		}
		nc := f.contact("nc@example.org")
		if nc.Status != model.NeedsInfo || !strings.Contains(nc.StatusReason, "company") {
			t.Fatalf("no-company contact = %s (%s)", nc.Status, nc.StatusReason)
		}
		// The test server does not file sent mail itself, so after the grace
		// period rapport appends exactly one copy of each to Sent.
		clk.Advance(time.Minute)
		f.cycle()
		f.cycle()
		sent := f.imap.Messages("Sent")
		if len(sent) != 2 {
			t.Fatalf("Sent holds %d messages, want 2", len(sent))
		}
	})
}

func TestProviderThatFilesSentGetsNoSecondCopy(t *testing.T) {
	clk := clock.NewFake(tuesday)
	s := storetest.Open(t, "sqlite", clk)
	var f *fixture
	imap := testmail.NewIMAP(t)
	f = newFixture(t, s, clk, testmail.WithSentCopy(imap))
	f.ob.Sent = &outbox.IMAPSent{Folder: "Sent", Config: mailbox.Config{Host: "127.0.0.1", Port: imap.Port(),
		Security: mailbox.SecurityNone, Username: imap.Username(), Password: imap.Password()}}
	f.add("Ann Lee", "ann@example.org", "Acme")
	f.cycle()
	clk.Advance(time.Hour)
	f.cycle()
	f.cycle()
	if n := len(imap.Messages("Sent")); n != 1 {
		t.Fatalf("Sent holds %d copies, want 1", n)
	}
}

func TestStopMeansStopAtClaim(t *testing.T) {
	clk := clock.NewFake(tuesday)
	storetest.Each(t, clk, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, clk)
		f.add("Ann Lee", "ann@example.org", "Acme")
		f.add("Bo Chen", "bo@example.org", "Acme")
		ctx := context.Background()
		for range 2 {
			if n, err := f.ob.Outreach(ctx); err != nil || n != 1 {
				t.Fatalf("started %d (%v), want 1", n, err)
			}
		}
		// Between writing and sending, Ann opts out and Bo is paused.
		if _, err := f.svc.SetStatus(ctx, "ann@example.org", model.OptedOut, "asked not to be contacted"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Pause(ctx, "bo@example.org"); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
		if n, err := f.ob.SendDue(ctx); err != nil || n != 0 {
			t.Fatalf("sent %d (%v)", n, err)
		}
		if len(f.smtp.Received()) != 0 {
			t.Fatal("a stopped contact was mailed")
		}
		cancelled, _ := s.MessagesInState(ctx, f.svc.Account, store.MsgCancelled)
		if len(cancelled) != 2 {
			t.Fatalf("%d cancelled rows, want 2", len(cancelled))
		}
	})
}

func TestTemporaryFailureRetriesWithBackoff(t *testing.T) {
	clk := clock.NewFake(tuesday)
	s := storetest.Open(t, "sqlite", clk)
	f := newFixture(t, s, clk)
	f.smtp.Fail(testmail.PhaseMail, testmail.Reply{Code: 451, Enhanced: "4.3.0", Message: "try later"}, 1)
	f.add("Ann Lee", "ann@example.org", "Acme")
	f.cycle()
	ctx := context.Background()
	q, _ := s.MessagesInState(ctx, f.svc.Account, store.MsgQueued)
	if len(q) != 1 || q[0].Attempts != 1 || !strings.Contains(q[0].LastError, "451") {
		t.Fatalf("after a 451: %+v", q)
	}
	wait := q[0].NextAttemptAt().Sub(clk.Now())
	if wait < 40*time.Second || wait > 80*time.Second {
		t.Fatalf("first retry in %v, want about a minute", wait)
	}
	f.cycle() // not yet due
	if len(f.smtp.Received()) != 0 {
		t.Fatal("retried before the backoff")
	}
	clk.Advance(2 * time.Minute)
	f.cycle()
	if len(f.smtp.Received()) != 1 || f.contact("ann@example.org").Status != model.Contacted {
		t.Fatal("not sent after the backoff")
	}
}

func TestQuotaReplyPausesSending(t *testing.T) {
	clk := clock.NewFake(tuesday)
	s := storetest.Open(t, "sqlite", clk)
	f := newFixture(t, s, clk)
	f.smtp.Fail(testmail.PhaseData, testmail.Reply{Code: 550, Enhanced: "5.4.5", Message: "Daily user sending quota exceeded"}, 0)
	for i := 0; i < 5; i++ {
		f.add(fmt.Sprintf("P %d", i), fmt.Sprintf("p%d@example.org", i), "Acme")
	}
	f.cycle()
	f.cycle()
	if paused, until, why := f.ob.Paused(); !paused || until.Sub(clk.Now()) < 59*time.Minute || !strings.Contains(why, "5.4.5") {
		t.Fatalf("paused=%v until=%v why=%q", paused, until, why)
	}
	// One attempt reached the server; the rest waited.
	if n := len(f.smtp.Received()); n != 0 {
		t.Fatalf("%d delivered during a quota refusal", n)
	}
	ctx := context.Background()
	q, _ := s.MessagesInState(ctx, f.svc.Account, store.MsgQueued)
	failed, _ := s.MessagesInState(ctx, f.svc.Account, store.MsgFailed)
	if len(q) != 1 || len(failed) != 0 {
		t.Fatalf("queued %d failed %d, want 1 and 0 (the others wait in the plan)", len(q), len(failed))
	}
	f.smtp.ClearFailures()
	clk.Advance(61 * time.Minute)
	for range 5 {
		f.cycle()
	}
	if n := len(f.smtp.Received()); n != 5 {
		t.Fatalf("after the pause %d sent, want 5", n)
	}
}

func TestPermanentRecipientRefusalBouncesContact(t *testing.T) {
	clk := clock.NewFake(tuesday)
	storetest.Each(t, clk, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, clk)
		f.smtp.FailRcpt("gone@example.org", testmail.Reply{Code: 550, Enhanced: "5.1.1", Message: "no such user"})
		f.add("Gone", "gone@example.org", "Acme")
		f.add("Here", "here@example.org", "Acme")
		f.cycle()
		f.cycle()
		g := f.contact("gone@example.org")
		if g.Status != model.Bounced {
			t.Fatalf("gone = %s", g.Status)
		}
		if sup, _, _ := s.Suppressed(context.Background(), f.svc.Account, "gone@example.org"); !sup {
			t.Fatal("bounced address not suppressed")
		}
		failed, _ := s.MessagesInState(context.Background(), f.svc.Account, store.MsgFailed)
		if len(failed) != 1 || !strings.Contains(failed[0].LastError, "no such user") {
			t.Fatalf("failed rows %+v", failed)
		}
		// A refused recipient stops nothing else: the next one went.
		if f.contact("here@example.org").Status != model.Contacted {
			t.Fatal("the message after a refused recipient was not sent")
		}
	})
}

func TestUnansweredDotIsInDoubtAndResolvedFromSent(t *testing.T) {
	clk := clock.NewFake(tuesday)
	s := storetest.Open(t, "sqlite", clk)
	imap := testmail.NewIMAP(t)
	f := newFixture(t, s, clk, testmail.WithSentCopy(imap))
	f.ob.Sent = &outbox.IMAPSent{Folder: "Sent", Config: mailbox.Config{Host: "127.0.0.1", Port: imap.Port(),
		Security: mailbox.SecurityNone, Username: imap.Username(), Password: imap.Password()}}
	f.smtp.HangAfterData(true, 0)
	f.add("Ann Lee", "ann@example.org", "Acme")
	ctx := context.Background()
	if _, err := f.ob.Outreach(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ob.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	doubt, _ := s.MessagesInState(ctx, f.svc.Account, store.MsgInDoubt)
	if len(doubt) != 1 {
		t.Fatalf("%d in doubt, want 1", len(doubt))
	}
	// Sending again finds nothing due: in doubt is never resent blindly.
	if n, _ := f.ob.SendDue(ctx); n != 0 {
		t.Fatal("an in-doubt message was resent")
	}
	n, err := f.ob.ResolveInDoubt(ctx)
	if err != nil || n != 1 {
		t.Fatalf("resolved %d (%v)", n, err)
	}
	if c := f.contact("ann@example.org"); c.Status != model.Contacted {
		t.Fatalf("ann = %s after resolution", c.Status)
	}
	if got := f.smtp.Count(doubt[0].MessageID); got != 1 {
		t.Fatalf("delivered %d times", got)
	}
}

func TestOutsideWindowWaitsForNextSlot(t *testing.T) {
	// Saturday 21 November 2026, noon in New York.
	clk := clock.NewFake(time.Date(2026, 11, 21, 17, 0, 0, 0, time.UTC))
	s := storetest.Open(t, "sqlite", clk)
	f := newFixture(t, s, clk)
	f.add("Ann Lee", "ann@example.org", "Acme")
	f.cycle()
	if len(f.smtp.Received()) != 0 {
		t.Fatal("sent on a Saturday")
	}
	c := f.contact("ann@example.org")
	slot := c.NextActionAt.In(ny)
	if slot.Weekday() != time.Tuesday || slot.Day() != 24 || slot.Hour() < 9 || slot.Hour() > 11 {
		t.Fatalf("next slot %v, want Tuesday 24 Nov in the morning window", slot)
	}
	clk.Set(slot)
	f.cycle()
	if len(f.smtp.Received()) != 1 {
		t.Fatal("not sent at the slot")
	}
}

// A final dot the server never answers, for a message it dropped: the
// message is in doubt and absent from Sent. rapport never sends it again on
// its own, however long it waits; on the owner's word it goes exactly once.
func TestInDoubtIsNeverResentWithoutTheOwner(t *testing.T) {
	clk := clock.NewFake(tuesday)
	s := storetest.Open(t, "sqlite", clk)
	imap := testmail.NewIMAP(t)
	f := newFixture(t, s, clk, testmail.WithSentCopy(imap))
	f.ob.Sent = &outbox.IMAPSent{Folder: "Sent", Config: mailbox.Config{Host: "127.0.0.1", Port: imap.Port(),
		Security: mailbox.SecurityNone, Username: imap.Username(), Password: imap.Password()}}
	f.smtp.HangAfterData(false, 0)
	f.add("Ann Lee", "ann@example.org", "Acme")
	ctx := context.Background()
	f.cycle()
	doubt, _ := s.MessagesInState(ctx, f.svc.Account, store.MsgInDoubt)
	if len(doubt) != 1 {
		t.Fatalf("%d in doubt, want 1", len(doubt))
	}
	id := doubt[0].MessageID
	for range 10 {
		clk.Advance(time.Hour)
		f.cycle()
	}
	if n := f.smtp.Count(id); n != 0 {
		t.Fatalf("an in-doubt message absent from Sent was sent %d times without the owner", n)
	}
	if st := f.contact("ann@example.org").Status; st != model.Queued {
		t.Fatalf("ann is %s while her request is in doubt", st)
	}
	evs, _ := s.Events(ctx, f.contact("ann@example.org").ID)
	said := false
	for _, e := range evs {
		said = said || strings.Contains(e.Detail, "in doubt")
	}
	if !said {
		t.Errorf("the timeline does not say the request is in doubt: %+v", evs)
	}
	if _, err := f.ob.Resolve(ctx, "<"+id+">", false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ob.Resolve(ctx, id, false); !errors.Is(err, outbox.ErrNotInDoubt) {
		t.Fatalf("resolving twice: %v, want ErrNotInDoubt", err)
	}
	f.cycle()
	f.cycle()
	if n := f.smtp.Count(id); n != 1 {
		t.Fatalf("after the owner's resend it went %d times, want 1", n)
	}
	if st := f.contact("ann@example.org").Status; st != model.Contacted {
		t.Fatalf("ann is %s after the resend", st)
	}
}

var errAppendCrash = errors.New("simulated crash during the first Sent append")

// A crash in the middle of the very first Sent append leaves a copy in
// Sent that rapport made itself. Finding it afterwards must not make
// rapport conclude that the provider files sent mail: it would then stop
// filing copies of later mail.
func TestInterruptedFirstAppendIsNotTakenForProviderFiling(t *testing.T) {
	clk := clock.NewFake(tuesday)
	s := storetest.Open(t, "sqlite", clk)
	f := newFixture(t, s, clk) // the test server does not file sent mail
	f.add("Ann Lee", "ann@example.org", "Acme")
	f.add("Bo Chen", "bo@example.org", "Acme")
	ctx := context.Background()
	if err := f.ob.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	crashed := 0
	outbox.TestHookSentAppended = func(*store.Message) error { crashed++; return errAppendCrash }
	t.Cleanup(func() { outbox.TestHookSentAppended = nil })
	if err := f.ob.ReconcileSent(ctx); !errors.Is(err, errAppendCrash) {
		t.Fatalf("reconcile: %v, want the simulated crash", err)
	}
	outbox.TestHookSentAppended = nil
	if crashed != 1 || len(f.imap.Messages("Sent")) != 1 {
		t.Fatalf("crashed %d times, Sent holds %d", crashed, len(f.imap.Messages("Sent")))
	}
	// Restarted: the next passes send Bo's request and file both copies.
	for range 3 {
		clk.Advance(time.Minute)
		f.cycle()
	}
	if mode, _, _ := s.OnceResult(ctx, f.svc.Account, "sent-filing"); mode != "append" {
		t.Fatalf("filing learned %q, want append", mode)
	}
	if n := len(f.imap.Messages("Sent")); n != 2 {
		t.Fatalf("Sent holds %d copies, want 2 (one each)", n)
	}
}
