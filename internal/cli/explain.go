package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rapport/internal/classify"
	"rapport/internal/config"
)

func init() {
	extraCommands = append(extraCommands, explainCmd)
}

// ExplainContact is the contact a message would be matched to.
type ExplainContact struct {
	Email     string `json:"email"`
	Name      string `json:"name,omitempty"`
	Status    string `json:"status,omitempty"`
	MatchedBy string `json:"matched_by"` // thread, address, original_message_id, failed_recipient, complaint
}

// ContactMatcher finds the contact a classified message concerns and
// tells whether a Message-ID is one rapport sent. The app provides one
// when a config and a database are available; explain works without it.
type ContactMatcher interface {
	OurMessage(id string) bool
	Match(ctx context.Context, m *classify.Message, r classify.Result) (*ExplainContact, error)
	Close() error
}

// openContactMatcher opens the matcher for a loaded config; nil means
// none is wired (explain then reports classification only).
var openContactMatcher func(ctx context.Context, e *env, cfg *config.Config) (ContactMatcher, error)

// maxExplainInput bounds what explain reads from a file or stdin.
const maxExplainInput = 32 << 20

type explainOutput struct {
	classify.Explanation
	Contact *ExplainContact `json:"contact,omitempty"`
}

func explainCmd(e *env) *cobra.Command {
	var (
		asJSON    bool
		nowFlag   string
		tzFlag    string
		contactTZ string
		threadIDs []string
		ownFlag   []string
	)
	cmd := &cobra.Command{
		Use:   "explain FILE.eml [--json]",
		Short: "Show what rapport makes of one message (FILE or - for stdin): kind, intent, dates, failed recipients and why",
		Long: `Classify one message the way the daemon would and show the signals behind each conclusion.

Works without a config file (classification only). With a config, times are read in
me.timezone and, when the database is reachable, the contact it would match is shown.
Relative dates in the message count from its Date: header.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := readExplainInput(e, args[0])
			if err != nil {
				return err
			}
			cfg, cfgErr := e.explainConfig()
			if cfgErr != nil {
				return cfgErr
			}
			ctx := classify.Context{Now: e.clock.Now(), LoadLocation: time.LoadLocation}
			if cfg != nil {
				ctx.Loc = cfg.Location()
				ctx.Own = append(ctx.Own, cfg.Me.Email)
			}
			if nowFlag != "" {
				t, err := time.Parse(time.RFC3339, nowFlag)
				if err != nil {
					return usagef("explain: --now %q: want RFC 3339 (2026-11-23T10:00:00-05:00)", nowFlag)
				}
				ctx.Now = t
			}
			if tzFlag != "" {
				l, err := time.LoadLocation(tzFlag)
				if err != nil {
					return usagef("explain: --tz %q: %v", tzFlag, err)
				}
				ctx.Loc = l
			}
			if ctx.Loc == nil {
				ctx.Loc = time.Local
			}
			if contactTZ != "" {
				l, err := time.LoadLocation(contactTZ)
				if err != nil {
					return usagef("explain: --contact-tz %q: %v", contactTZ, err)
				}
				ctx.ContactLoc = l
			}
			ctx.Own = append(ctx.Own, ownFlag...)
			var matcher ContactMatcher
			if cfg != nil && openContactMatcher != nil {
				if mt, err := openContactMatcher(cmd.Context(), e, cfg); err == nil && mt != nil {
					matcher = mt
					defer mt.Close()
				} else if err != nil && e.log != nil {
					e.log.Warn("explain: no contact matching", "err", err)
				}
			}
			ours := map[string]bool{}
			for _, id := range threadIDs {
				ours[strings.Trim(strings.TrimSpace(id), "<>")] = true
			}
			ctx.OurMessage = func(id string) bool {
				return ours[id] || classify.LooksLikeRapportID(id) || (matcher != nil && matcher.OurMessage(id))
			}
			out := explainMessage(cmd.Context(), raw, ctx, matcher)
			if asJSON {
				return printJSON(e.stdout, out)
			}
			printExplanation(e.stdout, out)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&nowFlag, "now", "", "the time to classify at (RFC 3339; default now)")
	cmd.Flags().StringVar(&tzFlag, "tz", "", "the owner's time zone (default me.timezone, else the local zone)")
	cmd.Flags().StringVar(&contactTZ, "contact-tz", "", "the contact's time zone, when known (default: the message's Date: offset)")
	cmd.Flags().StringArrayVar(&threadIDs, "thread-id", nil, "a Message-ID rapport sent (repeatable): a reply citing it is in rapport's thread")
	cmd.Flags().StringArrayVar(&ownFlag, "own", nil, "an address of the owner (repeatable)")
	return cmd
}

func readExplainInput(e *env, name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("explain: %w", err)
		}
		defer f.Close()
		r = f
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxExplainInput+1))
	if err != nil {
		return nil, fmt.Errorf("explain: read %s: %w", name, err)
	}
	if len(raw) > maxExplainInput {
		raw = raw[:maxExplainInput]
	}
	return raw, nil
}

// explainConfig loads the config when one is named or exists at the
// default path; none at all is fine (classification only).
func (e *env) explainConfig() (*config.Config, error) {
	p := e.configPath
	named := p != ""
	if !named {
		p = config.DefaultPath()
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	cfg, err := config.Load(p)
	if err != nil {
		if named {
			return nil, err
		}
		return nil, nil // a broken default config does not stop explain
	}
	return cfg, nil
}

// explainMessage classifies raw; it never panics (a panic becomes a
// signal) and an unreadable message is kind other.
func explainMessage(ctx context.Context, raw []byte, cctx classify.Context, matcher ContactMatcher) (out explainOutput) {
	defer func() {
		if p := recover(); p != nil {
			out = explainOutput{Explanation: classify.Explain(nil, classify.Result{Kind: classify.KindOther})}
			out.Signals = append(out.Signals, fmt.Sprintf("internal error while reading the message: %v", p))
		}
	}()
	m, err := classify.Parse(raw, classify.DefaultLimits)
	if err != nil {
		out.Explanation = classify.Explain(nil, classify.Result{Kind: classify.KindOther})
		out.Signals = append(out.Signals, "not a mail message: "+err.Error())
		return out
	}
	r := classify.Classify(m, cctx)
	out.Explanation = classify.Explain(m, r)
	if matcher != nil {
		if c, err := matcher.Match(ctx, m, r); err == nil {
			out.Contact = c
		} else {
			out.Signals = append(out.Signals, "contact lookup failed: "+err.Error())
		}
	}
	return out
}

func printExplanation(w io.Writer, o explainOutput) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-18s %s\n", k, v)
		}
	}
	line("kind", o.Kind)
	line("intent", o.Intent)
	line("from", o.From)
	line("subject", o.Subject)
	if o.InThread {
		line("thread", "in rapport's thread ("+o.ThreadID+")")
	}
	line("written", o.Written)
	line("writer's zone", o.WriterZone)
	line("failed", strings.Join(o.FailedRecipients, ", "))
	line("final recipients", strings.Join(o.FinalRecipients, ", "))
	line("original message", o.OriginalMessageID)
	line("complaint about", strings.Join(o.ComplaintRecipients, ", "))
	line("challenge link", o.ChallengeURL)
	line("return date", o.ReturnDate)
	line("snooze until", o.SnoozeUntil)
	for _, p := range o.Proposals {
		s := p.At
		if p.Until != "" {
			s += " until " + p.Until
		}
		s += " (" + p.Zone
		if p.As != "" {
			s += ", written " + p.As
		}
		s += "): " + p.Text
		line("proposed", s)
	}
	for _, f := range o.Referrals {
		line("referral", strings.TrimSpace(f.Name+" "+f.Email))
	}
	line("question", o.Question)
	if o.Contact != nil {
		line("contact", o.Contact.Email+" ("+o.Contact.MatchedBy+")")
	}
	for _, s := range o.Signals {
		line("signal", s)
	}
}
