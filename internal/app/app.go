// Package app is rapport's composition root: it builds the store, the
// services and the daemon loops from a Config, and closes them in reverse
// order.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"rapport/internal/clock"
	"rapport/internal/config"
	"rapport/internal/contacts"
	"rapport/internal/model"
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

	mail    *mailParts
	closers []namedCloser
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

// Open builds an App: opens and migrates the database and resolves the
// account.
func Open(ctx context.Context, cfg *config.Config, opts Options) (*App, error) {
	a := &App{Config: cfg, Log: opts.Log, Clock: opts.Clock}
	if a.Log == nil {
		a.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if a.Clock == nil {
		a.Clock = clock.Real{}
	}
	st, err := store.Open(ctx, cfg.Database, a.Clock)
	if err != nil {
		return nil, err
	}
	if err := a.initMail(); err != nil {
		st.Close()
		return nil, err
	}
	a.Store = st
	a.onClose("database", st.Close)
	a.Account, err = st.Account(ctx, cfg.Me.Email)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Contacts = &contacts.Service{Store: st, Account: a.Account, Planner: a.planner()}
	return a, nil
}

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
	Account     string                 `json:"account"`
	Database    string                 `json:"database"`
	Schema      int                    `json:"schema_version"`
	Contacts    int                    `json:"contacts"`
	ByStatus    map[model.Status]int   `json:"by_status"`
	Outbox      map[string]int         `json:"outbox"`
	Suppressed  int                    `json:"suppressed"`
	Checkpoints []store.Checkpoint     `json:"checkpoints"`
	GeneratedAt model.JSONTime         `json:"generated_at"`
	Extra       map[string]interface{} `json:"extra,omitempty"`
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
	st.Outbox, err = a.outboxCounts(ctx)
	return st, err
}

func (a *App) planner() contacts.Planner { return outreachPlanner{a} }

func (a *App) outboxCounts(ctx context.Context) (map[string]int, error) {
	return a.Store.OutboxCounts(ctx, a.Account)
}
