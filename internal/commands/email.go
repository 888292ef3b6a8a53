package commands

import (
	"net/mail"
	"regexp"
	"strings"

	"golang.org/x/net/idna"
)

// emailPattern finds an addr-spec in free text. The full check is
// normalizeEmail.
const emailPattern = `[\p{L}\p{N}!#$%&'*+/=?^_{|}~.-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+`

var (
	emailRe = regexp.MustCompile(emailPattern)
	// Clients that turn addresses into links write "maria@x.com
	// <mailto:maria@x.com>" in the plain-text part.
	mailtoRe = regexp.MustCompile(`(?i)\s*[<\[(]mailto:[^>\])\s]*[>\])]`)
)

// normalizeEmail returns the canonical form of an address (as
// contacts.NormalizeEmail does: local part and domain lower-cased, domain
// IDNA-encoded) and whether s is one.
func normalizeEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 254 || strings.ContainsAny(s, "\r\n\x00 \t\"\\<>,;") {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", false
	}
	local, domain := s[:at], s[at+1:]
	ascii, err := idna.Lookup.ToASCII(strings.ToLower(domain))
	if err != nil || !strings.Contains(ascii, ".") {
		return "", false
	}
	return strings.ToLower(local) + "@" + ascii, true
}

func stripMailto(s string) string { return mailtoRe.ReplaceAllString(s, "") }

// splitEmails splits an argument list into the addresses it names (written
// bare, in angle brackets, or after "with"/"for") and the other words.
func splitEmails(rest string) (emails, others []string) {
	toks := strings.Fields(stripMailto(rest))
	for i := 0; i < len(toks); i++ {
		t := strings.Trim(toks[i], "<>()[],;.:!?'\"")
		if a, ok := normalizeEmail(t); ok {
			emails = appendUnique(emails, a)
			continue
		}
		lt := strings.ToLower(t)
		if (lt == "with" || lt == "for" || lt == "to" || lt == "and" || lt == "") && i+1 < len(toks) {
			if _, ok := normalizeEmail(strings.Trim(toks[i+1], "<>()[],;.:!?'\"")); ok {
				continue
			}
		}
		if t == "" {
			continue
		}
		others = append(others, toks[i])
	}
	return emails, others
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func isURL(s string) bool {
	ls := strings.ToLower(s)
	return (strings.HasPrefix(ls, "https://") || strings.HasPrefix(ls, "http://")) &&
		len(s) > 10 && len(s) <= 500 && !strings.ContainsAny(s, " \t\r\n\"<>") && validField(s)
}
