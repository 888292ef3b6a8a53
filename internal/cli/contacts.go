package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"rapport/internal/app"
	"rapport/internal/compose"
	"rapport/internal/contacts"
	"rapport/internal/model"
	"rapport/internal/schedule"
	"rapport/internal/when"
)

func contactsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "contacts", Short: "Add, import, list and correct contacts", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return usagef("contacts: name a subcommand: add, import, export, list, show, set, remove, pause, resume, snooze, schedule, approve or cancel")
		}}
	cmd.AddCommand(contactsAddCmd(e), contactsImportCmd(e), contactsExportCmd(e), contactsListCmd(e), contactsShowCmd(e),
		contactsSetCmd(e), contactsRemoveCmd(e), contactsPauseCmd(e), contactsResumeCmd(e), contactsSnoozeCmd(e), contactsScheduleCmd(e),
		contactsApproveCmd(e), contactsCancelCmd(e))
	return cmd
}

func contactsAddCmd(e *env) *cobra.Command {
	var in contacts.Input
	var fields []string
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
			in.Custom, err = parseFieldFlags(fields)
			if err != nil {
				return err
			}
			checker, err := newChecker(a)
			if err != nil {
				return err
			}
			c, completed, err := a.Contacts.AddOrComplete(cmd.Context(), in, checker, "added with contacts add")
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(e.stdout, c)
			}
			verb := "added"
			if completed {
				verb = "completed"
			}
			fmt.Fprintf(e.stdout, "%s %s <%s>: %s", verb, c.Name, c.Email, c.Status)
			if c.Status == model.NeedsInfo {
				fmt.Fprintf(e.stdout, " (%s)\n", c.StatusReason)
			} else {
				fmt.Fprintf(e.stdout, ", %s %s\n", c.NextAction, fmtTime(c.NextActionAt, a.Config.Location()))
			}
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
	f.StringVar(&in.LinkedIn, "linkedin", "", "LinkedIn profile URL (completes a contact imported from LinkedIn without an address)")
	f.StringArrayVar(&fields, "field", nil, "a custom field for templates, NAME=VALUE (repeatable)")
	f.BoolVar(&asJSON, "json", false, "print the contact as JSON")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

func contactsImportCmd(e *env) *cobra.Command {
	var dryRun bool
	var maps []string
	var encoding, format string
	cmd := &cobra.Command{
		Use:   "import FILE [--dry-run] [--map COLUMN=FIELD]... [--encoding NAME]",
		Short: "Import contacts from LinkedIn, Google, Outlook, a spreadsheet (CSV) or vCard (.vcf)",
		Long: "Import contacts from a CSV file with a header row or from a vCard file (.vcf: vCard 2.1, 3.0\n" +
			"or 4.0, several contacts per file). LinkedIn's Connections.csv, Google Contacts' and Outlook's\n" +
			"exports are recognised from their header; in any other CSV the columns people use are found by\n" +
			"name in several languages (name or first/last name, email, company, role or title, connection,\n" +
			"referred_by, timezone, notes, linkedin). Other columns are kept as custom fields that templates\n" +
			"can use by their header name. --map COLUMN=FIELD assigns a column the names do not give away\n" +
			"(fields: " + strings.Join(contacts.MapFields, ", ") + ").\n\n" +
			"The separator (comma, semicolon, tab) and the encoding (UTF-8, UTF-16, Windows-1252) are\n" +
			"detected; --encoding names another. People without an address are kept in needs_info until\n" +
			"one is added (contacts set WHO --email ADDRESS). Suppressed addresses are skipped. Bad rows are\n" +
			"reported with their row number as a spreadsheet shows it, and the rest are imported; importing\n" +
			"the same file again changes nothing. --dry-run shows what would be added, updated and skipped,\n" +
			"and when the first messages would go, without writing anything. Exit status 1 if any row was\n" +
			"rejected.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := contacts.ImportOptions{DryRun: dryRun, Encoding: encoding, Source: filepath.Base(args[0])}
			if len(maps) > 0 {
				opt.Map = map[string]string{}
				for _, m := range maps {
					col, fld, ok := strings.Cut(m, "=")
					if !ok || strings.TrimSpace(col) == "" {
						return usagef("--map %q: want COLUMN=FIELD", m)
					}
					opt.Map[strings.TrimSpace(col)] = strings.TrimSpace(fld)
				}
			}
			switch format = strings.ToLower(format); format {
			case "":
				switch strings.ToLower(filepath.Ext(args[0])) {
				case ".vcf", ".vcard":
					opt.Format = "vcard"
				case ".csv", ".tsv", ".txt":
					opt.Format = "csv"
				}
			case "csv", "vcard":
				opt.Format = format
			case "vcf":
				opt.Format = "vcard"
			default:
				return usagef("--format %q: want csv or vcard", format)
			}
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
			if isTerminal(e.stderr) {
				opt.Progress = func(n int) { fmt.Fprintf(e.stderr, "\r%d rows read", n) }
			} else {
				opt.Progress = func(n int) {
					if n%10000 == 0 {
						fmt.Fprintf(e.stderr, "%d rows read\n", n)
					}
				}
			}
			if opt.Checker, err = newChecker(a); err != nil {
				return err
			}
			opt.Forecaster = newForecaster(a)
			rep, err := a.Contacts.Import(cmd.Context(), f, opt)
			if isTerminal(e.stderr) && rep != nil && rep.Rows >= 1000 {
				fmt.Fprintln(e.stderr)
			}
			if rep != nil {
				printImportReport(e, a, args[0], rep)
			}
			if err != nil {
				return err
			}
			if len(rep.Errors) > 0 {
				if dryRun {
					return fmt.Errorf("%d rows would be rejected (nothing was written)", len(rep.Errors))
				}
				return fmt.Errorf("%d rows rejected (the rest were imported)", len(rep.Errors))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&dryRun, "dry-run", false, "show what the import would do, and write nothing")
	f.StringArrayVar(&maps, "map", nil, "use a column for a field, COLUMN=FIELD (repeatable)")
	f.StringVar(&encoding, "encoding", "", "the file's encoding (default: detected), e.g. windows-1250, iso-8859-15")
	f.StringVar(&format, "format", "", "csv or vcard (default: from the file name and content)")
	return cmd
}

// printImportReport writes what an import did: rejected and skipped rows
// on stderr with their row numbers, the changes of a dry run, the summary,
// the contacts that wait for information, and when the first mail goes.
func printImportReport(e *env, a *app.App, file string, rep *contacts.Report) {
	loc := a.Config.Location()
	where := func(line, textLine int) string {
		if textLine > 0 && textLine != line {
			return fmt.Sprintf("%s:%d (line %d of the text)", file, line, textLine)
		}
		return fmt.Sprintf("%s:%d", file, line)
	}
	for _, re := range rep.Errors {
		fmt.Fprintf(e.stderr, "%s: rejected: %s\n", where(re.Line, re.TextLine), re.Reason)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stderr, "%s: skipped %s: %s\n", where(s.Line, 0), s.Email, s.Reason)
	}
	verb := map[string]string{contacts.ActionAdd: "added", contacts.ActionUpdate: "updated", contacts.ActionComplete: "completed"}
	if rep.DryRun {
		verb = map[string]string{contacts.ActionAdd: "would add", contacts.ActionUpdate: "would update", contacts.ActionComplete: "would complete"}
		fmt.Fprintf(e.stdout, "%s: %s, %s (dry run: nothing is written)\n", file, rep.Format, rep.Encoding)
		plan := 0
		for _, ch := range rep.Changes {
			line := fmt.Sprintf("%s:%d: %s %s", file, ch.Line, verb[ch.Action], ch.Handle)
			if ch.Name != "" && ch.Name != ch.Handle {
				line += " (" + ch.Name + ")"
			}
			if len(ch.Fields) > 0 {
				line += ": " + strings.Join(ch.Fields, ", ")
			}
			switch {
			case ch.Queued && plan < len(rep.Plan):
				line += ", queued for " + fmtTime(rep.Plan[plan], loc)
				plan++
			case ch.Queued:
				line += ", queued"
			case ch.Status == model.NeedsInfo:
				line += ", needs_info: " + ch.Reason
			}
			fmt.Fprintln(e.stdout, line)
		}
	} else {
		fmt.Fprintf(e.stdout, "%s: %s, %s\n", file, rep.Format, rep.Encoding)
	}
	would := ""
	if rep.DryRun {
		would = "would be "
	}
	fmt.Fprintf(e.stdout, "%d rows: %d %sadded, %d %supdated, %d unchanged, %d skipped, %d rejected\n",
		rep.Rows, rep.Added, would, rep.Updated, would, rep.Unchanged, len(rep.Skipped), len(rep.Errors))
	if rep.Completed > 0 {
		fmt.Fprintf(e.stdout, "%d %scompleted: they had been waiting for information and are now queued\n", rep.Completed, would)
	}
	if rep.NeedsInfo > 0 {
		fmt.Fprintf(e.stdout, "%d %swaiting in needs_info (nothing is sent to them): rapport contacts list --status needs_info; "+
			"then rapport contacts set WHO --email ADDRESS\n", rep.NeedsInfo, would)
	}
	queued := len(rep.Plan)
	if queued == 0 {
		return
	}
	first, last := rep.PlanSpan()
	goes := "go"
	if rep.DryRun {
		goes = "would go"
	}
	fmt.Fprintf(e.stdout, "first messages %s %s", goes, fmtTime(first, loc))
	if limit := a.Config.Outreach.DailyLimit; limit > 0 && queued > limit {
		fmt.Fprintf(e.stdout, "; at %d a day on %s: %s (the last %s)", limit, dayList(a.Config.Outreach.Days),
			plural(contacts.Weeks(a.Clock.Now(), last), "week"), fmtTime(last, loc))
	}
	fmt.Fprintln(e.stdout)
}

// dayList writes configured days as "Tue/Wed".
func dayList(days []string) string {
	var out []string
	for _, d := range days {
		d = strings.ToLower(strings.TrimSpace(d))
		if len(d) >= 3 {
			d = strings.ToUpper(d[:1]) + d[1:3]
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return "any weekday"
	}
	return strings.Join(out, "/")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// newForecaster says when imported contacts would be written to.
func newForecaster(a *app.App) contacts.Forecaster {
	if f, ok := any(a).(interface{ Forecaster() contacts.Forecaster }); ok {
		return f.Forecaster()
	}
	return contacts.PlannerForecast{Planner: a.Contacts.Planner}
}

// templateChecker finds what a contact lacks for its outreach message by
// rendering it: a field the templates require (built-in or custom).
// Missing settings of the owner's are the config's problem, not the
// contact's, and are not reported here.
type templateChecker struct {
	a   *app.App
	tpl *compose.Templates
}

func newChecker(a *app.App) (contacts.Checker, error) {
	tpl, err := compose.Load(a.Config.Templates)
	if err != nil {
		return nil, err
	}
	return templateChecker{a, tpl}, nil
}

func (tc templateChecker) Missing(ctx context.Context, c *model.Contact) (string, error) {
	d, err := tc.a.Data(ctx, model.KindOutreach, c, tc.a.Clock.Now())
	if err != nil {
		return "", err
	}
	_, err = tc.tpl.Render(compose.KindOutreach, d)
	var mf *compose.MissingFieldError
	if errors.As(err, &mf) {
		if strings.HasPrefix(mf.Field, "Contact.") {
			return mf.Error(), nil
		}
		return "", nil
	}
	return "", nil
}

// parseFieldFlags reads --field NAME=VALUE flags.
func parseFieldFlags(fields []string) (map[string]string, error) {
	if len(fields) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usagef("--field %q: want NAME=VALUE", f)
		}
		m[strings.TrimSpace(k)] = v
	}
	return m, nil
}

func contactsExportCmd(e *env) *cobra.Command {
	var format, status, output string
	cmd := &cobra.Command{
		Use:   "export [--format csv|json|vcf] [--status S] [-o FILE]",
		Short: "Write every contact (with custom fields) as CSV, JSON or vCard",
		Long: "Write the contacts as CSV (the columns contacts import reads, then one per custom field),\n" +
			"JSON (as contacts list --json) or vCard 4.0. The CSV re-imports as it is.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var st model.Status
			if status != "" {
				var err error
				if st, err = model.ParseStatus(status); err != nil {
					return usageError{err}
				}
			}
			switch format {
			case "csv", "json", "vcf":
			case "vcard":
				format = "vcf"
			default:
				return usagef("--format %q: want csv, json or vcf", format)
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
			w := e.stdout
			if output != "" && output != "-" {
				f, err := os.OpenFile(output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			switch format {
			case "json":
				if cs == nil {
					cs = []*model.Contact{}
				}
				err = printJSON(w, cs)
			case "csv":
				err = contacts.ExportCSV(w, cs)
			case "vcf":
				err = contacts.ExportVCard(w, cs)
			}
			if err != nil {
				return err
			}
			if output != "" && output != "-" {
				fmt.Fprintf(e.stderr, "%d contacts written to %s\n", len(cs), output)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv, json or vcf")
	cmd.Flags().StringVar(&status, "status", "", "only contacts in this status")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of standard output")
	return cmd
}

func contactsRemoveCmd(e *env) *cobra.Command {
	var forget bool
	cmd := &cobra.Command{
		Use:   "remove WHO [--forget]",
		Short: "Remove a contact (--forget: also erase their timeline and mail, and never write to them again)",
		Long: "Remove a contact from the pipeline: nothing more is sent, planned mail is dropped. Their\n" +
			"timeline and messages stay in the account's history. With --forget, the timeline, the stored\n" +
			"messages and meetings are erased as well, and only a suppression entry keeps their address, so\n" +
			"that no import or command ever writes to them again.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			c, err := a.Contacts.Remove(cmd.Context(), args[0], forget)
			if err != nil {
				return err
			}
			switch {
			case forget && c.Email != "":
				fmt.Fprintf(e.stdout, "forgot %s <%s>: only a suppression entry is kept\n", c.Name, c.Email)
			case forget:
				fmt.Fprintf(e.stdout, "forgot %s\n", c.Name)
			default:
				fmt.Fprintf(e.stdout, "removed %s (%s)\n", c.Name, contacts.Handle(c))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&forget, "forget", false, "also erase their timeline and messages; keep only a suppression entry")
	return cmd
}

func contactsListCmd(e *env) *cobra.Command {
	var status string
	var limit int
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
			if limit < 0 {
				return usagef("--limit %d: want a positive number", limit)
			}
			cs, err := a.Store.Contacts(cmd.Context(), a.Account, st)
			if err != nil {
				return err
			}
			total := len(cs)
			if limit > 0 && len(cs) > limit {
				cs = cs[:limit]
			}
			if asJSON {
				if cs == nil {
					cs = []*model.Contact{}
				}
				return printJSON(e.stdout, cs)
			}
			loc := a.Config.Location()
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			if st == model.NeedsInfo {
				// What each one lacks, and how to name it to `contacts set`.
				fmt.Fprintln(tw, "CONTACT\tNAME\tCOMPANY\tMISSING")
				for _, c := range cs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", contacts.Handle(c), c.Name, c.Company, c.StatusReason)
				}
			} else {
				fmt.Fprintln(tw, "EMAIL\tNAME\tCOMPANY\tSTATUS\tNEXT\tWHEN")
				for _, c := range cs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", contacts.Handle(c), c.Name, c.Company, c.Status, c.NextAction, fmtTime(c.NextActionAt, loc))
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if len(cs) < total {
				fmt.Fprintf(e.stdout, "(%d of %d shown)\n", len(cs), total)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "only contacts in this status")
	cmd.Flags().IntVar(&limit, "limit", 0, "show at most N contacts (0: all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func contactsShowCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show WHO [--json]",
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
			if c.Email != "" {
				fmt.Fprintf(w, "%s <%s>\n", c.Name, c.Email)
			} else {
				fmt.Fprintf(w, "%s (no address yet: %s)\n", c.Name, contacts.Handle(c))
			}
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
			if len(d.Meetings) > 0 {
				fmt.Fprintln(w, "\nmeetings:")
				for _, m := range d.Meetings {
					fmt.Fprintf(w, "  %s  %s", m.Status, schedule.OwnerRange(m.Start, m.End, loc, m.Zone, model.FirstName(c.Name)))
					if f := m.Format.String(); f != "" {
						fmt.Fprintf(w, "  %s", f)
					}
					fmt.Fprintln(w)
				}
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
	var in contacts.Input
	var fields []string
	cmd := &cobra.Command{
		Use:   "set WHO [--email E] [--name N] [--company C] [--role R] [--field NAME=VALUE]... [--status S]",
		Short: "Correct a contact's fields or status (recorded on the timeline)",
		Long: "Correct a contact: WHO is an address, a LinkedIn profile URL or a name (as contacts list\n" +
			"shows it). Field flags replace the stored values; --email gives an address to a contact that\n" +
			"has none. A contact waiting in needs_info that no longer lacks anything is queued. --status\n" +
			"sets the status by hand.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var st model.Status
			if status != "" {
				var err error
				if st, err = model.ParseStatus(status); err != nil {
					return usageError{err}
				}
			}
			custom, err := parseFieldFlags(fields)
			if err != nil {
				return err
			}
			in.Custom = custom
			edit := in.Email != "" || in.Name != "" || in.Company != "" || in.Role != "" || in.Connection != "" ||
				in.ReferredBy != "" || in.Timezone != "" || in.Notes != "" || in.LinkedIn != "" || len(custom) > 0
			if !edit && st == "" {
				return usagef("set: name a field to change (--email, --name, --company, --role, --field ...) or --status")
			}
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			who := args[0]
			var c *model.Contact
			if edit {
				checker, err := newChecker(a)
				if err != nil {
					return err
				}
				reason := why
				if reason == "" {
					reason = "set by the user"
				}
				var changed []string
				if c, changed, err = a.Contacts.Edit(cmd.Context(), who, in, checker, reason); err != nil {
					return err
				}
				if len(changed) == 0 {
					fmt.Fprintf(e.stdout, "%s: nothing changed\n", contacts.Handle(c))
				} else {
					fmt.Fprintf(e.stdout, "%s: changed %s\n", contacts.Handle(c), strings.Join(changed, ", "))
				}
				who = contacts.Handle(c)
			}
			if st != "" {
				if c == nil {
					if c, err = a.Contacts.Find(cmd.Context(), who); err != nil {
						return err
					}
				}
				if c.Email == "" && st != model.NeedsInfo {
					return fmt.Errorf("%s has no address yet: give one with --email first", contacts.Handle(c))
				}
				if c, err = a.Contacts.SetStatus(cmd.Context(), c.Email, st, why); err != nil {
					return err
				}
			}
			fmt.Fprintf(e.stdout, "%s is %s", contacts.Handle(c), c.Status)
			if c.Status == model.NeedsInfo && c.StatusReason != "" {
				fmt.Fprintf(e.stdout, " (%s)", c.StatusReason)
			}
			fmt.Fprintln(e.stdout)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&status, "status", "", "the new status")
	f.StringVar(&why, "reason", "", "why, for the timeline")
	f.StringVar(&in.Email, "email", "", "their address (for a contact that has none)")
	f.StringVar(&in.Name, "name", "", "full name")
	f.StringVar(&in.Company, "company", "", "company")
	f.StringVar(&in.Role, "role", "", "role or title")
	f.StringVar(&in.Connection, "connection", "", "why them")
	f.StringVar(&in.ReferredBy, "referred-by", "", "who referred you")
	f.StringVar(&in.Timezone, "timezone", "", "their time zone")
	f.StringVar(&in.Notes, "notes", "", "notes")
	f.StringVar(&in.LinkedIn, "linkedin", "", "LinkedIn profile URL")
	f.StringArrayVar(&fields, "field", nil, "a custom field, NAME=VALUE (repeatable)")
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
		Use:   "snooze EMAIL DATE",
		Short: "Hold a contact until DATE (2027-03-01, March, next Tuesday, in two weeks: as in mail commands)",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			// "in two weeks" may come quoted or as several arguments.
			day := strings.Join(args[1:], " ")
			until, err := when.ParseDay(day, e.clock.Now(), cfg.Location())
			if err != nil {
				return usagef("snooze date %q: %v (for example 2027-03-01, March, next Tuesday, in two weeks)", day, err)
			}
			if !until.After(e.clock.Now()) {
				return usagef("snooze date %s is not in the future", until.Format("2006-01-02"))
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
			fmt.Fprintf(e.stdout, "%s is snoozed until %s\n", c.Email, until.Format("Mon 2 Jan 2006"))
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
			for _, s := range st.Attention {
				fmt.Fprintf(w, "attention: %s\n", s)
			}
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
	return t.In(loc).Format("Mon 2006-01-02 15:04") + " " + schedule.ZoneLabel(t.In(loc))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
