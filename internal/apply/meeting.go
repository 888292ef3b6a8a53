package apply

import (
	"context"
	"fmt"

	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// meeting applies a change to the contact's meetings.
func (ap *Applier) meeting(ctx context.Context, tx *store.Tx, c *model.Contact, op pipeline.MeetingOp, cause string) error {
	all, err := tx.MeetingsByContact(ctx, c.ID)
	if err != nil {
		return err
	}
	zone := ""
	if l := ap.loc(c); l != nil {
		zone = l.String()
	}
	switch op.Op {
	case pipeline.MeetingPropose:
		for _, t := range op.Times {
			dup := false
			for _, k := range all {
				dup = dup || (k.Start.Equal(t) && (k.State == store.MeetingProposed || k.State == store.MeetingScheduled))
			}
			if dup {
				continue
			}
			m := &store.Meeting{AccountID: ap.Account, ContactID: c.ID, Start: t, Duration: pipeline.DefaultMeeting,
				State: store.MeetingProposed, Source: op.Source, MessageID: cause, Timezone: zone, Format: op.Format,
				Location: op.Location}
			if err := tx.InsertMeeting(ctx, m); err != nil {
				return err
			}
			all = append(all, m)
		}
		return nil

	case pipeline.MeetingSchedule:
		dur := op.Duration
		if dur <= 0 {
			dur = pipeline.DefaultMeeting
		}
		var chosen *store.Meeting
		for _, x := range all {
			if op.ID != 0 && x.ID == op.ID {
				chosen = x
			}
		}
		if chosen == nil {
			// A meeting already scheduled is moved (one UID, a new
			// sequence), not replaced: calendars update it in place.
			for _, x := range all {
				if x.State == store.MeetingScheduled {
					chosen = x
				}
			}
		}
		for _, x := range all {
			if chosen != nil && x.ID == chosen.ID {
				continue
			}
			switch x.State {
			case store.MeetingScheduled:
				if err := tx.SetMeetingState(ctx, x, store.MeetingCancelled); err != nil {
					return err
				}
			case store.MeetingProposed:
				if err := tx.SetMeetingState(ctx, x, store.MeetingDeclined); err != nil {
					return err
				}
			}
		}
		if chosen == nil {
			m := &store.Meeting{AccountID: ap.Account, ContactID: c.ID, Start: op.Start, Duration: dur, Format: op.Format,
				Location: op.Location, State: store.MeetingScheduled, Source: op.Source, MessageID: cause, UID: op.UID,
				Timezone: zone}
			return tx.InsertMeeting(ctx, m)
		}
		moved := !chosen.Start.Equal(op.Start) || chosen.Duration != dur
		if chosen.State != store.MeetingScheduled {
			if err := tx.SetMeetingState(ctx, chosen, store.MeetingScheduled); err != nil {
				return err
			}
		}
		if moved && chosen.UID != "" && chosen.State == store.MeetingScheduled && op.ID == 0 {
			chosen.Sequence++
		}
		chosen.Start, chosen.Duration, chosen.Timezone = op.Start, dur, zone
		if op.Format != "" {
			chosen.Format = op.Format
		}
		if op.Location != "" {
			chosen.Location = op.Location
		}
		if op.UID != "" {
			chosen.UID = op.UID
		}
		return tx.UpdateMeeting(ctx, chosen)

	case pipeline.MeetingCancel:
		for _, x := range all {
			if x.State == store.MeetingScheduled && (op.ID == 0 || op.ID == x.ID) {
				if err := tx.SetMeetingState(ctx, x, store.MeetingCancelled); err != nil {
					return err
				}
			}
		}
		return nil

	case pipeline.MeetingHeld, pipeline.MeetingPrepared:
		for _, x := range all {
			if x.ID != op.ID {
				continue
			}
			if op.Op == pipeline.MeetingPrepared {
				return tx.SetMeetingPrepared(ctx, x)
			}
			if x.State == store.MeetingScheduled {
				return tx.SetMeetingState(ctx, x, store.MeetingHeld)
			}
			return nil
		}
		return fmt.Errorf("meeting %d of %s not found", op.ID, c.Email)
	}
	return fmt.Errorf("unknown meeting change %q", op.Op)
}

// scheduled is the contact's scheduled meeting in tx, or nil.
func scheduled(ctx context.Context, tx *store.Tx, contactID, id int64) (*store.Meeting, error) {
	all, err := tx.MeetingsByContact(ctx, contactID)
	if err != nil {
		return nil, err
	}
	var out *store.Meeting
	for _, m := range all {
		if (id != 0 && m.ID == id) || (id == 0 && m.State == store.MeetingScheduled) {
			out = m
		}
	}
	return out, nil
}
