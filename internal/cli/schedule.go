package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// whenLayouts are the meeting times `contacts schedule` reads, in the
// owner's time zone (me.timezone) unless they carry an offset.
var whenLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 3:04pm", "2006-01-02 3pm"}

// parseWhen reads a meeting time such as "2026-11-24 14:00" in loc, or an
// RFC 3339 time.
func parseWhen(s string, loc *time.Location) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, l := range whenLayouts {
		if t, err := time.ParseInLocation(l, strings.ToLower(s), loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("meeting time %q: want \"YYYY-MM-DD HH:MM\" (in your time zone) or RFC 3339", s)
}

// contactsScheduleCmd is `contacts schedule EMAIL WHEN`: a meeting agreed
// outside rapport. The contact becomes scheduled; the day before, a
// preparation note is mailed to you; once it has ended the contact is met
// and a thank-you draft is made.
func contactsScheduleCmd(e *env) *cobra.Command {
	var duration time.Duration
	var format string
	cmd := &cobra.Command{
		Use:   "schedule EMAIL WHEN [--duration 30m] [--format video]",
		Short: "Record an agreed meeting (WHEN like \"2026-11-24 14:00\", in your time zone)",
		Args:  cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			// "2026-11-24 14:00" may come quoted or as two arguments.
			start, err := parseWhen(strings.Join(args[1:], " "), cfg.Location())
			if err != nil {
				return usageError{err}
			}
			if duration <= 0 || duration > 24*time.Hour {
				return usagef("--duration %s: want a positive length of at most a day, e.g. 30m", duration)
			}
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			m, err := a.ScheduleMeeting(cmd.Context(), args[0], start, duration, format, "cli")
			if err != nil {
				return err
			}
			c, err := a.Contacts.Get(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			what := ""
			if m.Format != "" {
				what = " (" + m.Format + ")"
			}
			fmt.Fprintf(e.stdout, "%s is %s: meeting %s for %s%s\n", c.Email, c.Status,
				fmtTime(m.Start, cfg.Location()), m.Duration, what)
			return nil
		},
	}
	cmd.Flags().DurationVar(&duration, "duration", 30*time.Minute, "how long the meeting is")
	cmd.Flags().StringVar(&format, "format", "", "phone, video, coffee or free text")
	return cmd
}
