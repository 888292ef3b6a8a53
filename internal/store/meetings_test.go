package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"rapport/internal/clock"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/store/storetest"
)

func TestMeetingsRoundTripAndCheckedStateChanges(t *testing.T) {
	clk := clock.NewFake(t0)
	storetest.Each(t, clk, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acct, err := s.Account(ctx, "me@example.com")
		storetest.Must(t, err)
		c := &model.Contact{AccountID: acct, Email: "maria@example.org", Name: "Maria Lopez", Status: model.Replied}
		storetest.Must(t, s.InsertContact(ctx, c, model.EventCreated, "added"))

		late := &store.Meeting{AccountID: acct, ContactID: c.ID, Start: t0.Add(72 * time.Hour), Duration: 30 * time.Minute,
			State: store.MeetingProposed, Source: "reply", MessageID: "r1@example.org"}
		early := &store.Meeting{AccountID: acct, ContactID: c.ID, Start: t0.Add(48*time.Hour + 1500*time.Microsecond),
			Duration: 20*time.Minute + 10*time.Second, Format: "video", State: store.MeetingProposed, Source: "reply"}
		storetest.Must(t, s.InsertMeeting(ctx, late))
		storetest.Must(t, s.InsertMeeting(ctx, early))
		if early.Duration != 20*time.Minute {
			t.Errorf("duration kept as %v, want whole minutes", early.Duration)
		}

		ms, err := s.MeetingsByContact(ctx, c.ID)
		storetest.Must(t, err)
		if len(ms) != 2 || ms[0].ID != early.ID || ms[1].ID != late.ID {
			t.Fatalf("meetings not ordered by start: %+v", ms)
		}
		got := ms[0]
		if !got.Start.Equal(t0.Add(48*time.Hour+time.Millisecond)) || got.Format != "video" || got.Source != "reply" ||
			got.State != store.MeetingProposed || !got.End().Equal(got.Start.Add(20*time.Minute)) {
			t.Errorf("meeting read back as %+v", got)
		}

		storetest.Must(t, s.SetMeetingState(ctx, got, store.MeetingScheduled))
		stale := *got
		stale.State = store.MeetingProposed
		if err := s.SetMeetingState(ctx, &stale, store.MeetingDeclined); !errors.Is(err, store.ErrStateChanged) {
			t.Errorf("stale state change: %v, want ErrStateChanged", err)
		}
		storetest.Must(t, s.SetMeetingNotes(ctx, got, "SQL first; hires in spring"))

		sched, err := s.MeetingsInState(ctx, acct, store.MeetingScheduled)
		storetest.Must(t, err)
		if len(sched) != 1 || sched[0].ID != early.ID || sched[0].Notes != "SQL first; hires in spring" {
			t.Fatalf("scheduled meetings %+v", sched)
		}
		one, err := s.Meeting(ctx, late.ID)
		storetest.Must(t, err)
		if one.MessageID != "r1@example.org" || one.State != store.MeetingProposed {
			t.Errorf("meeting by id %+v", one)
		}
		if _, err := s.Meeting(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing meeting: %v", err)
		}
	})
}
