package contacts

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
)

// headerSearchRows is how far down a file the header row is looked for:
// LinkedIn's export starts with a few lines of notes, reports with a title.
const headerSearchRows = 20

// shapeRows is how many data rows are read ahead to learn a file's shape:
// how wide its rows usually are, and which column holds addresses when
// no header names one.
const shapeRows = 50

// blank reports whether every cell is empty: Excel's trailing ",,,," rows.
func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// csvImport reads a CSV text into records: it finds the header row,
// resolves its columns, and turns each further row into an Input.
type csvImport struct {
	scan    *csvScanner
	pending []*csvRow // rows read ahead, in file order
	cols    []column
	header  *csvRow
	format  string
	// width is the most fields a data row may have: more than the header
	// only when the file's rows usually carry that many (empty) cells.
	width int
}

func (ci *csvImport) read() (*csvRow, error) {
	if len(ci.pending) > 0 {
		r := ci.pending[0]
		ci.pending = ci.pending[1:]
		return r, nil
	}
	return ci.scan.next()
}

// openCSV finds the header among the first rows: the first that names a
// person or an address and at least two columns rapport knows (a title,
// or a "Name,Outreach list" line above the real header, names fewer);
// failing that, the one naming the most.
func openCSV(text string, overrides map[string]field) (*csvImport, error) {
	delim, sepLine := sniffDelimiter(text)
	scan := newCSVScanner(text, delim, sepLine)
	var rows []*csvRow
	for len(rows) < headerSearchRows {
		r, err := scan.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	var first *csvRow
	best, bestScore := -1, 0
	var bestCols []column
	for i, r := range rows {
		if r.err != nil || blank(r.fields) {
			continue
		}
		if first == nil || len(first.fields) < 2 && len(r.fields) >= 2 {
			first = r
		}
		cols, err := resolve(r.fields, nil)
		if err != nil {
			return nil, err
		}
		if !usable(cols) && !namesAll(r.fields, overrides) {
			continue
		}
		sc := known(cols)
		if best < 0 || sc > bestScore {
			best, bestScore, bestCols = i, sc, cols
		}
		if sc >= 2 {
			break // a header: later rows are data, or another export's header
		}
	}
	if best < 0 {
		if first == nil {
			return nil, errors.New("the file has no rows (want a header row naming at least a name or an email column)")
		}
		return nil, fmt.Errorf("no header row names a name or email column; row %d has the columns %s "+
			"(name the ones to use with --map COLUMN=FIELD, e.g. --map %q=email)",
			first.row, quoteList(first.fields), exampleColumn(first.fields))
	}
	h, cols := rows[best], bestCols
	if len(overrides) > 0 {
		var err error
		if cols, err = resolve(h.fields, overrides); err != nil {
			return nil, fmt.Errorf("row %d: %w", h.row, err)
		}
	}
	if err := checkHeader(h); err != nil {
		return nil, err
	}
	ci := &csvImport{scan: scan, pending: rows[best+1:], cols: cols, header: h}
	if err := ci.learn(overrides); err != nil {
		return nil, err
	}
	ci.format = csvFormat(ci.cols, delim)
	return ci, nil
}

// known counts the columns a header names that rapport recognises.
func known(cols []column) int {
	n := 0
	for _, c := range cols {
		if c.field != fCustom {
			n++
		}
	}
	return n
}

// learn reads the first data rows ahead to learn the file's usual width
// and, when no column is named as an address, which one holds addresses.
func (ci *csvImport) learn(overrides map[string]field) error {
	for len(ci.pending) < shapeRows {
		r, err := ci.scan.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		ci.pending = append(ci.pending, r)
	}
	widths := map[int]int{}
	for _, r := range ci.pending {
		if r.err == nil && !blank(r.fields) && len(r.fields) > 1 {
			widths[len(r.fields)]++
		}
	}
	usual, most := 0, 0
	for w, n := range widths {
		if n > most || n == most && w > usual {
			usual, most = w, n
		}
	}
	ci.width = max(len(ci.cols), usual)

	for _, c := range ci.cols {
		switch c.field {
		case fEmail, fEmail2:
			return nil
		}
	}
	for _, f := range overrides {
		if f == fEmail {
			return nil
		}
	}
	// No column is called an address: take the one whose cells are.
	best, bestHits := -1, 0
	for i, c := range ci.cols {
		if c.field != fCustom {
			continue
		}
		hits, filled := 0, 0
		for _, r := range ci.pending {
			if r.err != nil || i >= len(r.fields) {
				continue
			}
			v := cleanCell(r.fields[i])
			if v == "" {
				continue
			}
			filled++
			if a, _ := pickEmail([]string{v}, nil, "", ""); a != "" && strings.Contains(v, "@") {
				if _, err := NormalizeEmail(a); err == nil {
					hits++
				}
			}
		}
		if hits > bestHits && hits*2 >= filled {
			best, bestHits = i, hits
		}
	}
	if best >= 0 {
		ci.cols[best].field = fEmail
	}
	return nil
}

func exampleColumn(cells []string) string {
	for _, c := range cells {
		if c = cleanHeader(c); c != "" {
			return c
		}
	}
	return "Mail"
}

// namesAll reports whether a row has every column --map names.
func namesAll(cells []string, overrides map[string]field) bool {
	if len(overrides) == 0 {
		return false
	}
	have := map[string]bool{}
	for _, c := range cells {
		have[fold(cleanHeader(c))] = true
	}
	for k := range overrides {
		if !have[k] {
			return false
		}
	}
	return true
}

// checkHeader refuses header cells that could smuggle a line break into a
// custom field's name, and so into a template or a header.
func checkHeader(r *csvRow) error {
	for _, h := range r.fields {
		if strings.ContainsAny(h, "\r\n\x00") {
			return fmt.Errorf("row %d: the header cell %q contains a line break or NUL", r.row, cleanHeader(h))
		}
	}
	return nil
}

// csvFormat names the export a header comes from, for the report.
func csvFormat(cols []column, delim rune) string {
	has := map[string]bool{}
	fields := map[field]bool{}
	for _, c := range cols {
		has[fold(c.header)] = true
		fields[c.field] = true
	}
	var name string
	switch {
	case has["connectedon"]:
		name = "LinkedIn connections"
	case has["email1value"] && (has["givenname"] || has["groupmembership"]):
		name = "Google Contacts (legacy CSV)"
	case has["email1value"]:
		name = "Google Contacts CSV"
	case fields[fEmailType] || fields[fEmailName]:
		name = "Outlook CSV (desktop)"
	case has["jobtitle"] && has["email2address"]:
		name = "Outlook CSV"
	case has["primaryemail"] && has["displayname"], has["primareemailadresse"]:
		name = "Thunderbird CSV"
	case has["alternateemail1"] && has["messengerid"]:
		name = "Yahoo CSV"
	case has["recordid"] && has["lifecyclestage"]:
		name = "HubSpot CSV"
	case has["recordid"] && has["accountname"]:
		name = "Zoho CRM CSV"
	case has["contactowner"] && has["accountname"]:
		name = "Salesforce CSV"
	case has["personlinkedinurl"]:
		name = "Apollo CSV"
	case has["memberrating"]:
		name = "Mailchimp CSV"
	default:
		name = "CSV"
	}
	switch delim {
	case ';':
		name += ", semicolon-separated"
	case '\t':
		name += ", tab-separated"
	case '|':
		name += ", pipe-separated"
	}
	return name
}

// next returns the next data row as a record, skipping blank rows.
func (ci *csvImport) next() (*record, error) {
	for {
		r, err := ci.read()
		if err != nil {
			return nil, err
		}
		rec := &record{line: r.row, textLine: r.line}
		if r.err != nil {
			rec.err = "malformed CSV: " + r.err.Error()
			return rec, nil
		}
		if blank(r.fields) {
			continue
		}
		fields := r.fields
		// A line without a single separator in a table of several columns
		// is text, not a row: a report's footer ("Confidential
		// Information - Do Not Distribute"), a note between two exports.
		if len(fields) == 1 && len(ci.cols) >= 3 && !strings.Contains(fields[0], "@") {
			rec.skipWhat, rec.skip = fmt.Sprintf("%q", short(cleanCell(fields[0]))), "a line of text, not a row of the table"
			return rec, nil
		}
		if ci.repeatsHeader(fields) {
			rec.skipWhat, rec.skip = "the header row", fmt.Sprintf("repeated (first on row %d)", ci.header.row)
			return rec, nil
		}
		if len(fields) > len(ci.cols) {
			// Extra cells are trailing empty columns when blank, unless the
			// row is wider than the file's rows usually are and a cell starts
			// with a space: "Acme, Inc" typed without quotes.
			if !blank(fields[len(ci.cols):]) || len(fields) > ci.width && spaced(fields) {
				rec.err = fmt.Sprintf("has %d fields, the header has %d (a value with an unquoted separator?)", len(fields), len(ci.cols))
				return rec, nil
			}
			fields = fields[:len(ci.cols)]
		}
		// Spreadsheets drop trailing empty cells; a short row is padded.
		rec.in = buildInput(ci.cols, fields)
		return rec, nil
	}
}

// spaced reports whether a cell after the first starts with a space, as
// text after a comma does and no exporter writes.
func spaced(fields []string) bool {
	for _, f := range fields[1:] {
		if strings.HasPrefix(f, " ") && strings.TrimSpace(f) != "" {
			return true
		}
	}
	return false
}

// repeatsHeader reports whether a row is the header again, as in two
// exports pasted into one file.
func (ci *csvImport) repeatsHeader(fields []string) bool {
	h := ci.header.fields
	if len(h) == 0 || !strings.EqualFold(cleanHeader(fields[0]), cleanHeader(h[0])) && fold(cleanHeader(fields[0])) != fold(cleanHeader(h[0])) {
		return false
	}
	n := len(h)
	for n > 0 && strings.TrimSpace(h[n-1]) == "" {
		n--
	}
	if len(fields) < n || !blank(fields[n:]) {
		return false
	}
	for i := 0; i < n; i++ {
		if fold(cleanHeader(fields[i])) != fold(cleanHeader(h[i])) {
			return false
		}
	}
	return true
}

func short(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "…"
	}
	return s
}

// emptyValues are placeholders exporters write for "nothing".
var emptyValues = map[string]bool{"0/0/00": true, "0.0.00": true, "00.00.00": true, "00/00/0000": true,
	"00/00/00": true, "0-0-00": true, "unspecified": true, "nicht angegeben": true, "non spécifié": true,
	"no especificado": true, "sin especificar": true}

// placeholders are what people type into a cell for "I don't know": an
// address, company or title that is one of these is no value at all
// (names are left alone: "Nil" and "Na" are names).
var placeholders = map[string]bool{"n/a": true, "n.a.": true, "n/v": true, "none": true, "null": true,
	"nil": true, "-": true, "--": true, "---": true, "—": true, "–": true, ".": true, "?": true, "??": true,
	"???": true, "tbd": true, "tba": true, "unknown": true, "no email": true, "no e-mail": true,
	"not available": true, "#n/a": true, "#value!": true, "#ref!": true, "#name?": true, "k.a.": true,
	"k. a.": true, "keine": true, "unbekannt": true, "aucun": true, "aucune": true, "inconnu": true,
	"ninguno": true, "ninguna": true, "desconocido": true}

func placeholder(v string) bool {
	if len(v) > 20 {
		return false
	}
	v = strings.ToLower(v)
	return placeholders[v] || emptyValues[v]
}

// cleanCell trims a cell and undoes what spreadsheets add: invisible
// marks (a byte order mark from a pasted file, zero-width spaces from a
// web page), the apostrophe that stops a formula, Excel's ="text".
func cleanCell(v string) string {
	if strings.ContainsAny(v, "\uFEFF\u200B") {
		v = strings.NewReplacer("\uFEFF", "", "\u200B", "").Replace(v)
	}
	v = unFormula(strings.TrimSpace(v))
	if len(v) >= 3 && strings.HasPrefix(v, `="`) && strings.HasSuffix(v, `"`) {
		v = strings.TrimSpace(strings.ReplaceAll(v[2:len(v)-1], `""`, `"`))
	}
	return v
}

// linkSuffix is a link a database export writes after a linked record's
// title: Notion's "Acme (https://www.notion.so/Acme-0a1b…)".
var linkSuffix = regexp.MustCompile(`\s*\(https?://[^\s()]*\)`)

// unlink drops such links from a value that is more than a link.
func unlink(v string) string {
	if !strings.Contains(v, "(http") {
		return v
	}
	if s := strings.TrimSpace(linkSuffix.ReplaceAllString(v, "")); s != "" {
		return s
	}
	return v
}

// courtesyTitles are what a "Title" column holds when it is not a job.
var courtesyTitles = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true,
	"prof": true, "sir": true, "m": true, "mme": true, "mlle": true, "me": true, "herr": true, "frau": true,
	"drmed": true, "sr": true, "sra": true, "srta": true, "don": true, "dona": true, "sig": true, "sigra": true,
	"dott": true, "dottssa": true, "dhr": true, "mevr": true, "pan": true, "pani": true}

// buildInput turns one row's cells into an Input by the resolved columns:
// first, middle and last names are joined, the first usable address is
// taken, and unmapped columns become custom fields by header name.
func buildInput(cols []column, fields []string) Input {
	var in Input
	var first, middle, last, emailType, emailName string
	var emails, more, loose []string
	set := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	custom := func(k, v string) {
		if emptyValues[strings.ToLower(v)] {
			return
		}
		if in.Custom == nil {
			in.Custom = map[string]string{}
		}
		if _, dup := in.Custom[k]; !dup {
			in.Custom[k] = oneLine(v)
		}
	}
	for i, col := range cols {
		if i >= len(fields) {
			break
		}
		v := cleanCell(fields[i])
		if v == "" {
			continue
		}
		f := col.field
		if f == fPairValue {
			// Google's "Custom Field 1 - Label" names what "… - Value" holds.
			label := ""
			if col.label >= 0 && col.label < len(fields) {
				label = collapseSpace(cleanCell(fields[col.label]))
			}
			if label == "" {
				custom(col.key, v)
				continue
			}
			f = labelField(label)
			if f == fCustom {
				custom(label, v)
				continue
			}
		}
		switch f {
		case fEmail, fEmail2, fEmailLoose, fCompany, fRole, fConnection, fReferredBy, fTimezone,
			fTimezoneLoose, fLinkedIn, fLinkedInLoose:
			if placeholder(v) {
				continue
			}
		}
		switch f {
		case fName:
			set(&in.Name, unflip(unlink(v)))
		case fFirst:
			set(&first, v)
		case fMiddle:
			set(&middle, v)
		case fLast:
			set(&last, v)
		case fEmail:
			emails = append(emails, v)
		case fEmail2:
			more = append(more, v)
		case fEmailLoose:
			loose = append(loose, v)
		case fEmailType:
			set(&emailType, v)
		case fEmailName:
			set(&emailName, v)
		case fCompany:
			set(&in.Company, unlink(v))
		case fRole:
			if col.title && courtesyTitles[fold(v)] {
				custom(col.key, v) // "Dr.", "Mme": a courtesy title, not a job
				continue
			}
			set(&in.Role, unlink(v))
		case fConnection:
			set(&in.Connection, unlink(v))
		case fReferredBy:
			set(&in.ReferredBy, unlink(v))
		case fTimezone:
			set(&in.Timezone, v)
		case fTimezoneLoose:
			if z, ok := NormalizeZone(v); ok {
				set(&in.Timezone, z)
			} else {
				custom(col.key, v)
			}
		case fNotes:
			if in.Notes != "" {
				in.Notes += "\n\n"
			}
			in.Notes += v
		case fLinkedIn:
			set(&in.LinkedIn, v)
		case fLinkedInLoose:
			if LinkedInKey(v) != "" {
				set(&in.LinkedIn, v)
			} else {
				custom(col.key, v)
			}
		case fIgnore, fPairLabel:
		default:
			custom(col.key, v)
		}
	}
	if in.Name == "" {
		in.Name = strings.Join(strings.Fields(first+" "+middle+" "+last), " ")
	}
	var shown string
	in.Email, shown = pickEmail(append(emails, more...), loose, emailType, emailName)
	finishInput(&in, shown)
	return in
}

// labelField is what a labelled value feeds, by its label ("Time zone",
// "How we met", "LinkedIn"); fCustom when it is none of rapport's fields.
func labelField(label string) field {
	k := fold(label)
	f, ok := synonyms[k]
	if !ok {
		f = guess(k)
	}
	switch f {
	case fCompany, fRole, fConnection, fReferredBy, fNotes:
		return f
	case fTimezone, fTimezoneLoose:
		return fTimezoneLoose
	case fLinkedIn, fLinkedInLoose:
		return fLinkedInLoose
	case fEmail, fEmail2, fEmailLoose:
		return fEmailLoose
	}
	return fCustom
}

// finishInput settles the name against the addresses: a name written as
// an address ("ana@x.example", "Ana Ruiz <ana@x.example>") is one — its
// display name, if any, is the name — and a contact without a name takes
// the display name its address was written with.
func finishInput(in *Input, shown string) {
	if n := strings.TrimSpace(in.Name); strings.Contains(n, "@") {
		if a, err := mail.ParseAddress(n); err == nil {
			if strings.TrimSpace(in.Email) == "" {
				in.Email = a.Address
			}
			in.Name = unflip(a.Name)
		}
	}
	if strings.TrimSpace(in.Name) == "" && !strings.Contains(shown, "@") {
		in.Name = unflip(shown)
	}
}

// credentials are what follows a comma after a name that is not a
// given name: "Kenji Watanabe, CFA", "Lee, Jr.", "Acme, Inc".
var credentials = map[string]bool{"inc": true, "llc": true, "ltd": true, "gmbh": true, "sa": true, "ag": true,
	"co": true, "corp": true, "plc": true, "bv": true, "srl": true, "spa": true, "oy": true, "ab": true, "nv": true,
	"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "phd": true,
	"md": true, "mba": true, "cfa": true, "cpa": true, "pe": true, "esq": true, "dds": true, "rn": true, "msc": true,
	"ma": true, "ms": true, "bsc": true, "ba": true, "bs": true, "pmp": true, "shrm": true, "cissp": true,
	"llm": true, "jd": true, "dr": true, "prof": true, "frsa": true, "acca": true, "cima": true}

// unflip turns the directory order of Exchange and many CRMs, "Lee,
// Jordan" or "Lee, Jordan A.", into "Jordan Lee": a single comma, a
// family name of at most three words before it, one or two given names
// (initials allowed) after it, and nothing that reads as a credential.
func unflip(name string) string {
	family, given, ok := strings.Cut(name, ",")
	if !ok || strings.Contains(given, ",") {
		return name
	}
	fw, gw := strings.Fields(family), strings.Fields(given)
	if len(fw) == 0 || len(fw) > 3 || len(gw) == 0 || len(gw) > 2 {
		return name
	}
	for _, w := range append(append([]string{}, fw...), gw...) {
		k := fold(w)
		if credentials[k] || k == "" || strings.ContainsAny(w, "0123456789@()&/") {
			return name
		}
		if strings.Contains(w, ".") && !(len([]rune(strings.TrimSuffix(w, "."))) == 1) {
			return name // "J." is an initial; "S.A." is not a name
		}
	}
	return strings.Join(append(gw, fw...), " ")
}

// oneLine joins the lines of a multi-line cell (an address, say) with
// commas: custom fields can reach a subject line.
func oneLine(v string) string {
	if !strings.ContainsAny(v, "\r\n") {
		return v
	}
	var parts []string
	for _, l := range strings.FieldsFunc(v, func(r rune) bool { return r == '\r' || r == '\n' }) {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, ", ")
}

var parenAddr = regexp.MustCompile(`\(([^()\s]+@[^()\s]+)\)`)

// addrCand is one address a cell offers.
type addrCand struct {
	raw  string // as written, for an error
	addr string // the address alone, "" when it does not parse
	name string // the display name it was written with
}

// addressesIn splits a cell into the addresses it holds: Google joins
// several with " ::: ", people with commas, semicolons or spaces; each may
// be written "Ana Ruiz <ana@x.example>" or as a mailto: link.
func addressesIn(cell string) []addrCand {
	var out []addrCand
	for _, part := range strings.Split(cell, ":::") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.Count(part, "@") > 1 {
			if list, err := mail.ParseAddressList(strings.ReplaceAll(part, ";", ",")); err == nil {
				for _, a := range list {
					c := addressCand(a.Address)
					if c.addr != "" {
						c.name = strings.TrimSpace(a.Name)
					}
					out = append(out, c)
				}
				continue
			}
			for _, p := range strings.FieldsFunc(part, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
				out = append(out, addressCand(p))
			}
			continue
		}
		out = append(out, addressCand(part))
	}
	return out
}

// simpleAddress reports whether a cell is a bare address with nothing
// to take apart: no list, display name or link.
func simpleAddress(s string) bool {
	return strings.Count(s, "@") == 1 && !strings.ContainsAny(s, "<>,; :/\"(") && !strings.HasPrefix(strings.ToLower(s), "mailto")
}

func addressCand(s string) addrCand {
	s = strings.TrimSpace(s)
	c := addrCand{raw: s}
	for _, scheme := range []string{"mailto:", "smtp:"} {
		if len(s) > len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			s = strings.TrimSpace(s[len(scheme):])
			if i := strings.IndexByte(s, '?'); i >= 0 && scheme == "mailto:" {
				s = s[:i]
			}
			c.raw = s
		}
	}
	try := func(v, name string) bool {
		a, err := mail.ParseAddress(v)
		if err != nil {
			return false
		}
		if _, err := NormalizeEmail(a.Address); err != nil {
			return false
		}
		if name == "" {
			name = a.Name
		}
		c.addr, c.name = a.Address, strings.TrimSpace(name)
		return true
	}
	if try(s, "") {
		return c
	}
	// Outlook's display form "Jordan Lee (jordan@example.org)".
	if m := parenAddr.FindStringSubmatchIndex(s); m != nil && try(s[m[2]:m[3]], strings.TrimSpace(s[:m[0]])) {
		return c
	}
	// An address in quotes or brackets, or followed by punctuation.
	try(strings.TrimRight(strings.Trim(s, `'"[](){}<>`+"`"+` `), ".,;:"), "")
	return c
}

// pickEmail chooses the address to write to among a row's candidates, in
// column order: the first usable one, else the first written (to be
// reported as invalid); loose candidates, from columns only probably
// meant as addresses, count only when usable. It returns the address and
// the name it was written with. Outlook's desktop export holds an
// Exchange directory name ("/o=…") for colleagues on the same server,
// with the real address in the display name: "Jordan Lee
// (jordan@example.org)".
func pickEmail(cands, loose []string, typ, display string) (addr, shown string) {
	if len(cands) == 1 && typ == "" && simpleAddress(cands[0]) {
		return cands[0], "" // the usual case: one plain address, validated later
	}
	var all []addrCand
	for _, c := range cands {
		all = append(all, addressesIn(c)...)
	}
	if len(all) > 0 && (strings.EqualFold(typ, "EX") || strings.HasPrefix(all[0].raw, "/")) {
		if m := parenAddr.FindStringSubmatch(display); m != nil {
			return m[1], ""
		}
		if strings.HasPrefix(all[0].raw, "/") {
			all = all[1:]
		}
	}
	for _, a := range all {
		if a.addr != "" {
			return a.addr, a.name
		}
	}
	for _, c := range loose {
		for _, a := range addressesIn(c) {
			if a.addr != "" {
				return a.addr, a.name
			}
		}
	}
	if len(all) > 0 {
		return all[0].raw, ""
	}
	return "", ""
}

// unFormula undoes the apostrophe that keeps a spreadsheet from running a
// cell as a formula ("'+1 555 0100"), as rapport's export writes it.
func unFormula(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+@\t\r", rune(v[1])) {
		return v[1:]
	}
	return v
}
