package compose

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	_ "github.com/emersion/go-message/charset" // bodies and encoded words in any charset
	"github.com/emersion/go-message/mail"
)

// Readable renders a message as its recipient reads it: the header
// fields a mail client shows, with encoded words decoded, then the plain
// text decoded from its transfer encoding and charset. Other parts (an
// HTML alternative, an invitation) are named, not shown.
func Readable(raw []byte) (string, error) {
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return "", fmt.Errorf("read message: %w", err)
	}
	defer mr.Close()
	var b strings.Builder
	fields := mr.Header.Fields()
	for fields.Next() {
		k := fields.Key()
		lk := strings.ToLower(k)
		if lk == "mime-version" || strings.HasPrefix(lk, "content-") {
			continue
		}
		v, err := fields.Text()
		if err != nil {
			v = fields.Value()
		}
		if k == "Message-Id" {
			k = "Message-ID" // as written, not as canonicalised
		}
		fmt.Fprintf(&b, "%s: %s\n", k, v)
	}
	b.WriteString("\n")
	var notes []string
	shown := false
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("read message: %w", err)
		}
		var ctype, name string
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			ctype, _, _ = h.ContentType()
		case *mail.AttachmentHeader:
			ctype, _, _ = h.ContentType()
			name, _ = h.Filename()
		}
		if ctype == "" {
			ctype = "text/plain"
		}
		if ctype == "text/plain" && name == "" && !shown {
			body, err := io.ReadAll(p.Body)
			if err != nil {
				return "", fmt.Errorf("read message body: %w", err)
			}
			b.WriteString(strings.ReplaceAll(string(body), "\r\n", "\n"))
			shown = true
			continue
		}
		n, _ := io.Copy(io.Discard, p.Body)
		if name != "" {
			notes = append(notes, fmt.Sprintf("[attachment %s, %s, %d bytes]", name, ctype, n))
		} else {
			notes = append(notes, fmt.Sprintf("[%s part, %d bytes]", ctype, n))
		}
	}
	if !strings.HasSuffix(b.String(), "\n") {
		b.WriteString("\n")
	}
	for _, n := range notes {
		b.WriteString("\n" + n)
	}
	if len(notes) > 0 {
		b.WriteString("\n")
	}
	return b.String(), nil
}
