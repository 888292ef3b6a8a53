package classify

import (
	"bufio"
	"bytes"
	"errors"
	"regexp"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// DSN is a parsed message/delivery-status body (RFC 3464; RFC 6533 for the
// global variant).
type DSN struct {
	ReportingMTA       string
	OriginalEnvelopeID string
	Recipients         []Recipient
}

// Recipient is one per-recipient block of a DSN, or a recipient found by the
// heuristics for non-standard bounces.
type Recipient struct {
	Addr              string // Final-Recipient (else Original-Recipient), normalised
	OriginalRecipient string // Original-Recipient, normalised, when given and different from Addr
	Action            string // failed, delayed, delivered, relayed, expanded (lower-case)
	Status            string // RFC 3463 code such as 5.1.1; "" if none was given or found
	Diagnostic        string // Diagnostic-Code without its type, e.g. "550 5.1.1 user unknown"
	RemoteMTA         string
}

// normAction maps what MTAs write in Action to the RFC 3464 words:
// SendGrid writes "expired", some write "failure" or "bounced".
func normAction(a string) string {
	switch a {
	case "failed", "failure", "fail", "expired", "bounced", "bounce", "rejected", "undeliverable", "error":
		return "failed"
	case "delayed", "delay", "deferred", "retrying", "warning", "transient":
		return "delayed"
	case "delivered", "relayed", "expanded", "sent", "success":
		return a
	}
	return a
}

// Permanent tells whether delivery to this recipient has ended in failure:
// Action failed (whatever the status class: a 4.x.x that failed is a
// temporary error given up on, e.g. after days in the queue), or a 5.x.x
// status without an Action.
func (r Recipient) Permanent() bool {
	switch normAction(r.Action) {
	case "failed":
		return true
	case "delayed", "delivered", "relayed", "expanded":
		return false
	}
	return strings.HasPrefix(r.Status, "5.")
}

// Delayed tells whether delivery is still being tried.
func (r Recipient) Delayed() bool {
	if normAction(r.Action) == "delayed" {
		return true
	}
	return r.Action == "" && strings.HasPrefix(r.Status, "4.")
}

// Failed tells whether the recipient did not (yet) get the message.
func (r Recipient) Failed() bool {
	switch normAction(r.Action) {
	case "failed", "delayed":
		return true
	case "delivered", "relayed", "expanded":
		return false
	}
	return strings.HasPrefix(r.Status, "4.") || strings.HasPrefix(r.Status, "5.")
}

// Address is the address rapport sent to: the Original-Recipient when it
// is an address, else the Final-Recipient.
func (r Recipient) Address() string {
	if r.OriginalRecipient != "" {
		return r.OriginalRecipient
	}
	return r.Addr
}

// statusRe finds an RFC 3463 status: class 2, 4 or 5, subject 0-7,
// detail up to three digits, not inside a longer dotted number or a
// version ("v2.2.5", "Postfix 2.11.3", "1.5.2.1").
var statusRe = regexp.MustCompile(`(?:^|[^\w.\-/#])#?([245]\.[0-7]\.\d{1,3})(?:$|[^\w.\-]|\.(?:\s|$))`)

// findStatus returns the first status in s, "" if none.
func findStatus(s string) string {
	for _, m := range statusRe.FindAllStringSubmatchIndex(s, 20) {
		before := strings.ToLower(s[max(0, m[2]-12):m[2]])
		if strings.Contains(before, "version") || strings.HasSuffix(strings.TrimSpace(before), "v") || strings.Contains(before, "release") {
			continue
		}
		return s[m[2]:m[3]]
	}
	return ""
}

// maxDSNRecipients bounds the per-recipient blocks read from one report.
const maxDSNRecipients = 100

// ParseDSN parses the body of a message/delivery-status part: a per-message
// field group followed by per-recipient groups, separated by blank lines.
// It is lenient: unparsable lines are skipped, and it returns whatever it
// found with an error only when no recipient block could be read.
func ParseDSN(body []byte) (*DSN, error) {
	if len(body) > 1<<20 {
		body = body[:1<<20]
	}
	body = bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))
	// Some MTAs indent or add blank lines oddly; split on blank lines ourselves
	// and let textproto read each group after dropping malformed lines.
	var groups [][]byte
	for g := range bytes.SplitSeq(body, []byte("\n\n")) {
		if len(bytes.TrimSpace(g)) > 0 {
			groups = append(groups, g)
		}
	}
	if len(groups) == 0 {
		return nil, errors.New("delivery-status: empty")
	}
	d := &DSN{}
	for i, g := range groups {
		h := readFieldGroup(g)
		if i == 0 && !h.Has("Final-Recipient") && !h.Has("Original-Recipient") {
			d.ReportingMTA = stripType(h.Get("Reporting-Mta"))
			d.OriginalEnvelopeID = strings.TrimSpace(h.Get("Original-Envelope-Id"))
			continue
		}
		r := Recipient{
			Addr:              firstAddr(stripType(h.Get("Final-Recipient"))),
			OriginalRecipient: firstAddr(stripType(h.Get("Original-Recipient"))),
			Action:            strings.ToLower(strings.TrimSpace(h.Get("Action"))),
			Diagnostic:        clip(stripType(h.Get("Diagnostic-Code")), 500),
			RemoteMTA:         stripType(h.Get("Remote-Mta")),
		}
		if r.Addr == "" {
			r.Addr = r.OriginalRecipient
		}
		if r.OriginalRecipient == r.Addr {
			r.OriginalRecipient = ""
		}
		if m := findStatus(h.Get("Status")); m != "" {
			r.Status = m
		} else if m := findStatus(r.Diagnostic); m != "" {
			r.Status = m
		}
		if r.Action != "" {
			r.Action = normAction(strings.Trim(strings.Fields(r.Action)[0], ".;,()"))
		}
		if r.Addr == "" && r.Action == "" && r.Status == "" {
			continue
		}
		d.Recipients = append(d.Recipients, r)
		if len(d.Recipients) >= maxDSNRecipients {
			break
		}
	}
	if len(d.Recipients) == 0 {
		return d, errors.New("delivery-status: no recipient fields")
	}
	return d, nil
}

// readFieldGroup reads one "Name: value" group with go-message's textproto,
// after dropping lines that would make it stop early.
func readFieldGroup(g []byte) textproto.Header {
	var clean bytes.Buffer
	for line := range bytes.SplitSeq(g, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if clean.Len() == 0 {
				continue
			}
		} else if !isFieldLine(line) {
			continue
		}
		clean.Write(bytes.ReplaceAll(line, []byte{0}, nil))
		clean.WriteString("\r\n")
	}
	clean.WriteString("\r\n")
	h, _ := textproto.ReadHeader(bufio.NewReader(&clean))
	return h
}

// stripType turns "rfc822; x@y" into "x@y" and "smtp; 550 …" into "550 …".
func stripType(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, ';'); i >= 0 && i < 20 && !strings.ContainsAny(v[:i], " @<") {
		v = strings.TrimSpace(v[i+1:])
	}
	return strings.ToValidUTF8(strings.Join(strings.Fields(v), " "), "\uFFFD")
}

func firstAddr(v string) string {
	if as := ExtractAddresses(v); len(as) > 0 {
		return as[0]
	}
	// an address no valid domain ("user@#example.net"): kept as written,
	// so a report about it can still be matched by hand
	v = strings.Trim(strings.TrimSpace(v), "<>\"'")
	if at := strings.LastIndexByte(v, '@'); at > 0 && at < len(v)-1 && !strings.ContainsAny(v, " \t<>,;()") && len(v) < 256 {
		return strings.ToLower(v)
	}
	return ""
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
