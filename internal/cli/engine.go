package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"rapport/internal/app"
	"rapport/internal/outbox"
	"rapport/internal/store"
)

func init() {
	extraCommands = append(extraCommands, outboxCmd)
}

// contactsApproveCmd is `contacts approve EMAIL`: the owner's yes to
// writing to someone a contact referred (or someone they already
// correspond with).
func contactsApproveCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use: "approve EMAIL", Short: "Let rapport write to a suggested contact (queued for the next send slot)",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			c, err := a.Contacts.Approve(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s is %s: first request planned for %s\n", c.Email, c.Status,
				fmtTime(c.NextActionAt, a.Config.Location()))
			return nil
		},
	}
}

// contactsCancelCmd is `contacts cancel EMAIL`: the scheduled meeting is
// off (the invitation gets its cancellation).
func contactsCancelCmd(e *env) *cobra.Command {
	var why string
	cmd := &cobra.Command{
		Use: "cancel EMAIL [--why TEXT]", Short: "Cancel the scheduled meeting with a contact",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			c, err := a.Contacts.CancelMeeting(cmd.Context(), args[0], why)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s is %s: the meeting is cancelled\n", c.Email, c.Status)
			return nil
		},
	}
	cmd.Flags().StringVar(&why, "why", "", "a word on why, for the timeline")
	return cmd
}

// outboxCmd is `outbox resolve MESSAGE-ID --sent|--resend`: the owner
// settles a message whose sending is in doubt (the server never confirmed
// it and it is not in Sent). rapport never decides that itself.
func outboxCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "outbox", Short: "Settle messages whose sending is in doubt; release a stop after another rapport was seen", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return usagef("outbox: name a subcommand: resolve or release") }}
	var sent, resend bool
	resolve := &cobra.Command{
		Use:   "resolve MESSAGE-ID --sent|--resend",
		Short: "Say whether a message in doubt went (--sent) or should go again, once (--resend)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if sent == resend {
				return usagef("outbox resolve: give exactly one of --sent and --resend")
			}
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			m, err := resolveInDoubt(cmd, a, args[0], sent)
			if errors.Is(err, outbox.ErrNotInDoubt) {
				return fmt.Errorf("%w; nothing changed", err)
			}
			if err != nil {
				return err
			}
			if sent {
				fmt.Fprintf(e.stdout, "%s to %s is recorded as sent\n", m.MessageID, m.ToAddr)
			} else {
				fmt.Fprintf(e.stdout, "%s to %s is queued to be sent again, once\n", m.MessageID, m.ToAddr)
			}
			return nil
		},
	}
	resolve.Flags().BoolVar(&sent, "sent", false, "it went: record it as sent")
	resolve.Flags().BoolVar(&resend, "resend", false, "it did not go: send it again, once")
	release := &cobra.Command{
		Use:   "release",
		Short: "Let sending to contacts resume after another rapport was seen on the mailbox (stop that one first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			why, err := a.Safety.Blocked(cmd.Context())
			if err != nil {
				return err
			}
			if why == "" {
				fmt.Fprintln(e.stdout, "nothing holds sending to contacts; nothing changed")
				return nil
			}
			if err := a.Safety.Release(cmd.Context()); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "released: sending to contacts resumes (it had stopped because %s); "+
				"if the other copy still runs, its next message stops sending again\n", why)
			return nil
		},
	}
	cmd.AddCommand(resolve, release)
	return cmd
}

func resolveInDoubt(cmd *cobra.Command, a *app.App, id string, sent bool) (*store.Message, error) {
	o := a.NewOutbox(outbox.SMTPConfig{}, nil)
	return o.Resolve(cmd.Context(), id, sent)
}
