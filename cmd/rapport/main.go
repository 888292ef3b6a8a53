// Command rapport runs a job seeker's informational-interview outreach from
// their own mailbox. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"rapport/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
