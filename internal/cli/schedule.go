package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rapport/internal/contacts"
	"rapport/internal/when"
)

// parseWhen reads a meeting time as mail commands do ("next Tuesday 2pm",
// "2026-11-24 14:00", "Thu 3 Dec 10:00 CET", "24 Nov 2-3pm"), in the
// owner's zone unless one is stated, or an RFC 3339 time. A range gives
// the meeting's length.
func parseWhen(s string, ref time.Time, loc *time.Location) (time.Time, time.Duration, error) {
	s = strings.Join(strings.Fields(s), " ")
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, 0, nil
	}
	t, d, err := when.ParseDateTime(s, ref, loc)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("meeting time %q: %v (for example \"next Tuesday 2pm\", \"2026-11-24 14:00\", \"Thu 3 Dec 10:00 CET\"; in your time zone unless you name one)", s, err)
	}
	return t, d, nil
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
		Short: "Record an agreed meeting (WHEN like \"next Tuesday 2pm\" or \"2026-11-24 14:00\", in your time zone)",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			// "2026-11-24 14:00" may come quoted or as several arguments.
			start, length, err := parseWhen(strings.Join(args[1:], " "), e.clock.Now(), cfg.Location())
			if err != nil {
				return usageError{err}
			}
			if length > 0 && !cmd.Flags().Changed("duration") {
				duration = length
			}
			if duration <= 0 || duration > 24*time.Hour {
				return usagef("--duration %s: want a positive length of at most a day, e.g. 30m", duration)
			}
			a, err := e.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			c, err := a.Contacts.Schedule(cmd.Context(), args[0], contacts.Meeting{Start: start, Duration: duration,
				Format: format, Source: "cli"})
			if err != nil {
				return err
			}
			what := ""
			if format != "" {
				what = " (" + format + ")"
			}
			fmt.Fprintf(e.stdout, "%s is %s: meeting %s for %s%s\n", c.Email, c.Status,
				fmtTime(start, cfg.Location()), duration, what)
			return nil
		},
	}
	cmd.Flags().DurationVar(&duration, "duration", 30*time.Minute, "how long the meeting is")
	cmd.Flags().StringVar(&format, "format", "", "phone, video, coffee or free text")
	return cmd
}
