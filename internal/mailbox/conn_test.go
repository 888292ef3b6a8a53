package mailbox_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"rapport/internal/mailbox"
	"rapport/internal/testmail"
)

func TestDiscoverFolders(t *testing.T) {
	type want struct {
		sent, drafts, junk string
		src                mailbox.Source
	}
	tests := []struct {
		name      string
		opts      []testmail.IMAPOption
		overrides mailbox.Folders
		want      want
	}{
		{"special-use advertised", nil, mailbox.Folders{},
			want{"Sent", "Drafts", "Junk", mailbox.SourceSpecialUse}},
		{"special-use with localised names", []testmail.IMAPOption{testmail.WithFolderNames("Gesendet", "Brouillons", "Pourriel")}, mailbox.Folders{},
			want{"Gesendet", "Brouillons", "Pourriel", mailbox.SourceSpecialUse}},
		{"attributes on plain LIST (Microsoft 365)", []testmail.IMAPOption{
			testmail.WithSpecialUse(testmail.SpecialUseUnadvertised), testmail.WithFolderNames("Sent Items", "", "Junk Email")}, mailbox.Folders{},
			want{"Sent Items", "Drafts", "Junk Email", mailbox.SourceListAttr}},
		{"names only, Courier style", []testmail.IMAPOption{
			testmail.WithSpecialUse(testmail.SpecialUseNone), testmail.WithFolderNames("INBOX.Sent", "INBOX.Drafts", "INBOX.Spam")}, mailbox.Folders{},
			want{"INBOX.Sent", "INBOX.Drafts", "INBOX.Spam", mailbox.SourceName}},
		{"names only, Outlook style", []testmail.IMAPOption{
			testmail.WithSpecialUse(testmail.SpecialUseNone), testmail.WithFolderNames("Sent Items", "Drafts", "Junk E-mail")}, mailbox.Folders{},
			want{"Sent Items", "Drafts", "Junk E-mail", mailbox.SourceName}},
		{"SPECIAL-USE without LIST-EXTENDED falls back to names", []testmail.IMAPOption{testmail.WithIMAP4rev1Only()}, mailbox.Folders{},
			want{"Sent", "Drafts", "Junk", mailbox.SourceName}},
		{"configuration wins", []testmail.IMAPOption{testmail.WithFolders(
			testmail.Folder{Name: "Sent", Attr: `\Sent`}, testmail.Folder{Name: "Outbox copies"},
			testmail.Folder{Name: "Drafts", Attr: `\Drafts`}, testmail.Folder{Name: "Later"},
			testmail.Folder{Name: "Junk", Attr: `\Junk`}, testmail.Folder{Name: "Bad"})},
			mailbox.Folders{Sent: "Outbox copies", Drafts: "Later", Junk: "Bad"},
			want{"Outbox copies", "Later", "Bad", mailbox.SourceConfig}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testmail.NewIMAP(t, tt.opts...)
			cfg := cfgFor(srv)
			cfg.Folders = tt.overrides
			c := dial(t, cfg)
			d, err := c.DiscoverFolders(ctxT(t))
			if err != nil {
				t.Fatal(err)
			}
			got := want{d.Sent.Name, d.Drafts.Name, d.Junk.Name, d.Sent.Source}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if d.Drafts.Source != tt.want.src || d.Junk.Source != tt.want.src {
				t.Errorf("sources drafts=%q junk=%q, want %q", d.Drafts.Source, d.Junk.Source, tt.want.src)
			}
			if !slices.Contains(d.Mailboxes, "INBOX") {
				t.Errorf("mailboxes %v lack INBOX", d.Mailboxes)
			}
		})
	}
}

func TestDiscoverFoldersNotFound(t *testing.T) {
	srv := testmail.NewIMAP(t, testmail.WithSpecialUse(testmail.SpecialUseNone), testmail.WithFolderNames("Gesendet", "Entwurf", "Unerwünscht"))
	c := dial(t, cfgFor(srv))
	d, err := c.DiscoverFolders(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.Sent.Found() || d.Drafts.Found() || d.Junk.Found() {
		t.Errorf("found %+v without attributes or known names", d)
	}

	cfg := cfgFor(srv)
	cfg.Folders.Sent = "Nope"
	c2 := dial(t, cfg)
	if _, err := c2.DiscoverFolders(ctxT(t)); err == nil || !strings.Contains(err.Error(), `"Nope"`) {
		t.Errorf("missing configured folder: err = %v", err)
	}
}

func TestFetchHeadersSinceFiltersNStar(t *testing.T) {
	srv := testmail.NewIMAP(t)
	srv.Deliver("INBOX", rawMsg("a1@example.org", "=?UTF-8?q?Gr=C3=BC=C3=9Fe?= from Maria",
		"In-Reply-To: <ob.1.1@me.example>",
		"References: <root@me.example>, <ob.1.1@me.example> <broken <also@x>",
		"Auto-Submitted: auto-replied",
		"X-Failed-Recipients: bob@example.net"))
	srv.Deliver("INBOX", rawMsg("a2@example.org", "second"))
	srv.Deliver("INBOX", rawMsg("a3@example.org", "third"))
	c := dial(t, cfgFor(srv))
	ctx := ctxT(t)

	hs, err := c.FetchHeadersSince(ctx, "INBOX", 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 2 || hs[0].UID != 1 || hs[1].UID != 2 {
		t.Fatalf("first batch = %v, want UIDs 1,2", uidsOf(hs))
	}
	h := hs[0]
	if h.MessageID != "a1@example.org" || h.Subject != "Grüße from Maria" {
		t.Errorf("parsed id %q subject %q", h.MessageID, h.Subject)
	}
	if !slices.Equal(h.InReplyTo, []string{"ob.1.1@me.example"}) {
		t.Errorf("In-Reply-To = %v", h.InReplyTo)
	}
	if !slices.Equal(h.References, []string{"root@me.example", "ob.1.1@me.example", "also@x"}) {
		t.Errorf("References (lenient) = %v", h.References)
	}
	if len(h.From) != 1 || h.From[0].Address != "maria@example.org" || h.From[0].Name != "Maria Lopez" {
		t.Errorf("From = %v", h.From)
	}
	if h.Get("Auto-Submitted") != "auto-replied" || h.Get("X-Failed-Recipients") != "bob@example.net" {
		t.Errorf("raw fields missing: %q", h.Raw)
	}
	if h.Date.IsZero() || h.InternalDate.IsZero() || h.Size == 0 {
		t.Errorf("date %v internal %v size %d", h.Date, h.InternalDate, h.Size)
	}
	if bytes.Contains(h.Raw, []byte("Happy to chat")) {
		t.Errorf("header fetch returned the body")
	}

	hs, err = c.FetchHeadersSince(ctx, "INBOX", 2, 2)
	if err != nil || len(hs) != 1 || hs[0].UID != 3 {
		t.Fatalf("second batch = %v, %v; want UID 3", uidsOf(hs), err)
	}
	// UID 4:* and 10:* match the last message on the wire; nothing may
	// come back.
	for _, last := range []uint32{3, 10} {
		hs, err = c.FetchHeadersSince(ctx, "INBOX", last, 2)
		if err != nil || len(hs) != 0 {
			t.Errorf("FetchHeadersSince(%d) = %v, %v; want nothing", last, uidsOf(hs), err)
		}
	}
}

func uidsOf(hs []mailbox.Header) []uint32 {
	var out []uint32
	for _, h := range hs {
		out = append(out, h.UID)
	}
	return out
}

func TestPeekNeverSetsSeen(t *testing.T) {
	srv := testmail.NewIMAP(t)
	srv.Deliver("INBOX", rawMsg("p1@example.org", "unread"))
	if _, err := srv.Append("INBOX", rawMsg("p2@example.org", "flagged"), []string{`\Flagged`}, time.Now()); err != nil {
		t.Fatal(err)
	}
	before := srv.Flags("INBOX")

	c := dial(t, cfgFor(srv))
	ctx := ctxT(t)
	hs, err := c.FetchHeadersSince(ctx, "INBOX", 0, 10)
	if err != nil || len(hs) != 2 {
		t.Fatalf("headers: %v %v", uidsOf(hs), err)
	}
	full, err := c.FetchBody(ctx, "INBOX", 1, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if full.Truncated || !bytes.Contains(full.Raw, []byte("Happy to chat")) || int64(len(full.Raw)) != full.Size {
		t.Errorf("full body: truncated=%v size=%d len=%d", full.Truncated, full.Size, len(full.Raw))
	}
	part, err := c.FetchBody(ctx, "INBOX", 2, 40)
	if err != nil {
		t.Fatal(err)
	}
	if !part.Truncated || len(part.Raw) != 40 {
		t.Errorf("capped body: truncated=%v len=%d", part.Truncated, len(part.Raw))
	}
	if _, err := c.FetchBody(ctx, "INBOX", 99, 100); !errors.Is(err, mailbox.ErrNotFound) {
		t.Errorf("missing UID: err = %v", err)
	}
	if _, err := c.SearchHeader(ctx, "INBOX", "Message-ID", "p1@"); err != nil {
		t.Fatal(err)
	}

	after := srv.Flags("INBOX")
	if len(after) != len(before) {
		t.Fatalf("flags before %v after %v", before, after)
	}
	for uid, f := range before {
		if !slices.Equal(f, after[uid]) {
			t.Errorf("UID %d flags changed: %v → %v", uid, f, after[uid])
		}
	}
	if slices.Contains(after[1], `\Seen`) {
		t.Errorf("\\Seen set on UID 1")
	}
}

func TestAppendOnceIsIdempotent(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts []testmail.IMAPOption
	}{
		{"UIDPLUS", nil},
		{"no APPENDUID", []testmail.IMAPOption{testmail.WithIMAP4rev1Only()}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := testmail.NewIMAP(t, tt.opts...)
			ctx := ctxT(t)
			draft := rawMsg("draft.42.1@me.example", "Re: coffee?")
			c := dial(t, cfgFor(srv))
			uid, appended, err := c.AppendOnce(ctx, "Drafts", "<draft.42.1@me.example>", draft, []string{`\Draft`, `\Seen`})
			if err != nil || !appended || uid == 0 {
				t.Fatalf("first AppendOnce = %d, %v, %v", uid, appended, err)
			}
			// A new process after a crash.
			c2 := dial(t, cfgFor(srv))
			uid2, appended, err := c2.AppendOnce(ctx, "Drafts", "draft.42.1@me.example", draft, []string{`\Draft`})
			if err != nil || appended || uid2 != uid {
				t.Fatalf("second AppendOnce = %d, %v, %v; want %d, false", uid2, appended, err, uid)
			}
			msgs := srv.Messages("Drafts")
			if len(msgs) != 1 {
				t.Fatalf("Drafts holds %d messages, want 1", len(msgs))
			}
			if !slices.Contains(msgs[0].Flags, `\Draft`) || !bytes.Equal(msgs[0].Raw, draft) {
				t.Errorf("draft stored with flags %v", msgs[0].Flags)
			}
		})
	}
}

func TestFindMessageIDIsExact(t *testing.T) {
	srv := testmail.NewIMAP(t)
	srv.Deliver("Sent", rawMsg("xabc@me.example", "near miss"))
	srv.Deliver("Sent", rawMsg("abc@me.example", "mine"))
	srv.Deliver("Sent", rawMsg("REWRITTEN@outlook.example", "rewritten", "X-Microsoft-Original-Message-ID: <ms.7@me.example>"))
	c := dial(t, cfgFor(srv))
	ctx := ctxT(t)

	sub, err := c.SearchHeader(ctx, "Sent", "Message-ID", "abc@me.example")
	if err != nil || !slices.Equal(sub, []uint32{1, 2}) {
		t.Errorf("SearchHeader substring = %v, %v; want [1 2]", sub, err)
	}
	got, err := c.FindMessageID(ctx, "Sent", "<abc@me.example>")
	if err != nil || !slices.Equal(got, []uint32{2}) {
		t.Errorf("FindMessageID = %v, %v; want [2]", got, err)
	}
	got, err = c.FindMessageID(ctx, "Sent", "ms.7@me.example")
	if err != nil || !slices.Equal(got, []uint32{3}) {
		t.Errorf("FindMessageID via X-Microsoft-Original-Message-ID = %v, %v; want [3]", got, err)
	}
	got, err = c.FindMessageID(ctx, "Sent", "nope@me.example")
	if err != nil || len(got) != 0 {
		t.Errorf("FindMessageID(absent) = %v, %v", got, err)
	}
}

func TestUnparseableBatchFallsBackToSingleUIDs(t *testing.T) {
	srv := testmail.NewIMAP(t)
	srv.Deliver("INBOX", rawMsg("ok1@example.org", "fine"))
	srv.Deliver("INBOX", rawMsg("bad@example.org", "POISON"))
	srv.Deliver("INBOX", rawMsg("ok3@example.org", "fine too"))
	cfg := cfgFor(srv)
	cfg.Port = corruptingProxy(t, srv.Addr(), "POISON", "POISONED")
	c := dial(t, cfg)
	ctx := ctxT(t)

	hs, err := c.FetchHeadersSince(ctx, "INBOX", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 3 {
		t.Fatalf("got %d headers, want 3", len(hs))
	}
	if hs[0].Err != nil || hs[0].MessageID != "ok1@example.org" || hs[2].Err != nil || hs[2].MessageID != "ok3@example.org" {
		t.Errorf("good messages: %+v / %+v", hs[0], hs[2])
	}
	if hs[1].UID != 2 || hs[1].Err == nil {
		t.Errorf("poisoned message: UID %d err %v; want UID 2 with an error", hs[1].UID, hs[1].Err)
	}
	// The connection was replaced and works.
	if hs, err := c.FetchHeadersSince(ctx, "INBOX", 3, 10); err != nil || len(hs) != 0 {
		t.Errorf("after fallback: %v, %v", uidsOf(hs), err)
	}
}

func TestDeadlineOnSilentServer(t *testing.T) {
	t.Run("after greeting", func(t *testing.T) {
		addr := silentServer(t, false)
		cfg := mailbox.Config{Host: "127.0.0.1", Security: mailbox.SecurityNone, Username: "u", Password: "p",
			CommandTimeout: 200 * time.Millisecond}
		cfg.Port = portOf(t, addr)
		start := time.Now()
		_, err := mailbox.Dial(context.Background(), cfg, nil)
		if !errors.Is(err, mailbox.ErrTimeout) {
			t.Fatalf("err = %v, want ErrTimeout", err)
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("took %v", el)
		}
	})
	t.Run("after login", func(t *testing.T) {
		addr := silentServer(t, true)
		cfg := mailbox.Config{Host: "127.0.0.1", Security: mailbox.SecurityNone, Username: "u", Password: "p",
			CommandTimeout: 200 * time.Millisecond}
		cfg.Port = portOf(t, addr)
		c, err := mailbox.Dial(context.Background(), cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Examine(context.Background(), "INBOX"); !errors.Is(err, mailbox.ErrTimeout) {
			t.Fatalf("examine: err = %v, want ErrTimeout", err)
		}
		if !c.Broken() {
			t.Error("connection not closed after a timeout")
		}
		if err := c.Noop(context.Background()); !errors.Is(err, mailbox.ErrClosed) {
			t.Errorf("noop after timeout: %v, want ErrClosed", err)
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		addr := silentServer(t, true)
		cfg := mailbox.Config{Host: "127.0.0.1", Security: mailbox.SecurityNone, Username: "u", Password: "p"}
		cfg.Port = portOf(t, addr)
		c, err := mailbox.Dial(context.Background(), cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if _, err := c.Examine(ctx, "INBOX"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("examine: err = %v", err)
		}
	})
}

func portOf(t *testing.T, addr string) int {
	t.Helper()
	i := strings.LastIndexByte(addr, ':')
	var p int
	for _, r := range addr[i+1:] {
		p = p*10 + int(r-'0')
	}
	return p
}

func TestTLS(t *testing.T) {
	cert := testmail.NewCert(t)
	t.Run("implicit", func(t *testing.T) {
		srv := testmail.NewIMAP(t, testmail.WithTLS(testmail.TLSImplicit, cert))
		cfg := cfgFor(srv)
		cfg.Security, cfg.RootCAs = mailbox.SecurityTLS, cert.Pool
		c := dial(t, cfg)
		if _, err := c.Examine(ctxT(t), "INBOX"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("starttls with CA file", func(t *testing.T) {
		srv := testmail.NewIMAP(t, testmail.WithTLS(testmail.TLSStartTLS, cert))
		cfg := cfgFor(srv)
		cfg.Security, cfg.CAFile = mailbox.SecurityStartTLS, cert.CAFile(t)
		c := dial(t, cfg)
		if _, err := c.Examine(ctxT(t), "INBOX"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		srv := testmail.NewIMAP(t, testmail.WithTLS(testmail.TLSImplicit, cert))
		cfg := cfgFor(srv)
		cfg.Security, cfg.RootCAs = mailbox.SecurityTLS, testmail.NewCert(t).Pool
		if _, err := mailbox.Dial(ctxT(t), cfg, nil); err == nil || !strings.Contains(err.Error(), "tls handshake") {
			t.Fatalf("err = %v, want a handshake failure", err)
		}
	})
	t.Run("plaintext to a STARTTLS server", func(t *testing.T) {
		srv := testmail.NewIMAP(t, testmail.WithTLS(testmail.TLSStartTLS, cert))
		_, err := mailbox.Dial(ctxT(t), cfgFor(srv), nil)
		if err == nil || !strings.Contains(err.Error(), "LOGINDISABLED") {
			t.Fatalf("err = %v, want LOGINDISABLED refusal", err)
		}
	})
}

func TestSecurityNoneOnlyToLoopback(t *testing.T) {
	for _, host := range []string{"imap.example.com", "192.0.2.10", "10.0.0.1"} {
		cfg := mailbox.Config{Host: host, Port: 143, Security: mailbox.SecurityNone, Username: "u", Password: "p"}
		start := time.Now()
		_, err := mailbox.Dial(context.Background(), cfg, nil)
		if !errors.Is(err, mailbox.ErrInsecure) {
			t.Errorf("%s: err = %v, want ErrInsecure", host, err)
		}
		if time.Since(start) > time.Second {
			t.Errorf("%s: refusal took %v (dialed?)", host, time.Since(start))
		}
	}
	for _, host := range []string{"127.0.0.1", "::1", "localhost", "127.0.0.2"} {
		cfg := mailbox.Config{Host: host, Port: 143, Security: mailbox.SecurityNone, Username: "u"}
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if err := (mailbox.Config{Host: "h", Security: "ssl", Username: "u"}).Validate(); err == nil {
		t.Error("unknown security accepted")
	}
}

func TestPasswordStaysSecret(t *testing.T) {
	const secret = "s3cr3t-Pa55word"
	srv := testmail.NewIMAP(t, testmail.WithUser("me@example.test", secret))
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	cfg := cfgFor(srv)
	c, err := mailbox.Dial(ctxT(t), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	logger.Info("config", "imap", cfg)

	cfg.Password = secret + "-wrong"
	_, err = mailbox.Dial(ctxT(t), cfg, logger)
	if err == nil {
		t.Fatal("wrong password accepted")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error reveals the password: %v", err)
	}
	if !strings.Contains(err.Error(), "login as me@example.test") {
		t.Errorf("error lacks context: %v", err)
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("logs reveal the password:\n%s", logs.String())
	}
}
