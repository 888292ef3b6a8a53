package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/mail"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-imap/v2"
	gomessage "github.com/emersion/go-message"

	"rapport/internal/cli"
	"rapport/internal/clock"
	"rapport/internal/contacts"
	"rapport/internal/mailstack"
	"rapport/internal/model"
)

// A meeting from the contact's words to the calendars, on the real
// Postfix + Dovecot: a contact in Los Angeles writes "Thursday ... at
// 3pm", the owner (in New York) is told the time in both zones and
// confirms by mail, `contacts show --json` has the meeting at 15:00 in
// Los Angeles, the invitation in Drafts is a text/calendar REQUEST that
// an independent iCalendar reader puts at the same instant, the owner
// sends it from their client, a reschedule is an update of the same
// event (same UID, higher SEQUENCE) and a cancellation its CANCEL.

// calendarPart is the text/calendar part of a message: its METHOD (from
// the part's parameter and the object) and its one event, read with
// go-ical, not rapport's own reader.
func calendarPart(t *testing.T, raw []byte) (string, *ical.Event, bool) {
	t.Helper()
	r, err := gomessage.Read(bytes.NewReader(raw))
	if err != nil && !gomessage.IsUnknownCharset(err) {
		t.Fatalf("read mail: %v", err)
	}
	var method string
	var found *ical.Event
	err = r.Walk(func(path []int, e *gomessage.Entity, err error) error {
		if err != nil {
			return err
		}
		mt, params, _ := e.Header.ContentType()
		if mt != "text/calendar" || found != nil {
			return nil
		}
		body, err := io.ReadAll(e.Body)
		if err != nil {
			return err
		}
		cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
		if err != nil {
			return fmt.Errorf("decode the calendar: %w\n%s", err, body)
		}
		m, _ := cal.Props.Text(ical.PropMethod)
		if p := params["method"]; p != "" && !strings.EqualFold(p, m) {
			return fmt.Errorf("the part says method=%s, the object %s", p, m)
		}
		method = strings.ToUpper(m)
		evs := cal.Events()
		if len(evs) != 1 {
			return fmt.Errorf("%d events in the invitation", len(evs))
		}
		found = &evs[0]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return method, found, found != nil
}

func eventTimes(t *testing.T, ev *ical.Event) (string, int, time.Time, time.Time) {
	t.Helper()
	uid, err := ev.Props.Text(ical.PropUID)
	if err != nil || uid == "" {
		t.Fatalf("event without a UID: %v", err)
	}
	seq := 0
	if p := ev.Props.Get(ical.PropSequence); p != nil {
		if seq, err = p.Int(); err != nil {
			t.Fatalf("SEQUENCE: %v", err)
		}
	}
	start, err := ev.DateTimeStart(nil)
	if err != nil {
		t.Fatalf("DTSTART: %v", err)
	}
	end, err := ev.DateTimeEnd(nil)
	if err != nil {
		t.Fatalf("DTEND: %v", err)
	}
	return uid, seq, start, end
}

// eoDraftsInvites is the invitations in the owner's Drafts.
func eoDraftsInvites(t *testing.T, st *mailstack.Stack, owner, drafts string) []*mailstack.Message {
	var out []*mailstack.Message
	for _, m := range st.Messages(t, owner, drafts) {
		if _, _, ok := calendarPart(t, m.Raw); ok {
			out = append(out, m)
		}
	}
	return out
}

// eoSendDraft is the owner sending a draft from their client: it goes to
// its recipient through submission, a copy is filed in Sent, and the
// draft leaves Drafts.
func eoSendDraft(t *testing.T, st *mailstack.Stack, owner mailstack.User, sent, drafts string, m *mailstack.Message, to string) {
	t.Helper()
	st.Submit(t, owner.Address, []string{to}, m.Raw)
	eoAppend(t, st, owner, sent, m.Raw)
	eoDelete(t, st, owner.Address, drafts, m.UID)
}

// eoDelete removes one message, as the owner's client does.
func eoDelete(t *testing.T, st *mailstack.Stack, owner, mailbox string, uid imap.UID) {
	t.Helper()
	c := st.DialIMAP(t, owner, nil)
	if _, err := c.Select(mailbox, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	set := imap.UIDSetNum(uid)
	if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.UIDExpunge(set).Close(); err != nil {
		t.Fatal(err)
	}
}

func eoMessageState(t *testing.T, r *eoDaemon, messageID string) string {
	t.Helper()
	var s string
	if err := r.a.Store.DB().Get(&s, "SELECT state FROM messages WHERE message_id = ?", messageID); err != nil {
		t.Fatalf("message %s: %v", messageID, err)
	}
	return s
}

func TestE2EMeetingFromAReplyToTheCalendarsOnDovecot(t *testing.T) {
	st := mailstack.FromEnv(t)
	ctx := context.Background()
	owner := st.UniqueUser(t, "me")
	lena := st.UniqueUser(t, "lena")
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg, cfgFile := eoConfig(t, st, owner, dir)
	cfg.Me.Timezone = "America/New_York"
	file, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgFile, bytes.Replace(file, []byte("timezone: UTC"), []byte("timezone: America/New_York"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))

	r := eoStart(t, cfg, clk)
	sent, drafts := r.d.Folders.Sent.Name, r.d.Folders.Drafts.Name
	if _, err := r.a.Contacts.Add(ctx, contacts.Input{Name: "Lena Park", Email: lena.Address, Company: "Contoso",
		Timezone: "America/Los_Angeles"}, ""); err != nil {
		t.Fatal(err)
	}
	eoEventually(t, 30*time.Second, "outreach sent", func() (bool, string) {
		r.outbox(t)
		clk.Advance(time.Second)
		c, _ := r.a.Contacts.Get(ctx, lena.Address)
		return c.Status == model.Contacted, "status " + string(c.Status)
	})
	first := st.WaitForMessage(t, lena.Address, "INBOX", 30*time.Second, nil)

	// A Thursday one to two weeks ahead, named as people write it.
	day := time.Now().In(la).AddDate(0, 0, 7)
	for day.Weekday() != time.Thursday {
		day = day.AddDate(0, 0, 1)
	}
	want := time.Date(day.Year(), day.Month(), day.Day(), 15, 0, 0, 0, la)
	reply := mailstack.BuildMessage("Lena Park <"+lena.Address+">", owner.Address, "Re: "+first.Subject(),
		"Hi Alex,\n\nglad to. "+day.Format("Monday, January 2")+" at 3pm works for me, I'll be at my desk.\n\nLena\n\n> "+
			strings.SplitN(string(first.Body), "\n", 2)[0],
		"In-Reply-To: <"+eoID(first)+">", "References: <"+eoID(first)+">")
	st.Submit(t, lena.Address, []string{owner.Address}, reply)
	eoStatus(t, r.a, lena.Address, model.Replied)
	r.outbox(t)
	note := st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		return strings.HasPrefix(m.Subject(), "[rapport]") && strings.Contains(m.Subject(), "Lena Park")
	})
	text := ownerText(t, note.Raw)
	// Her time in her zone, and the owner's: both named.
	for _, re := range []string{`\b6(:00)? ?pm E[SD]?T\b`, `\b3(:00)? ?pm P[SD]?T\b`} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("the notification does not say %s:\n%s", re, text)
		}
	}

	// The owner confirms by answering the notification.
	cmd, _ := eoCommand(owner.Address, "Re: "+note.Subject(), eoID(note), "confirm")
	eoSendAsOwner(t, st, owner, sent, cmd)
	eoEventually(t, 30*time.Second, "lena scheduled", func() (bool, string) {
		r.sync(t)
		c, _ := r.a.Contacts.Get(ctx, lena.Address)
		return c.Status == model.Scheduled, "status " + string(c.Status)
	})
	if ms := ownerScheduled(t, r.a, lena.Address); len(ms) != 1 || !ms[0].Start.Equal(want) {
		t.Fatalf("scheduled %+v, want one meeting at %v", ms, want)
	}

	// `contacts show --json`: the meeting in her zone.
	var out, errb bytes.Buffer
	if code := cli.Main(ctx, []string{"--config", cfgFile, "contacts", "show", lena.Address, "--json"},
		strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("contacts show: exit %d\n%s", code, errb.String())
	}
	var shown struct {
		Status   string `json:"status"`
		Meetings []struct {
			Start    string `json:"start"`
			End      string `json:"end"`
			Timezone string `json:"timezone"`
			Status   string `json:"status"`
		} `json:"meetings"`
	}
	if err := json.Unmarshal(out.Bytes(), &shown); err != nil {
		t.Fatalf("contacts show --json: %v\n%s", err, out.String())
	}
	var scheduledJSON int
	for _, m := range shown.Meetings {
		if m.Status != "confirmed" {
			continue
		}
		scheduledJSON++
		if m.Start != want.Format(time.RFC3339) || m.Timezone != "America/Los_Angeles" {
			t.Errorf("contacts show meeting %+v, want start %s in America/Los_Angeles", m, want.Format(time.RFC3339))
		}
		if end, err := time.Parse(time.RFC3339, m.End); err != nil || !end.After(want) {
			t.Errorf("meeting end %q", m.End)
		}
	}
	if scheduledJSON != 1 {
		t.Fatalf("contacts show --json has %d scheduled meetings:\n%s", scheduledJSON, out.String())
	}

	// The invitation, in Drafts, for the owner to send; their own copy
	// (PUBLISH) in their INBOX.
	if err := r.d.LifecycleOnce(ctx); err != nil {
		t.Fatal(err)
	}
	r.outbox(t)
	inv := st.WaitForMessage(t, owner.Address, drafts, 30*time.Second, func(m *mailstack.Message) bool {
		_, _, ok := calendarPart(t, m.Raw)
		return ok
	})
	method, ev, _ := calendarPart(t, inv.Raw)
	uid, seq, start, end := eventTimes(t, ev)
	if method != "REQUEST" || !start.Equal(want) || end.Sub(start) < 15*time.Minute {
		t.Fatalf("invitation %s %v-%v, want a REQUEST at %v", method, start, end, want)
	}
	if to := inv.Header.Get("To"); !strings.Contains(to, lena.Address) {
		t.Errorf("invitation to %q", to)
	}
	if got := strings.Trim(inv.Header.Get("In-Reply-To"), "<> "); got != rawID(t, reply) {
		t.Errorf("invitation In-Reply-To %q, want her reply", got)
	}
	mine := st.WaitForMessage(t, owner.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		meth, _, ok := calendarPart(t, m.Raw)
		return ok && meth == "PUBLISH"
	})
	if _, e, _ := calendarPart(t, mine.Raw); e != nil {
		if u, _, s, _ := eventTimes(t, e); u != uid || !s.Equal(want) {
			t.Errorf("the owner's copy is %s at %v, want %s at %v", u, s, uid, want)
		}
	}

	// The owner sends the invitation from their client; rapport sees it go.
	eoSendDraft(t, st, owner, sent, drafts, inv, lena.Address)
	got := st.WaitForMessage(t, lena.Address, "INBOX", 30*time.Second, func(m *mailstack.Message) bool {
		_, _, ok := calendarPart(t, m.Raw)
		return ok
	})
	if _, e, _ := calendarPart(t, got.Raw); e != nil {
		if u, _, s, _ := eventTimes(t, e); u != uid || !s.Equal(want) {
			t.Errorf("Lena got %s at %v", u, s)
		}
	}
	eoEventually(t, 30*time.Second, "the sent invitation is recorded", func() (bool, string) {
		r.sync(t)
		s := eoMessageState(t, r, eoID(inv))
		return s == string(model.MsgSent), "state " + s
	})

	// A reschedule, written in the owner's zone: 16:00 for her is 19:00
	// in New York. The same event moves: same UID, a higher SEQUENCE.
	moved := want.Add(time.Hour)
	cmd2, _ := eoCommand(owner.Address, "Re: "+note.Subject(), eoID(note), "meeting "+moved.In(ny).Format("2006-01-02 15:04"))
	eoSendAsOwner(t, st, owner, sent, cmd2)
	eoEventually(t, 30*time.Second, "the meeting moved", func() (bool, string) {
		r.sync(t)
		ms := ownerScheduled(t, r.a, lena.Address)
		return len(ms) == 1 && ms[0].Start.Equal(moved), fmt.Sprintf("scheduled %+v", ms)
	})
	if err := r.d.LifecycleOnce(ctx); err != nil {
		t.Fatal(err)
	}
	upd := st.WaitForMessage(t, owner.Address, drafts, 30*time.Second, func(m *mailstack.Message) bool {
		meth, e, ok := calendarPart(t, m.Raw)
		if !ok || meth != "REQUEST" {
			return false
		}
		_, _, s, _ := eventTimes(t, e)
		return s.Equal(moved)
	})
	_, e2, _ := calendarPart(t, upd.Raw)
	uid2, seq2, _, _ := eventTimes(t, e2)
	if uid2 != uid || seq2 <= seq {
		t.Fatalf("the update is %s SEQUENCE %d, want %s with SEQUENCE above %d", uid2, seq2, uid, seq)
	}
	if n := len(eoDraftsInvites(t, st, owner.Address, drafts)); n != 1 {
		t.Fatalf("%d invitations in Drafts after the reschedule, want the update alone", n)
	}

	// The owner cancels before sending the update: the unsent update is
	// taken out of Drafts and the CANCEL (same UID, higher SEQUENCE) is
	// drafted for the invitation she has.
	cmd3, _ := eoCommand(owner.Address, "Re: "+note.Subject(), eoID(note), "cancel")
	eoSendAsOwner(t, st, owner, sent, cmd3)
	eoStatus(t, r.a, lena.Address, model.Replied)
	eoEventually(t, 30*time.Second, "the cancellation is in Drafts alone", func() (bool, string) {
		if err := r.d.LifecycleOnce(ctx); err != nil {
			return false, err.Error()
		}
		inv := eoDraftsInvites(t, st, owner.Address, drafts)
		var methods []string
		for _, m := range inv {
			meth, _, _ := calendarPart(t, m.Raw)
			methods = append(methods, meth)
		}
		return len(methods) == 1 && methods[0] == "CANCEL", fmt.Sprintf("invitations in Drafts: %v", methods)
	})
	cancel := eoDraftsInvites(t, st, owner.Address, drafts)[0]
	_, e3, _ := calendarPart(t, cancel.Raw)
	uid3, seq3, _, _ := eventTimes(t, e3)
	if uid3 != uid || seq3 <= seq2 {
		t.Fatalf("the cancellation is %s SEQUENCE %d, want %s with SEQUENCE above %d", uid3, seq3, uid, seq2)
	}
	if s, _ := e3.Props.Text(ical.PropStatus); !strings.EqualFold(s, "CANCELLED") {
		t.Errorf("the cancellation's STATUS is %q", s)
	}
}

// rawID is the Message-ID of a raw message the test built.
func rawID(t *testing.T, raw []byte) string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Trim(m.Header.Get("Message-Id"), "<> ")
}
