package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"rapport/internal/classify"
	"rapport/internal/compose"
	"rapport/internal/contacts"
	"rapport/internal/lifecycle"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/outbox"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// Kinds of mail the lifecycle makes (the outbox knows them too).
const (
	kindFollowup    = outbox.KindFollowup
	kindThankyou    = outbox.KindThankyou
	kindKeepInTouch = outbox.KindKeepInTouch
	kindPrep        = outbox.KindPrep
)

// defaultMeeting is the length of a meeting nobody gave a length for.
const defaultMeeting = 30 * time.Minute

// lifecycleMu runs one lifecycle pass at a time in the process: a pass
// finishing a draft another pass is still appending would append it twice.
var lifecycleMu sync.Mutex

// testHookDraftAppended, when set (tests only), runs after a draft is in
// the Drafts folder and before its UID is recorded: an error there is a
// crash at the worst moment.
var testHookDraftAppended func(m *store.Message) error

// ErrCannotSchedule is returned for a meeting with a contact who must not
// be written to (opted out, bounced).
var ErrCannotSchedule = errors.New("cannot schedule a meeting")

func (a *App) lifecyclePolicy() lifecycle.Policy {
	cfg := a.Config
	return lifecycle.Policy{
		FollowupAfter:    cfg.Followup.After.Span,
		FollowupMax:      cfg.Followup.Max,
		FollowupGrace:    cfg.Followup.Grace.Span,
		KeepInTouchEvery: cfg.KeepInTouch.Every.Span,
		Outreach:         a.mail.policy,
		Calendar:         a.mail.calendar,
		Home:             cfg.Location(),
	}
}

// LifecycleOnce runs one pass over the contacts: it finishes drafts a crash
// left half made, then does whatever is due (follow-ups after an inbox
// sync, no_response, preparation notes, met, thank-you and keep-in-touch
// drafts, the end of snoozes) and applies the 3B7 company rule.
func (d *Daemon) LifecycleOnce(ctx context.Context) error {
	lifecycleMu.Lock()
	defer lifecycleMu.Unlock()
	r := &lcRun{d: d, a: d.a, now: d.a.Clock.Now(), pol: d.a.lifecyclePolicy()}
	defer r.close()
	var errs []error
	if err := r.recoverDrafts(ctx); err != nil {
		errs = append(errs, err)
	}
	cs, err := r.a.Store.Contacts(ctx, r.a.Account, "")
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, c := range cs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.contact(ctx, c); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.Email, err))
		}
	}
	if r.a.Config.Followup.CompanyRule == "3b7" {
		if err := r.companyRule(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if r.syncErr != nil {
		errs = append(errs, fmt.Errorf("follow-ups held: inbox sync failed: %w", r.syncErr))
	}
	return errors.Join(errs...)
}

// lcRun is one lifecycle pass.
type lcRun struct {
	d   *Daemon
	a   *App
	now time.Time
	pol lifecycle.Policy

	conn    *mailbox.Conn // for APPEND, dialled on first use
	synced  bool
	syncErr error
}

func (r *lcRun) close() {
	if r.conn != nil {
		r.conn.Close()
		r.conn = nil
	}
}

func (r *lcRun) imap(ctx context.Context) (*mailbox.Conn, error) {
	if r.conn != nil && !r.conn.Broken() {
		return r.conn, nil
	}
	r.close()
	c, err := mailbox.Dial(ctx, r.d.imapCfg, r.a.Log)
	if err != nil {
		return nil, fmt.Errorf("imap: %w", err)
	}
	r.conn = c
	return c, nil
}

// syncInbox makes the running watcher catch up on every folder before a
// batch of follow-ups, once per pass: a reply, bounce or opt-out that has
// arrived must stop them (stop means stop). When the sync fails (no
// watcher running, disconnected), follow-ups wait for the next pass.
func (r *lcRun) syncInbox(ctx context.Context) bool {
	if r.synced {
		return r.syncErr == nil
	}
	r.synced = true
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	r.syncErr = r.d.SyncInbox(sctx)
	return r.syncErr == nil
}

// contact does what is due for one contact, step after step (a meeting
// can end and its thank-you fall due in one pass).
func (r *lcRun) contact(ctx context.Context, c *model.Contact) error {
	for i := 0; i < 4; i++ {
		f, mt, err := r.facts(ctx, c)
		if err != nil {
			return err
		}
		due := lifecycle.Next(c, f, r.now, r.pol)
		if !due.Ready(r.now) {
			return nil
		}
		if due.Step == lifecycle.Followup || due.Step == lifecycle.NoResponse {
			if !r.syncInbox(ctx) {
				return nil
			}
			// The sync may have moved the contact: decide again.
			if c, err = r.a.Store.Contact(ctx, c.ID); err != nil {
				return err
			}
			if due = lifecycle.Next(c, f, r.now, r.pol); !due.Ready(r.now) {
				return nil
			}
		}
		if err := r.do(ctx, c, due, mt); err != nil {
			return err
		}
		if c, err = r.a.Store.Contact(ctx, c.ID); err != nil {
			return err
		}
	}
	return nil
}

// facts gathers what lifecycle.Next needs beyond the contact row.
func (r *lcRun) facts(ctx context.Context, c *model.Contact) (lifecycle.Facts, *store.Meeting, error) {
	a := r.a
	f := lifecycle.Facts{Loc: a.contactLocation(c)}
	switch c.Status {
	case model.Scheduled:
		mt, err := scheduledMeeting(ctx, a.Store, c.ID)
		if err != nil || mt == nil {
			return f, nil, err
		}
		f.Meeting = &lifecycle.Meeting{Start: mt.Start, Duration: mt.Duration}
		_, f.PrepDone, err = a.Store.OnceResult(ctx, a.Account, prepKey(mt))
		return f, mt, err
	case model.Met, model.Thanked:
		msgs, err := a.Store.MessagesByContact(ctx, c.ID)
		if err != nil {
			return f, nil, err
		}
		for _, m := range msgs {
			if m.Direction != store.Out || m.State == store.MsgCancelled || m.State == store.MsgFailed {
				continue
			}
			created := time.UnixMilli(m.CreatedAtMs).UTC()
			switch m.Kind {
			case kindThankyou:
				if m.CreatedAtMs >= c.StatusChangedAt.UnixMilli() {
					f.ThankyouDone = true
				}
			case kindKeepInTouch:
				if created.After(f.LastKeepInTouch) {
					f.LastKeepInTouch = created
				}
			}
		}
	}
	return f, nil, nil
}

func scheduledMeeting(ctx context.Context, st *store.Store, contactID int64) (*store.Meeting, error) {
	ms, err := st.MeetingsByContact(ctx, contactID)
	if err != nil {
		return nil, err
	}
	var out *store.Meeting
	for _, m := range ms {
		if m.State == store.MeetingScheduled {
			out = m
		}
	}
	return out, nil
}

func prepKey(m *store.Meeting) string { return "prep:" + strconv.FormatInt(m.ID, 10) }

func key(kind string, c *model.Contact, t time.Time) string {
	return kind + ":" + strconv.FormatInt(c.ID, 10) + ":" + strconv.FormatInt(t.UnixMilli(), 10)
}

// do performs one due step.
func (r *lcRun) do(ctx context.Context, c *model.Contact, due lifecycle.Due, mt *store.Meeting) error {
	cfg := r.a.Config
	switch due.Step {
	case lifecycle.Followup:
		want := *c
		return r.produce(ctx, c, intent{
			kind: kindFollowup, key: key(kindFollowup, c, c.NextActionAt), send: cfg.Followup.Mode == "send",
			planned: due.At, want: []model.Status{model.Contacted},
			check: func(cur *model.Contact) bool {
				return cur.NextAction == lifecycle.ActionFollowup && cur.NextActionAt.Equal(want.NextActionAt) &&
					cur.FollowupsSent == want.FollowupsSent
			},
			after: func(ctx context.Context, tx *store.Tx, cur *model.Contact) error {
				n, action, at := lifecycle.AfterFollowup(cur, r.now, r.pol)
				if err := tx.SetFollowupsSent(ctx, cur, n); err != nil {
					return err
				}
				return tx.SetNextAction(ctx, cur, action, at)
			},
		})
	case lifecycle.NoResponse:
		return r.a.Store.WithTx(ctx, func(tx *store.Tx) error {
			cur, err := tx.Contact(ctx, c.ID)
			if err != nil {
				return err
			}
			if cur.Status != model.Contacted || cur.NextAction != c.NextAction || !cur.NextActionAt.Equal(c.NextActionAt) {
				return nil
			}
			return ApplyDecision(ctx, tx, r.a.Contacts, cur, pipeline.Silence(cur), "")
		})
	case lifecycle.Resume:
		return r.resume(ctx, c)
	case lifecycle.Prep:
		if mt == nil {
			return nil
		}
		return r.produce(ctx, c, intent{
			kind: kindPrep, key: prepKey(mt), send: true, toOwner: true, planned: r.now,
			want: []model.Status{model.Scheduled},
			check: func(*model.Contact) bool {
				return true // the outbox's claim re-checks the status when it sends
			},
		})
	case lifecycle.Met:
		return r.met(ctx, c, mt)
	case lifecycle.Thankyou:
		return r.produce(ctx, c, intent{
			kind: kindThankyou, key: key(kindThankyou, c, c.StatusChangedAt), send: cfg.Thankyou.Mode == "send",
			planned: r.now, want: []model.Status{model.Met},
			after: func(ctx context.Context, tx *store.Tx, cur *model.Contact) error {
				return tx.SetNextAction(ctx, cur, "", time.Time{})
			},
		})
	case lifecycle.KeepInTouch:
		return r.produce(ctx, c, intent{
			kind: kindKeepInTouch, key: key(kindKeepInTouch, c, due.At), send: cfg.KeepInTouch.Mode == "send",
			planned: r.now, want: []model.Status{model.Thanked},
		})
	}
	return nil
}

// intent is one message the lifecycle means to make, exactly once.
type intent struct {
	kind    string
	key     string // identifies the purpose in the once table
	send    bool   // queue for the outbox instead of drafting
	toOwner bool
	planned time.Time
	want    []model.Status                // the contact's status, re-read in the transaction
	check   func(cur *model.Contact) bool // more of the same; nil: none
	after   func(ctx context.Context, tx *store.Tx, cur *model.Contact) error
}

// produce makes the message of an intent: rendered outside the
// transaction, then recorded with its Message-ID in one transaction that
// re-checks the contact (stop means stop) and claims the purpose in the
// once table, then, for a draft, appended to Drafts by Message-ID.
func (r *lcRun) produce(ctx context.Context, c *model.Contact, in intent) error {
	a := r.a
	if _, done, err := a.Store.OnceResult(ctx, a.Account, in.key); err != nil || done {
		return err
	}
	rendered, rerr := a.Render(ctx, in.kind, c, r.now)
	var made *store.Message
	err := a.Store.WithTx(ctx, func(tx *store.Tx) error {
		made = nil
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		if !slices.Contains(in.want, cur.Status) || (in.check != nil && !in.check(cur)) {
			return nil
		}
		if sup, _, err := tx.Suppressed(ctx, a.Account, cur.Email); err != nil || sup {
			return err
		}
		if rerr != nil {
			if !errors.Is(rerr, outbox.ErrNeedsInfo) {
				return rerr
			}
			// Nothing can be made until the contact is fixed: say so once
			// and move on rather than retry every pass.
			if first, err := tx.Once(ctx, a.Account, in.key, "not made: "+rerr.Error()); err != nil || !first {
				return err
			}
			if err := tx.AddEvent(ctx, a.Account, &model.Event{ContactID: cur.ID, Type: model.EventFailed, From: cur.Status,
				To: cur.Status, Detail: in.kind + " not made: " + rerr.Error()}); err != nil {
				return err
			}
			if in.after != nil {
				return in.after(ctx, tx, cur)
			}
			return nil
		}
		if first, err := tx.Once(ctx, a.Account, in.key, rendered.MessageID); err != nil || !first {
			return err
		}
		state, to := store.MsgDrafted, cur.Email
		if in.send {
			state = store.MsgQueued
		}
		if in.toOwner {
			to = a.Config.Me.Email
		}
		id, err := tx.InsertMessage(ctx, a.Account, store.NewMessage{ContactID: cur.ID, Direction: store.Out, Kind: in.kind,
			State: state, MessageID: rendered.MessageID, InReplyTo: rendered.InReplyTo, Refs: rendered.Refs,
			Subject: rendered.Subject, From: a.Config.Me.Email, To: to, Raw: rendered.Raw, PlannedAt: in.planned})
		if err != nil {
			return err
		}
		ev := &model.Event{ContactID: cur.ID, Type: model.EventDraft, From: cur.Status, To: cur.Status,
			Detail: in.kind + " draft in Drafts: " + rendered.Subject, MessageID: rendered.MessageID}
		if in.send {
			ev.Type, ev.Detail = model.EventNote, in.kind+" queued to send: "+rendered.Subject
		}
		if !in.toOwner {
			// A reply to the draft, once the user sends it, is in the thread.
			if err := tx.AddThreadID(ctx, a.Account, cur.ID, rendered.MessageID, "draft"); err != nil {
				return err
			}
		}
		if err := tx.AddEvent(ctx, a.Account, ev); err != nil {
			return err
		}
		if in.after != nil {
			if err := in.after(ctx, tx, cur); err != nil {
				return err
			}
		}
		made, err = tx.Message(ctx, id)
		return err
	})
	if err != nil || made == nil || made.State != store.MsgDrafted {
		return err
	}
	a.Log.Info("draft made", "kind", in.kind, "to", made.ToAddr, "message_id", made.MessageID)
	return r.appendDraft(ctx, made)
}

// appendDraft puts a recorded draft in the Drafts folder with \Draft,
// unless a message with its Message-ID is there already (a pass that
// appended it and stopped before recording the UID), then records where.
func (r *lcRun) appendDraft(ctx context.Context, m *store.Message) error {
	folder := r.d.Folders.Drafts.Name
	if folder == "" {
		return errors.New("no Drafts folder found; set imap.folders.drafts")
	}
	conn, err := r.imap(ctx)
	if err != nil {
		return err
	}
	uid, appended, err := conn.AppendOnce(ctx, folder, m.MessageID, m.Raw, []string{`\Draft`, `\Seen`})
	if err != nil {
		return fmt.Errorf("append draft %s: %w", m.MessageID, err)
	}
	if !appended {
		r.a.Log.Info("draft already in Drafts; recording it", "message_id", m.MessageID, "uid", uid)
	}
	if testHookDraftAppended != nil {
		if err := testHookDraftAppended(m); err != nil {
			return err
		}
	}
	st, err := conn.Status(ctx, folder)
	if err != nil {
		return fmt.Errorf("status %s: %w", folder, err)
	}
	return r.a.Store.SetMessageLocation(ctx, m, folder, st.UIDValidity, uid)
}

// recoverDrafts finishes drafts recorded but never placed in Drafts.
func (r *lcRun) recoverDrafts(ctx context.Context) error {
	msgs, err := r.a.Store.MessagesInState(ctx, r.a.Account, store.MsgDrafted)
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range msgs {
		if m.Direction != store.Out || m.Mailbox != "" {
			continue
		}
		if err := r.appendDraft(ctx, m); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// met records that a scheduled meeting has ended.
func (r *lcRun) met(ctx context.Context, c *model.Contact, mt *store.Meeting) error {
	if mt == nil {
		return nil
	}
	return r.a.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		m, err := tx.Meeting(ctx, mt.ID)
		if err != nil {
			return err
		}
		if cur.Status != model.Scheduled || m.State != store.MeetingScheduled || m.End().After(r.now) {
			return nil
		}
		if err := tx.SetMeetingState(ctx, m, store.MeetingHeld); err != nil {
			return err
		}
		when := meetingWhen(m.Start, r.a.Config.Location())
		return tx.SetStatus(ctx, cur, store.Transition{To: model.Met, Reason: "met " + when,
			NextAction: lifecycle.ActionThankyou, NextActionAt: r.now, EventType: model.EventMeeting,
			Detail: "the meeting on " + when + " has ended"})
	})
}

// resume ends a snooze.
func (r *lcRun) resume(ctx context.Context, c *model.Contact) error {
	a := r.a
	return a.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		if cur.Status != model.Snoozed || !cur.SnoozedUntil.Equal(c.SnoozedUntil) || !cur.NextActionAt.Equal(c.NextActionAt) {
			return nil
		}
		why := "the snooze until " + c.SnoozedUntil.In(a.Config.Location()).Format("2 Jan 2006") + " ended"
		res := lifecycle.ResumeAt(cur, r.now, r.pol)
		if res.Requeue {
			return contacts.ResumeTx(ctx, tx, cur, a.Contacts, why)
		}
		detail := why
		if res.NextAction == lifecycle.ActionFollowup {
			detail += "; one gentle follow-up in the thread"
		}
		if err := tx.SetStatus(ctx, cur, store.Transition{To: res.To, Reason: why, NextAction: res.NextAction,
			NextActionAt: res.NextActionAt, Detail: detail}); err != nil {
			return err
		}
		if res.FollowupsSent != cur.FollowupsSent {
			return tx.SetFollowupsSent(ctx, cur, res.FollowupsSent)
		}
		return nil
	})
}

// companyRule brings the next queued contact at a silent company forward
// (3B7), so the outbox plans it for the next slot.
func (r *lcRun) companyRule(ctx context.Context) error {
	a := r.a
	cs, err := a.Store.Contacts(ctx, a.Account, "")
	if err != nil {
		return err
	}
	for _, c := range lifecycle.BringForward(cs, r.now, r.pol) {
		err := a.Store.WithTx(ctx, func(tx *store.Tx) error {
			cur, err := tx.Contact(ctx, c.ID)
			if err != nil {
				return err
			}
			if cur.Status != model.Queued || cur.NextAction != contacts.NextActionOutreach || !cur.NextActionAt.After(r.now) {
				return nil
			}
			if err := tx.SetNextAction(ctx, cur, contacts.NextActionOutreach, r.now); err != nil {
				return err
			}
			return tx.AddEvent(ctx, a.Account, &model.Event{ContactID: cur.ID, Type: model.EventNote, From: cur.Status,
				To: cur.Status, Detail: fmt.Sprintf("3B7: nobody at %s has answered in %d business days; %s is next",
					cur.Company, lifecycle.CompanyRuleDays, cur.Name)})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// --- meetings

// ScheduleMeeting records an agreed meeting with a contact and moves the
// contact to scheduled: from the CLI, an owner command, or a calendar
// invitation. A duration of zero means 30 minutes. Any other planned or
// proposed meeting with the contact is superseded.
func (a *App) ScheduleMeeting(ctx context.Context, email string, start time.Time, duration time.Duration, format, source string) (*store.Meeting, error) {
	c, err := a.Contacts.Get(ctx, email)
	if err != nil {
		return nil, err
	}
	var m *store.Meeting
	err = a.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		m, err = a.scheduleTx(ctx, tx, cur, start, duration, format, source, "", nil)
		return err
	})
	return m, err
}

// Proposals lists the meeting times a contact proposed that wait for the
// owner's confirmation, earliest first (ConfirmProposal counts from 1).
func (a *App) Proposals(ctx context.Context, email string) ([]*store.Meeting, error) {
	c, err := a.Contacts.Get(ctx, email)
	if err != nil {
		return nil, err
	}
	ms, err := a.Store.MeetingsByContact(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var out []*store.Meeting
	for _, m := range ms {
		if m.State == store.MeetingProposed {
			out = append(out, m)
		}
	}
	return out, nil
}

// ConfirmProposal makes the index-th (from 1) proposed time of a contact
// the meeting, as the owner confirmed it.
func (a *App) ConfirmProposal(ctx context.Context, email string, index int) (*store.Meeting, error) {
	c, err := a.Contacts.Get(ctx, email)
	if err != nil {
		return nil, err
	}
	var m *store.Meeting
	err = a.Store.WithTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		all, err := tx.MeetingsByContact(ctx, cur.ID)
		if err != nil {
			return err
		}
		var props []*store.Meeting
		for _, x := range all {
			if x.State == store.MeetingProposed {
				props = append(props, x)
			}
		}
		if index < 1 || index > len(props) {
			return fmt.Errorf("%s has %d proposed time(s); there is no number %d", cur.Email, len(props), index)
		}
		p := props[index-1]
		m, err = a.scheduleTx(ctx, tx, cur, p.Start, p.Duration, p.Format, "confirmed", p.MessageID, p)
		return err
	})
	return m, err
}

// scheduleTx makes start the contact's meeting in tx: chosen (a proposal)
// becomes it, or an already scheduled meeting at the same time is kept, or
// a new one is recorded; other scheduled meetings are cancelled and other
// proposals declined. The contact moves to scheduled.
func (a *App) scheduleTx(ctx context.Context, tx *store.Tx, c *model.Contact, start time.Time, dur time.Duration,
	format, source, messageID string, chosen *store.Meeting) (*store.Meeting, error) {
	if c.Status.Suppressing() {
		return nil, fmt.Errorf("%s is %s: %w", c.Email, c.Status, ErrCannotSchedule)
	}
	if start.IsZero() {
		return nil, fmt.Errorf("%w: no time", ErrCannotSchedule)
	}
	if dur <= 0 {
		dur = defaultMeeting
	}
	all, err := tx.MeetingsByContact(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var m *store.Meeting
	for _, x := range all {
		switch {
		case chosen != nil && x.ID == chosen.ID:
			if err := tx.SetMeetingState(ctx, x, store.MeetingScheduled); err != nil {
				return nil, err
			}
			m = x
		case chosen == nil && m == nil && x.State == store.MeetingScheduled && x.Start.Equal(start):
			m = x // known already: the invitation and its acceptance
		case x.State == store.MeetingScheduled:
			if err := tx.SetMeetingState(ctx, x, store.MeetingCancelled); err != nil {
				return nil, err
			}
		case x.State == store.MeetingProposed:
			if err := tx.SetMeetingState(ctx, x, store.MeetingDeclined); err != nil {
				return nil, err
			}
		}
	}
	known := m != nil && chosen == nil
	if m == nil {
		m = &store.Meeting{AccountID: c.AccountID, ContactID: c.ID, Start: start, Duration: dur, Format: format,
			State: store.MeetingScheduled, Source: source, MessageID: messageID}
		if err := tx.InsertMeeting(ctx, m); err != nil {
			return nil, err
		}
	}
	if known && c.Status == model.Scheduled {
		return m, nil
	}
	when := meetingWhen(m.Start, a.Config.Location())
	detail := "meeting on " + when
	if source != "" {
		detail += " (" + source + ")"
	}
	return m, tx.SetStatus(ctx, c, store.Transition{To: model.Scheduled, Reason: "meeting " + when,
		NextAction: lifecycle.ActionMeeting, NextActionAt: m.Start, EventType: model.EventMeeting, Detail: detail,
		MessageID: messageID})
}

// meetingsFrom records what an inbound (or the user's own) message says
// about a meeting, in the transaction that applied its decision: a calendar
// invitation from the contact or sent by the user schedules it, an
// acceptance of the user's invitation too, a cancellation cancels it, and
// times the contact proposed in a reply wait for the owner's confirmation.
func (in *Inbound) meetingsFrom(ctx context.Context, tx *store.Tx, c *model.Contact, p processed, d pipeline.Decision) error {
	a := in.a
	if !p.own && !p.fromIt {
		return nil
	}
	if cal := p.result.Calendar; cal != nil {
		switch cal.Method {
		case "REQUEST", "REPLY":
			accepted := cal.Method == "REQUEST" || (!p.own && strings.EqualFold(cal.PartStat, "ACCEPTED"))
			if !accepted || cal.Start.IsZero() {
				break
			}
			_, err := a.scheduleTx(ctx, tx, c, cal.Start, defaultMeeting, "", "calendar "+strings.ToLower(cal.Method), p.messageID, nil)
			if errors.Is(err, ErrCannotSchedule) {
				return nil // recorded on the timeline by the decision; nothing else
			}
			return err
		case "CANCEL":
			return cancelMeetings(ctx, tx, c, p.messageID)
		}
	}
	if p.own {
		return nil
	}
	known, err := tx.MeetingsByContact(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, t := range d.Proposed {
		dup := false
		for _, k := range known {
			dup = dup || (k.Start.Equal(t) && (k.State == store.MeetingProposed || k.State == store.MeetingScheduled))
		}
		if dup {
			continue
		}
		m := &store.Meeting{AccountID: c.AccountID, ContactID: c.ID, Start: t, Duration: defaultMeeting,
			State: store.MeetingProposed, Source: "reply", MessageID: p.messageID}
		if err := tx.InsertMeeting(ctx, m); err != nil {
			return err
		}
		known = append(known, m)
	}
	return nil
}

// cancelMeetings cancels a contact's scheduled meeting; a scheduled
// contact goes back to replied (the conversation goes on).
func cancelMeetings(ctx context.Context, tx *store.Tx, c *model.Contact, messageID string) error {
	all, err := tx.MeetingsByContact(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, m := range all {
		if m.State == store.MeetingScheduled {
			if err := tx.SetMeetingState(ctx, m, store.MeetingCancelled); err != nil {
				return err
			}
		}
	}
	if c.Status != model.Scheduled {
		return nil
	}
	return tx.SetStatus(ctx, c, store.Transition{To: model.Replied, Reason: "the meeting was cancelled",
		EventType: model.EventMeeting, Detail: "the meeting was cancelled", MessageID: messageID})
}

// ownCalendar reads the calendar invitation in a message the user sent, if
// it may hold one (the watcher fetches only headers). Best effort: a
// message that cannot be read is only the user's own mail.
func (in *Inbound) ownCalendar(ctx context.Context, mb string, h mailbox.Header) *classify.CalendarEvent {
	ct := strings.ToLower(h.Get("Content-Type"))
	if !strings.Contains(ct, "multipart") && !strings.Contains(ct, "text/calendar") {
		return nil
	}
	body, err := in.fetch(ctx, mb, h.UID)
	if err != nil {
		in.a.Log.Warn("cannot read your message for a calendar invitation", "mailbox", mb, "uid", h.UID, "err", err)
		return nil
	}
	msg, err := classify.Parse(body, classify.DefaultLimits)
	if err != nil {
		return nil
	}
	// Without Own the classifier looks at the content, not the sender.
	return classify.Classify(msg, classify.Context{Now: in.a.Clock.Now(), Loc: in.a.Config.Location()}).Calendar
}

// sentDraft reports whether m is a draft rapport made that now shows up
// in Sent: the user sent it (their client kept its Message-ID).
func (in *Inbound) sentDraft(mb string, m *store.Message) bool {
	return m != nil && mb == in.sent && m.Direction == store.Out && m.State == store.MsgDrafted
}

// draftSent records that the user sent one of rapport's drafts.
func draftSent(ctx context.Context, tx *store.Tx, m *store.Message, mb string, uidValidity uint32, h mailbox.Header, now time.Time) error {
	at := h.Date
	if at.IsZero() {
		at = now
	}
	if err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: store.MsgSent, Attempts: m.Attempts, SentAt: at}); err != nil {
		return err
	}
	return tx.SetMessageLocation(ctx, m, mb, uidValidity, h.UID)
}

// --- template data

// lifecycleData adds what thank-you, keep-in-touch and preparation mail
// say about the meeting and the relationship.
func (a *App) lifecycleData(ctx context.Context, kind string, c *model.Contact, d *compose.Data) error {
	if kind != kindThankyou && kind != kindPrep && kind != kindKeepInTouch {
		return nil
	}
	ms, err := a.Store.MeetingsByContact(ctx, c.ID)
	if err != nil {
		return err
	}
	var mt *store.Meeting
	var notes []string
	for _, m := range ms {
		switch m.State {
		case store.MeetingHeld:
			mt = m
			if m.Notes != "" {
				notes = append(notes, m.Notes)
			}
		case store.MeetingScheduled:
			if kind == kindPrep || mt == nil || mt.State != store.MeetingHeld {
				mt = m
			}
		}
	}
	loc := a.contactLocation(c)
	if kind == kindPrep {
		loc = a.Config.Location() // the note is for the owner
	}
	if mt != nil {
		d.Meeting = compose.Meeting{When: meetingWhen(mt.Start, loc), Format: mt.Format, Start: mt.Start, End: mt.End()}
	}
	switch kind {
	case kindThankyou:
		all, err := a.Store.Contacts(ctx, a.Account, "")
		if err != nil {
			return err
		}
		for _, x := range all {
			if strings.EqualFold(x.ReferredBy, c.Email) {
				d.Contact.Referrals = append(d.Contact.Referrals, x.Name)
			}
		}
	case kindPrep:
		d.Questions = prepQuestions(c, a.Config.Me.Interest)
		if c.Notes != "" {
			notes = append([]string{c.Notes}, notes...)
		}
		d.Meeting.Notes = strings.Join(notes, "\n")
	}
	return nil
}

// prepQuestions are five questions for an informational interview.
func prepQuestions(c *model.Contact, interest string) []string {
	day := "What does a typical day look like for you?"
	if c.Role != "" {
		day = "What does a typical day look like for you as " + c.Role + "?"
	}
	skills := "Which skills do employers value most right now?"
	if interest != "" {
		skills = "Which skills do employers in " + interest + " value most right now?"
	}
	return []string{
		day,
		"How did you get to where you are now?",
		skills,
		"What advice would you give someone in my position?",
		"Who else do you think I should talk to?",
	}
}

// meetingWhen is a meeting time for people, in loc: "Tuesday 24 November
// at 2pm", "... at 2:30pm".
func meetingWhen(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	l := t.In(loc)
	clock := l.Format("3pm")
	if l.Minute() != 0 {
		clock = l.Format("3:04pm")
	}
	return l.Format("Monday 2 January") + " at " + clock
}
