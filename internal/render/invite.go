package render

import (
	"context"
	"fmt"
	"time"

	"rapport/internal/compose"
	"rapport/internal/invite"
	"rapport/internal/meetings"
	"rapport/internal/model"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

// InviteSource is what making an invitation reads and writes: the
// meeting's UID is stored the first time.
type InviteSource interface {
	Source
	UpdateMeeting(ctx context.Context, m *store.Meeting) error
}

// Invite builds the mail that carries a calendar invitation (method
// REQUEST: the first, or an update after a change) or its cancellation
// (CANCEL) to the contact, threaded on the conversation. The meeting gets
// a stable UID the first time; updates carry its sequence. The event is
// written in the contact's zone.
func (r *Renderer) Invite(ctx context.Context, src InviteSource, c *model.Contact, m *store.Meeting, method string,
	now time.Time) (*Rendered, *invite.Event, error) {
	if m.UID == "" {
		m.UID = invite.NewUID(compose.DomainOf(r.Me.Email))
		if err := src.UpdateMeeting(ctx, m); err != nil {
			return nil, nil, err
		}
	}
	cloc := r.loc(c)
	ev := &invite.Event{UID: m.UID, Sequence: m.Sequence, Stamp: now, Start: m.Start.In(cloc), End: m.End().In(cloc),
		Format:    meetings.ParseFormat(m.Format + " " + m.Location),
		Organizer: invite.Person{Name: r.Me.Name, Email: r.Me.Email},
		Attendee:  invite.Person{Name: c.Name, Email: c.Email}}
	meth := invite.Method(method)
	if meth == invite.Cancel {
		// A cancellation outranks the invitation it cancels.
		ev.Sequence = m.Sequence + 1
	}
	part, err := invite.NewPart(meth, *ev)
	if err != nil {
		return nil, nil, fmt.Errorf("invitation for %s: %w", c.Email, err)
	}
	d, err := r.Data(ctx, src, model.KindInvite, c, now, Options{Meeting: m})
	if err != nil {
		return nil, nil, err
	}
	d.Meeting = compose.Meeting{When: schedule.ContactRange(m.Start, m.End(), cloc), Format: m.Format, Location: m.Location,
		Start: m.Start, End: m.End(), Sequence: ev.Sequence}
	if meth == invite.Cancel {
		d.Notification.Title = "cancel"
	}
	out, err := r.build(model.KindInvite, d, now, part)
	return out, ev, err
}

// OwnerCopy is the owner's own copy of a meeting (PUBLISH: a calendar adds
// it without asking anyone to answer), in a short mail to them.
func (r *Renderer) OwnerCopy(c *model.Contact, ev invite.Event, now time.Time) (*Rendered, error) {
	ev.Stamp = now
	part, err := invite.NewPart(invite.Publish, ev)
	if err != nil {
		return nil, err
	}
	d := compose.Data{Me: r.Me, Contact: compose.Contact{Name: c.Name, Email: c.Email, Company: c.Company, Role: c.Role,
		Status: string(c.Status)}}
	d.Notification = compose.Notification{
		Title:    "Your meeting with " + c.Name + ": " + schedule.OwnerRange(ev.Start, ev.End, r.home(), r.loc(c), model.FirstName(c.Name)),
		Text:     "The invitation to " + c.Name + " is attached for your own calendar.",
		NextStep: "add it to your calendar",
	}
	return r.build(model.KindNotification, d, now, part)
}

func (r *Renderer) build(kind model.Kind, d compose.Data, now time.Time, part *invite.Part) (*Rendered, error) {
	id := r.Me.NewMessageID(now)
	msg, err := r.Templates.Build(kind, d, compose.Envelope{Date: now, MessageID: id, Calendar: part})
	if err != nil {
		return nil, err
	}
	raw, err := msg.Bytes()
	if err != nil {
		return nil, err
	}
	out := &Rendered{Raw: raw, MessageID: msg.MessageID, Subject: msg.Rendered.Subject}
	if n := len(d.Thread.MessageIDs); n > 0 {
		out.InReplyTo = d.Thread.MessageIDs[n-1]
		out.Refs = joinIDs(d.Thread.MessageIDs)
	}
	return out, nil
}

func joinIDs(ids []string) string {
	s := ""
	for i, id := range ids {
		if i > 0 {
			s += " "
		}
		s += id
	}
	return s
}
