// Package cli is rapport's command line: it parses arguments, loads the
// config, opens the app and prints results. Exit codes: 0 ok, 1 runtime
// error, 2 config or usage error.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"rapport/internal/app"
	"rapport/internal/clock"
	"rapport/internal/config"
)

// Exit codes, matched by the systemd unit's RestartPreventExitStatus.
const (
	ExitOK      = 0
	ExitRuntime = 1
	ExitConfig  = 2
)

// usageError marks a mistake in the command line (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// env is what a command run sees: streams, flags shared by all commands,
// and the clock (tests inject a fake one).
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	configPath     string
	clock          clock.Clock
	log            *slog.Logger
}

// Main runs rapport with args (without the program name) and returns the
// exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(ctx, args, &env{stdin: stdin, stdout: stdout, stderr: stderr, clock: clock.Real{}})
}

func run(ctx context.Context, args []string, e *env) int {
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(e.stderr, "rapport:", err)
	var ue usageError
	switch {
	case errors.As(err, &ue), config.IsConfigError(err), isCobraUsage(err), needsSignIn(err):
		return ExitConfig
	}
	return ExitRuntime
}

// isCobraUsage recognises cobra's own argument and flag errors.
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "required flag"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "rapport",
		Short:         "Informational-interview outreach from your own mailbox",
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		CompletionOptions: cobra.CompletionOptions{
			DisableDefaultCmd: true,
		},
	}
	root.SetVersionTemplate("rapport {{.Version}}\n")
	root.PersistentFlags().StringVar(&e.configPath, "config", "", "config file (default $RAPPORT_CONFIG, then $XDG_CONFIG_HOME/rapport/config.yaml)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(contactsCmd(e), statusCmd(e))
	for _, c := range extraCommands {
		root.AddCommand(c(e))
	}
	return root
}

// extraCommands are registered by the files that implement them.
var extraCommands []func(*env) *cobra.Command

// loadConfig reads the config named by --config or the default path.
func (e *env) loadConfig() (*config.Config, error) {
	p := e.configPath
	if p == "" {
		p = config.DefaultPath()
	}
	cfg, err := config.Load(p)
	if err != nil {
		return nil, err
	}
	e.log = newLogger(e.stderr, cfg.Log)
	return cfg, nil
}

// open loads the config and opens the app.
func (e *env) open(ctx context.Context) (*app.App, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, cfg, app.Options{Log: e.log, Clock: e.clock})
}

func newLogger(w io.Writer, l config.Log) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(l.Level))
	opts := &slog.HandlerOptions{Level: level}
	if l.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// isTerminal reports whether w is a terminal (for progress output).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// version describes this build from the information Go records in the
// binary: the module version (a release tag, or "(devel)"), the commit and
// its time, and whether the tree had uncommitted changes.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown version)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = ", modified"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " (" + rev
		if at != "" {
			v += " " + at
		}
		v += dirty + ")"
	}
	return v + ", " + bi.GoVersion
}
