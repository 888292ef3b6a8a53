package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"rapport/internal/mailbox"
	"rapport/internal/outbox"
)

// RunOptions tune the daemon; zero values are the production defaults.
type RunOptions struct {
	// Tick is how often, on the app's clock, the outbox plans and sends.
	Tick time.Duration
	// Ready is called once the database and the IMAP login are known good
	// (systemd's READY=1).
	Ready func()
	// Watchdog is called on every healthy loop (systemd's WATCHDOG=1).
	Watchdog func()
	// Wake, when it receives, runs a loop at once (tests, the demo).
	Wake <-chan struct{}
	// WatchOnly runs only the inbox watcher; the caller drives the outbox
	// and the lifecycle itself (the demo steps its clock that way).
	WatchOnly bool
}

// Daemon is the running part of rapport: the outbox and the inbox watcher.
type Daemon struct {
	a       *App
	Outbox  *outbox.Outbox
	Folders mailbox.Discovered
	imapCfg mailbox.Config
	sent    *outbox.IMAPSent

	// Inbound handles what the watcher finds; OnApplied hears every change.
	Inbound   *Inbound
	OnApplied func(Applied)
	Watch     WatchOptions
	// watcherReady is closed once the watcher exists (SyncInbox waits).
	watcherReady chan struct{}
	watcher      *mailbox.Watcher
}

// NewDaemon resolves the secrets, logs in to IMAP to find the folders and
// builds the outbox. It fails fast on a wrong password or missing folder.
func (a *App) NewDaemon(ctx context.Context) (*Daemon, error) {
	imapPW, smtpPW, err := a.Secrets(ctx)
	if err != nil {
		return nil, err
	}
	imapCfg, err := a.IMAPConfig(imapPW)
	if err != nil {
		return nil, err
	}
	smtpCfg, err := a.SMTPConfig(smtpPW)
	if err != nil {
		return nil, err
	}
	c, err := mailbox.Dial(ctx, imapCfg, a.Log)
	if err != nil {
		return nil, fmt.Errorf("imap login: %w", err)
	}
	defer c.Close()
	found, err := c.DiscoverFolders(ctx)
	if err != nil {
		return nil, fmt.Errorf("imap folders: %w", err)
	}
	if found.Sent.Name == "" {
		return nil, errors.New("imap: no Sent folder found; set imap.folders.sent")
	}
	d := &Daemon{a: a, Folders: found, imapCfg: imapCfg, watcherReady: make(chan struct{})}
	for _, mb := range d.watched() {
		if err := d.startCheckpoint(ctx, c, mb); err != nil {
			return nil, err
		}
	}
	d.sent = &outbox.IMAPSent{Config: imapCfg, Folder: found.Sent.Name, Log: a.Log}
	d.Outbox = a.NewOutbox(smtpCfg, d.sent)
	return d, nil
}

// Run runs the daemon until ctx ends. Shutdown is two-phase: intake stops
// at once, a send in progress finishes.
func (d *Daemon) Run(ctx context.Context, opts RunOptions) error {
	a := d.a
	defer d.sent.Close()
	if opts.Tick == 0 {
		opts.Tick = 30 * time.Second
	}
	if err := d.Outbox.Recover(ctx); err != nil {
		return err
	}
	a.Log.Info("rapport running", "account", a.Config.Me.Email, "sent", d.Folders.Sent.Name,
		"drafts", d.Folders.Drafts.Name, "junk", d.Folders.Junk.Name)
	if opts.Ready != nil {
		opts.Ready()
	}
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	loops := d.loops()
	if opts.WatchOnly {
		loops = []func(context.Context, RunOptions) error{d.watchLoop}
	}
	for _, loop := range loops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := loop(ctx, opts); err != nil && !errors.Is(err, context.Canceled) {
				errc <- err
			}
		}()
	}
	wg.Wait()
	close(errc)
	var errs []error
	for err := range errc {
		errs = append(errs, err)
	}
	a.Log.Info("rapport stopped")
	return errors.Join(errs...)
}

// loops are the daemon's independent loops; more join as features land.
func (d *Daemon) loops() []func(context.Context, RunOptions) error {
	return []func(context.Context, RunOptions) error{d.every("outbox", d.OutboxOnce), d.watchLoop, d.every("lifecycle", d.LifecycleOnce), d.digestLoop}
}

// watched lists the mailboxes the watcher reads: INBOX (IDLE), then Sent
// and Junk (polled).
func (d *Daemon) watched() []string {
	mbs := []string{"INBOX", d.Folders.Sent.Name}
	if d.Folders.Junk.Name != "" {
		mbs = append(mbs, d.Folders.Junk.Name)
	}
	return mbs
}

// startCheckpoint makes a first run start at the mailbox's current end: the
// user's old mail is history, not replies to rapport.
func (d *Daemon) startCheckpoint(ctx context.Context, c *mailbox.Conn, mb string) error {
	a := d.a
	v, _, err := a.Store.Checkpoint(ctx, a.Account, mb)
	if err != nil || v != 0 {
		return err
	}
	st, err := c.Status(ctx, mb)
	if err != nil {
		return fmt.Errorf("status %s: %w", mb, err)
	}
	last := uint32(0)
	if st.UIDNext > 1 {
		last = st.UIDNext - 1
	}
	a.Log.Info("first sync: starting after the mail already there", "mailbox", mb, "uidvalidity", st.UIDValidity, "last_uid", last)
	return a.Store.SetCheckpoint(ctx, a.Account, mb, st.UIDValidity, last)
}

// WatchOptions tune the watcher (tests and the demo shorten the polls).
type WatchOptions struct {
	PollInterval time.Duration
	IdleRestart  time.Duration
}

// watchLoop runs the IMAP watcher until ctx ends.
func (d *Daemon) watchLoop(ctx context.Context, opts RunOptions) error {
	a := d.a
	d.Inbound = a.NewInbound(d.imapCfg, d.Folders.Sent.Name)
	if d.OnApplied != nil {
		d.Inbound.OnApplied = d.OnApplied
	}
	defer d.Inbound.Close()
	var folders []string
	for _, mb := range d.watched()[1:] {
		folders = append(folders, mb)
	}
	w, err := mailbox.NewWatcher(mailbox.WatcherConfig{IMAP: d.imapCfg, Logger: a.Log.With("part", "watcher"), Clock: a.Clock,
		Inbox: "INBOX", Folders: folders, PollInterval: d.Watch.PollInterval, IdleRestart: d.Watch.IdleRestart}, d.Inbound)
	if err != nil {
		return err
	}
	d.watcher = w
	close(d.watcherReady)
	return w.Run(ctx)
}

// SyncInbox makes the running watcher catch up with every watched folder
// and waits for it: stop means stop, so follow-ups run after a sync.
func (d *Daemon) SyncInbox(ctx context.Context) error {
	select {
	case <-d.watcherReady:
	case <-ctx.Done():
		return ctx.Err()
	}
	return d.watcher.Sync(ctx)
}

// every makes a loop that runs once each tick (or on Wake). A failing
// pass is logged and retried next tick; the loop only ends with ctx. A
// healthy pass pings the systemd watchdog.
func (d *Daemon) every(name string, once func(context.Context) error) func(context.Context, RunOptions) error {
	return func(ctx context.Context, opts RunOptions) error {
		a := d.a
		for {
			if err := once(ctx); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				a.Log.Error(name, "err", err)
			} else if opts.Watchdog != nil {
				opts.Watchdog()
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-a.Clock.After(opts.Tick):
			case <-opts.Wake:
			}
		}
	}
}

// OutboxOnce runs one outbox cycle.
func (d *Daemon) OutboxOnce(ctx context.Context) error {
	o := d.Outbox
	if _, err := o.ResolveInDoubt(ctx); err != nil {
		return fmt.Errorf("resolve in-doubt: %w", err)
	}
	if _, err := o.Plan(ctx); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	if _, err := o.SendDue(ctx); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	if err := o.ReconcileSent(ctx); err != nil {
		return fmt.Errorf("reconcile Sent: %w", err)
	}
	return nil
}
