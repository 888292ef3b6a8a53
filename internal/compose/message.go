package compose

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode"

	gomail "github.com/wneessen/go-mail"
	"golang.org/x/net/idna"

	"rapport/internal/invite"
)

// Envelope is what a message needs besides the rendered text.
type Envelope struct {
	// Date is the Date header: the caller's clock, never time.Now here.
	Date time.Time
	// MessageID is the Message-ID without angle brackets, made by
	// NewMessageID and stored with the send row before sending.
	MessageID string
	// Calendar is an optional calendar object (an invitation, its update
	// or cancellation, or the owner's copy: see package invite), added as
	// a text/calendar alternative and an invite.ics attachment.
	Calendar *invite.Part
}

// Message is a built message. Msg is the go-mail message to send; WriteTo
// writes the exact bytes that Msg sends (preview, IMAP APPEND of drafts).
type Message struct {
	Kind      Kind
	MessageID string // without angle brackets
	Rendered  *Rendered
	Msg       *gomail.Msg
}

// WriteTo writes the message in RFC 5322 form with CRLF line endings. Build
// has written it once already, so the MIME boundaries are fixed and every
// call (and the send) gives the same bytes.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	return m.Msg.WriteTo(w)
}

// Bytes returns what WriteTo writes.
func (m *Message) Bytes() ([]byte, error) {
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Build renders kind with d and makes the message: From the owner, To the
// contact (or to the owner for notification, digest and prep), Subject,
// Date, Message-ID, In-Reply-To and References from d.Thread, a plain-text
// body, an HTML alternative only when the kind has an HTML template, and
// env.Calendar as described at invite.Part.AddTo. Mail to the owner carries Auto-Submitted and
// X-Auto-Response-Suppress; 1:1 mail carries neither, and no tracking or
// List-Unsubscribe header of any kind.
//
// Errors: *MissingFieldError for absent data (a follow-up without a thread,
// a contact without an address...), *FieldError for data that cannot be put
// in a header safely (a name with a line break).
func (t *Templates) Build(kind Kind, d Data, env Envelope) (*Message, error) {
	r, err := t.Render(kind, d)
	if err != nil {
		return nil, err
	}
	d = d.withDefaults()

	from, err := address(kind, "Me", d.Me.Name, d.Me.Email)
	if err != nil {
		return nil, err
	}
	to := from
	if !kind.ToOwner() {
		if to, err = address(kind, "Contact", d.Contact.Name, d.Contact.Email); err != nil {
			return nil, err
		}
	}
	if env.Date.IsZero() {
		return nil, fmt.Errorf("build %s: no date", kind)
	}
	id, err := messageID(kind, "message ID", env.MessageID)
	if err != nil {
		return nil, err
	}
	var refs []string
	for _, x := range d.Thread.MessageIDs {
		if strings.TrimSpace(x) == "" {
			continue
		}
		v, err := messageID(kind, "Thread.MessageIDs", x)
		if err != nil {
			return nil, err
		}
		refs = append(refs, "<"+v+">")
	}
	if kind == KindFollowup && len(refs) == 0 {
		return nil, &MissingFieldError{Kind: kind, Field: "Thread.MessageIDs"}
	}

	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(from)
	m.ToMailAddress(to)
	m.Subject(encodeSubject(r.Subject))
	m.SetDateWithValue(env.Date)
	m.SetMessageIDWithValue(id)
	if len(refs) > 0 {
		// One value each: go-mail joins several values with ", ", which
		// breaks msg-id list parsers.
		m.SetGenHeader(gomail.HeaderInReplyTo, refs[len(refs)-1])
		m.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	}
	if kind.ToOwner() {
		m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
		m.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "OOF, AutoReply")
		// rapport's own marker: nothing carrying it is ever a command, and
		// another instance's tells that two run on one mailbox.
		if inst := d.Me.Instance; inst != "" && isInstance(inst) {
			m.SetGenHeader(gomail.Header(InstanceHeader), inst)
		}
	}
	m.SetBodyString(gomail.TypeTextPlain, r.Text)
	if r.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	}
	if env.Calendar != nil {
		if err := env.Calendar.AddTo(m); err != nil {
			return nil, fmt.Errorf("build %s: %w", kind, err)
		}
	}
	// Write once: go-mail keeps the multipart boundaries it chose, so
	// later writes and the send are byte-identical.
	if _, err := m.WriteTo(io.Discard); err != nil {
		return nil, fmt.Errorf("build %s: %w", kind, err)
	}
	return &Message{Kind: kind, MessageID: id, Rendered: r, Msg: m}, nil
}

// address validates a display name and an address for a header. The name
// may not hold control characters (CR and LF above all) or look like an
// RFC 2047 encoded word, which a reader would decode; the address must be
// one plain addr-spec.
func address(kind Kind, who, name, addr string) (*mail.Address, error) {
	if strings.TrimSpace(addr) == "" {
		return nil, &MissingFieldError{Kind: kind, Field: who + ".Email"}
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return nil, &FieldError{Kind: kind, Field: who + ".Name", Reason: fmt.Sprintf("contains a line break or control character (%q)", name)}
		}
	}
	if strings.Contains(name, "=?") {
		return nil, &FieldError{Kind: kind, Field: who + ".Name", Reason: fmt.Sprintf("looks like an encoded word (%q)", name)}
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr {
		return nil, &FieldError{Kind: kind, Field: who + ".Email", Reason: fmt.Sprintf("is not a single plain address (%q)", addr)}
	}
	// Runs of spaces collapse: header folding would do it anyway.
	out := &mail.Address{Name: strings.Join(strings.Fields(name), " "), Address: a.Address}
	// Read the header form back as a client would. net/mail writes some
	// names it cannot read (a backslash in a non-ASCII name is left bare
	// inside a Q encoded word); refuse those rather than send garbage.
	back, err := mail.ParseAddress(out.String())
	if err != nil || back.Name != out.Name || back.Address != out.Address {
		return nil, &FieldError{Kind: kind, Field: who + ".Name", Reason: fmt.Sprintf("cannot be written faithfully in a header (%q)", name)}
	}
	return out, nil
}

// messageID checks one Message-ID (with or without angle brackets) and
// returns it without them: ASCII, no space, no specials other than the
// one "@", nothing a header parser could split on.
func messageID(kind Kind, field, id string) (string, error) {
	v := strings.TrimSpace(id)
	v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	bad := func() (string, error) {
		return "", &FieldError{Kind: kind, Field: field, Reason: fmt.Sprintf("is not a valid Message-ID (%q)", id)}
	}
	left, right, ok := strings.Cut(v, "@")
	if !ok || left == "" || right == "" || len(v) > 250 {
		return bad()
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`<>()[]\",;:`, c) >= 0 || (c == '@' && i != len(left)) {
			return bad()
		}
	}
	return v, nil
}

// encodeSubject returns s ready for go-mail's Subject. go-mail encodes
// non-ASCII text itself but leaves plain ASCII alone, so a subject holding
// "=?UTF-8?Q?...?=" taken from data would be decoded by the reader into
// whatever it encodes (CR/LF included). Such subjects, and any non-ASCII
// ones, are encoded here in full as Q encoded words, which decode back to
// the literal text.
func encodeSubject(s string) string {
	plain := !strings.Contains(s, "=?")
	for i := 0; plain && i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			plain = false
		}
	}
	if plain {
		return s
	}
	const (
		head = "=?UTF-8?q?"
		tail = "?="
		max  = 75 - len(head) - len(tail)
	)
	var words []string
	var cur strings.Builder
	for _, r := range s {
		var enc strings.Builder
		for _, b := range []byte(string(r)) {
			switch {
			case b == ' ':
				enc.WriteByte('_')
			case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', strings.IndexByte("!*+-/", b) >= 0:
				enc.WriteByte(b)
			default:
				fmt.Fprintf(&enc, "=%02X", b)
			}
		}
		if cur.Len()+enc.Len() > max {
			words = append(words, head+cur.String()+tail)
			cur.Reset()
		}
		cur.WriteString(enc.String())
	}
	if cur.Len() > 0 {
		words = append(words, head+cur.String()+tail)
	}
	return strings.Join(words, " ")
}

// NewMessageID returns a new random Message-ID on the sender's domain,
// WITHOUT angle brackets (the form rapport stores; go-mail and the headers
// add them): "rp.<24 hex digits>@example.com". domain is the part after "@"
// of the sender's address; it is converted to its ASCII (IDNA) form, and a
// domain that cannot be made valid becomes "rapport.invalid".
func NewMessageID(domain string) string {
	return "rp." + randomHex() + "@" + idDomain(domain)
}

// NewMessageIDAt is NewMessageID with the (UTC) time t in the ID, which
// helps a person reading logs: "rp.20261124T141500.<hex>@example.com".
func NewMessageIDAt(domain string, t time.Time) string {
	return "rp." + t.UTC().Format("20060102T150405") + "." + randomHex() + "@" + idDomain(domain)
}

// DomainOf returns the domain of an address, "" if there is none.
func DomainOf(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSpace(addr[i+1:]), ">")
}

func randomHex() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

func idDomain(domain string) string {
	d, err := idna.Lookup.ToASCII(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	if err != nil || d == "" {
		return "rapport.invalid"
	}
	return strings.ToLower(d)
}
