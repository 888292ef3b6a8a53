package digest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"rapport/internal/clock"
	"rapport/internal/compose"
	"rapport/internal/digest"
	"rapport/internal/model"
	"rapport/internal/store"
	"rapport/internal/store/storetest"
)

// BenchmarkDigest reads, builds and renders the digest of a large
// pipeline in SQLite: up to 2,000 contacts with twelve weeks of timeline
// and mail. Run: go test -run '^$' -bench Digest ./internal/digest/
func BenchmarkDigest(b *testing.B) {
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprintf("contacts=%d", n), func(b *testing.B) {
			start := nyAt(8, 24, 9, 0)
			step := 12 * 7 * 24 * time.Hour / time.Duration(n) // twelve weeks of outreach
			clk := clock.NewFake(start)
			s := storetest.Open(b, "sqlite", clk)
			ctx := context.Background()
			account, err := s.Account(ctx, "alex@example.com")
			if err != nil {
				b.Fatal(err)
			}
			err = s.WithTx(ctx, func(tx *store.Tx) error {
				for i := 0; i < n; i++ {
					clk.Set(start.Add(time.Duration(i) * step))
					c := &model.Contact{AccountID: account, Email: fmt.Sprintf("p%d@example.com", i), Name: fmt.Sprintf("Person %d", i),
						Company: "Acme", Status: model.Queued, NextAction: model.ActionOutreach, NextActionAt: clk.Now().Add(time.Hour)}
					if err := tx.InsertContact(ctx, c, model.EventCreated, "added"); err != nil {
						return err
					}
					if i%5 == 0 {
						continue // still queued
					}
					id := fmt.Sprintf("out%d@example.com", i)
					if _, err := tx.InsertMessage(ctx, account, store.NewMessage{ContactID: c.ID, Direction: model.Out, Kind: model.KindOutreach,
						State: model.MsgSent, MessageID: id, To: c.Email, SentAt: clk.Now()}); err != nil {
						return err
					}
					if err := tx.WriteStatus(ctx, c, store.Transition{To: model.Contacted, EventType: model.EventSent,
						NextAction: model.ActionFollowup, NextActionAt: clk.Now().AddDate(0, 0, 9)}); err != nil {
						return err
					}
					if i%3 != 0 {
						continue
					}
					replied := clk.Now().Add(26 * time.Hour)
					in := fmt.Sprintf("in%d@example.com", i)
					if _, err := tx.InsertMessage(ctx, account, store.NewMessage{ContactID: c.ID, Direction: model.In, Kind: "human",
						State: model.MsgReceived, MessageID: in, From: c.Email, SentAt: replied, Class: "human"}); err != nil {
						return err
					}
					if err := tx.WriteStatus(ctx, c, store.Transition{To: model.Replied, EventType: model.EventReply, Detail: `replied: "Sure."`,
						MessageID: in, NextAction: model.ActionAnswer, NextActionAt: replied, At: replied}); err != nil {
						return err
					}
					if i%2 == 0 {
						if err := tx.InsertMeeting(ctx, &store.Meeting{AccountID: account, ContactID: c.ID, Start: replied.AddDate(0, 0, 5),
							Duration: 30 * time.Minute, State: store.MeetingScheduled}); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			clk.Set(start.Add(12 * 7 * 24 * time.Hour))
			p := digest.Params{Now: clk.Now(), Loc: newYork, Me: compose.Me{Name: "Alex Doe", Email: "alex@example.com"}}
			b.ResetTimer()
			for b.Loop() {
				snap, err := digest.Read(ctx, s.DigestSource(account), p)
				if err != nil {
					b.Fatal(err)
				}
				d, err := digest.Build(snap, p)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := d.Render(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
