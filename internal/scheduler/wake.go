package scheduler

import (
	"context"
	"errors"
	"net"
	"os"
	"time"
)

// Wake sockets let another process — the CLI after `contacts add`, an
// import, a correction — wake a running daemon at once: a Unix datagram
// socket the daemon listens on, next to the database. A datagram carries
// nothing but "look again"; one that finds no daemon is simply lost.

// Listen kicks s whenever a datagram arrives on the socket at path, until
// ctx ends. A stale socket file (a daemon that died) is replaced; the
// caller holds the instance lock, so no live daemon owns it.
func (s *Scheduler) Listen(ctx context.Context, path string) error {
	s.init()
	_ = os.Remove(path)
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return err
	}
	_ = os.Chmod(path, 0o600)
	go func() {
		<-ctx.Done()
		conn.Close()
		_ = os.Remove(path)
	}()
	go func() {
		buf := make([]byte, 16)
		for {
			if _, _, err := conn.ReadFromUnix(buf); err != nil {
				if errors.Is(err, net.ErrClosed) || ctx.Err() != nil {
					return
				}
				continue
			}
			if s.OnWake != nil {
				s.OnWake()
			}
			s.Kick()
		}
	}()
	return nil
}

// Wake tells the daemon listening at path to look again at what is due.
// It never blocks for long and never fails: no daemon, no wake.
func Wake(path string) {
	if path == "" {
		return
	}
	c, err := net.DialTimeout("unixgram", path, 100*time.Millisecond)
	if err != nil {
		return
	}
	defer c.Close()
	_ = c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	_, _ = c.Write([]byte{'k'})
}
