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
	OriginalRecipient string // normalised, if given
	Action            string // failed, delayed, delivered, relayed, expanded (lower-case)
	Status            string // RFC 3463 code such as 5.1.1; "" if none was given or found
	Diagnostic        string // Diagnostic-Code without its type, e.g. "550 5.1.1 user unknown"
	RemoteMTA         string
}

// Permanent tells whether this recipient failed for good: Action failed
// with a 5.x.x status, or failed with no usable status.
func (r Recipient) Permanent() bool {
	if r.Action == "delayed" || strings.HasPrefix(r.Status, "4.") {
		return false
	}
	if strings.HasPrefix(r.Status, "5.") {
		return r.Action == "" || r.Action == "failed"
	}
	return r.Action == "failed"
}

// Failed tells whether the recipient did not (yet) get the message.
func (r Recipient) Failed() bool {
	switch r.Action {
	case "failed", "delayed":
		return true
	case "delivered", "relayed", "expanded":
		return false
	}
	return strings.HasPrefix(r.Status, "4.") || strings.HasPrefix(r.Status, "5.")
}

var statusRe = regexp.MustCompile(`\b([245])\.(\d{1,3})\.(\d{1,3})\b`)

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
		if m := statusRe.FindString(h.Get("Status")); m != "" {
			r.Status = m
		} else if m := statusRe.FindString(r.Diagnostic); m != "" {
			r.Status = m
		}
		if r.Action != "" {
			r.Action = strings.Fields(r.Action)[0]
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

// Bounce describes a non-delivery report.
type Bounce struct {
	Recipients        []Recipient // failed or delayed recipients
	Permanent         bool        // at least one recipient failed for good
	OriginalMessageID string      // Message-ID of our message, if returned
	Source            string      // "dsn" (RFC 3464 report) or "heuristic"
}

// Bounce subjects from MTAs in the wild, anchored at the start (a human's
// "Re: Undeliverable" is not a bounce subject).
var bounceSubjectRe = regexp.MustCompile(`(?i)^\s*(?:undeliverable|undelivered mail|undeliverable mail|delivery status notification|mail delivery failed|mail delivery failure|delivery failure|failure notice|returned mail|non[- ]?delivery|nondeliverable|delivery has failed|delivery notification|message not delivered|mail system error|could not send message|message delivery failure|warning: could not send|delayed mail|delivery delayed|unzustellbar|nicht zustellbar|non remis|non distribuable|échec de la remise|no se puede entregar|no entregado|non recapitabile|onbestelbaar|kan niet worden bezorgd)`)

// Body patterns of non-standard bounces.
var bounceBodyRe = regexp.MustCompile(`(?i)(?:user unknown|unknown user|no such user|mailbox unavailable|mailbox not found|mailbox does not exist|address rejected|recipient address rejected|does not exist|could not be delivered|couldn't be delivered|wasn't delivered|was not delivered|delivery has failed|permanent error|permanent fatal error|undeliverable|unrouteable address|host unknown|i'm sorry to have to inform you|this is a permanent error|delivery to the following recipients? failed|message could not be delivered|returned to sender|failed permanently|address couldn't be found|recipient not found|the following addresses had permanent fatal errors|delivery incomplete|will retry|has been delayed|is delayed|\b55[0-4][ -]|\b5\.\d\.\d{1,3}\b)`)

var softBodyRe = regexp.MustCompile(`(?i)(?:delay(?:ed)?\b|will (?:continue to )?(?:re)?try|will be retried|temporar(?:y|ily)|\b4\.\d\.\d{1,3}\b|\b4[25]\d[ -])`)

var (
	permanentRe    = regexp.MustCompile(`(?i)permanent|\b5\d\d\b`)
	delaySubjectRe = regexp.MustCompile(`(?i)\(delay\)|delayed|warning: could not send`)
)

// bodyRecipientRe finds the recipient named by qmail ("<x@y>:"), Exim
// ("  x@y\n    host …") and Google/Microsoft texts ("to x@y"); the address
// must stand on its own line or in <> followed by a colon.
var bodyRecipientRe = regexp.MustCompile(`(?m)^\s*<?([^\s<>@]+@[^\s<>@:]+?)>?:?\s*$|<([^\s<>@]+@[^\s<>@]+)>:`)

// originalIDInBodyRe finds a returned message's Message-ID in bounce text.
var originalIDInBodyRe = regexp.MustCompile(`(?im)^\s*message-id:\s*(<[^<>\s]+>)`)

func isDaemonAddr(a string) bool {
	local, _, _ := strings.Cut(a, "@")
	switch local {
	case "mailer-daemon", "postmaster", "mail-daemon", "maildaemon", "mailerdaemon", "mailer_daemon", "bounce", "bounces", "mdaemon":
		return true
	}
	return false
}

// detectBounce returns a Bounce and the reason, or nil.
func detectBounce(m *Message) (*Bounce, string) {
	// RFC 3464 reports first.
	var recips []Recipient
	for _, d := range m.DSNs {
		recips = append(recips, d.Recipients...)
	}
	if len(m.DSNs) > 0 || (m.MediaType == "multipart/report" && m.ReportType == "delivery-status") {
		b := &Bounce{Source: "dsn", OriginalMessageID: m.OriginalMessageID}
		for _, r := range recips {
			if r.Failed() {
				b.Recipients = append(b.Recipients, r)
				if r.Permanent() {
					b.Permanent = true
				}
			}
		}
		if len(recips) > 0 && len(b.Recipients) == 0 {
			return nil, "" // a success DSN (delivered/relayed/expanded) is not a bounce
		}
		if len(recips) == 0 {
			// A report we could not read: fall back on the text.
			b.Source = "heuristic"
			fillFromText(b, m)
		}
		if b.OriginalMessageID == "" {
			b.OriginalMessageID = originalIDFromText(m.Text)
		}
		return b, "delivery-status report (RFC 3464)"
	}

	from := ""
	if len(m.From) > 0 {
		from = m.From[0].Addr
	}
	fromName := ""
	if len(m.From) > 0 {
		fromName = strings.ToLower(m.From[0].Name)
	}
	daemon := isDaemonAddr(from) || strings.Contains(fromName, "mail delivery") || strings.Contains(fromName, "mailer-daemon") || strings.Contains(fromName, "mail delivery subsystem")
	failedHdr := m.Header.Get("X-Failed-Recipients")
	ndrHdr := m.Header.Has("X-Ms-Exchange-Message-Is-Ndr")
	subj := bounceSubjectRe.MatchString(m.Subject)
	// The body patterns are costly; only look when something else hints.
	bodyHit := (daemon || subj) && bounceBodyRe.MatchString(headOf(m.Text, 8000))

	reason := ""
	switch {
	case failedHdr != "":
		reason = "X-Failed-Recipients header"
	case ndrHdr:
		reason = "X-MS-Exchange-Message-Is-Ndr header"
	case daemon && (subj || bodyHit):
		reason = "mailer-daemon sender"
	case subj && (bodyHit || m.NullReturnPath || daemon):
		reason = "bounce subject and text"
	default:
		return nil, ""
	}
	b := &Bounce{Source: "heuristic", OriginalMessageID: m.OriginalMessageID}
	for _, a := range ExtractAddresses(failedHdr) {
		b.Recipients = append(b.Recipients, Recipient{Addr: a, Action: "failed"})
	}
	fillFromText(b, m)
	if b.OriginalMessageID == "" {
		b.OriginalMessageID = originalIDFromText(m.Text)
	}
	return b, reason
}

// fillFromText completes a heuristic bounce from its human-readable text:
// recipients, status code and whether it is final.
func fillFromText(b *Bounce, m *Message) {
	text := headOf(m.Text, 16000)
	// Only the part before the returned copy of our message.
	for _, marker := range []string{"------ This is a copy of the message", "--- Below this line is a copy of the message", "----- Original message -----", "------- Returned Message", "----- Original Message -----", "The original message was received"} {
		if i := strings.Index(text, marker); i > 0 {
			text = text[:i]
		}
	}
	status := statusRe.FindString(text)
	soft := strings.HasPrefix(status, "4.") || (status == "" && softBodyRe.MatchString(text) && !permanentRe.MatchString(text)) ||
		delaySubjectRe.MatchString(m.Subject)
	if len(b.Recipients) == 0 {
		own := map[string]bool{}
		for _, a := range m.From {
			own[a.Addr] = true
		}
		for _, a := range m.To {
			own[a.Addr] = true
		}
		for _, sm := range bodyRecipientRe.FindAllStringSubmatch(text, 20) {
			a := sm[1]
			if a == "" {
				a = sm[2]
			}
			if n := NormalizeAddress(a); n != "" && !own[n] && !isDaemonAddr(n) {
				own[n] = true
				b.Recipients = append(b.Recipients, Recipient{Addr: n})
			}
		}
		if len(b.Recipients) == 0 {
			// Last resort: any address in the text that is not a party.
			for _, a := range ExtractAddresses(text) {
				if !own[a] && !isDaemonAddr(a) {
					b.Recipients = append(b.Recipients, Recipient{Addr: a})
					break
				}
			}
		}
	}
	action := "failed"
	if soft {
		action = "delayed"
	}
	for i := range b.Recipients {
		if b.Recipients[i].Status == "" {
			b.Recipients[i].Status = status
		}
		if b.Recipients[i].Action == "" || soft {
			b.Recipients[i].Action = action
		}
	}
	b.Permanent = !soft
}

func originalIDFromText(s string) string {
	if m := originalIDInBodyRe.FindStringSubmatch(headOf(s, 64<<10)); m != nil {
		return strings.Trim(m[1], "<>")
	}
	return ""
}

func headOf(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
