package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"github.com/spf13/cobra"

	"rapport/internal/app"
	"rapport/internal/compose"
	"rapport/internal/model"
)

func init() {
	extraCommands = append(extraCommands, runCmd, previewCmd, checkCmd)
}

func runCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run the daemon in the foreground (logs to stderr; systemd notify under systemd)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			_, _ = daemon.SdNotify(false, "STATUS=logging in")
			d, err := a.NewDaemon(ctx)
			if err != nil {
				return err
			}
			go watchdog(ctx, d, a.Log)
			return d.Run(ctx, appRunOptions())
		},
	}
}

func previewCmd(e *env) *cobra.Command {
	var kind string
	var raw bool
	cmd := &cobra.Command{
		Use:   "preview EMAIL [--kind outreach|followup|thankyou|keepintouch] [--raw]",
		Short: "Show the message that would be sent as its recipient will read it (--raw: as sent)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch kind {
			case string(model.KindOutreach), string(model.KindFollowup), string(model.KindThankyou), string(model.KindKeepInTouch):
			default:
				return usagef("preview: --kind %q: want outreach, followup, thankyou or keepintouch", kind)
			}
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			msg, err := a.Preview(cmd.Context(), args[0], kind)
			if err != nil {
				return err
			}
			if raw {
				_, err = e.stdout.Write([]byte(strings.ReplaceAll(string(msg), "\r\n", "\n")))
				return err
			}
			text, err := compose.Readable(msg)
			if err != nil {
				return err
			}
			_, err = io.WriteString(e.stdout, text)
			return err
		},
	}
	cmd.Flags().StringVar(&kind, "kind", string(model.KindOutreach), "which message")
	cmd.Flags().BoolVar(&raw, "raw", false, "print the message exactly as it goes on the wire (MIME, quoted-printable)")
	return cmd
}

func checkCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Verify the config, IMAP and SMTP login, and print the folders found",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			fmt.Fprintf(e.stdout, "config    ok (%s)\n", a.Config.Path)
			rep, err := a.Check(cmd.Context())
			for _, line := range rep {
				fmt.Fprintln(e.stdout, line)
			}
			return err
		},
	}
}

// appRunOptions wires systemd's notify protocol: READY=1 once the database
// and IMAP login are good, STOPPING=1 when the stop begins.
func appRunOptions() app.RunOptions {
	return app.RunOptions{
		Ready:    func() { _, _ = daemon.SdNotify(false, daemon.SdNotifyReady) },
		Stopping: func() { _, _ = daemon.SdNotify(false, daemon.SdNotifyStopping) },
	}
}

// watchdog sends WATCHDOG=1 at half systemd's WatchdogSec while the
// daemon's loops are alive (none stuck in one pass or one catch-up for more
// than the watchdog's interval), and stops sending when one is stuck, so
// systemd restarts a daemon that hangs — not one that is merely idle.
func watchdog(ctx context.Context, d *app.Daemon, log *slog.Logger) {
	every, err := daemon.SdWatchdogEnabled(false)
	if err != nil || every <= 0 {
		return
	}
	t := time.NewTicker(every / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := d.Alive(now, every); err != nil {
				log.Error("a loop is stuck: not pinging the watchdog", "err", err)
				continue
			}
			_, _ = daemon.SdNotify(false, daemon.SdNotifyWatchdog)
		}
	}
}
