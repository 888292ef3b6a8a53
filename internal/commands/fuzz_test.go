package commands

import (
	"strings"
	"testing"
	"time"
)

// FuzzParse: Parse never panics, every command it returns is valid and
// points at a real line, and a message always yields a command or an
// error. Seeds are in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add("meeting Tue 24 Nov 2pm for 30m by zoom", "Re: [rapport] Jordan Lee replied", int64(0))
	f.Fuzz(func(t *testing.T, text, subject string, offset int64) {
		// Any moment within about twenty years of 2026.
		span := int64(20 * 365 * 24 * 3600)
		off := offset % span
		now := time.Unix(1_780_000_000+off, 0)
		for _, c := range []Context{
			{Now: now, Loc: ny, DefaultContact: "maria@x.com"},
			{Now: now, Loc: time.UTC},
		} {
			cmds, errs := Parse(text, subject, c)
			if len(cmds) == 0 && len(errs) == 0 {
				t.Fatal("neither commands nor errors")
			}
			lines := strings.Count(text, "\n") + 1
			for _, cmd := range cmds {
				if err := cmd.Valid(); err != nil {
					t.Fatalf("invalid command %+v: %v", cmd, err)
				}
				if cmd.Line < 0 || cmd.Line > lines {
					t.Fatalf("line %d of %d", cmd.Line, lines)
				}
				if cmd.Verb == Meeting && cmd.When.Location() != c.Loc {
					t.Fatalf("meeting in %v", cmd.When.Location())
				}
			}
			for _, e := range errs {
				if e.Reason == "" || e.Line < 0 || e.Line > lines {
					t.Fatalf("bad error %+v", e)
				}
			}
		}
	})
}
