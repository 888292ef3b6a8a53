package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"rapport/internal/model"
)

func init() { extraCommands = append(extraCommands, digestCmd) }

func digestCmd(e *env) *cobra.Command {
	var send, html bool
	cmd := &cobra.Command{
		Use:   "digest [--send]",
		Short: "Print this week's digest now, or send it to yourself",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			if !send {
				d, err := a.Digest(ctx)
				if err != nil {
					return err
				}
				r, err := d.Render()
				if err != nil {
					return err
				}
				if html {
					_, err = fmt.Fprint(e.stdout, r.HTML)
					return err
				}
				fmt.Fprintf(e.stdout, "Subject: %s\n\n%s", r.Subject, r.Text)
				return nil
			}
			if _, err := a.QueueDigest(ctx, true); err != nil {
				return err
			}
			_, smtpPW, err := a.Secrets(ctx)
			if err != nil {
				return err
			}
			smtpCfg, err := a.SMTPConfig(smtpPW)
			if err != nil {
				return err
			}
			o := a.NewOutbox(smtpCfg, nil)
			o.Only = model.KindDigest
			n, err := o.SendDue(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("the digest was queued but not sent; see the log")
			}
			fmt.Fprintf(e.stdout, "digest sent to %s\n", a.Config.Me.Email)
			return nil
		},
	}
	cmd.Flags().BoolVar(&send, "send", false, "send it to yourself now")
	cmd.Flags().BoolVar(&html, "html", false, "print the HTML part instead of the text")
	return cmd
}
