// Command render-samples writes one .eml file per default template, built
// from compose.Sample, into a directory. scripts/spamcheck.sh runs
// SpamAssassin over them.
//
//	go run ./internal/compose/cmd/render-samples -out DIR [-templates DIR]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"rapport/internal/compose"
)

func main() {
	out := flag.String("out", "", "directory to write KIND.eml files to")
	dir := flag.String("templates", "", "template override directory")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: render-samples -out DIR [-templates DIR]")
		os.Exit(2)
	}
	if err := run(*out, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "render-samples:", err)
		os.Exit(1)
	}
}

func run(out, dir string) error {
	t, err := compose.Load(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	// A fixed, plausible send time: Tuesday morning.
	date := time.Date(2026, 11, 17, 9, 42, 0, 0, time.FixedZone("EST", -5*3600))
	for _, k := range compose.Kinds() {
		d := compose.Sample()
		if k != compose.KindFollowup {
			d.Thread = compose.Thread{} // a new conversation
		}
		m, err := t.Build(k, d, compose.Envelope{
			Date:      date,
			MessageID: compose.NewMessageIDAt(compose.DomainOf(d.Me.Email), date),
		})
		if err != nil {
			return err
		}
		b, err := m.Bytes()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, string(k)+".eml"), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
