package main

import (
	"bufio"
	"log"
	"net"
	"strings"
	"time"
)

// The stack's Postfix asks this policy service at the end of every
// message on submission (smtpd_end_of_data_restrictions). It answers
// DUNNO at once, except for a single recipient whose local part starts
// with "hold-": then it waits holdFor before answering, so Postfix keeps
// the final reply to the client's dot back that long. A client that gives
// up first has sent a message the server then accepts: the reply to the
// final dot was lost, the case rapport must treat as "in doubt" and never
// send again on its own.

func servePolicy(ln net.Listener, holdFor time.Duration, logger *log.Logger) {
	for {
		c, err := ln.Accept()
		if err != nil {
			logger.Printf("policy: %v", err)
			return
		}
		go policyConn(c, holdFor, logger)
	}
}

func policyConn(c net.Conn, holdFor time.Duration, logger *log.Logger) {
	defer c.Close()
	r := bufio.NewReader(c)
	attrs := map[string]string{}
	for {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Minute))
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		if line != "" {
			if k, v, ok := strings.Cut(line, "="); ok {
				attrs[k] = v
			}
			continue
		}
		// One request ends with an empty line; Postfix may send more on
		// the same connection.
		rcpt := strings.ToLower(attrs["recipient"])
		if attrs["protocol_state"] == "END-OF-MESSAGE" && strings.HasPrefix(rcpt, "hold-") {
			logger.Printf("policy: holding the reply to %s's final dot for %v (queue id %s)", rcpt, holdFor, attrs["queue_id"])
			time.Sleep(holdFor)
		}
		if _, err := c.Write([]byte("action=DUNNO\n\n")); err != nil {
			return
		}
		attrs = map[string]string{}
	}
}
