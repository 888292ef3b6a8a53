package classify

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode non-UTF-8 bodies and encoded words
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// Limits bound the work Parse does on one message. Zero or negative fields
// take the defaults.
type Limits struct {
	MaxBytes int64 // raw message bytes looked at; the rest is ignored (default 10 MiB)
	MaxDepth int   // multipart nesting levels descended (default 10)
	MaxParts int   // MIME parts visited, containers included (default 100)
}

// DefaultLimits are used for zero fields of Limits.
var DefaultLimits = Limits{MaxBytes: 10 << 20, MaxDepth: 10, MaxParts: 100}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxParts <= 0 {
		l.MaxParts = DefaultLimits.MaxParts
	}
	return l
}

// maxHeaderBytes bounds one header block (top level or part); a larger block
// is cut and the rest of it treated as body.
const maxHeaderBytes = 128 << 10

// Address is a mailbox with its address normalised by NormalizeAddress.
type Address struct {
	Name string
	Addr string
}

// Calendar is a text/calendar part, read just enough to know what it is.
// Times are left raw because resolving TZID needs a time zone database;
// Classify resolves them with its Context.
type Calendar struct {
	Method   string // REQUEST, REPLY, CANCEL, COUNTER… (upper-case)
	DTStart  string // raw value, e.g. 20261124T140000Z or 20261124T140000
	TZID     string // TZID parameter of DTSTART, if any
	DTEnd    string // raw DTEND value, if any
	EndTZID  string // TZID parameter of DTEND
	Duration string // raw DURATION value, if any
	Summary  string
	PartStat string // PARTSTAT of the first ATTENDEE (ACCEPTED, DECLINED, TENTATIVE…)
	// Raw is the decoded text/calendar part, for the full reader
	// (internal/invite): zones by TZID or VTIMEZONE, Windows zone names.
	Raw []byte
}

// Message is the part of an inbound message the classifier looks at.
type Message struct {
	Header textproto.Header // top-level header fields as received

	Subject                  string // decoded
	From, ReplyTo, To, Cc    []Address
	Sender                   []Address
	ReturnPath               string // normalised address; empty for "<>" or missing
	NullReturnPath           bool   // Return-Path: <> (bounces and RFC 3834 auto-replies)
	MessageID                string // without <>
	InReplyTo, References    []string
	MicrosoftOriginalMessage string // X-Microsoft-Original-Message-ID, without <>
	Date                     time.Time

	MediaType  string // top-level, lower-case
	ReportType string // report-type parameter of a multipart/report, lower-case

	Text         string // the body text: text/plain preferred, else HTML rendered as text
	TextFromHTML bool

	Calendars []Calendar
	DSNs      []*DSN // parsed message/delivery-status and message/global-delivery-status parts
	// OriginalMessageID is the Message-ID of a returned or attached message
	// (text/rfc822-headers, message/rfc822 and message/global* parts).
	OriginalMessageID string
	OriginalSubject   string
	OriginalTo        []string // To and Cc of the returned message, normalised
	OriginalFrom      string   // From of the returned message, normalised
	OriginalInReplyTo []string // In-Reply-To and References of the returned message

	// Feedback is a message/feedback-report part (RFC 5965), if any.
	Feedback *FeedbackReport
	// Disposition is the Disposition field of a message/disposition-notification
	// part (RFC 8098), lower-case; MDN reports whether such a part was seen.
	MDN         bool
	Disposition string
	HTMLText    string // the HTML part rendered as text, when there was one besides text/plain

	// Attachments are the parts that are files rather than the message
	// text (at most maxAttachments are recorded).
	Attachments []Attachment
	// HiddenText: the HTML sets text in a tiny font in (nearly) white,
	// the way bulk mail hides filler text and preheaders.
	HiddenText bool

	Parts     int      // MIME parts visited
	Truncated bool     // a limit cut the parse short (see Notes)
	Notes     []string // what was odd or cut; never fatal
}

// Attachment is a part the sender attached or embedded: a file, an image.
type Attachment struct {
	Name      string // file name (Content-Disposition filename, else Content-Type name), as given
	MediaType string // lower-case
	Inline    bool   // embedded in the text (Content-Disposition: inline or a Content-ID)
}

const maxAttachments = 50

func (m *Message) note(format string, args ...any) {
	if len(m.Notes) < 50 {
		m.Notes = append(m.Notes, fmt.Sprintf(format, args...))
	}
}

// Parse reads a raw RFC 5322 message leniently. It never panics and returns an
// error only when there is nothing to classify (empty input, or no header
// field at all). Anything else that is malformed is skipped and recorded in
// Message.Notes.
//
// Limits truncate rather than fail: a message larger than MaxBytes is parsed
// from its first MaxBytes (a big human reply with an attachment is still a
// human reply, and its header says so); parts nested deeper than MaxDepth and
// parts beyond MaxParts are not visited. Each case sets Truncated and adds a
// note.
func Parse(raw []byte, lim Limits) (*Message, error) {
	lim = lim.withDefaults()
	m := &Message{}
	if int64(len(raw)) > lim.MaxBytes {
		raw = raw[:lim.MaxBytes]
		m.Truncated = true
		m.note("message larger than %d bytes: truncated", lim.MaxBytes)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("parse message: empty")
	}
	h, body := readHeaderLenient(raw, m)
	if h.Len() == 0 {
		return nil, fmt.Errorf("parse message: no header fields")
	}
	m.Header = h
	m.readEnvelope()

	if !h.Has("Content-Type") {
		// A header cut short lost its Content-Type; a body that is plainly
		// MIME parts ("--boundary" then a part header) is read as such.
		if b := guessBoundary(body); b != "" {
			h.Set("Content-Type", `multipart/mixed; boundary="`+b+`"`)
			m.note("no Content-Type: read as multipart with boundary %q", clip(b, 60))
		}
	}
	w := walker{m: m, lim: lim, budget: lim.MaxBytes}
	w.entity(h, body, 0, "")
	if w.plain.Len() > 0 && strings.TrimSpace(w.plain.String()) != "" {
		m.Text = w.plain.String()
		if w.html.Len() > 0 {
			m.HTMLText = cleanText(HTMLToText(w.html.String()))
		}
	} else if w.html.Len() > 0 {
		m.Text = HTMLToText(w.html.String())
		m.TextFromHTML = true
	}
	m.Text = cleanText(m.Text)
	if m.MediaType == "text/html" && !m.TextFromHTML {
		m.TextFromHTML = true
	}
	return m, nil
}

// guessBoundary finds a MIME boundary in a body without a Content-Type:
// a "--token" line followed within three lines by a Content-Type field.
func guessBoundary(body []byte) string {
	lines := bytes.SplitN(body[:min(len(body), 64<<10)], []byte("\n"), 400)
	nonBlank := 0
	for _, l := range lines {
		l = bytes.TrimRight(l, "\r \t")
		if len(l) > 0 {
			nonBlank++
		}
		if nonBlank > 4 {
			break // the first boundary comes right after a short preamble
		}
		if len(l) < 4 || !bytes.HasPrefix(l, []byte("--")) || bytes.ContainsAny(l, " \t") {
			continue
		}
		closing := append(append([]byte{}, l...), '-', '-')
		if !bytes.Contains(body, closing) && !bytes.Contains(body[len(body)/2:], l) {
			return ""
		}
		return string(l[2:])
	}
	return ""
}

// cleanText makes body text safe to regex and show: valid UTF-8, LF line
// ends, no NULs.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\x00", "")
	return s
}

// isFieldLine tells whether a header line starts with "Name:" (printable
// ASCII name without colon, optional trailing blanks before the colon).
func isFieldLine(line []byte) bool {
	i := 0
	for i < len(line) && line[i] >= '!' && line[i] <= '~' && line[i] != ':' {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	return i < len(line) && line[i] == ':'
}

// readHeaderLenient splits raw into a header and a body. Lines that are
// neither fields nor continuations are dropped (with a note) instead of
// ending the header, which is what strict readers do.
func readHeaderLenient(raw []byte, m *Message) (textproto.Header, []byte) {
	var clean bytes.Buffer
	rest := raw
	dropped := 0
	n := 0
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		var line []byte
		if i < 0 {
			line, rest = rest, nil
		} else {
			line, rest = rest[:i+1], rest[i+1:]
		}
		content := bytes.TrimRight(line, "\r\n")
		if len(content) == 0 {
			break // end of header
		}
		n += len(line)
		if n > maxHeaderBytes {
			m.Truncated = true
			m.note("header block larger than %d bytes: cut", maxHeaderBytes)
			// skip to the end of this header block
			if j := bytes.Index(rest, []byte("\n\n")); j >= 0 {
				rest = rest[j+2:]
			} else if j := bytes.Index(rest, []byte("\n\r\n")); j >= 0 {
				rest = rest[j+3:]
			} else {
				rest = nil
			}
			break
		}
		switch {
		case content[0] == ' ' || content[0] == '\t':
			if clean.Len() == 0 {
				dropped++
				continue
			}
		case isFieldLine(content):
		default:
			dropped++
			continue
		}
		clean.Write(bytes.ReplaceAll(content, []byte{0}, nil))
		clean.WriteString("\r\n")
	}
	if dropped > 0 {
		m.note("dropped %d malformed header lines", dropped)
	}
	clean.WriteString("\r\n")
	h, err := textproto.ReadHeader(bufio.NewReader(&clean))
	if err != nil {
		m.note("header: %v", truncErr(err))
	}
	return h, rest
}

func truncErr(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

func (m *Message) readEnvelope() {
	mh := mail.Header{Header: message.Header{Header: m.Header}}
	if s, err := mh.Subject(); err == nil {
		m.Subject = s
	} else {
		m.Subject = s // raw value on error
		m.note("subject: %s", truncErr(err))
	}
	m.Subject = strings.ToValidUTF8(strings.ReplaceAll(m.Subject, "\x00", ""), "\uFFFD")
	m.From = m.addresses("From")
	m.Sender = m.addresses("Sender")
	m.ReplyTo = m.addresses("Reply-To")
	m.To = m.addresses("To")
	m.Cc = m.addresses("Cc")
	if rp := m.Header.Get("Return-Path"); rp != "" {
		t := strings.TrimSpace(rp)
		if t == "<>" || t == "" {
			m.NullReturnPath = true
		} else if as := ExtractAddresses(t); len(as) > 0 {
			m.ReturnPath = as[0]
		}
	}
	if ids := ExtractMessageIDs(m.Header.Get("Message-Id")); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	m.InReplyTo = ExtractMessageIDs(m.Header.Get("In-Reply-To"))
	m.References = ExtractMessageIDs(strings.Join(m.Header.Values("References"), " "))
	if ids := ExtractMessageIDs(m.Header.Get("X-Microsoft-Original-Message-Id")); len(ids) > 0 {
		m.MicrosoftOriginalMessage = ids[0]
	}
	if d, err := mh.Date(); err == nil {
		m.Date = d
	} else {
		m.note("date: %s", truncErr(err))
	}
}

// addresses reads an address header, falling back to picking addr-specs out
// of the raw value when it does not parse.
func (m *Message) addresses(key string) []Address {
	v := m.Header.Get(key)
	if v == "" {
		return nil
	}
	mh := mail.Header{Header: message.Header{Header: m.Header}}
	list, err := mh.AddressList(key)
	var out []Address
	if err == nil {
		for _, a := range list {
			if a == nil {
				continue
			}
			if n := NormalizeAddress(a.Address); n != "" {
				out = append(out, Address{Name: strings.ToValidUTF8(a.Name, "\uFFFD"), Addr: n})
			}
		}
		return out
	}
	for _, a := range ExtractAddresses(v) {
		out = append(out, Address{Addr: a})
	}
	return out
}

// walker visits the MIME tree within the limits.
type walker struct {
	m           *Message
	lim         Limits
	budget      int64 // decoded bytes still allowed to be read
	plain, html strings.Builder
}

func (w *walker) entity(h textproto.Header, body []byte, depth int, parent string) {
	w.m.Parts++
	if w.m.Parts > w.lim.MaxParts {
		if w.m.Parts == w.lim.MaxParts+1 {
			w.m.Truncated = true
			w.m.note("more than %d parts: rest ignored", w.lim.MaxParts)
		}
		return
	}
	mh := message.Header{Header: h}
	mt, params, err := mh.ContentType()
	if err != nil || mt == "" {
		mt, params = "text/plain", map[string]string{}
		if h.Has("Content-Type") {
			w.m.note("bad Content-Type: treated as text/plain")
		}
	}
	mt = strings.ToLower(mt)
	if depth == 0 {
		w.m.MediaType = mt
		if mt == "multipart/report" {
			w.m.ReportType = strings.ToLower(params["report-type"])
		}
	}
	if strings.HasPrefix(mt, "multipart/") {
		if depth >= w.lim.MaxDepth {
			w.m.Truncated = true
			w.m.note("multipart nested deeper than %d: not descended", w.lim.MaxDepth)
			return
		}
		boundary := params["boundary"]
		if boundary == "" {
			w.m.note("multipart without boundary: body ignored")
			return
		}
		parts, closed := splitMultipart(body, boundary)
		if !closed {
			w.m.note("multipart %q: missing closing boundary", mt)
		}
		for _, p := range parts {
			if w.m.Parts >= w.lim.MaxParts+1 {
				break
			}
			ph, pb := readHeaderLenient(p, w.m)
			w.entity(ph, pb, depth+1, mt)
		}
		return
	}

	attachment := false
	disp, dparams, derr := mh.ContentDisposition()
	if derr == nil && strings.EqualFold(disp, "attachment") {
		attachment = true
	}
	w.attachment(h, mt, params, disp, dparams, attachment)
	switch {
	case mt == "message/delivery-status" || mt == "message/global-delivery-status":
		d, err := ParseDSN(w.decode(h, body, false))
		if err != nil {
			w.m.note("delivery-status: %s", truncErr(err))
		}
		if d != nil {
			w.m.DSNs = append(w.m.DSNs, d)
		}
	case mt == "text/rfc822-headers" || mt == "message/rfc822" || mt == "message/global" || mt == "message/global-headers":
		data := w.decode(h, body, mt == "text/rfc822-headers")
		sub := &Message{}
		oh, _ := readHeaderLenient(data, sub)
		w.m.original(oh)
	case mt == "message/feedback-report":
		w.m.Feedback = parseFeedback(w.decode(h, body, true))
	case mt == "message/disposition-notification" || mt == "message/global-disposition-notification":
		w.m.MDN = true
		fh := readFieldGroup(bytes.ReplaceAll(w.decode(h, body, true), []byte("\r\n"), []byte("\n")))
		w.m.Disposition = strings.ToLower(strings.TrimSpace(fh.Get("Disposition")))
	case mt == "text/calendar":
		raw := w.decode(h, body, true)
		if c, ok := parseCalendar(string(raw)); ok {
			c.Raw = raw
			w.m.Calendars = append(w.m.Calendars, c)
		}
	case mt == "text/plain" && !attachment:
		t := w.decode(h, body, true)
		if w.plain.Len() > 0 {
			if parent == "multipart/alternative" {
				return // a second plain alternative adds nothing
			}
			w.plain.WriteString("\n")
		}
		w.plain.Write(t)
	case mt == "text/html" && !attachment:
		if w.html.Len() == 0 {
			raw := w.decode(h, body, true)
			w.html.Write(raw)
			if hiddenTextRe.Match(raw[:min(len(raw), 256<<10)]) {
				w.m.HiddenText = true
			}
		}
	}
}

// attachment records a part that is a file: one marked attachment, one
// with a file name, or a non-text leaf that is not a report part.
func (w *walker) attachment(h textproto.Header, mt string, params map[string]string, disp string, dparams map[string]string, marked bool) {
	if len(w.m.Attachments) >= maxAttachments {
		return
	}
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	switch {
	case strings.HasPrefix(mt, "message/") || mt == "text/rfc822-headers" || mt == "text/calendar":
		return // reports, returned messages and invitations are read elsewhere
	case !marked && name == "" && (mt == "text/plain" || mt == "text/html"):
		return // the message text
	}
	inline := strings.EqualFold(disp, "inline") || (disp == "" && h.Has("Content-Id"))
	name = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' ' // a name is shown in reasons: no control characters
		}
		return r
	}, strings.ToValidUTF8(name, "\uFFFD"))
	w.m.Attachments = append(w.m.Attachments, Attachment{Name: clip(name, 200), MediaType: mt, Inline: inline})
}

// hiddenTextRe: a style that sets a tiny font and a (nearly) white colour
// in one declaration, in either order.
var hiddenTextRe = regexp.MustCompile(`(?i)font-size\s*:\s*(?:xx-small|x-small|[0-2](?:\.\d+)?px|0?\.[0-6]\d*em|[0-3]pt|[1-5]%)[^{}<>"]{0,120}?[^-]color\s*:\s*(?:#f[ef]f[ef]f[ef]\b|#fff\b|#f[ef]{5}\b|white\b)|[^-]color\s*:\s*(?:#f[ef]f[ef]f[ef]\b|#fff\b|#f[ef]{5}\b|white\b)[^{}<>"]{0,120}?font-size\s*:\s*(?:xx-small|x-small|[0-2](?:\.\d+)?px|0?\.[0-6]\d*em|[0-3]pt|[1-5]%)`)

// original records the header of a returned or attached message: the
// first one with a Message-ID wins.
func (m *Message) original(oh textproto.Header) {
	if m.OriginalMessageID != "" || oh.Len() == 0 {
		return
	}
	ids := ExtractMessageIDs(oh.Get("Message-Id"))
	if len(ids) == 0 && !oh.Has("From") && !oh.Has("To") {
		return
	}
	if len(ids) > 0 {
		m.OriginalMessageID = ids[0]
	}
	omh := mail.Header{Header: message.Header{Header: oh}}
	s, _ := omh.Subject()
	m.OriginalSubject = strings.ToValidUTF8(s, "\uFFFD")
	for _, k := range []string{"To", "Cc"} {
		m.OriginalTo = append(m.OriginalTo, ExtractAddresses(oh.Get(k))...)
	}
	if as := ExtractAddresses(oh.Get("From")); len(as) > 0 {
		m.OriginalFrom = as[0]
	}
	m.OriginalInReplyTo = append(ExtractMessageIDs(oh.Get("In-Reply-To")), ExtractMessageIDs(strings.Join(oh.Values("References"), " "))...)
}

// decode undoes the transfer encoding and, for text, the charset. Broken
// encodings yield what could be decoded.
func (w *walker) decode(h textproto.Header, body []byte, text bool) []byte {
	e, err := message.New(message.Header{Header: h}, bytes.NewReader(body))
	if err != nil {
		// unknown charset or encoding: the raw body is still readable
		w.m.note("part: %s", truncErr(err))
		if e == nil {
			return body
		}
	}
	limit := w.budget
	if limit <= 0 {
		w.m.Truncated = true
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(e.Body, limit+1))
	if int64(len(data)) > limit {
		data = data[:limit]
		w.m.Truncated = true
		w.m.note("decoded text over budget: cut")
	}
	w.budget -= int64(len(data))
	if err != nil {
		w.m.note("decode: %s", truncErr(err))
	}
	if text && !utf8.Valid(data) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	return data
}

// splitMultipart cuts a multipart body at its boundary lines. It tolerates a
// missing closing boundary (closed is then false), LF or CRLF line ends and
// trailing whitespace after a boundary.
func splitMultipart(body []byte, boundary string) (parts [][]byte, closed bool) {
	delim := []byte("--" + boundary)
	var cur []byte
	in := false
	start := 0
	rest := body
	pos := 0
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		var line []byte
		next := len(rest)
		if i >= 0 {
			next = i + 1
		}
		line = rest[:next]
		trimmed := bytes.TrimRight(line, " \t\r\n")
		if bytes.HasPrefix(trimmed, delim) {
			tail := trimmed[len(delim):]
			if len(tail) == 0 || bytes.Equal(tail, []byte("--")) {
				if in {
					end := pos
					// the line break before the boundary belongs to it
					cur = body[start:end]
					cur = bytes.TrimSuffix(cur, []byte("\n"))
					cur = bytes.TrimSuffix(cur, []byte("\r"))
					parts = append(parts, cur)
				}
				if len(tail) == 2 {
					return parts, true
				}
				in = true
				start = pos + next
			}
		}
		pos += next
		rest = rest[next:]
	}
	if in && start <= len(body) {
		parts = append(parts, body[start:])
	}
	return parts, false
}

// parseCalendar reads METHOD, DTSTART, SUMMARY and the first ATTENDEE's
// PARTSTAT from an iCalendar text, unfolding lines. It ignores everything it
// does not understand.
func parseCalendar(s string) (Calendar, bool) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\n ", "")
	s = strings.ReplaceAll(s, "\n\t", "")
	var c Calendar
	inEvent := false
	found := false
	for line := range strings.SplitSeq(s, "\n") {
		i := strings.IndexByte(line, ':')
		if i < 0 {
			continue
		}
		nameParams, value := line[:i], strings.TrimSpace(line[i+1:])
		name, params, _ := strings.Cut(nameParams, ";")
		name = strings.ToUpper(strings.TrimSpace(name))
		switch name {
		case "BEGIN":
			if strings.EqualFold(value, "VCALENDAR") {
				found = true
			}
			if strings.EqualFold(value, "VEVENT") {
				inEvent = true
			}
		case "END":
			if strings.EqualFold(value, "VEVENT") && c.DTStart != "" {
				inEvent = false
			}
		case "METHOD":
			if c.Method == "" {
				c.Method = strings.ToUpper(value)
			}
		case "DTSTART":
			if inEvent && c.DTStart == "" {
				c.DTStart = value
				c.TZID = paramValue(params, "TZID")
			}
		case "DTEND":
			if inEvent && c.DTEnd == "" {
				c.DTEnd = value
				c.EndTZID = paramValue(params, "TZID")
			}
		case "DURATION":
			if inEvent && c.Duration == "" {
				c.Duration = value
			}
		case "SUMMARY":
			if inEvent && c.Summary == "" {
				c.Summary = value
			}
		case "ATTENDEE":
			if inEvent && c.PartStat == "" {
				c.PartStat = strings.ToUpper(paramValue(params, "PARTSTAT"))
			}
		}
	}
	return c, found
}

func paramValue(params, key string) string {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(p, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}
