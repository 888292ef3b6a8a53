// Package render writes rapport's messages about a contact: it gathers
// the template data (the contact, who referred them, the thread, the
// meeting, the notes so far, the meeting options to propose), renders the
// kind's templates and returns the exact bytes that will be sent or put in
// Drafts. The outbox, the applier (messages a decision makes) and
// `preview` all render through it.
package render

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"rapport/internal/compose"
	"rapport/internal/meetings"
	"rapport/internal/model"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

// Source is what rendering reads: the store, or a transaction.
type Source interface {
	ContactByEmail(ctx context.Context, accountID int64, email string) (*model.Contact, error)
	ReferredBy(ctx context.Context, accountID int64, email string) ([]*model.Contact, error)
	MessagesMeta(ctx context.Context, contactID int64) ([]*store.Message, error)
	MeetingsByContact(ctx context.Context, contactID int64) ([]*store.Meeting, error)
	Events(ctx context.Context, contactID int64) ([]model.Event, error)
}

// ErrNeedsInfo marks a render failure the owner must fix on the contact
// (a field a template needs is missing).
var ErrNeedsInfo = errors.New("contact needs information")

// Rendered is a message ready to store: its exact bytes and identity.
type Rendered struct {
	Raw       []byte
	MessageID string // without <>
	Subject   string
	InReplyTo string
	Refs      string
}

// Renderer renders one account's mail.
type Renderer struct {
	Account   int64
	Templates *compose.Templates
	Me        compose.Me
	Home      *time.Location
	Avail     []schedule.Availability
	Calendar  schedule.Calendar
	// Loc is a contact's zone (its timezone, else the owner's).
	Loc func(c *model.Contact) *time.Location
}

// Options add what a kind needs beyond the contact.
type Options struct {
	// Meeting is the meeting a prep note or an invitation is about.
	Meeting *store.Meeting
}

func (r *Renderer) loc(c *model.Contact) *time.Location {
	if r.Loc != nil {
		return r.Loc(c)
	}
	return r.home()
}

func (r *Renderer) home() *time.Location {
	if r.Home != nil {
		return r.Home
	}
	return time.UTC
}

// Data maps a contact to template data for a kind, dated date.
func (r *Renderer) Data(ctx context.Context, src Source, kind model.Kind, c *model.Contact, date time.Time, o Options) (compose.Data, error) {
	d := compose.Data{
		Me: r.Me,
		Contact: compose.Contact{Name: c.Name, Email: c.Email, Company: c.Company, Role: c.Role,
			Connection: c.Connection, Status: string(c.Status), Custom: c.Custom},
	}
	if ref := c.ReferredBy; ref != "" {
		if strings.Contains(ref, "@") {
			d.Contact.ReferrerEmail = ref
			if rc, err := src.ContactByEmail(ctx, r.Account, ref); err == nil {
				d.Contact.ReferrerName = rc.Name
			}
		} else {
			d.Contact.ReferrerName = ref
		}
	}
	cloc := r.loc(c)
	ccal, err := schedule.CalendarFor(cloc, "")
	if err != nil {
		ccal = r.Calendar
	}
	for _, opt := range schedule.MeetingOptionsFor(date, r.Avail, schedule.Party{Loc: r.home(), Calendar: r.Calendar},
		schedule.Party{Loc: cloc, Calendar: ccal}, 2) {
		d.Options = append(d.Options, opt.ForContact())
	}
	if kind != model.KindOutreach && !kind.ToOwner() {
		msgs, err := src.MessagesMeta(ctx, c.ID)
		if err != nil {
			return d, err
		}
		d.Thread = threadOf(kind, msgs)
	}
	if err := r.meetingData(ctx, src, kind, c, o, &d); err != nil {
		return d, err
	}
	return d, nil
}

// threadOf is the conversation a message of kind replies to. A follow-up
// threads on what the owner sent (the outreach, earlier follow-ups that
// went, their own replies), never on an auto-reply or a bounce; other mail
// to the contact also threads on what the contact wrote. Drafts that were
// never sent are not part of the thread. Mail to the owner has none.
func threadOf(kind model.Kind, msgs []*store.Message) compose.Thread {
	var t compose.Thread
	for _, m := range msgs {
		if m.Kind.ToOwner() {
			continue // about the contact, but mail to the owner
		}
		if m.Direction == model.Out && m.State == model.MsgSent && (t.Subject == "" || m.Kind == model.KindOutreach) {
			t.Subject = m.Subject // the outreach's, else the first the owner sent
		}
		switch {
		case m.Direction == model.Out && m.State == model.MsgSent:
		case m.Direction == model.In && kind != model.KindFollowup && m.Kind != "bounce" && m.Kind != "auto_reply" &&
			m.Kind != "delay" && m.Kind != "receipt" && m.Kind != "complaint" && m.Kind != "challenge":
		default:
			continue
		}
		t.MessageIDs = append(t.MessageIDs, m.MessageID)
	}
	return t
}

// Render builds the exact message of a kind for a contact, dated date. A
// missing field is ErrNeedsInfo.
func (r *Renderer) Render(ctx context.Context, src Source, kind model.Kind, c *model.Contact, date time.Time, o Options) (*Rendered, error) {
	d, err := r.Data(ctx, src, kind, c, date, o)
	if err != nil {
		return nil, err
	}
	id := r.Me.NewMessageID(date)
	msg, err := r.Templates.Build(kind, d, compose.Envelope{Date: date, MessageID: id})
	if err != nil {
		var mf *compose.MissingFieldError
		var fe *compose.FieldError
		if errors.As(err, &mf) || errors.As(err, &fe) {
			return nil, fmt.Errorf("%w: %v", ErrNeedsInfo, err)
		}
		return nil, err
	}
	raw, err := msg.Bytes()
	if err != nil {
		return nil, err
	}
	out := &Rendered{Raw: raw, MessageID: msg.MessageID, Subject: msg.Rendered.Subject}
	if n := len(d.Thread.MessageIDs); n > 0 && kind != model.KindOutreach {
		out.InReplyTo = d.Thread.MessageIDs[n-1]
		out.Refs = strings.Join(d.Thread.MessageIDs, " ")
	}
	return out, nil
}

// meetingData adds what thank-you, keep-in-touch and preparation mail say
// about the meeting and the relationship.
func (r *Renderer) meetingData(ctx context.Context, src Source, kind model.Kind, c *model.Contact, o Options, d *compose.Data) error {
	if kind != model.KindThankyou && kind != model.KindPrep && kind != model.KindKeepInTouch {
		return nil
	}
	ms, err := src.MeetingsByContact(ctx, c.ID)
	if err != nil {
		return err
	}
	mt := o.Meeting
	var notes []string
	for _, m := range ms {
		switch m.State {
		case store.MeetingHeld:
			if o.Meeting == nil {
				mt = m
			}
			if m.Notes != "" {
				notes = append(notes, m.Notes)
			}
		case store.MeetingScheduled:
			if o.Meeting == nil && (kind == model.KindPrep || mt == nil || mt.State != store.MeetingHeld) {
				mt = m
			}
		}
	}
	cloc := r.loc(c)
	if mt != nil {
		d.Meeting = compose.Meeting{Format: mt.Format, Location: mt.Location, Start: mt.Start, End: mt.End(), Sequence: mt.Sequence}
		switch kind {
		case model.KindPrep:
			// For the owner: their zone, the contact's time beside it.
			d.Meeting.When = schedule.OwnerRange(mt.Start, mt.End(), r.home(), cloc, model.FirstName(c.Name))
		default:
			d.Meeting.When = schedule.ContactDay(mt.Start, cloc)
		}
	}
	switch kind {
	case model.KindThankyou:
		refs, err := src.ReferredBy(ctx, r.Account, c.Email)
		if err != nil {
			return err
		}
		for _, x := range refs {
			d.Contact.Referrals = append(d.Contact.Referrals, x.Name)
		}
	case model.KindPrep:
		d.Questions = meetings.Questions(c.Role, r.Me.Interest)
		d.Takeaway = meetings.Takeaway(r.Me.Interest)
		evs, err := src.Events(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if e.Type == model.EventNote && !strings.HasPrefix(e.Detail, "3B7:") {
				notes = append(notes, e.Detail)
			}
		}
		if c.Notes != "" {
			notes = append([]string{c.Notes}, notes...)
		}
		d.Meeting.Notes = strings.Join(notes, "\n")
	}
	return nil
}

// MeetingWhen is a meeting time for people, in loc, with its zone:
// "Tuesday 24 November at 2pm (EST)".
func MeetingWhen(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return schedule.DayAt(t, loc) + " (" + schedule.ZoneLabel(t.In(loc)) + ")"
}
