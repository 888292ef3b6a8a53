package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"rapport/internal/contacts"
	"rapport/internal/model"
)

func contactsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "contacts", Short: "Add, import, list and correct contacts", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return usagef("contacts: name a subcommand: add, import, list, show, set, pause, resume or snooze")
		}}
	cmd.AddCommand(contactsAddCmd(e), contactsImportCmd(e), contactsListCmd(e), contactsShowCmd(e),
		contactsSetCmd(e), contactsPauseCmd(e), contactsResumeCmd(e), contactsSnoozeCmd(e), contactsScheduleCmd(e))
	return cmd
}

func contactsAddCmd(e *env) *cobra.Command {
	var in contacts.Input
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add --name NAME --email EMAIL [flags]",
		Short: "Add one contact, queued for outreach",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			c, err := a.Contacts.Add(cmd.Context(), in, "added with contacts add")
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(e.stdout, c)
			}
			fmt.Fprintf(e.stdout, "added %s <%s>: %s, %s %s\n", c.Name, c.Email, c.Status, c.NextAction, fmtTime(c.NextActionAt, a.Config.Location()))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Name, "name", "", "full name (required)")
	f.StringVar(&in.Email, "email", "", "email address (required)")
	f.StringVar(&in.Company, "company", "", "company")
	f.StringVar(&in.Role, "role", "", "role or title")
	f.StringVar(&in.Connection, "connection", "", "why them: how you know of them (a talk, a mutual connection)")
	f.StringVar(&in.ReferredBy, "referred-by", "", "who referred you (email or name)")
	f.StringVar(&in.Timezone, "timezone", "", "their time zone, e.g. Europe/Berlin (default: yours)")
	f.StringVar(&in.Notes, "notes", "", "notes")
	f.BoolVar(&asJSON, "json", false, "print the contact as JSON")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

func contactsImportCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Import contacts from CSV (header row) or vCard (.vcf)",
		Long: "Import contacts from a CSV file with a header row (columns name,email,company,role,connection,\n" +
			"referred_by,timezone,notes; other columns are kept as custom fields) or from a vCard file.\n" +
			"Bad rows are reported with their line numbers and the rest are imported; importing the\n" +
			"same file again changes nothing. Exit status 1 if any row was rejected.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			var progress contacts.Progress
			if isTerminal(e.stderr) {
				progress = func(n int) { fmt.Fprintf(e.stderr, "\r%d rows read", n) }
			} else {
				progress = func(n int) {
					if n%10000 == 0 {
						fmt.Fprintf(e.stderr, "%d rows read\n", n)
					}
				}
			}
			var rep *contacts.Report
			switch ext := strings.ToLower(filepath.Ext(args[0])); ext {
			case ".vcf", ".vcard":
				rep, err = a.Contacts.ImportVCard(cmd.Context(), f, progress)
			default:
				rep, err = a.Contacts.ImportCSV(cmd.Context(), f, progress)
			}
			if isTerminal(e.stderr) && rep != nil && rep.Rows >= 1000 {
				fmt.Fprintln(e.stderr)
			}
			if rep != nil {
				for _, re := range rep.Errors {
					fmt.Fprintf(e.stderr, "%s:%d: rejected: %s\n", args[0], re.Line, re.Reason)
				}
				for _, s := range rep.Skipped {
					fmt.Fprintf(e.stderr, "%s:%d: skipped %s: %s\n", args[0], s.Line, s.Email, s.Reason)
				}
				fmt.Fprintf(e.stdout, "%d rows: %d added, %d updated, %d unchanged, %d skipped, %d rejected\n",
					rep.Rows, rep.Added, rep.Updated, rep.Unchanged, len(rep.Skipped), len(rep.Errors))
			}
			if err != nil {
				return err
			}
			if len(rep.Errors) > 0 {
				return fmt.Errorf("%d rows rejected (the rest were imported)", len(rep.Errors))
			}
			return nil
		},
	}
}

func contactsListCmd(e *env) *cobra.Command {
	var status string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--status S] [--json]",
		Short: "List the pipeline",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var st model.Status
			if status != "" {
				var err error
				if st, err = model.ParseStatus(status); err != nil {
					return usageError{err}
				}
			}
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			cs, err := a.Store.Contacts(cmd.Context(), a.Account, st)
			if err != nil {
				return err
			}
			if asJSON {
				if cs == nil {
					cs = []*model.Contact{}
				}
				return printJSON(e.stdout, cs)
			}
			loc := a.Config.Location()
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "EMAIL\tNAME\tCOMPANY\tSTATUS\tNEXT\tWHEN")
			for _, c := range cs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Email, c.Name, c.Company, c.Status, c.NextAction, fmtTime(c.NextActionAt, loc))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "only contacts in this status")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func contactsShowCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show EMAIL [--json]",
		Short: "Show one contact with its timeline",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			d, err := a.Contacts.Show(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(e.stdout, d)
			}
			loc := a.Config.Location()
			c := d.Contact
			w := e.stdout
			fmt.Fprintf(w, "%s <%s>\n", c.Name, c.Email)
			for _, kv := range [][2]string{{"company", c.Company}, {"role", c.Role}, {"connection", c.Connection},
				{"referred by", c.ReferredBy}, {"time zone", c.Timezone}, {"notes", c.Notes}, {"custom", contacts.FormatCustom(c.Custom)}} {
				if kv[1] != "" {
					fmt.Fprintf(w, "  %-11s %s\n", kv[0]+":", kv[1])
				}
			}
			fmt.Fprintf(w, "  %-11s %s since %s", "status:", c.Status, fmtTime(c.StatusChangedAt, loc))
			if c.StatusReason != "" {
				fmt.Fprintf(w, " (%s)", c.StatusReason)
			}
			fmt.Fprintln(w)
			if c.NextAction != "" {
				fmt.Fprintf(w, "  %-11s %s %s\n", "next:", c.NextAction, fmtTime(c.NextActionAt, loc))
			}
			fmt.Fprintln(w, "\ntimeline:")
			for _, ev := range d.Events {
				change := ""
				if ev.From != ev.To && ev.To != "" {
					change = fmt.Sprintf(" %s → %s", orDash(string(ev.From)), ev.To)
				}
				fmt.Fprintf(w, "  %s  %-12s%s  %s", fmtTime(ev.At, loc), ev.Type, change, ev.Detail)
				if ev.MessageID != "" {
					fmt.Fprintf(w, "  <%s>", ev.MessageID)
				}
				fmt.Fprintln(w)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func contactsSetCmd(e *env) *cobra.Command {
	var status, why string
	cmd := &cobra.Command{
		Use:   "set EMAIL --status S",
		Short: "Correct a contact's status (recorded on the timeline)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := model.ParseStatus(status)
			if err != nil {
				return usageError{err}
			}
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			c, err := a.Contacts.SetStatus(cmd.Context(), args[0], st, why)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s is %s\n", c.Email, c.Status)
			return nil
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "the new status")
	cmd.Flags().StringVar(&why, "reason", "", "why, for the timeline")
	_ = cmd.MarkFlagRequired("status")
	return cmd
}

func contactsPauseCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use: "pause EMAIL", Short: "Stop everything for a contact until resumed", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			c, err := a.Contacts.Pause(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s is paused (was %s)\n", c.Email, c.ResumeStatus)
			return nil
		},
	}
}

func contactsResumeCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use: "resume EMAIL", Short: "Resume a paused or snoozed contact", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			c, err := a.Contacts.Resume(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s is %s\n", c.Email, c.Status)
			return nil
		},
	}
}

func contactsSnoozeCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use: "snooze EMAIL DATE", Short: "Hold a contact until DATE (YYYY-MM-DD)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			until, err := time.ParseInLocation("2006-01-02", args[1], cfg.Location())
			if err != nil {
				return usagef("snooze date %q: want YYYY-MM-DD", args[1])
			}
			if !until.After(e.clock.Now()) {
				return usagef("snooze date %s is not in the future", args[1])
			}
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			c, err := a.Contacts.Snooze(cmd.Context(), args[0], until, "")
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s is snoozed until %s\n", c.Email, args[1])
			return nil
		},
	}
}

func statusCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use: "status [--json]", Short: "Daemon-level state: counts per status, outbox, mailbox sync", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			st, err := a.Status(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(e.stdout, st)
			}
			w := e.stdout
			fmt.Fprintf(w, "account   %s\ndatabase  %s (schema %d)\ncontacts  %d\n", st.Account, st.Database, st.Schema, st.Contacts)
			for _, s := range model.Statuses {
				if n := st.ByStatus[s]; n > 0 {
					fmt.Fprintf(w, "  %-12s %d\n", s, n)
				}
			}
			if len(st.Outbox) > 0 {
				fmt.Fprintln(w, "outbox")
				for _, k := range sortedKeys(st.Outbox) {
					fmt.Fprintf(w, "  %-12s %d\n", k, st.Outbox[k])
				}
			}
			fmt.Fprintf(w, "suppressed %d\n", st.Suppressed)
			for _, cp := range st.Checkpoints {
				fmt.Fprintf(w, "mailbox %s: uidvalidity %d, last uid %d, at %s\n", cp.Mailbox, cp.UIDValidity, cp.LastUID, cp.UpdatedAt.Format(time.RFC3339))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func fmtTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("Mon 2006-01-02 15:04 MST")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
