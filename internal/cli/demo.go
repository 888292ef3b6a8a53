package cli

import (
	"github.com/spf13/cobra"

	"rapport/internal/demo"
)

func init() { extraCommands = append(extraCommands, demoCmd) }

func demoCmd(e *env) *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "A self-contained demonstration on an embedded mail server and a temporary database; no account needed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return demo.Run(cmd.Context(), e.stdout, demo.Options{Quiet: quiet})
		},
	}
	cmd.Flags().BoolVar(&quiet, "quiet", false, "print only the last line")
	return cmd
}
