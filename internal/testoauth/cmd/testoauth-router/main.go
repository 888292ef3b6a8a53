// Command testoauth-router is the introspection endpoint of the
// end-to-end mail stack's Dovecot (scripts/mailstack/start.sh starts it):
// it forwards each token to the test OAuth server that issued it (see
// rapport/internal/testoauth). With -policy it is also the Postfix policy
// service of the stack's submission port (policy.go). It listens on
// loopback only.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"rapport/internal/testoauth"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:10080", "loopback address to listen on")
	pidfile := flag.String("pidfile", "", "write the process ID here once listening")
	policy := flag.String("policy", "", "loopback address for the Postfix policy service (see policy.go); empty: none")
	holdFor := flag.Duration("hold", 10*time.Second, "how long the policy service keeps back the reply to a hold- recipient's final dot")
	flag.Parse()
	host, _, err := net.SplitHostPort(*listen)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		fmt.Fprintf(os.Stderr, "testoauth-router: -listen %s: want a loopback IP address and port\n", *listen)
		os.Exit(2)
	}
	logger := log.New(os.Stderr, "testoauth-router: ", log.LstdFlags)
	srv := &http.Server{Addr: *listen, Handler: &testoauth.Router{Log: logger}, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		logger.Print(err)
		os.Exit(1)
	}
	if *pidfile != "" {
		if err := os.WriteFile(*pidfile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
			logger.Print(err)
			os.Exit(1)
		}
	}
	if *policy != "" {
		if h, _, err := net.SplitHostPort(*policy); err != nil || net.ParseIP(h) == nil || !net.ParseIP(h).IsLoopback() {
			logger.Printf("-policy %s: want a loopback IP address and port", *policy)
			os.Exit(2)
		}
		pl, err := net.Listen("tcp", *policy)
		if err != nil {
			logger.Print(err)
			os.Exit(1)
		}
		go servePolicy(pl, *holdFor, logger)
		logger.Printf("policy service on %s", *policy)
	}
	logger.Printf("listening on %s", *listen)
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		logger.Print(err)
		os.Exit(1)
	}
}
