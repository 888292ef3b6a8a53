package contacts

import (
	"errors"
	"io"
	"strings"
)

// csvRow is one record with the row number a spreadsheet shows for it
// (blank rows counted, a quoted cell with line breaks counting once, an
// Excel "sep=" line not shown) and the line of the text file it starts on.
type csvRow struct {
	fields []string
	row    int
	line   int
	err    error // a malformed record
}

// Problems a record can have. A spreadsheet would show something for each
// of them, but not what the file's author meant, so the row is reported.
var (
	errBareQuote  = errors.New(`a double quote inside a cell that does not start with one (write it "" inside a quoted cell)`)
	errAfterQuote = errors.New("text after the closing quote of a cell")
	errOpenQuote  = errors.New("a quoted cell that is never closed")
)

// csvScanner reads records from decoded text as RFC 4180 describes and
// spreadsheets write them: any delimiter, CRLF, LF or lone CR line ends,
// quoted cells with separators, doubled quotes and line breaks, and
// Excel's ="…" text cells. A malformed record is returned with its error
// and reading goes on: after a quote that swallowed later lines, from the
// line after the one the record started on, so one stray quote costs one
// row, not the rest of the file.
type csvScanner struct {
	text string
	pos  int
	line int // physical line at pos
	row  int // rows returned so far
	sep  byte
	// trim skips spaces before a quoted cell ("a, "b, c""), which people
	// write after a comma or semicolon; never with tabs.
	trim bool
}

func newCSVScanner(text string, sep rune, skipFirst bool) *csvScanner {
	s := &csvScanner{text: text, line: 1, sep: byte(sep), trim: sep == ',' || sep == ';'}
	if skipFirst {
		s.skipLine()
	}
	return s
}

// skipLine moves past the current physical line.
func (s *csvScanner) skipLine() {
	for s.pos < len(s.text) {
		c := s.text[s.pos]
		s.pos++
		if c == '\n' {
			s.line++
			return
		}
		if c == '\r' {
			if s.pos < len(s.text) && s.text[s.pos] == '\n' {
				s.pos++
			}
			s.line++
			return
		}
	}
}

// atEOL reports whether p is at a line end or the end of the text.
func (s *csvScanner) atEOL(p int) bool {
	return p >= len(s.text) || s.text[p] == '\n' || s.text[p] == '\r'
}

func (s *csvScanner) next() (*csvRow, error) {
	if s.pos >= len(s.text) {
		return nil, io.EOF
	}
	s.row++
	// A byte order mark where a second export was pasted in.
	if strings.HasPrefix(s.text[s.pos:], "\uFEFF") {
		s.pos += len("\uFEFF")
	}
	startPos, startLine := s.pos, s.line
	r := &csvRow{row: s.row, line: startLine}
	fail := func(err error) (*csvRow, error) {
		r.fields, r.err = nil, err
		// Start again on the line after the record's first: the lines a
		// runaway quote took in are rows of their own.
		s.pos, s.line = startPos, startLine
		s.skipLine()
		return r, nil
	}
	for {
		p := s.pos
		if s.trim {
			q := p
			for q < len(s.text) && s.text[q] == ' ' {
				q++
			}
			if q < len(s.text) && s.text[q] == '"' {
				p = q
			}
		}
		quoted := p < len(s.text) && s.text[p] == '"'
		// Excel's ="0123" keeps a value as text; it shows 0123.
		formula := !quoted && p+1 < len(s.text) && s.text[p] == '=' && s.text[p+1] == '"'
		if formula {
			p++
			quoted = true
		}
		if !quoted {
			end := p
			for end < len(s.text) && s.text[end] != s.sep && s.text[end] != '\n' && s.text[end] != '\r' {
				end++
			}
			cell := s.text[p:end]
			if strings.IndexByte(cell, '"') >= 0 {
				return fail(errBareQuote)
			}
			r.fields = append(r.fields, cell)
			s.pos = end
		} else {
			cell, end, lines, err := s.quoted(p)
			if err != nil {
				return fail(err)
			}
			s.line += lines
			if formula && !s.atEOL(end) && s.text[end] != s.sep {
				return fail(errAfterQuote)
			}
			r.fields = append(r.fields, cell)
			s.pos = end
		}
		if s.pos < len(s.text) && s.text[s.pos] == s.sep {
			s.pos++
			continue
		}
		s.skipLine() // the line end (or nothing, at the end of the text)
		return r, nil
	}
}

// quoted reads the quoted cell whose opening quote is at p. It returns
// the cell, the position after its closing quote (and any spaces after
// it), and the line breaks inside it.
func (s *csvScanner) quoted(p int) (cell string, end, lines int, err error) {
	var b strings.Builder
	i := p + 1
	for {
		j := strings.IndexByte(s.text[i:], '"')
		if j < 0 {
			return "", 0, 0, errOpenQuote
		}
		seg := s.text[i : i+j]
		lines += countLineBreaks(seg)
		b.WriteString(seg)
		i += j + 1
		if i < len(s.text) && s.text[i] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		break
	}
	for i < len(s.text) && s.text[i] == ' ' {
		i++
	}
	if !s.atEOL(i) && s.text[i] != s.sep {
		return "", 0, 0, errAfterQuote
	}
	// Line breaks inside a cell read as LF, as encoding/csv gives them.
	return strings.ReplaceAll(b.String(), "\r\n", "\n"), i, lines, nil
}

// countLineBreaks counts CRLF, LF and lone CR as one line break each.
func countLineBreaks(s string) int {
	n := strings.Count(s, "\n")
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' && (i+1 == len(s) || s[i+1] != '\n') {
			n++
		}
	}
	return n
}
