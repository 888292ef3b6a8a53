package compose

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	_ "github.com/emersion/go-message/charset"
	gmail "github.com/emersion/go-message/mail"
)

var testDate = time.Date(2026, 11, 17, 9, 42, 0, 0, time.FixedZone("EST", -5*3600))

func mustLoad(t testing.TB) *Templates {
	t.Helper()
	tm, err := Load("")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return tm
}

// parsed is a message read back with go-message, as a mail client would.
type parsed struct {
	keys    []string // lower-case header field names, in order
	header  gmail.Header
	text    string
	html    string
	ics     string
	nparts  int
	subject string
}

func parse(t testing.TB, raw []byte) *parsed {
	t.Helper()
	mr, err := gmail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, raw)
	}
	p := &parsed{header: mr.Header}
	for f := mr.Header.Fields(); f.Next(); {
		p.keys = append(p.keys, strings.ToLower(f.Key()))
	}
	if p.subject, err = mr.Header.Subject(); err != nil {
		t.Fatalf("decode subject: %v", err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		b, err := io.ReadAll(part.Body)
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		p.nparts++
		switch h := part.Header.(type) {
		case *gmail.InlineHeader:
			ct, _, _ := h.ContentType()
			switch ct {
			case "text/plain":
				p.text = string(b)
			case "text/html":
				p.html = string(b)
			}
		case *gmail.AttachmentHeader:
			p.ics = string(b)
		}
	}
	return p
}

// lf normalises line endings for comparing bodies.
func lf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
