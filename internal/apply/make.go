package apply

import (
	"context"
	"errors"
	"time"

	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/render"
	"rapport/internal/store"
)

// make renders and records one message a decision asks for: a draft (put
// in Drafts after the commit by the drafts worker), or a row the outbox
// sends. A field the template needs and the contact lacks is recorded on
// the timeline and nothing is made.
func (ap *Applier) make(ctx context.Context, tx *store.Tx, c *model.Contact, mk pipeline.Make, now time.Time, cause string) (*store.Message, error) {
	var (
		r   *render.Rendered
		err error
		mt  *store.Meeting
	)
	if mk.Meeting != 0 || mk.Kind == model.KindInvite {
		if mt, err = scheduled(ctx, tx, c.ID, mk.Meeting); err != nil {
			return nil, err
		}
	}
	switch {
	case mk.Kind == model.KindInvite:
		if ap.Inviter == nil || mt == nil {
			return nil, nil
		}
		went, err := ap.supersedeInvites(ctx, tx, c, mt)
		if err != nil {
			return nil, err
		}
		if mk.Method == "CANCEL" && !went {
			// The contact never got an invitation: the unsent one is
			// withdrawn and there is nothing to cancel.
			return nil, nil
		}
		r, err = ap.Inviter.Invite(ctx, tx, c, mt, mk.Method, now)
	default:
		r, err = ap.Render.Render(ctx, tx, mk.Kind, c, now, render.Options{Meeting: mt})
	}
	if err == nil && r == nil {
		return nil, nil // nothing to make (a cancellation of an invitation never sent)
	}
	if err != nil {
		if !errors.Is(err, render.ErrNeedsInfo) {
			return nil, err
		}
		ap.log().Warn("message not made: the contact lacks a field", "kind", mk.Kind, "contact", c.Email, "err", err)
		return nil, tx.AddEvent(ctx, ap.Account, &model.Event{ContactID: c.ID, Type: model.EventFailed, From: c.Status,
			To: c.Status, Detail: string(mk.Kind) + " not made: " + err.Error(), MessageID: cause})
	}
	state, to := model.MsgDrafted, c.Email
	if mk.Mode == pipeline.ModeSend || mk.Kind.ToOwner() {
		state = model.MsgQueued
	}
	if mk.Kind.ToOwner() {
		to = ap.Owner
	}
	var meetingID int64
	if mt != nil {
		meetingID = mt.ID
	}
	id, err := tx.InsertMessage(ctx, ap.Account, store.NewMessage{ContactID: c.ID, Direction: model.Out, Kind: mk.Kind,
		State: state, MessageID: r.MessageID, InReplyTo: r.InReplyTo, Refs: r.Refs, Subject: r.Subject,
		From: ap.Owner, To: to, Raw: r.Raw, PlannedAt: now, MeetingID: meetingID})
	if err != nil {
		return nil, err
	}
	ev := &model.Event{ContactID: c.ID, Type: model.EventDraft, From: c.Status, To: c.Status,
		Detail: string(mk.Kind) + " draft in Drafts: " + r.Subject, MessageID: r.MessageID}
	switch {
	case mk.Kind.ToOwner():
		ev.Type, ev.Detail = model.EventNote, string(mk.Kind)+" for you queued: "+r.Subject
	case state == model.MsgQueued:
		ev.Type, ev.Detail = model.EventNote, string(mk.Kind)+" queued to send: "+r.Subject
	}
	if !mk.Kind.ToOwner() {
		// A reply to it, once it goes, is in the thread.
		if err := tx.AddThreadID(ctx, ap.Account, c.ID, r.MessageID, string(state)); err != nil {
			return nil, err
		}
	}
	if err := tx.AddEvent(ctx, ap.Account, ev); err != nil {
		return nil, err
	}
	return tx.Message(ctx, id)
}

// supersedeInvites withdraws the meeting's invitations that have not gone
// (an unsent draft, a message still queued): the one about to be made
// replaces them, so the contact never gets a stale time. It reports
// whether an invitation for the meeting went (or may have gone).
func (ap *Applier) supersedeInvites(ctx context.Context, tx *store.Tx, c *model.Contact, mt *store.Meeting) (bool, error) {
	msgs, err := tx.MessagesMeta(ctx, c.ID)
	if err != nil {
		return false, err
	}
	went := false
	for _, m := range msgs {
		if m.Kind != model.KindInvite || m.Direction != model.Out || m.MeetingID != mt.ID {
			continue
		}
		to := model.MsgState("")
		switch m.State {
		case model.MsgDrafted:
			to = model.MsgWithdraw
		case model.MsgQueued:
			to = model.MsgCancelled
		case model.MsgCancelled, model.MsgFailed, model.MsgWithdraw, model.MsgWithdrawn:
		default:
			went = true // sent, sending, or in doubt: the contact may have it
		}
		if to == "" {
			continue
		}
		err := tx.TransitionMessage(ctx, m, store.MsgUpdate{To: to, Attempts: m.Attempts,
			LastError: "superseded by a newer invitation for the meeting"})
		if err != nil && !errors.Is(err, store.ErrStateChanged) {
			return false, err
		}
	}
	return went, nil
}
