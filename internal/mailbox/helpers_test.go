package mailbox_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"rapport/internal/mailbox"
	"rapport/internal/testmail"
)

func cfgFor(s *testmail.IMAP) mailbox.Config {
	return mailbox.Config{
		Host: "127.0.0.1", Port: s.Port(), Security: mailbox.SecurityNone,
		Username: s.Username(), Password: s.Password(),
		CommandTimeout: 5 * time.Second,
	}
}

func dial(t *testing.T, cfg mailbox.Config) *mailbox.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := mailbox.Dial(ctx, cfg, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// rawMsg builds a small message; extra are header lines.
func rawMsg(id, subject string, extra ...string) []byte {
	var b strings.Builder
	b.WriteString("From: Maria Lopez <maria@example.org>\r\n")
	b.WriteString("To: me@example.test\r\n")
	b.WriteString("Subject: " + subject + "\r\n")
	b.WriteString("Date: Tue, 24 Nov 2026 10:00:00 -0500\r\n")
	if id != "" {
		b.WriteString("Message-ID: <" + id + ">\r\n")
	}
	for _, e := range extra {
		b.WriteString(e + "\r\n")
	}
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString("Happy to chat. Tuesday works.\r\n")
	return []byte(b.String())
}

// eventually polls cond until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type handled struct {
	mailbox     string
	uidValidity uint32
	uid         uint32
	messageID   string
	err         error
}

type change struct {
	mailbox  string
	old, new uint32
}

// memHandler is a Handler over memory, as the store would be.
type memHandler struct {
	mu      sync.Mutex
	cps     map[string][2]uint32
	got     []handled
	changes []change
	notify  chan struct{}
}

func newMemHandler() *memHandler {
	return &memHandler{cps: make(map[string][2]uint32), notify: make(chan struct{}, 1000)}
}

func (h *memHandler) Checkpoint(_ context.Context, mailbox string) (uint32, uint32, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cp := h.cps[mailbox]
	return cp[0], cp[1], nil
}

func (h *memHandler) Handle(_ context.Context, mailbox string, uv uint32, msgs []mailbox.Header) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range msgs {
		h.got = append(h.got, handled{mailbox, uv, m.UID, m.MessageID, m.Err})
	}
	h.cps[mailbox] = [2]uint32{uv, msgs[len(msgs)-1].UID}
	select {
	case h.notify <- struct{}{}:
	default:
	}
	return nil
}

func (h *memHandler) UIDValidityChanged(_ context.Context, mailbox string, old, new uint32) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.changes = append(h.changes, change{mailbox, old, new})
	h.cps[mailbox] = [2]uint32{new, 0}
	return nil
}

func (h *memHandler) handled() []handled {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]handled(nil), h.got...)
}

func (h *memHandler) ids(mailbox string) []string {
	var out []string
	for _, g := range h.handled() {
		if g.mailbox == mailbox {
			out = append(out, g.messageID)
		}
	}
	sort.Strings(out)
	return out
}

func (h *memHandler) has(mailbox, id string) bool {
	for _, g := range h.handled() {
		if g.mailbox == mailbox && g.messageID == id {
			return true
		}
	}
	return false
}

// silentServer greets like IMAP and then never answers; script lets it
// answer LOGIN and CAPABILITY first.
func silentServer(t *testing.T, answerLogin bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() {
				fmt.Fprintf(c, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					f := strings.Fields(line)
					if !answerLogin || len(f) < 2 {
						continue
					}
					switch strings.ToUpper(f[1]) {
					case "LOGIN":
						fmt.Fprintf(c, "%s OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n", f[0])
					case "CAPABILITY":
						fmt.Fprintf(c, "* CAPABILITY IMAP4rev1 IDLE\r\n%s OK done\r\n", f[0])
					case "LOGOUT":
						fmt.Fprintf(c, "* BYE\r\n%s OK bye\r\n", f[0])
						c.Close()
						return
					}
					// anything else: silence
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// corruptingProxy forwards to target, replacing marker in the server's
// lines: inside a literal that breaks its announced length, which go-imap
// cannot parse (as with the real-world quirks of MAIL-NOTES §1.10).
func corruptingProxy(t *testing.T, target, marker, replacement string) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	go func() {
		for {
			cl, err := ln.Accept()
			if err != nil {
				return
			}
			srv, err := net.Dial("tcp", target)
			if err != nil {
				cl.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, cl, srv)
			mu.Unlock()
			go func() {
				io.Copy(srv, cl)
				srv.Close()
			}()
			go func() {
				defer cl.Close()
				br := bufio.NewReader(srv)
				for {
					line, err := br.ReadString('\n')
					if line != "" {
						if _, werr := io.WriteString(cl, strings.ReplaceAll(line, marker, replacement)); werr != nil {
							return
						}
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}
