package classify

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
)

var msgIDRe = regexp.MustCompile(`<([^<>\s]+)>`)

// ExtractMessageIDs returns every <...> token of a Message-ID, In-Reply-To or
// References value, without the brackets, in order. It is deliberately
// lenient: go-message's MsgIDList stops at the first malformed identifier.
// A value with no brackets at all is split on whitespace and commas (some
// clients send bare identifiers).
func ExtractMessageIDs(v string) []string {
	if len(v) > 64<<10 {
		v = v[:64<<10]
	}
	var out []string
	for _, m := range msgIDRe.FindAllStringSubmatch(v, -1) {
		if id := strings.TrimSpace(m[1]); id != "" {
			out = append(out, id)
		}
	}
	if len(out) == 0 && !strings.ContainsAny(v, "<>") {
		for f := range strings.FieldsFuncSeq(v, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) {
			if strings.Contains(f, "@") {
				out = append(out, f)
			}
		}
	}
	return out
}

// CandidateIDs lists the Message-IDs a caller should look up in its thread
// table, best evidence first: In-Reply-To, then References newest (last)
// first, then X-Microsoft-Original-Message-ID. IDs are trimmed, without <>,
// and de-duplicated case-sensitively (compare exactly first, then fold case
// as a fallback, per MAIL-NOTES §4.2).
func CandidateIDs(m *Message) []string {
	if m == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		id = strings.TrimSpace(strings.Trim(strings.TrimSpace(id), "<>"))
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, id := range m.InReplyTo {
		add(id)
	}
	for i := len(m.References) - 1; i >= 0; i-- {
		add(m.References[i])
	}
	add(m.MicrosoftOriginalMessage)
	return out
}

// NormalizeAddress lower-cases an address and IDNA-encodes its domain
// (Unicode domains become xn--). Dots and +tags are kept. It accepts
// "Name <a@b>" and bare addresses and returns "" when there is no
// local@domain in s.
func NormalizeAddress(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			s = s[i+1 : i+j]
		}
	}
	s = strings.Trim(strings.TrimSpace(s), "<>\"'")
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n") {
		return ""
	}
	local, domain := s[:at], strings.TrimRight(s[at+1:], ".")
	if domain == "" || domain[0] == '.' || strings.Contains(domain, "..") {
		return ""
	}
	local = strings.ToLower(local)
	if a, err := idna.Lookup.ToASCII(domain); err == nil && a != "" {
		domain = a
	} else if a, err := idna.Punycode.ToASCII(strings.ToLower(domain)); err == nil && a != "" {
		domain = a
	}
	domain = strings.TrimRight(strings.ToLower(domain), ".")
	if domain == "" || domain[0] == '.' || strings.Contains(domain, "..") {
		return ""
	}
	for i := 0; i < len(domain); i++ {
		c := domain[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '[' || c == ']' || c == ':') {
			return "" // not a domain (fuzzing found `0@".`)
		}
	}
	return local + "@" + domain
}

var addrRe = regexp.MustCompile(`[\p{L}\p{N}!#$%&'*+/=?^_{|}~.-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+`)

// ExtractAddresses picks every addr-spec out of free text and returns them
// normalised, in order, without duplicates.
func ExtractAddresses(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range addrRe.FindAllString(s, 200) {
		a = strings.Trim(a, ".")
		if n := NormalizeAddress(a); n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// replyPrefixRe matches one reply/forward prefix, with an optional [2] or (2)
// counter and an ASCII or full-width colon. Prefixes (MAIL-NOTES §4.3): re,
// aw, sv, vs, antw, ref, réf, rif, r, odp, ynt, atb, 回复, 答复, fw, fwd, wg,
// tr, enc, plus a few common extras (antwort, wtr, rv, res, doorst).
var replyPrefixRe = regexp.MustCompile(`(?i)^\s*(?:re|aw|sv|vs|antw|antwort|ref|réf|rif|r|odp|ynt|atb|回复|答复|回覆|fw|fwd|wg|tr|enc|rv|res|wtr|doorst)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]`)

// tagRe matches a leading [EXTERNAL]-style tag (letters, spaces, dashes, no
// digits so that counters like [2] are not eaten on their own).
var tagRe = regexp.MustCompile(`^\s*[\[(](?:external|ext|extern|externe|externo|caution|warning|spam|suspected spam|\*+spam\*+|possible spam|sender unverified|fwd?|phish alert)[\])]\s*:?`)

// NormalizeSubject strips reply/forward prefixes (in a loop, with counters),
// [EXTERNAL]-style tags, collapses whitespace and case-folds, so a reply's
// subject can be compared with the subject we sent.
func NormalizeSubject(s string) string {
	s = strings.ToLower(strings.ToValidUTF8(s, ""))
	for range 50 {
		before := s
		s = replyPrefixRe.ReplaceAllString(s, "")
		s = tagRe.ReplaceAllString(s, "")
		if s == before {
			break
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	return foldCase(s)
}

// foldCase applies simple Unicode case folding on top of ToLower (ß stays;
// ς→σ and the like are what SimpleFold gives).
func foldCase(s string) string {
	return strings.Map(func(r rune) rune {
		if r == 'ς' {
			return 'σ'
		}
		return unicode.ToLower(r)
	}, s)
}
