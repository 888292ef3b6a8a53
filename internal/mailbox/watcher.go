package mailbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"rapport/internal/clock"
)

// Handler is what the Watcher feeds. The Watcher never stores a checkpoint:
// it reads it back from the Handler before and after every batch.
type Handler interface {
	// Checkpoint returns the stored (UIDVALIDITY, last handled UID) of
	// mailbox; (0, n) when the mailbox was never synced (all UIDs above n
	// are new; usually n is 0).
	Checkpoint(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error)
	// Handle records msgs (UID order) and advances the checkpoint of mailbox
	// to (uidValidity, msgs[len(msgs)-1].UID) in one transaction. It must be
	// idempotent: after a crash the same messages may come again. Messages
	// with Err set could not be read; record them as such and advance.
	Handle(ctx context.Context, mailbox string, uidValidity uint32, msgs []Header) error
	// UIDValidityChanged is called when the stored UIDVALIDITY of mailbox
	// differs from the server's. Every stored UID is void; the handler
	// resets the checkpoint (e.g. to (new, 0) for a rescan it de-duplicates
	// by Message-ID). If the checkpoint still has another UIDVALIDITY
	// afterwards, the Watcher rescans from UID 0.
	UIDValidityChanged(ctx context.Context, mailbox string, oldUIDValidity, newUIDValidity uint32) error
}

// WatcherConfig configures a Watcher. Zero values take the defaults.
type WatcherConfig struct {
	IMAP   Config
	Logger *slog.Logger
	Clock  clock.Clock // backoff, IDLE restarts and polls; default the wall clock
	// Inbox is the watched mailbox (IDLE). Default "INBOX".
	Inbox string
	// Folders are polled every PollInterval by STATUS (e.g. Sent, Junk).
	Folders []string
	// PollInterval: other folders, and the inbox itself without IDLE.
	// Default 2m.
	PollInterval time.Duration
	// IdleRestart ends IDLE for a NOOP and a catch-up; well under the
	// 29-minute limit, and under the ~10 minutes some NATs and servers
	// allow. Default 9m.
	IdleRestart time.Duration
	// Batch is the number of headers per fetch, and per transaction of
	// the handler. Default WatchBatch.
	Batch int
	// BackoffMin and BackoffMax bound reconnect delays (jittered, doubling).
	// Defaults 1s and 5m.
	BackoffMin, BackoffMax time.Duration
	// HealthyAfter is how long a session must have run for the backoff to
	// reset. Default 1m.
	HealthyAfter time.Duration
	// DisableIdle polls with NOOP even when the server offers IDLE.
	DisableIdle bool
}

// Watcher keeps a mailbox session alive and hands every new message to a
// Handler: dial → login → EXAMINE → UIDVALIDITY check → catch up, then
// IDLE until EXISTS, a restart timer or a poll, NOOP, catch up, again.
// Sessions that fail are retried with capped, jittered exponential backoff.
type Watcher struct {
	cfg     WatcherConfig
	h       Handler
	log     *slog.Logger
	clk     clock.Clock
	syncReq chan chan error
	pending []chan error // Sync calls waiting for the next full catch-up
	// busySince is when the current catch-up began (0 while idle).
	busySince atomic.Int64
}

// Busy reports since when the current catch-up has run, or zero while the
// watcher waits for mail: one that never ends means a stuck session.
func (w *Watcher) Busy() time.Time {
	if n := w.busySince.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// NewWatcher checks cfg and returns a Watcher; Run starts it.
func NewWatcher(cfg WatcherConfig, h Handler) (*Watcher, error) {
	if _, err := cfg.IMAP.withDefaults(); err != nil {
		return nil, err
	}
	if h == nil {
		return nil, errors.New("mailbox watcher: nil handler")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Inbox == "" {
		cfg.Inbox = "INBOX"
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 2 * time.Minute
	}
	if cfg.IdleRestart <= 0 {
		cfg.IdleRestart = 9 * time.Minute
	}
	if cfg.Batch <= 0 {
		cfg.Batch = WatchBatch
	}
	if cfg.BackoffMin <= 0 {
		cfg.BackoffMin = time.Second
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = 5 * time.Minute
	}
	if cfg.HealthyAfter <= 0 {
		cfg.HealthyAfter = time.Minute
	}
	return &Watcher{
		cfg: cfg, h: h, log: cfg.Logger.With("component", "mailbox-watcher"), clk: cfg.Clock,
		syncReq: make(chan chan error, 16),
	}, nil
}

// Sync asks the running Watcher to catch up every folder now and waits
// until it has (e.g. before a batch of follow-ups). While disconnected it
// waits for the next session; bound it with ctx.
func (w *Watcher) Sync(ctx context.Context) error {
	done := make(chan error, 1)
	select {
	case w.syncReq <- done:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run watches until ctx is done and returns ctx's error.
func (w *Watcher) Run(ctx context.Context) error {
	attempt := 0
	for {
		start := w.clk.Now()
		steady, err := w.session(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if steady && w.clk.Now().Sub(start) >= w.cfg.HealthyAfter {
			attempt = 0
		}
		d := backoff(attempt, w.cfg.BackoffMin, w.cfg.BackoffMax, rand.Float64)
		attempt++
		w.log.Warn("imap session ended; reconnecting", "err", err, "retry_in", d)
		if err := clock.Sleep(ctx, w.clk, d); err != nil {
			return err
		}
	}
}

// backoff is min·2^attempt capped at max, with the upper half jittered so
// many daemons do not reconnect in step.
func backoff(attempt int, lo, hi time.Duration, rnd func() float64) time.Duration {
	d := hi
	if attempt < 32 {
		if v := lo << attempt; v > 0 && v < hi {
			d = v
		}
	}
	return d/2 + time.Duration(rnd()*float64(d/2))
}

type wake int

const (
	wakeExists wake = iota
	wakeRestart
	wakePoll
	wakeSync
)

// session runs one connection. steady reports whether it got through login
// and the first catch-up.
func (w *Watcher) session(ctx context.Context) (steady bool, err error) {
	c, err := Dial(ctx, w.cfg.IMAP, w.cfg.Logger)
	if err != nil {
		return false, err
	}
	defer c.Close()
	canIdle := !w.cfg.DisableIdle && c.canIdle(ctx)
	w.log.Info("imap session started", "idle", canIdle)

	if err := w.syncAll(ctx, c); err != nil {
		return false, err
	}
	poll := w.clk.After(w.cfg.PollInterval)
	for {
		var why wake
		if canIdle {
			why, err = w.idle(ctx, c, poll)
		} else {
			why, err = w.waitPoll(ctx, poll)
		}
		if err != nil {
			return true, err
		}
		if err := c.Noop(ctx); err != nil {
			return true, err
		}
		switch why {
		case wakePoll, wakeSync:
			if err := w.syncAll(ctx, c); err != nil {
				return true, err
			}
			if why == wakePoll {
				poll = w.clk.After(w.cfg.PollInterval)
			}
		default:
			if err := w.syncMailbox(ctx, c, w.cfg.Inbox); err != nil {
				return true, err
			}
		}
	}
}

func (w *Watcher) idle(ctx context.Context, c *Conn, poll <-chan time.Time) (wake, error) {
	cl := c.cur()
	var idle interface {
		Close() error
		Wait() error
	}
	err := c.do(ctx, "start idle", func() error {
		cmd, err := cl.Idle()
		if err == nil {
			idle = cmd
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- idle.Wait() }()
	restart := w.clk.After(w.cfg.IdleRestart)
	var why wake
	select {
	case <-c.exists:
		why = wakeExists
	case <-restart:
		why = wakeRestart
	case <-poll:
		why = wakePoll
	case req := <-w.syncReq:
		w.pending = append(w.pending, req)
		why = wakeSync
	case <-ctx.Done():
		c.hardClose()
		<-done
		return 0, ctx.Err()
	case err := <-done:
		if err == nil {
			err = errors.New("server ended IDLE")
		}
		return 0, fmt.Errorf("idle: %w", err)
	}
	// DONE, then wait for the tagged OK, both under the deadline.
	if err := c.do(ctx, "stop idle", func() error {
		if err := idle.Close(); err != nil {
			return err
		}
		return <-done
	}); err != nil {
		return 0, err
	}
	return why, nil
}

func (w *Watcher) waitPoll(ctx context.Context, poll <-chan time.Time) (wake, error) {
	select {
	case <-poll:
		return wakePoll, nil
	case req := <-w.syncReq:
		w.pending = append(w.pending, req)
		return wakeSync, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// syncAll catches up the other folders, then the inbox (left selected for
// IDLE), then answers Sync calls.
func (w *Watcher) syncAll(ctx context.Context, c *Conn) error {
	w.busySince.Store(time.Now().UnixNano())
	defer w.busySince.Store(0)
	for _, f := range w.cfg.Folders {
		if f == "" || f == w.cfg.Inbox {
			continue
		}
		st, err := c.Status(ctx, f)
		if err != nil {
			return err
		}
		uv, last, err := w.h.Checkpoint(ctx, f)
		if err != nil {
			return fmt.Errorf("read %s checkpoint: %w", f, err)
		}
		if uv == st.UIDValidity && st.UIDNext != 0 && st.UIDNext <= last+1 {
			continue
		}
		if err := w.syncMailbox(ctx, c, f); err != nil {
			return err
		}
	}
	if err := w.syncMailbox(ctx, c, w.cfg.Inbox); err != nil {
		return err
	}
	// No mid-loop Sync request is answered before its catch-up: take any
	// queued ones for the next round instead.
	for _, req := range w.pending {
		req <- nil
	}
	w.pending = nil
	return nil
}

// syncMailbox examines mailbox, handles a UIDVALIDITY change and hands
// every message above the checkpoint to the handler, batch by batch.
func (w *Watcher) syncMailbox(ctx context.Context, c *Conn, mailbox string) error {
	if mailbox == w.cfg.Inbox {
		// EXISTS from here on means "look again"; EXISTS during EXAMINE
		// goes to the EXAMINE itself.
		c.drainExists()
	}
	st, err := c.Examine(ctx, mailbox)
	if err != nil {
		return err
	}
	uv, last, err := w.h.Checkpoint(ctx, mailbox)
	if err != nil {
		return fmt.Errorf("read %s checkpoint: %w", mailbox, err)
	}
	if uv != 0 && uv != st.UIDValidity {
		w.log.Warn("imap UIDVALIDITY changed; rescanning", "mailbox", mailbox, "old", uv, "new", st.UIDValidity)
		if err := w.h.UIDValidityChanged(ctx, mailbox, uv, st.UIDValidity); err != nil {
			return fmt.Errorf("handle %s UIDVALIDITY change: %w", mailbox, err)
		}
		if uv, last, err = w.h.Checkpoint(ctx, mailbox); err != nil {
			return fmt.Errorf("read %s checkpoint: %w", mailbox, err)
		}
		if uv != st.UIDValidity {
			last = 0
		}
	}
	// The next batch is fetched while this one is handled: catching up
	// costs about the fetch or the handling, whichever is slower, not
	// their sum. Only this goroutine uses c meanwhile (bodies come over
	// the handler's own connection).
	type fetched struct {
		hs  []Header
		err error
	}
	batches := make(chan fetched, 1)
	fctx, cancel := context.WithCancel(ctx)
	go func() {
		defer close(batches)
		from := last
		for {
			hs, err := c.FetchHeadersSince(fctx, mailbox, from, w.cfg.Batch)
			select {
			case batches <- fetched{hs, err}:
			case <-fctx.Done():
				return
			}
			if err != nil || len(hs) == 0 {
				return
			}
			from = hs[len(hs)-1].UID
		}
	}()
	defer func() {
		cancel()
		for range batches { // the fetcher is done with c before we return
		}
	}()
	for f := range batches {
		hs, err := f.hs, f.err
		if err != nil {
			return err
		}
		if len(hs) == 0 {
			return nil
		}
		if err := w.h.Handle(ctx, mailbox, st.UIDValidity, hs); err != nil {
			return fmt.Errorf("handle %d messages from %s: %w", len(hs), mailbox, err)
		}
		_, next, err := w.h.Checkpoint(ctx, mailbox)
		if err != nil {
			return fmt.Errorf("read %s checkpoint: %w", mailbox, err)
		}
		if top := hs[len(hs)-1].UID; next < top {
			return fmt.Errorf("handle messages from %s: checkpoint at UID %d after handling up to UID %d", mailbox, next, top)
		}
	}
	return nil
}
