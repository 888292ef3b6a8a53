// Package app is rapport's composition root: it builds the store, the
// state machine's applier and the use cases from a Config (Open), the
// running daemon from those (NewDaemon, then Start and Stop), and closes
// everything in reverse order. The work itself lives in packages named for
// what they do, along the data path: mailbox (mail in) → inbound →
// classify → pipeline (decide) → apply → outbox (mail out), with timers,
// owner, digest, safety, doctor and scheduler beside them.
package app

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"rapport/internal/apply"
	"rapport/internal/clock"
	"rapport/internal/compose"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/model"
	"rapport/internal/oauth"
	"rapport/internal/outbox"
	"rapport/internal/owner"
	"rapport/internal/pipeline"
	"rapport/internal/render"
	"rapport/internal/safety"
	"rapport/internal/scheduler"
	"rapport/internal/store"
)

// App is an opened rapport: config, database and services.
type App struct {
	Config   *config.Config
	Log      *slog.Logger
	Clock    clock.Clock
	Store    *store.Store
	Account  int64
	Contacts *contacts.Service
	Apply    *apply.Applier
	Render   *render.Renderer
	Planner  *outbox.Planner
	Notifier *owner.Notifier
	Safety   *safety.Guard

	mail    *mailParts
	closers []namedCloser
	inst    string // this database's rapport (see Me)
	// daemon: this process runs the daemon (its scheduler is kicked
	// directly, not through the wake socket).
	daemon atomic.Bool

	tokensOnce sync.Once
	tokens     oauth.TokenSource
}

type namedCloser struct {
	name string
	fn   func() error
}

// Options are the parts a caller may supply; zero values get defaults.
type Options struct {
	Log   *slog.Logger
	Clock clock.Clock
}

// Open builds an App: opens and migrates the database, resolves the account
// and wires the services. Nothing touches the network.
func Open(ctx context.Context, cfg *config.Config, opts Options) (*App, error) {
	a := &App{Config: cfg, Log: opts.Log, Clock: opts.Clock}
	if a.Log == nil {
		a.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if a.Clock == nil {
		a.Clock = clock.Real{}
	}
	if err := a.initMail(); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.Database, a.Clock)
	if err != nil {
		return nil, err
	}
	a.Store = st
	a.onClose("database", st.Close)
	a.Account, err = st.Account(ctx, cfg.Me.Email)
	if err != nil {
		a.Close()
		return nil, err
	}
	inst, err := safety.Instance(ctx, st, a.Account)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.inst = inst
	a.wire()
	wake := a.WakePath()
	st.AfterCommit(func() {
		if !a.daemon.Load() {
			scheduler.Wake(wake)
		}
	})
	return a, nil
}

// WakePath is the socket a running daemon listens on for "look again"
// from other processes: beside the SQLite file, else in the runtime
// directory, named for the database.
func (a *App) WakePath() string {
	if p := a.Store.Path(); p != "" && p != ":memory:" {
		if w := p + ".wake"; len(w) < 100 {
			return w
		}
	}
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%d", a.Config.Database, a.Account)
	return filepath.Join(dir, fmt.Sprintf("rapport-%016x.wake", h.Sum64()))
}

// wire builds the services from the config and the store.
func (a *App) wire() {
	cfg := a.Config
	home := cfg.Location()
	me := a.Me()
	a.Render = &render.Renderer{Account: a.Account, Templates: a.mail.templates, Me: me, Home: home,
		Avail: a.mail.avail, Calendar: a.mail.calendar, Loc: a.contactLocation}
	a.Planner = &outbox.Planner{Account: a.Account, Policy: a.mail.policy, Calendar: a.mail.calendar, Home: home,
		Loc: a.contactLocation}
	a.Notifier = &owner.Notifier{Account: a.Account, Me: me, Templates: a.mail.templates, Clock: a.Clock, Home: home,
		Log: a.Log.With("part", "notify"), Instant: func() bool { return a.Config.Notify == "instant" }, PerHour: cfg.NotifyPerHour}
	a.Apply = &apply.Applier{Account: a.Account, Owner: cfg.Me.Email, Clock: a.Clock, Log: a.Log.With("part", "apply"),
		Policy: a.Policy(), Loc: a.contactLocation, Render: a.Render, Planner: a.Planner, Notifier: a.Notifier,
		Inviter: inviter{a}}
	a.Safety = &safety.Guard{Store: a.Store, Account: a.Account, Clock: a.Clock, Log: a.Log.With("part", "safety"), Owner: me,
		Notifier: a.Notifier, Apply: a.Apply, Lookback: cfg.History.Lookback.Span}
	a.Contacts = &contacts.Service{Store: a.Store, Account: a.Account, Planner: importPlanner{a}, Apply: a.Apply}
}

// Me is the owner as mail templates see them, with this rapport's
// instance.
func (a *App) Me() compose.Me {
	me := a.Config.Me
	return compose.Me{Name: me.Name, Email: me.Email, Intro: me.Intro, Interest: me.Interest, Instance: a.inst}
}

// Policy is the state machine's policy from the config.
func (a *App) Policy() pipeline.Policy {
	cfg := a.Config
	return pipeline.Policy{
		Home: cfg.Location(), Calendar: a.mail.calendar, Outreach: a.mail.policy,
		FollowupAfter: cfg.Followup.After.Span, FollowupMax: cfg.Followup.Max, FollowupGrace: cfg.Followup.Grace.Span,
		FollowupMode:  pipeline.Mode(cfg.Followup.Mode),
		ThankyouAfter: cfg.Thankyou.After.Span, ThankyouMode: pipeline.Mode(cfg.Thankyou.Mode),
		KeepInTouchEvery: cfg.KeepInTouch.Every.Span, KeepInTouchMode: pipeline.Mode(cfg.KeepInTouch.Mode),
		Invite: cfg.Meetings.Invite, AutoReferrals: cfg.Referrals == "auto",
	}
}

// inviter makes the mail that carries a calendar invitation to a contact,
// and queues the owner's own copy (PUBLISH) for their calendar.
type inviter struct{ a *App }

func (iv inviter) Invite(ctx context.Context, tx *store.Tx, c *model.Contact, m *store.Meeting, method string,
	now time.Time) (*render.Rendered, error) {
	a := iv.a
	if method == "CANCEL" && m.UID == "" {
		return nil, nil // no invitation went: nothing to cancel
	}
	r, ev, err := a.Render.Invite(ctx, tx, c, m, method, now)
	if err != nil {
		return nil, err
	}
	if method == "REQUEST" {
		cp, err := a.Render.OwnerCopy(c, *ev, now)
		if err != nil {
			return nil, err
		}
		if _, err := tx.InsertMessage(ctx, a.Account, store.NewMessage{ContactID: c.ID, Direction: model.Out,
			Kind: model.KindNotification, State: model.MsgQueued, MessageID: cp.MessageID, Subject: cp.Subject,
			From: a.Config.Me.Email, To: a.Config.Me.Email, Raw: cp.Raw, PlannedAt: now, MeetingID: m.ID}); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// importPlanner gives contacts that an import stores in batches a first
// slot; the queue is planned for real (daily limit, spacing) as they go.
type importPlanner struct{ a *App }

func (p importPlanner) NextOutreach(c *model.Contact, now time.Time) time.Time { return now }

func (a *App) onClose(name string, fn func() error) {
	a.closers = append(a.closers, namedCloser{name, fn})
}

// Close releases everything in reverse order of opening.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i].fn(); err != nil {
			errs = append(errs, fmt.Errorf("close %s: %w", a.closers[i].name, err))
		}
	}
	a.closers = nil
	return errors.Join(errs...)
}

// Status is daemon-level state for `rapport status`.
type Status struct {
	Account     string               `json:"account"`
	Database    string               `json:"database"`
	Schema      int                  `json:"schema_version"`
	Contacts    int                  `json:"contacts"`
	ByStatus    map[model.Status]int `json:"by_status"`
	Outbox      map[string]int       `json:"outbox"`
	Suppressed  int                  `json:"suppressed"`
	Checkpoints []store.Checkpoint   `json:"checkpoints"`
	GeneratedAt model.JSONTime       `json:"generated_at"`
	// Attention is what stops mail until the owner acts: a sign-in that
	// expired, another rapport on the mailbox, messages in doubt.
	Attention []string               `json:"attention"`
	Extra     map[string]interface{} `json:"extra,omitempty"`
}

// Status reads the daemon-level state.
func (a *App) Status(ctx context.Context) (*Status, error) {
	st := &Status{Account: a.Config.Me.Email, Database: config.RedactURL(a.Config.Database),
		GeneratedAt: model.JSONTime(a.Clock.Now()), ByStatus: map[model.Status]int{}}
	var err error
	if st.Schema, _, err = a.Store.Version(ctx); err != nil {
		return nil, err
	}
	if st.ByStatus, err = a.Store.CountByStatus(ctx, a.Account); err != nil {
		return nil, err
	}
	for _, n := range st.ByStatus {
		st.Contacts += n
	}
	sups, err := a.Store.Suppressions(ctx, a.Account)
	if err != nil {
		return nil, err
	}
	st.Suppressed = len(sups)
	if st.Checkpoints, err = a.Store.Checkpoints(ctx, a.Account); err != nil {
		return nil, err
	}
	if st.Checkpoints == nil {
		st.Checkpoints = []store.Checkpoint{}
	}
	if st.Outbox, err = a.Store.OutboxCounts(ctx, a.Account); err != nil {
		return nil, err
	}
	st.Attention = []string{}
	if v, ok, err := a.Store.OnceResult(ctx, a.Account, outbox.SignInState); err != nil {
		return nil, err
	} else if ok && v != "" {
		st.Attention = append(st.Attention, "sending is paused: the OAuth2 sign-in expired or was revoked ("+v+"); run `rapport auth login`")
	}
	if why, err := a.Safety.Blocked(ctx); err != nil {
		return nil, err
	} else if why != "" {
		st.Attention = append(st.Attention, "nothing goes to contacts: "+why)
	}
	if n := st.Outbox[string(model.MsgInDoubt)]; n > 0 {
		st.Attention = append(st.Attention, fmt.Sprintf("%d message(s) in doubt (the server may have them): `rapport outbox resolve MESSAGE-ID --sent|--resend` once you have looked in Sent", n))
	}
	return st, nil
}

// Summary is the pipeline in one line (the status mail command).
func (a *App) Summary(ctx context.Context) (string, error) {
	st, err := a.Status(ctx)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, s := range model.Statuses {
		if n := st.ByStatus[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, n))
		}
	}
	out := fmt.Sprintf("%d contacts", st.Contacts)
	if len(parts) > 0 {
		out += ": " + joinComma(parts)
	}
	return out, nil
}

func joinComma(l []string) string {
	out := ""
	for i, s := range l {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// Forecaster says when the first requests to contacts not yet queued
// would go after the queue (contacts import --dry-run, and the plan's
// length): the planner itself, in a transaction that is rolled back.
func (a *App) Forecaster() contacts.Forecaster { return forecaster{a} }

type forecaster struct{ a *App }

var errForecastOnly = errors.New("forecast only: rolled back")

func (f forecaster) Forecast(ctx context.Context, add []*model.Contact, now time.Time) ([]time.Time, error) {
	var out []time.Time
	err := f.a.Store.WithTx(ctx, func(tx *store.Tx) error {
		for _, c := range add {
			t, err := f.a.Planner.Slot(ctx, tx, c, now)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return errForecastOnly
	})
	f.a.Planner.Forget()
	if errors.Is(err, errForecastOnly) {
		err = nil
	}
	return out, err
}
