// Package owner is rapport's side of the conversation with the mailbox
// owner: the notifications it sends when something needs them (at most so
// many an hour), and the commands the owner mails back — obeyed only when
// the owner provably wrote them, read only from their own new text, each
// once, and answered with one confirmation.
package owner

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"rapport/internal/clock"
	"rapport/internal/compose"
	"rapport/internal/digest"
	"rapport/internal/model"
	"rapport/internal/pipeline"
	"rapport/internal/store"
)

// DefaultPerHour is how many notifications and confirmations may go to the
// owner in an hour before the rest fold into the digest.
const DefaultPerHour = 20

// Notifier sends the owner notifications (apply.Notifier).
type Notifier struct {
	Account   int64
	Me        compose.Me
	Templates *compose.Templates
	Clock     clock.Clock
	Home      *time.Location
	Log       *slog.Logger
	// Instant reports whether notices go now (false: notify: digest,
	// everything waits for the digest). Nil means now.
	Instant func() bool
	// PerHour is the circuit breaker: past it, notices fold into the
	// digest and one warning goes out. Zero means DefaultPerHour.
	PerHour int
	// Instance names this rapport in the mail it sends the owner.
	Instance string
}

func (n *Notifier) log() *slog.Logger {
	if n.Log != nil {
		return n.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Notify queues a notification about c in tx (apply.Notifier), unless the
// owner chose to get everything in the digest or the hour's allowance is
// used up. The event on the contact's timeline says which.
func (n *Notifier) Notify(ctx context.Context, tx *store.Tx, c *model.Contact, pn pipeline.Notice, cause string) error {
	if n.Instant != nil && !n.Instant() {
		return nil
	}
	now := n.Clock.Now()
	ok, err := n.allow(ctx, tx, now)
	if err != nil || !ok {
		return err
	}
	data := Data(n.Me, c)
	data.Notification = digest.Notification(toDigest(c, pn), now, n.Home)
	if ownWords(pn.Kind) {
		// Notices the digest has no wording of its own for say what the
		// state machine said.
		data.Notification.Title = pn.Title
		if pn.Reason != "" {
			data.Notification.NextStep = pn.Reason
		}
		if pn.Link != "" {
			data.Notification.NextStep += " " + pn.Link
		}
	}
	msg, err := n.Templates.Build(compose.KindNotification, data, compose.Envelope{Date: now,
		MessageID: n.Me.NewMessageID(now)})
	if err != nil {
		return fmt.Errorf("build notification: %w", err)
	}
	if err := Queue(ctx, tx, n.Account, n.Me.Email, model.KindNotification, c, msg, "", now); err != nil {
		return err
	}
	return tx.AddEvent(ctx, n.Account, &model.Event{ContactID: c.ID, Type: model.EventNotification, From: c.Status, To: c.Status,
		Detail: "notified you: " + data.Notification.Title, MessageID: cause})
}

// allow is the circuit breaker on mail to the owner: at most PerHour
// notifications and confirmations in the last hour. The first refusal in a
// run of them queues one warning; the rest are only in the digest.
func (n *Notifier) allow(ctx context.Context, tx *store.Tx, now time.Time) (bool, error) {
	limit := n.PerHour
	if limit <= 0 {
		limit = DefaultPerHour
	}
	sent, err := tx.MailToSince(ctx, n.Account, n.Me.Email, now.Add(-time.Hour))
	if err != nil {
		return false, err
	}
	if sent < limit {
		return true, nil
	}
	// One warning per quiet spell: keyed on the hour the breaker opened.
	key := "owner-breaker:" + now.UTC().Truncate(time.Hour).Format(time.RFC3339)
	first, err := tx.Once(ctx, n.Account, key, "")
	if err != nil || !first {
		return false, err
	}
	n.log().Warn("too much mail to the owner: notices fold into the digest for a while", "limit_per_hour", limit)
	data := Data(n.Me, nil)
	data.Notification = compose.Notification{
		Title: fmt.Sprintf("rapport has sent you %d notices in the last hour", sent),
		Text: "So as not to flood your inbox, further notices this hour are held: you will find them in your " +
			"weekly digest and on each contact's timeline (rapport contacts show ADDRESS). If this was unexpected, " +
			"check that only one rapport is running for this mailbox.",
		TextLabel: "What rapport did:",
	}
	msg, err := n.Templates.Build(compose.KindNotification, data, compose.Envelope{Date: now,
		MessageID: n.Me.NewMessageID(now)})
	if err != nil {
		return false, fmt.Errorf("build warning: %w", err)
	}
	return false, Queue(ctx, tx, n.Account, n.Me.Email, model.KindNotification, nil, msg, "", now)
}

// Data is the template data of mail to the owner about c (nil: about no
// one in particular).
func Data(me compose.Me, c *model.Contact) compose.Data {
	d := compose.Data{Me: me}
	if c != nil {
		d.Contact = compose.Contact{Name: c.Name, Email: c.Email, Company: c.Company, Role: c.Role, Status: string(c.Status)}
	}
	return d
}

// Queue stores a message to the owner for the outbox to send now.
func Queue(ctx context.Context, tx *store.Tx, account int64, owner string, kind model.Kind, c *model.Contact,
	msg *compose.Message, inReplyTo string, now time.Time) error {
	raw, err := msg.Bytes()
	if err != nil {
		return err
	}
	var cid int64
	if c != nil {
		cid = c.ID
	}
	_, err = tx.InsertMessage(ctx, account, store.NewMessage{ContactID: cid, Direction: model.Out, Kind: kind,
		State: model.MsgQueued, MessageID: msg.MessageID, InReplyTo: inReplyTo, Subject: msg.Rendered.Subject,
		From: owner, To: owner, Raw: raw, PlannedAt: now})
	return err
}

// ownWords reports the notices whose title and reason the state machine
// writes itself.
func ownWords(k pipeline.NoticeKind) bool {
	switch k {
	case pipeline.NoticeReview, pipeline.NoticeChallenge, pipeline.NoticeInDoubt, pipeline.NoticeEdited,
		pipeline.NoticeMeeting, pipeline.NoticeSuggested, pipeline.NoticeComplaint:
		return true
	}
	return false
}

// toDigest maps the state machine's notice to the digest's.
func toDigest(c *model.Contact, n pipeline.Notice) digest.Notice {
	d := digest.Notice{Kind: digest.NoticeKind(n.Kind), Contact: *c, Text: n.Text, Proposed: n.Proposed,
		Until: n.Until, Reason: n.Reason}
	switch n.Kind {
	case pipeline.NoticeReview, pipeline.NoticeQuestion, pipeline.NoticeMeeting, pipeline.NoticeChallenge,
		pipeline.NoticeInDoubt, pipeline.NoticeEdited, pipeline.NoticeSuggested:
		// Told in the digest's own words where it knows them; the title
		// and reason carry the rest.
	case pipeline.NoticeAway:
		d.Kind = digest.NoticeAutoReply
	case pipeline.NoticeComplaint:
		d.Kind = digest.NoticeOptOut
	}
	if n.Link != "" {
		d.Reason = strings.TrimSpace(d.Reason + " " + n.Link)
	}
	for _, ref := range n.Referred {
		s := ref.Name
		if ref.Email != "" {
			s = strings.TrimSpace(s + " <" + ref.Email + ">")
		}
		d.Referred = append(d.Referred, s)
	}
	if d.Reason == "" && n.Title != "" && d.Kind != digest.NoticeReply {
		d.Reason = n.Title
	}
	return d
}
