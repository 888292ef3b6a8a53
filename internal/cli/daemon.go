package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"github.com/spf13/cobra"

	"rapport/internal/app"
	"rapport/internal/outbox"
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
			opts := appRunOptions()
			return d.Run(ctx, opts)
		},
	}
}

func previewCmd(e *env) *cobra.Command {
	var kind string
	cmd := &cobra.Command{
		Use:   "preview EMAIL [--kind outreach|followup|thankyou|keepintouch]",
		Short: "Print the exact message that would be sent, headers included",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch kind {
			case outbox.KindOutreach, outbox.KindFollowup, outbox.KindThankyou, outbox.KindKeepInTouch:
			default:
				return usagef("preview: --kind %q: want outreach, followup, thankyou or keepintouch", kind)
			}
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			raw, err := a.Preview(cmd.Context(), args[0], kind)
			if err != nil {
				return err
			}
			_, err = e.stdout.Write([]byte(strings.ReplaceAll(string(raw), "\r\n", "\n")))
			return err
		},
	}
	cmd.Flags().StringVar(&kind, "kind", outbox.KindOutreach, "which message")
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
// and IMAP login are good, WATCHDOG=1 on every healthy loop, STOPPING=1.
func appRunOptions() app.RunOptions {
	return app.RunOptions{
		Ready: func() { _, _ = daemon.SdNotify(false, daemon.SdNotifyReady) },
		Watchdog: func() {
			_, _ = daemon.SdNotify(false, daemon.SdNotifyWatchdog)
		},
		Tick: 30 * time.Second,
	}
}
