package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"rapport/internal/inbound"
	"rapport/internal/mailbox"
	"rapport/internal/model"
	"rapport/internal/outbox"
	"rapport/internal/owner"
	"rapport/internal/safety"
	"rapport/internal/scheduler"
	"rapport/internal/store"
	"rapport/internal/timers"
)

// RunOptions tune the daemon; zero values are the production defaults.
type RunOptions struct {
	// Ready is called once the database and the IMAP login are known good
	// (systemd's READY=1).
	Ready func()
	// Stopping is called when the stop begins (systemd's STOPPING=1).
	Stopping func()
	// WatchOnly runs only the inbox watcher; the caller drives the due
	// work itself with RunDue (the demo steps its clock that way).
	WatchOnly bool
	// StopTimeout bounds the second phase of a stop; zero means 30 s.
	StopTimeout time.Duration
}

// WatchOptions tune the watcher (tests and the demo shorten the polls).
type WatchOptions struct {
	PollInterval time.Duration
	IdleRestart  time.Duration
}

// Daemon is the running part of rapport: the inbox watcher and the
// scheduler that runs the timers, the outbox, the drafts and the digest.
type Daemon struct {
	a         *App
	Folders   mailbox.Discovered
	Outbox    *outbox.Outbox
	Inbound   *inbound.Handler
	Timers    *timers.Timers
	Drafts    *timers.Drafts
	Commands  *owner.Commands
	Scheduler *scheduler.Scheduler
	Watch     WatchOptions
	// OnApplied hears every applied inbound decision (the demo).
	OnApplied func(inbound.Applied)

	imapCfg mailbox.Config
	sent    *outbox.IMAPSent
	conn    *inbound.Conn
	lock    *store.Instance

	watcherReady chan struct{}
	watcher      *mailbox.Watcher

	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	errs    []error
	started bool
}

// NewDaemon resolves the secrets, logs in to IMAP to find the folders and
// wires the daemon's parts. It fails fast on a wrong password or a missing
// folder.
func (a *App) NewDaemon(ctx context.Context) (*Daemon, error) {
	lock, err := a.Store.LockInstance(ctx, a.Account)
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return nil, fmt.Errorf("%w: stop it first (systemctl stop rapport, or the other terminal); "+
				"two daemons on one mailbox would write to people twice", err)
		}
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			lock.Release()
		}
	}()
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
	d := &Daemon{a: a, Folders: found, imapCfg: imapCfg, watcherReady: make(chan struct{}), lock: lock}
	for _, mb := range d.watched() {
		if err := d.startCheckpoint(ctx, c, mb); err != nil {
			return nil, err
		}
	}
	d.sent = &outbox.IMAPSent{Config: imapCfg, Folder: found.Sent.Name, Log: a.Log}
	d.Outbox = a.NewOutbox(smtpCfg, d.sent)
	d.conn = &inbound.Conn{Config: imapCfg, Log: a.Log.With("part", "inbound")}
	me := a.Me()
	d.Commands = &owner.Commands{Account: a.Account, Me: me, Ours: safety.Ours, Templates: a.mail.templates, Clock: a.Clock,
		Home: a.Config.Location(), Log: a.Log.With("part", "commands"), Store: a.Store, Contacts: a.Contacts,
		Mailbox: d.conn, Exec: executor{a, d}, Sent: found.Sent.Name}
	d.Inbound = &inbound.Handler{Account: a.Account, Owner: a.Config.Me.Email, Clock: a.Clock,
		Log: a.Log.With("part", "inbound"), Store: a.Store, Apply: a.Apply, Commands: d.Commands, Bodies: d.conn,
		Sent: found.Sent.Name, Home: a.Config.Location(), Loc: a.contactLocation, Ours: safety.Ours, Foreign: a.Safety.Foreign}
	d.Outbox.Hold = func(ctx context.Context, c *model.Contact) (string, error) {
		return a.Safety.Hold(ctx, d.conn, found.Sent.Name, c)
	}
	d.Outbox.Blocked = a.Safety.Blocked
	d.Timers = &timers.Timers{Account: a.Account, Clock: a.Clock, Log: a.Log.With("part", "timers"), Store: a.Store,
		Apply: a.Apply, Sync: d.SyncInbox, CompanyRule: a.Config.Followup.CompanyRule == "3b7"}
	d.Drafts = &timers.Drafts{Account: a.Account, Clock: a.Clock, Log: a.Log.With("part", "drafts"), Store: a.Store,
		Apply: a.Apply, IMAP: imapCfg, Folder: found.Drafts.Name}
	d.Scheduler = &scheduler.Scheduler{Clock: a.Clock, Log: a.Log.With("part", "scheduler"), Tasks: []scheduler.Task{
		{Name: "timers", Next: d.Timers.Next, Run: d.Timers.Run},
		{Name: "digest", Next: d.digestNext, Run: d.digestRun},
		{Name: "outbox", Next: d.Outbox.Next, Run: d.Outbox.Pass},
		{Name: "drafts", Next: d.Drafts.Next, Run: d.Drafts.Run},
	}, OnWake: d.Outbox.WakeSignIn}
	a.Store.AfterCommit(d.Scheduler.Kick)
	a.daemon.Store(true)
	a.onClose("instance lock", lock.Release)
	ok = true
	return d, nil
}

// executor is what owner commands need from the daemon.
type executor struct {
	a *App
	d *Daemon
}

func (e executor) Summary(ctx context.Context) (string, error) { return e.a.Summary(ctx) }

func (e executor) Resolve(ctx context.Context, messageID string, sent bool) (string, error) {
	m, err := e.d.Outbox.Resolve(ctx, messageID, sent)
	if err != nil {
		return "", err
	}
	if sent {
		return "recorded " + m.MessageID + " as sent", nil
	}
	return m.MessageID + " is queued to be sent again, once", nil
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
// owner's old mail is history, not replies to rapport.
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

// Start recovers the outbox and starts the watcher and the scheduler. It
// returns once they run; Stop ends them.
func (d *Daemon) Start(ctx context.Context, opts RunOptions) error {
	a := d.a
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started {
		return errors.New("daemon already started")
	}
	if err := d.Outbox.Recover(ctx); err != nil {
		return err
	}
	a.Log.Info("rapport running", "account", a.Config.Me.Email, "sent", d.Folders.Sent.Name,
		"drafts", d.Folders.Drafts.Name, "junk", d.Folders.Junk.Name)
	if opts.Ready != nil {
		opts.Ready()
	}
	// Intake: cancelled first when stopping, so nothing new is taken up
	// while what is in flight finishes.
	intake, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.cancel, d.done, d.started = cancel, make(chan struct{}), true
	if err := d.Scheduler.Listen(intake, a.WakePath()); err != nil {
		a.Log.Warn("no wake socket: changes made from the command line wait for the next scheduled look", "err", err)
	}
	loops := []func(context.Context) error{d.watch}
	if !opts.WatchOnly {
		loops = append(loops, d.Scheduler.Run)
	}
	var wg sync.WaitGroup
	for _, loop := range loops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := loop(intake); err != nil && !errors.Is(err, context.Canceled) {
				d.mu.Lock()
				d.errs = append(d.errs, err)
				d.mu.Unlock()
				a.Log.Error("loop ended", "err", err)
			}
		}()
	}
	go func() { wg.Wait(); close(d.done) }()
	return nil
}

// Stop ends the daemon in two phases: intake stops at once (no new mail
// is read, no new pass starts), then what is in flight — a message being
// sent, a batch being committed — finishes, within ctx. Work cut short is
// left recoverable: a message after DATA is in doubt, a batch not
// committed is read again. Connections close last, in reverse order.
func (d *Daemon) Stop(ctx context.Context) error {
	d.mu.Lock()
	cancel, done, started := d.cancel, d.done, d.started
	d.mu.Unlock()
	if !started {
		return d.close()
	}
	cancel()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("stop: in-flight work did not finish in time (it is recovered at the next start): %w", ctx.Err())
	}
	d.mu.Lock()
	errs := append([]error{err}, d.errs...)
	d.mu.Unlock()
	return errors.Join(append(errs, d.close())...)
}

func (d *Daemon) close() error {
	var errs []error
	for _, c := range []interface{ Close() error }{d.Drafts, d.conn, d.sent} {
		if c != nil {
			errs = append(errs, c.Close())
		}
	}
	errs = append(errs, d.lock.Release())
	return errors.Join(errs...)
}

// Run runs the daemon until ctx ends, then stops it (two phases, bounded
// by StopTimeout).
func (d *Daemon) Run(ctx context.Context, opts RunOptions) error {
	if err := d.Start(ctx, opts); err != nil {
		if ctx.Err() != nil {
			return d.close() // stopped before it began
		}
		return err
	}
	<-ctx.Done()
	if opts.Stopping != nil {
		opts.Stopping()
	}
	d.a.Log.Info("stopping: no new work; finishing what is in flight")
	t := opts.StopTimeout
	if t == 0 {
		t = 30 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), t)
	defer cancel()
	err := d.Stop(sctx)
	d.a.Log.Info("rapport stopped")
	return err
}

// Alive reports whether the loops are healthy (the systemd watchdog): a
// scheduler pass or a watcher batch that has run far longer than any
// should means a stuck loop.
func (d *Daemon) Alive(now time.Time, limit time.Duration) error {
	if b := d.Scheduler.Busy(); !b.IsZero() && now.Sub(b) > limit {
		return fmt.Errorf("scheduler pass running for %s", now.Sub(b).Round(time.Second))
	}
	select {
	case <-d.watcherReady:
		if d.watcher != nil {
			if b := d.watcher.Busy(); !b.IsZero() && now.Sub(b) > limit {
				return fmt.Errorf("mail sync running for %s", now.Sub(b).Round(time.Second))
			}
		}
	default:
	}
	return nil
}

// watch runs the IMAP watcher until ctx ends.
func (d *Daemon) watch(ctx context.Context) error {
	a := d.a
	if d.OnApplied != nil {
		d.Inbound.OnApplied = d.OnApplied
	}
	var folders []string
	folders = append(folders, d.watched()[1:]...)
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

// RunDue runs one scheduler pass: everything due now, in order (timers,
// digest, outbox, drafts), and returns when the next work falls due.
func (d *Daemon) RunDue(ctx context.Context) (time.Time, error) { return d.Scheduler.Pass(ctx) }

// OutboxOnce runs one outbox pass (tests and the demo drive it directly).
func (d *Daemon) OutboxOnce(ctx context.Context) error { return d.Outbox.Pass(ctx) }

// LifecycleOnce runs what is due for contacts and places the drafts it
// made (tests and the demo drive it directly).
func (d *Daemon) LifecycleOnce(ctx context.Context) error {
	return errors.Join(d.Timers.Run(ctx), d.Drafts.Run(ctx))
}

func (d *Daemon) digestNext(ctx context.Context) (time.Time, error) {
	a := d.a
	sched, err := a.DigestSchedule()
	if err != nil {
		return time.Time{}, err
	}
	now := a.Clock.Now()
	if slot, key, ok := sched.Due(now); ok {
		_, done, err := a.Store.OnceResult(ctx, a.Account, "digest:"+key)
		if err != nil {
			return time.Time{}, err
		}
		// A digest missed while the daemon was down goes once; one due
		// before rapport was set up was never missed.
		installed, err := a.Store.AccountCreated(ctx, a.Account)
		if err != nil {
			return time.Time{}, err
		}
		if !done && !slot.Before(installed) {
			return now, nil
		}
	}
	return sched.Next(now), nil
}

func (d *Daemon) digestRun(ctx context.Context) error {
	due, err := d.digestNext(ctx)
	if err != nil || due.After(d.a.Clock.Now()) {
		return err
	}
	_, err = d.a.DigestDue(ctx)
	return err
}
