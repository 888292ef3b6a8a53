package contacts

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"strings"
)

// headerSearchRows is how far down a file the header row is looked for:
// LinkedIn's export starts with a few lines of notes.
const headerSearchRows = 20

// csvRow is one record with the row number a spreadsheet shows for it
// (blank rows counted, a quoted cell with line breaks counting once) and
// the line of the text file it starts on.
type csvRow struct {
	fields []string
	row    int
	line   int
	err    error // a malformed record
}

// csvRows reads records from decoded text.
type csvRows struct {
	r     *csv.Reader
	extra int // line breaks inside quoted cells so far: lines that are not rows
	skip  int // physical lines before the reader's input (Excel's "sep=")
}

func newCSVRows(text string, delim rune, skipFirst bool) *csvRows {
	skip := 0
	if skipFirst {
		_, text, _ = strings.Cut(text, "\n")
		skip = 1
	}
	// Old Mac spreadsheets end lines with a lone CR.
	if !strings.Contains(text, "\n") && strings.Contains(text, "\r") {
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	return &csvRows{r: r, skip: skip}
}

func (c *csvRows) next() (*csvRow, error) {
	fields, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		row := &csvRow{row: pe.StartLine + c.skip - c.extra, line: pe.StartLine + c.skip, err: pe.Err}
		c.extra += pe.Line - pe.StartLine
		return row, nil
	}
	if err != nil {
		return nil, err
	}
	line, _ := c.r.FieldPos(0)
	row := &csvRow{fields: fields, row: line + c.skip - c.extra, line: line + c.skip}
	for _, f := range fields {
		c.extra += strings.Count(f, "\n")
	}
	return row, nil
}

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
	rows   *csvRows
	cols   []column
	header *csvRow
	format string
}

func openCSV(text string, overrides map[string]field) (*csvImport, error) {
	delim, sepLine := sniffDelimiter(text)
	rows := newCSVRows(text, delim, sepLine)
	var first *csvRow
	for n := 0; n < headerSearchRows; n++ {
		r, err := rows.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
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
		if len(overrides) > 0 {
			if cols, err = resolve(r.fields, overrides); err != nil {
				return nil, fmt.Errorf("row %d: %w", r.row, err)
			}
		}
		if err := checkHeader(r); err != nil {
			return nil, err
		}
		return &csvImport{rows: rows, cols: cols, header: r, format: csvFormat(cols, delim)}, nil
	}
	if first == nil {
		return nil, errors.New("the file has no rows (want a header row naming at least a name or an email column)")
	}
	return nil, fmt.Errorf("no header row names a name or email column; row %d has the columns %s "+
		"(name the ones to use with --map COLUMN=FIELD, e.g. --map %q=email)",
		first.row, quoteList(first.fields), exampleColumn(first.fields))
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
		r, err := ci.rows.next()
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
		if len(fields) > len(ci.cols) {
			if !blank(fields[len(ci.cols):]) {
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

// emptyValues are placeholders exporters write for "nothing".
var emptyValues = map[string]bool{"0/0/00": true, "0.0.00": true, "00.00.00": true, "00/00/0000": true,
	"unspecified": true, "nicht angegeben": true, "non spécifié": true, "no especificado": true}

// buildInput turns one row's cells into an Input by the resolved columns:
// first, middle and last names are joined, the first usable address is
// taken, and unmapped columns become custom fields by header name.
func buildInput(cols []column, fields []string) Input {
	var in Input
	var first, middle, last, emailType, emailName string
	var emails, more []string
	set := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	for i, col := range cols {
		if i >= len(fields) {
			break
		}
		v := unFormula(strings.TrimSpace(fields[i]))
		if v == "" {
			continue
		}
		switch col.field {
		case fName:
			set(&in.Name, v)
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
		case fEmailType:
			set(&emailType, v)
		case fEmailName:
			set(&emailName, v)
		case fCompany:
			set(&in.Company, v)
		case fRole:
			set(&in.Role, v)
		case fConnection:
			set(&in.Connection, v)
		case fReferredBy:
			set(&in.ReferredBy, v)
		case fTimezone:
			set(&in.Timezone, v)
		case fNotes:
			if in.Notes != "" {
				in.Notes += "\n\n"
			}
			in.Notes += v
		case fLinkedIn:
			set(&in.LinkedIn, v)
		case fIgnore:
		default:
			if emptyValues[strings.ToLower(v)] {
				continue
			}
			if in.Custom == nil {
				in.Custom = map[string]string{}
			}
			in.Custom[col.key] = oneLine(v)
		}
	}
	if in.Name == "" {
		in.Name = strings.Join(strings.Fields(first+" "+middle+" "+last), " ")
	}
	in.Email = pickEmail(append(emails, more...), emailType, emailName)
	return in
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

// pickEmail chooses the address to write to among a row's candidates, in
// column order: the first that parses, else the first (to be reported as
// invalid). Google joins several addresses in one cell with " ::: ".
// Outlook's desktop export holds an Exchange directory name ("/o=…") for
// colleagues on the same server, with the real address in the display
// name: "Jordan Lee (jordan@example.org)".
func pickEmail(cands []string, typ, display string) string {
	var all []string
	for _, c := range cands {
		for _, p := range strings.Split(c, ":::") {
			if p = strings.TrimSpace(p); p != "" {
				all = append(all, p)
			}
		}
	}
	if len(all) > 0 && (strings.EqualFold(typ, "EX") || strings.HasPrefix(all[0], "/")) {
		if m := parenAddr.FindStringSubmatch(display); m != nil {
			return m[1]
		}
		if strings.HasPrefix(all[0], "/") {
			all = all[1:]
		}
	}
	for _, a := range all {
		if _, err := mail.ParseAddress(a); err == nil {
			return a
		}
	}
	if len(all) > 0 {
		return all[0]
	}
	return ""
}

// unFormula undoes the apostrophe that keeps a spreadsheet from running a
// cell as a formula ("'+1 555 0100"), as rapport's export writes it.
func unFormula(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+@\t\r", rune(v[1])) {
		return v[1:]
	}
	return v
}
