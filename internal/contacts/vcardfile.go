package contacts

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// vCard files are read with a parser of their own rather than go-vcard's
// decoder, which drops vCard 2.1 parameters (Outlook's "EMAIL;PREF;INTERNET:")
// and lines it cannot parse, and knows no line numbers. It reads 2.1
// (quoted-printable with soft line breaks, CHARSET), 3.0 (RFC 2426) and 4.0
// (RFC 6350): folded lines, escaped \n in text, itemN. groups, several
// cards per file, TYPE=pref and PREF=1. Photos and other binaries are
// skipped without being decoded.

// vprop is one content line: GROUP.NAME;PARAMS:VALUE.
type vprop struct {
	group  string
	name   string              // upper case
	params map[string][]string // keys upper case; 2.1 bare types under TYPE
	value  string              // raw, still escaped
}

func (p *vprop) param(k string) string {
	if v := p.params[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (p *vprop) hasType(t string) bool {
	for _, v := range p.params["TYPE"] {
		if strings.EqualFold(v, t) {
			return true
		}
	}
	return false
}

// pref is the property's preference: lower is preferred, 100 is none.
func (p *vprop) pref() int {
	if v := p.param("PREF"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
		return 1 // 2.1's bare PREF
	}
	if p.hasType("pref") {
		return 1
	}
	return 100
}

// vcard is one card and the line its BEGIN is on.
type vcard struct {
	line    int
	version string
	props   []*vprop
	err     string
}

func (c *vcard) all(name string) []*vprop {
	var out []*vprop
	for _, p := range c.props {
		if p.name == name {
			out = append(out, p)
		}
	}
	return out
}

// preferred returns the most preferred property of a name, the first among equals.
func (c *vcard) preferred(name string) *vprop {
	ps := c.all(name)
	if len(ps) == 0 {
		return nil
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].pref() < ps[j].pref() })
	return ps[0]
}

// vline is a logical (unfolded) line and where it starts.
type vline struct {
	text string
	line int
}

// unfold joins folded lines (RFC 6350 3.2: a line starting with a space
// or tab continues the previous one) and vCard 2.1 quoted-printable soft
// line breaks (a QP value line ending in "=").
func unfold(text string) []vline {
	var out []vline
	var cur []byte
	start, qp := 0, false
	flush := func() {
		if start > 0 {
			out = append(out, vline{text: string(cur), line: start})
		}
		cur = cur[:0]
	}
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSuffix(l, "\r")
		switch {
		case start > 0 && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")):
			if qp && len(cur) > 0 && cur[len(cur)-1] == '=' {
				// A soft line break some phones also indent.
				cur = cur[:len(cur)-1]
			}
			cur = append(cur, l[1:]...)
			continue
		case start > 0 && qp && len(cur) > 0 && cur[len(cur)-1] == '=':
			// A quoted-printable soft line break: drop the "=", join.
			cur = append(cur[:len(cur)-1], l...)
			continue
		}
		flush()
		start, qp = i+1, isQP(l)
		cur = append(cur, l...)
	}
	flush()
	return out
}

func isQP(l string) bool {
	colon := strings.IndexByte(l, ':')
	return colon > 0 && strings.Contains(strings.ToUpper(l[:colon]), "QUOTED-PRINTABLE")
}

// parseVProp parses a content line; ok is false for a line that is not one.
func parseVProp(l string) (*vprop, bool) {
	p := &vprop{params: map[string][]string{}}
	// The name and parameters end at the first ':' outside double quotes.
	end, quoted := -1, false
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				end = i
			}
		}
		if end >= 0 {
			break
		}
	}
	if end <= 0 {
		return nil, false
	}
	head, value := l[:end], l[end+1:]
	parts := splitQuoted(head, ';')
	name := parts[0]
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		p.group, name = name[:dot], name[dot+1:]
	}
	p.name = strings.ToUpper(strings.TrimSpace(name))
	if p.name == "" {
		return nil, false
	}
	for _, prm := range parts[1:] {
		k, v, hasEq := strings.Cut(prm, "=")
		if !hasEq {
			k, v = "TYPE", prm // vCard 2.1: ";WORK;PREF"
			if strings.EqualFold(prm, "PREF") {
				k, v = "PREF", "1"
			}
			if strings.EqualFold(prm, "QUOTED-PRINTABLE") || strings.EqualFold(prm, "BASE64") {
				k = "ENCODING"
			}
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		for _, x := range splitQuoted(v, ',') {
			p.params[k] = append(p.params[k], strings.Trim(x, `"`))
		}
	}
	p.value = value
	return p, true
}

// splitQuoted splits s at sep outside double quotes.
func splitQuoted(s string, sep byte) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			quoted = !quoted
		case s[i] == sep && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// readVCards splits text into cards. A card inside a card is a vCard 2.1
// AGENT's (an "AGENT:" line with the card on the next lines) and is
// skipped; any other BEGIN:VCARD inside a card starts a new one, the
// unfinished card being reported.
func readVCards(text string) []*vcard {
	var cards []*vcard
	var cur *vcard
	depth := 0
	agent := false // the previous property was an AGENT with its card to follow
	for _, l := range unfold(text) {
		t := strings.TrimSpace(l.text)
		if t == "" {
			continue
		}
		p, ok := parseVProp(t)
		if !ok {
			continue // a stray line (an unindented photo line from an old exporter)
		}
		wasAgent := agent
		agent = p.name == "AGENT" && strings.TrimSpace(p.value) == ""
		switch {
		case p.name == "BEGIN" && strings.EqualFold(strings.TrimSpace(p.value), "VCARD"):
			if depth > 0 && (wasAgent || depth > 1) {
				depth++
				continue
			}
			if cur != nil {
				cur.err = "the card has no END:VCARD"
			}
			depth = 1
			cur = &vcard{line: l.line}
			cards = append(cards, cur)
			continue
		case p.name == "END" && strings.EqualFold(strings.TrimSpace(p.value), "VCARD"):
			if depth > 0 {
				depth--
			}
			if depth == 0 {
				cur = nil
			}
			continue
		}
		if cur == nil || depth > 1 {
			continue // outside a card, or inside an embedded one (AGENT)
		}
		if p.name == "VERSION" {
			cur.version = strings.TrimSpace(p.value)
		}
		cur.props = append(cur.props, p)
	}
	if cur != nil && cur.err == "" {
		cur.err = "the card has no END:VCARD"
	}
	return cards
}

// text decodes a text value: quoted-printable and its charset, then the
// backslash escapes (\n, \N, \, \; \\).
func (p *vprop) text() string {
	return unescapeV(p.decoded())
}

// components splits a structured value (N, ORG, ADR) at unescaped
// semicolons and decodes each part.
func (p *vprop) components() []string {
	raw := p.decoded()
	var out []string
	var cur strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\\' && i+1 < len(raw) {
			cur.WriteByte(raw[i])
			cur.WriteByte(raw[i+1])
			i++
			continue
		}
		if raw[i] == ';' {
			out = append(out, unescapeV(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(raw[i])
	}
	return append(out, unescapeV(cur.String()))
}

func (p *vprop) decoded() string {
	v := p.value
	var b []byte
	switch enc := strings.ToUpper(p.param("ENCODING")); enc {
	case "QUOTED-PRINTABLE":
		var err error
		b, err = io.ReadAll(quotedprintable.NewReader(strings.NewReader(v)))
		if err != nil && len(b) == 0 {
			return v
		}
	case "B", "BASE64":
		// Text in base64 (vCard 2.1 allows it; some phones write it).
		var err error
		b, err = base64.StdEncoding.DecodeString(strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, v))
		if err != nil {
			return v
		}
	default:
		return v
	}
	if cs := p.param("CHARSET"); cs != "" && !strings.EqualFold(cs, "utf-8") {
		if enc, err := htmlindex.Get(cs); err == nil {
			if d, err := enc.NewDecoder().Bytes(b); err == nil {
				return string(d)
			}
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	d, _ := charmap.Windows1252.NewDecoder().Bytes(b)
	return string(d)
}

func unescapeV(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b bytes.Buffer
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(s[i]) // \, \; \\ and anything else stand for themselves
		}
	}
	return b.String()
}

// vcardFormat names the versions in a file, for the report.
func vcardFormat(cards []*vcard) string {
	seen := map[string]bool{}
	var vs []string
	for _, c := range cards {
		if v := c.version; v != "" && !seen[v] {
			seen[v] = true
			vs = append(vs, v)
		}
	}
	sort.Strings(vs)
	if len(vs) == 0 {
		return "vCard"
	}
	return "vCard " + strings.Join(vs, ", ")
}

// kind is what a card describes: "individual" (the default), "group",
// "org" or "location" (vCard 4.0 KIND; Apple's X-ADDRESSBOOKSERVER-KIND
// for groups and X-ABShowAs:COMPANY for a company's card).
func (c *vcard) kind() string {
	for _, name := range []string{"KIND", "X-ADDRESSBOOKSERVER-KIND"} {
		if p := c.preferred(name); p != nil {
			if k := strings.ToLower(strings.TrimSpace(p.text())); k != "" {
				if k == "organization" {
					k = "org"
				}
				return k
			}
		}
	}
	if p := c.preferred("X-ABSHOWAS"); p != nil && strings.EqualFold(strings.TrimSpace(p.text()), "COMPANY") {
		return "org"
	}
	return "individual"
}

// cardInput maps a card to an Input.
func cardInput(c *vcard) Input {
	var in Input
	org := c.kind() == "org"
	// An organisation's FN is its name, not a person's.
	if p := c.preferred("FN"); p != nil && !org {
		in.Name = unflip(p.text())
	}
	if strings.TrimSpace(in.Name) == "" {
		if p := c.preferred("N"); p != nil {
			n := append(p.components(), "", "", "")
			// family;given;additional;prefix;suffix
			in.Name = strings.Join(strings.Fields(n[1]+" "+n[2]+" "+n[0]), " ")
		}
	}
	var emails []string
	for _, p := range byPref(c.all("EMAIL")) {
		emails = append(emails, strings.TrimSpace(p.text()))
	}
	var shown string
	in.Email, shown = pickEmail(emails, nil, "", "")
	finishInput(&in, shown)
	if p := c.preferred("ORG"); p != nil {
		parts := p.components()
		in.Company = strings.TrimSpace(parts[0])
		if len(parts) > 1 && strings.TrimSpace(parts[1]) != "" {
			setCustom(&in, "department", strings.TrimSpace(parts[1]))
		}
	}
	if p := c.preferred("TITLE"); p != nil {
		in.Role = p.text()
	}
	if in.Role == "" {
		if p := c.preferred("ROLE"); p != nil {
			in.Role = p.text()
		}
	}
	var notes []string
	for _, p := range c.all("NOTE") {
		if t := strings.TrimSpace(p.text()); t != "" {
			notes = append(notes, t)
		}
	}
	in.Notes = strings.Join(notes, "\n\n")
	if p := c.preferred("TZ"); p != nil {
		if tz := strings.TrimSpace(p.text()); strings.Contains(tz, "/") && !strings.ContainsAny(tz, " :") {
			in.Timezone = tz
		}
	}
	// A LinkedIn profile: a URL, an Apple social profile, or a labelled item.
	var url string
	for _, name := range []string{"URL", "X-SOCIALPROFILE", "IMPP"} {
		for _, p := range byPref(c.all(name)) {
			v := strings.TrimSpace(p.text())
			if name == "X-SOCIALPROFILE" && p.hasType("linkedin") && LinkedInKey(v) == "" {
				// Apple's "x-user=jo;…:x-apple:jo" names the profile, not its URL.
				user := p.param("X-USER")
				if user == "" {
					user = strings.TrimPrefix(v, "x-apple:")
				}
				if user = strings.Trim(strings.TrimSpace(user), "/"); user != "" && !strings.ContainsAny(user, ":/ ") {
					v = "https://www.linkedin.com/in/" + user
				}
			}
			if in.LinkedIn == "" && LinkedInKey(v) != "" {
				in.LinkedIn = v
			} else if name == "URL" && url == "" {
				url = v
			}
		}
	}
	if url != "" {
		setCustom(&in, "url", url)
	}
	if p := c.preferred("TEL"); p != nil {
		setCustom(&in, "phone", strings.TrimPrefix(strings.TrimSpace(p.text()), "tel:"))
	}
	// What rapport's own export writes (contacts export --format vcf).
	for _, p := range c.all("X-RAPPORT-FIELD") {
		if k, v, ok := strings.Cut(p.text(), ": "); ok {
			setCustom(&in, strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	if p := c.preferred("X-RAPPORT-CONNECTION"); p != nil {
		in.Connection = p.text()
	}
	if p := c.preferred("X-RAPPORT-REFERRED-BY"); p != nil {
		in.ReferredBy = p.text()
	}
	if in.Custom != nil {
		for k, v := range in.Custom {
			in.Custom[k] = oneLine(v)
		}
	}
	return in
}

func setCustom(in *Input, k, v string) {
	if v == "" {
		return
	}
	if in.Custom == nil {
		in.Custom = map[string]string{}
	}
	in.Custom[k] = v
}

func byPref(ps []*vprop) []*vprop {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].pref() < ps[j].pref() })
	return ps
}

// vcardImport yields a file's cards as records.
type vcardImport struct {
	cards []*vcard
	i     int
}

func (vi *vcardImport) next() (*record, error) {
	if vi.i >= len(vi.cards) {
		return nil, io.EOF
	}
	c := vi.cards[vi.i]
	vi.i++
	rec := &record{line: c.line, textLine: c.line}
	if c.err != "" {
		rec.err = c.err
		return rec, nil
	}
	switch k := c.kind(); k {
	case "group", "location":
		rec.skipWhat = "a card"
		if p := c.preferred("FN"); p != nil && strings.TrimSpace(p.text()) != "" {
			rec.skipWhat = oneLine(strings.TrimSpace(p.text()))
		}
		rec.skip = "a contact group, not a person"
		if k == "location" {
			rec.skip = "a place, not a person"
		}
		return rec, nil
	}
	rec.in = cardInput(c)
	return rec, nil
}

// looksLikeVCard reports whether text is a vCard file (its first content
// line is BEGIN:VCARD).
func looksLikeVCard(text string) bool {
	for _, l := range strings.SplitN(text, "\n", 20) {
		if t := strings.TrimSpace(strings.TrimPrefix(l, "\uFEFF")); t != "" {
			return strings.EqualFold(t, "BEGIN:VCARD")
		}
	}
	return false
}
