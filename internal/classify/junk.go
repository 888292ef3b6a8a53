package classify

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Junk is mail nobody wrote to the owner: spam, mail-borne malware (worms
// send themselves under forged senders, often with a "Re:" subject) and
// unsolicited bulk mail. A careful assistant does not take it for a
// person's answer. It is only looked for in mail outside rapport's thread:
// a reply citing a message rapport sent is a person whatever a filter
// thinks of it.
//
// The evidence is weighed, not taken one sign at a time, because people
// write short notes, use HTML, post to lists and have their mail misfiled
// by spam filters. Each sign scores points and junkThreshold decides:
//
//   - decisive alone (3): a spam or virus filter's verdict in the header
//     (X-Spam-Flag: YES, X-Spam-Status: Yes, SCL 5-9, X-Virus-Status:
//     Infected…) or its tag in the subject ([SPAM], *****SPAM*****); a
//     virus scanner's notice in the text; an executable attachment (.exe,
//     .scr, .pif, a double extension such as .pdf.exe).
//   - strong (2): text hidden in a tiny white font (filler and
//     preheaders of bulk mail); a "view this newsletter in your browser"
//     banner; a delivery-failure subject from an ordinary sender with no
//     report in it (worms dress up as bounces); mail sent as the mailing
//     list itself without anybody's name; an archive or macro document
//     under a one-line lure ("Try this.", "Important notice!");
//     obfuscated words (P@tches, m@nual, p0rn) in numbers; header names
//     in capitals (FROM:, SUBJECT:), which mass-mailing programs write
//     and mail programs do not.
//   - weak (1): a "Re:" subject with no In-Reply-To or References (2 when
//     nothing follows the "Re:"); an opt-out footer (not a list's own);
//     three or more prices; From equal to To (not on list mail); a
//     free-mail sender (gmail.com, yahoo.com…) whose mail never passed
//     through that provider (not on list mail, whose archives drop
//     relays); a Content-Type without MIME-Version; an image with no
//     words.
//
// Weak signs of how the header was made never decide alone: at least one
// sign must be strong or lie in the content (the text, an attachment).
//
// When the sender is a contact the owner wrote to (Context.KnownSender),
// a filter's verdict scores 1: their genuine note misfiled as spam (rapport
// reads the Junk folder too) must still reach the owner, so the content
// has to agree.
const junkThreshold = 3

type junkSign struct {
	points int
	why    string
	// content: the sign is in what the message says or carries, not in
	// how its header was made
	content bool
}

// detectJunk returns the signs that make the message junk (joined), or ""
// when they do not add up to junkThreshold.
func detectJunk(m *Message, newText string, known bool) string {
	signs := junkSigns(m, newText, known)
	total, strong, content := 0, false, false
	var whys []string
	for _, s := range signs {
		total += s.points
		strong = strong || s.points >= 2
		content = content || s.content
		whys = append(whys, s.why)
	}
	// Weak signs of how a header was made (a "Re:" without thread
	// headers, From equal to To, no MIME-Version) are what hand-written
	// and old mail look like too: alone they never add up.
	if total < junkThreshold || (!strong && !content) {
		return ""
	}
	return strings.Join(whys, "; ")
}

func junkSigns(m *Message, newText string, known bool) []junkSign {
	var out []junkSign
	add := func(p int, why string) { out = append(out, junkSign{points: p, why: why}) }
	addContent := func(p int, why string) { out = append(out, junkSign{points: p, why: why, content: true}) }
	verdict := 3
	if known {
		verdict = 1
	}
	if v := filterVerdict(&m.Header); v != "" {
		add(verdict, v)
	}
	if v := virusVerdict(&m.Header); v != "" {
		add(3, v)
	}
	if spamSubjectRe.MatchString(m.Subject) {
		add(verdict, "subject tagged by a spam filter")
	}
	text := headOf(m.Text, 16000)
	lt := strings.ToLower(text)
	if virusNoticeRe.MatchString(lt) {
		addContent(3, "a virus scanner's notice")
	}
	short := leadWords(text)
	exe, archive := "", ""
	for _, a := range m.Attachments {
		switch attachmentKind(a) {
		case "executable":
			if exe == "" {
				exe = a.Name
			}
		case "archive":
			if archive == "" {
				archive = a.Name
			}
		}
	}
	switch {
	case exe != "":
		addContent(3, "executable attachment "+clip(exe, 60))
	case archive != "" && short <= 6:
		addContent(2, "an archive or macro document ("+clip(archive, 60)+") under a one-line note")
	}
	// A person forwarding a newsletter ("Fwd: …") wrote the note on top;
	// the bulk marks belong to what they forward.
	fwd := forwardPrefixRe.MatchString(m.Subject)
	if m.HiddenText && !fwd {
		addContent(2, "text hidden in a tiny white font")
	}
	if bannerRe.MatchString(lt) && !fwd {
		addContent(2, `a "view this mail in your browser" banner`)
	}
	if bounceSubject(m.Subject) && !replyPrefixRe.MatchString(m.Subject) && daemonSender(m) == "" && !isAutomatedSender(m) {
		add(2, "a delivery-failure subject from an ordinary sender, with no report in it")
	}
	if asList := sentAsList(m); asList != "" {
		add(2, asList)
	}
	codeLike := codeLikeRe.MatchString(text)
	if !codeLike {
		switch n := obfuscatedWords(headOf(newText, 8000)); {
		case n >= 7:
			addContent(3, strconv.Itoa(n)+" obfuscated words")
		case n >= 4:
			addContent(2, strconv.Itoa(n)+" obfuscated words")
		case n >= 2:
			addContent(1, strconv.Itoa(n)+" obfuscated words")
		}
	}
	if answerPrefixRe.MatchString(m.Subject) && len(m.InReplyTo) == 0 && len(m.References) == 0 && m.MicrosoftOriginalMessage == "" && !m.Header.Has("Thread-Index") {
		if strings.TrimSpace(answerPrefixRe.ReplaceAllString(m.Subject, "")) == "" {
			add(2, `an empty "Re:" subject that answers nothing`)
		} else {
			add(1, `a "Re:" subject that answers nothing (no In-Reply-To or References)`)
		}
	}
	list := listMail(&m.Header)
	if optOutFooterRe.MatchString(lt) && !list && !fwd {
		// (a list's own footer says how to leave the list)
		addContent(1, "an opt-out footer")
	}
	if len(priceRe.FindAllStringIndex(headOf(newText, 8000), 10)) >= 3 && !fwd {
		addContent(1, "prices")
	}
	if len(m.From) > 0 && !list {
		for _, t := range m.To {
			if t.Addr == m.From[0].Addr {
				add(1, "sent from the recipient's own address")
				break
			}
		}
	}
	if p := forgedProvider(m); p != "" && !list {
		// (lists and archives often drop the poster's relays)
		add(1, "a "+p+" sender whose mail never passed through "+p)
	}
	if capsHeaderNames(&m.Header) {
		add(2, "header names in capitals (FROM:, SUBJECT:)")
	}
	if m.Header.Has("Content-Type") && !m.Header.Has("Mime-Version") && !strings.HasPrefix(m.MediaType, "text/plain") {
		add(1, "Content-Type without MIME-Version")
	}
	if short <= 3 && len(strings.TrimSpace(newText)) < 40 {
		for _, a := range m.Attachments {
			if strings.HasPrefix(a.MediaType, "image/") {
				addContent(1, "an image with no words")
				break
			}
		}
	}
	return out
}

// filterVerdict is a spam filter's verdict in the header, "" if none.
func filterVerdict(h interface {
	Get(string) string
}) string {
	yes := func(k string) bool {
		v := strings.ToLower(strings.TrimSpace(h.Get(k)))
		return strings.HasPrefix(v, "yes") || strings.HasPrefix(v, "spam") || strings.HasPrefix(v, "true")
	}
	for _, k := range []string{"X-Spam-Flag", "X-Spam-Status", "X-Spam", "X-Barracuda-Spam-Flag", "X-Barracuda-Spam-Status", "X-Spam-Verdict", "X-Spam-Result", "X-Ms-Exchange-Organization-Spam"} {
		if yes(k) {
			return k + ": " + clip(strings.TrimSpace(h.Get(k)), 20)
		}
	}
	if v := strings.ToUpper(h.Get("X-Forefront-Antispam-Report")); strings.Contains(v, "SFV:SPM") {
		return "X-Forefront-Antispam-Report: SFV:SPM"
	}
	for _, k := range []string{"X-Ms-Exchange-Organization-Scl", "X-Ms-Exchange-Antispam-Scl"} {
		if n, err := strconv.Atoi(strings.TrimSpace(h.Get(k))); err == nil && n >= 5 && n <= 9 {
			return k + ": " + strconv.Itoa(n)
		}
	}
	if strings.TrimSpace(h.Get("X-Yandex-Spam")) == "4" {
		return "X-Yandex-Spam: 4"
	}
	return ""
}

// virusVerdict is a virus scanner's verdict in the header, "" if none.
func virusVerdict(h interface {
	Get(string) string
}) string {
	for _, k := range []string{"X-Virus-Status", "X-Virus-Flag", "X-Virus", "X-Amavis-Alert", "X-Virus-Scan-Result"} {
		v := strings.ToLower(strings.TrimSpace(h.Get(k)))
		if strings.HasPrefix(v, "infected") || strings.HasPrefix(v, "yes") || strings.Contains(v, "virus found") || (k == "X-Amavis-Alert" && (strings.Contains(v, "infected") || strings.Contains(v, "banned"))) {
			return k + ": " + clip(strings.TrimSpace(h.Get(k)), 40)
		}
	}
	return ""
}

var spamSubjectRe = regexp.MustCompile(`(?i)^\s*(?:\[(?:spam|suspected spam|possible spam|probable spam|likely spam|spam\?|bulk|junk|virus|infected)(?:[:\s][^\]]{0,20})?\]|\*+\s*(?:spam|junk|virus)\s*\*+|\{spam\??\}|\((?:spam|junk)\)|spam:|\*\*\*\s*(?:spam|junk)\b)`)

// virusNoticeRe: what virus scanners write when they strip or flag an
// attachment.
var virusNoticeRe = mustFast(`(?:(?:scanner|anti-?virus|virus ?scan\w*|mailscanner|firewall)\b[^\n]{0,60}\b(?:found|detected|discovered)\b[^\n]{0,40}\bvirus|\bvirus (?:was |has been )?(?:found|detected) in\b|\b(?:found|detected) a virus\b|\bcontained a virus\b|\binfected with (?:the )?(?:virus|worm|w32|w95|trojan)|attach(?:e)?ment (?:has been|was) (?:removed|deleted|stripped) (?:by|because)[^\n]{0,60}(?:virus|firewall|antivirus|scanner|security)|\bvirus (?:alert|warning)\b[^\n]{0,40}\battachment)`)

// bannerRe: the "can't see this mail?" banner of newsletters and
// marketing mail.
var bannerRe = mustFast(`(?:(?:view|read|see|open|display) (?:this|the|our|it)(?: \w+)? (?:e-?mail|message|newsletter|mailing|issue)[^.\n]{0,30}\b(?:in|on) (?:your|a|the) (?:web )?browser|(?:cannot|can't|can not|unable to|trouble|problems?) (?:view|see|read|display)(?:ing)? this (?:e-?mail|message|newsletter|mailing)|because of images being off|images (?:are |being )?(?:off|disabled|not displayed)[^.\n]{0,40}(?:click|go|view)|\bweb ?version\b[^.\n]{0,20}\b(?:click|here)\b|to view (?:it|this) online)`)

// optOutFooterRe: a bulk sender's opt-out wording.
var optOutFooterRe = mustFast(`(?:no longer (?:wish|want|like) to receive|(?:wish|want) no longer to receive|no longer to receive (?:our|these|this)|to (?:stop|cease) receiving (?:these|our|this|future)|to be removed from (?:our|this|the) (?:mailing|e-?mail|distribution) list|remove your (?:e-?mail|address) from|\bremove your e-?mail\b|click here to (?:unsubscribe|be removed|opt[- ]?out)|you (?:are )?receiv(?:ing|ed) this (?:e-?mail|message|newsletter) because you|\bopt[- ]?out\b[^.\n]{0,40}\b(?:link|here|click|following)|unsubscribe from (?:this|our|these) (?:list|newsletter|mailing|e-?mails?))`)

// answerPrefixRe: a subject prefix that says "answer" (not a forward).
var answerPrefixRe = regexp.MustCompile(`(?i)^\s*(?:re|aw|sv|antw|antwort|odp|ynt|res|rif|回复|答复|回覆)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]`)

// forwardPrefixRe: a subject prefix that says "forwarded".
var forwardPrefixRe = regexp.MustCompile(`(?i)^\s*(?:(?:re|aw|sv)\s*:\s*)*(?:fw|fwd|wg|tr|enc|rv|doorst|vl|i)\s*:`)

var priceRe = regexp.MustCompile(`(?:[$€£]\s?\d{1,5}(?:[.,]\d\d)\b|\b\d{1,5}[.,]\d\d\s?(?:\$|€|£|usd|eur)\b)`)

// codeLikeRe: program text, where $names and digits in identifiers are
// normal.
var codeLikeRe = regexp.MustCompile(`[{};]\s*\n|=>|->|==|::|\(\)|\$\w+\s*=|#include|</?\w+>`)

// leadWords counts the words of the message's first paragraph.
func leadWords(text string) int {
	t := strings.TrimSpace(text)
	if i := strings.Index(t, "\n\n"); i >= 0 {
		t = t[:i]
	}
	return len(strings.Fields(headOf(t, 2000)))
}

// attachmentKind: "executable" (runs when opened), "archive" (archives
// and macro documents, the usual carriers of malware under a lure) or "".
func attachmentKind(a Attachment) string {
	name := strings.ToLower(strings.TrimSpace(strings.Trim(a.Name, `"' `)))
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		ext = name[i+1:]
	}
	switch ext {
	case "exe", "scr", "pif", "bat", "cmd", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "cpl", "msi", "jar", "lnk", "ps1", "scf":
		return "executable"
	case "zip", "rar", "7z", "ace", "arj", "cab", "iso", "img", "docm", "xlsm", "pptm", "xlsb":
		return "archive"
	}
	switch a.MediaType {
	case "application/x-msdownload", "application/x-msdos-program", "application/x-dosexec", "application/x-ms-shortcut", "application/hta":
		return "executable"
	}
	return ""
}

// carriesProgram names the first attachment that is a program or an
// archive (the carriers of mail-borne malware), "" if none.
func carriesProgram(m *Message) string {
	for _, a := range m.Attachments {
		if k := attachmentKind(a); k != "" {
			return a.Name
		}
	}
	return ""
}

// sentAsList: mail whose From is the mailing list's own posting address
// with no person's name on it (a list that rewrites From for a person
// says "Name via List").
func sentAsList(m *Message) string {
	if len(m.From) == 0 || m.From[0].Name != "" || m.Header.Has("X-Original-From") || m.Header.Has("X-Original-Sender") {
		return ""
	}
	for _, a := range ExtractAddresses(m.Header.Get("List-Post")) {
		if a == m.From[0].Addr {
			return "sent as the mailing list itself (" + a + ")"
		}
	}
	return ""
}

// obfuscatedWords counts the distinct words spelled with look-alike
// characters to get past filters: P@tches, S!lver, L|NK, p0rn, inc1uded,
// $een, wh0.
func obfuscatedWords(text string) int {
	seen := map[string]bool{}
	for _, tok := range strings.Fields(text) {
		tok = strings.Trim(tok, `.,;:?"'()[]{}<>*_`)
		if len(tok) < 3 || len(tok) > 16 || seen[tok] || strings.ContainsAny(tok, "/=\\%&#+_") || strings.Contains(tok, "://") {
			continue
		}
		if obfuscated(tok) {
			seen[tok] = true
		}
	}
	return len(seen)
}

func obfuscated(tok string) bool {
	rs := []rune(tok)
	letters, lower := 0, 0
	for _, r := range rs {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsLower(r) {
				lower++
			}
		}
	}
	if letters < 3 || lower < 2 {
		return false
	}
	isL := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsLetter(rs[i]) }
	for i, r := range rs {
		switch r {
		case '@':
			// inside a word with two or more letters after it: not an
			// address (those have a dot) nor "amig@s"
			if isL(i-1) && isL(i+1) && isL(i+2) && !strings.ContainsRune(string(rs[i:]), '.') {
				return true
			}
		case '!', '|':
			if isL(i-1) && isL(i+1) {
				return true
			}
		case '$':
			if i == 0 && isL(1) && unicode.IsLower(rs[1]) && isL(2) && unicode.IsLower(rs[2]) {
				return true
			}
		case '0', '1':
			if !isL(i - 1) {
				continue
			}
			j := i
			for j < len(rs) && (rs[j] == '0' || rs[j] == '1') {
				j++
			}
			if j < len(rs) && unicode.IsLower(rs[j]) && !strings.ContainsAny(string(rs[j:]), "0123456789") {
				return true
			}
			if j == len(rs) && r == '0' && strings.Trim(string(rs[i:]), "0") == "" && i <= 3 && !strings.ContainsAny(string(rs[:i]), "0123456789") && unicode.IsLower(rs[i-1]) {
				return true // wh0, br0, t00
			}
		}
	}
	return false
}

// freeMail maps free-mail domains to the domains their mail passes
// through (Received, DKIM-Signature, Message-ID).
var freeMail = []struct {
	name    string
	from    []string
	through []string
}{
	{"Gmail", []string{"gmail.com", "googlemail.com"}, []string{"google.com", "gmail.com", "googlemail.com"}},
	{"Yahoo", []string{"yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.co.jp", "ymail.com", "rocketmail.com"}, []string{"yahoo.com", "yahoo.net", "yahoodns.net", "yahoo.co", "yahoo.fr", "yahoo.de", "ymail.com", "aol.com"}},
	{"Hotmail", []string{"hotmail.com", "hotmail.co.uk", "hotmail.fr", "outlook.com", "live.com", "msn.com"}, []string{"hotmail.com", "outlook.com", "live.com", "msn.com", "microsoft.com", "hotmail.co", "hotmail.fr", "outlook.office365.com"}},
	{"AOL", []string{"aol.com"}, []string{"aol.com", "aol.net", "yahoodns.net", "yahoo.com"}},
}

// forgedProvider names the free-mail provider in From when the message
// went through two or more relays and none of them, nor its signature or
// Message-ID, belongs to that provider.
func forgedProvider(m *Message) string {
	if len(m.From) == 0 {
		return ""
	}
	_, dom, _ := strings.Cut(m.From[0].Addr, "@")
	rcvd := m.Header.Values("Received")
	if len(rcvd) < 2 {
		return ""
	}
	trail := strings.ToLower(strings.Join(rcvd, " ") + " " + strings.Join(m.Header.Values("Dkim-Signature"), " ") + " " + m.MessageID + " " + m.Header.Get("X-Originating-Ip"))
	for _, p := range freeMail {
		for _, f := range p.from {
			if dom != f {
				continue
			}
			for _, t := range p.through {
				if strings.Contains(trail, t) {
					return ""
				}
			}
			return p.name
		}
	}
	return ""
}

// capsHeaderNames: From, To or Subject written in capitals (FROM:), as
// mass-mailing programs do and mail programs do not.
func capsHeaderNames(h interface {
	Raw(string) ([]byte, error)
}) bool {
	n := 0
	for _, k := range []string{"From", "To", "Subject", "Date"} {
		raw, err := h.Raw(k)
		if err != nil || len(raw) < len(k) {
			continue
		}
		if string(raw[:len(k)]) == strings.ToUpper(k) {
			n++
		}
	}
	return n >= 2
}
