package contacts

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// maxImportBytes bounds what an import reads: far more than any address
// book, small enough that a wrong file cannot exhaust memory.
const maxImportBytes = 256 << 20

// decoded is an import file as text, with the encoding it was read in.
type decoded struct {
	text     string
	encoding string // as reported to the user: "UTF-8", "UTF-16LE", "windows-1252"
}

// readText reads a whole file and decodes it to UTF-8. With name empty the
// encoding is detected: a byte order mark (UTF-8, UTF-16, UTF-32) wins;
// UTF-16 without one is recognised by its NUL bytes; valid UTF-8 is UTF-8;
// anything else is Windows-1252, which is what Excel and Outlook write on
// Western-European Windows (and a superset of Latin-1's printable range),
// line by line: a file put together from a UTF-8 export and an ANSI one
// keeps both right. name ("latin1", "windows-1250", "utf-16le", …)
// overrides detection. A workbook or a PDF is refused with what to do.
func readText(r io.Reader, name string) (*decoded, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(data) > maxImportBytes {
		return nil, fmt.Errorf("the file is larger than %d MiB", maxImportBytes>>20)
	}
	if what := binaryKind(data); what != "" {
		return nil, fmt.Errorf("the file is %s, not CSV or vCard text: open it and save the sheet as CSV (UTF-8), then import that", what)
	}
	if name != "" {
		enc, err := htmlindex.Get(name)
		if err != nil {
			return nil, fmt.Errorf("unknown encoding %q (try utf-8, utf-16, windows-1252, iso-8859-15, windows-1250)", name)
		}
		canonical, _ := htmlindex.Name(enc)
		data = trimBOM(data)
		return decodeWith(data, enc, canonical)
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return checkUTF8(data[3:], "UTF-8")
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}):
		return decodeWith(data, utf32.UTF32(utf32.LittleEndian, utf32.ExpectBOM), "UTF-32LE")
	case bytes.HasPrefix(data, []byte{0, 0, 0xFE, 0xFF}):
		return decodeWith(data, utf32.UTF32(utf32.BigEndian, utf32.ExpectBOM), "UTF-32BE")
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeWith(data, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "UTF-16LE")
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeWith(data, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "UTF-16BE")
	}
	if le, be := nulParity(data); le || be {
		order := unicode.LittleEndian
		label := "UTF-16LE"
		if be {
			order, label = unicode.BigEndian, "UTF-16BE"
		}
		return decodeWith(data, unicode.UTF16(order, unicode.IgnoreBOM), label)
	}
	if !utf8.Valid(data) && looksLikeVCardBytes(data) {
		data = mendFolds(data)
	}
	if utf8.Valid(data) {
		return checkUTF8(data, "UTF-8")
	}
	// Lines ended by a lone CR are Excel's "CSV (Macintosh)", written in
	// Mac OS Roman.
	if bytes.IndexByte(data, '\r') >= 0 && bytes.IndexByte(data, '\n') < 0 {
		return decodeWith(data, charmap.Macintosh, "macintosh")
	}
	return decodeLines(data)
}

// binaryKind names the formats people export instead of CSV.
func binaryKind(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "a zip archive (an Excel .xlsx, OpenDocument .ods or Numbers workbook?)"
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return "an Excel 97-2003 workbook (.xls)"
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "a PDF document"
	}
	return ""
}

// decodeLines decodes text that is not UTF-8 as a whole: each line that
// is UTF-8 stays so, the others are read as Windows-1252.
func decodeLines(data []byte) (*decoded, error) {
	dec := charmap.Windows1252.NewDecoder()
	var out bytes.Buffer
	out.Grow(len(data) + len(data)/8)
	mixed := false
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line = data[:i+1]
		}
		data = data[len(line):]
		if utf8.Valid(line) {
			mixed = mixed || !ascii(line)
			out.Write(line)
			continue
		}
		d, err := dec.Bytes(line)
		if err != nil {
			return nil, fmt.Errorf("decode the file as windows-1252: %w", err)
		}
		out.Write(d)
	}
	label := "windows-1252"
	if mixed {
		label = "UTF-8 and windows-1252"
	}
	return &decoded{text: out.String(), encoding: label}, nil
}

func ascii(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func looksLikeVCardBytes(b []byte) bool {
	if len(b) > 4096 {
		b = b[:4096]
	}
	return bytes.Contains(bytes.ToUpper(b), []byte("BEGIN:VCARD"))
}

// mendFolds repairs vCard folding that split a UTF-8 character across two
// lines (RFC 2425 folds at octets, and some exporters do): the rest of
// the character moves before the line break, the line count stays.
func mendFolds(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\n' && i+1 < len(b) && (b[i+1] == ' ' || b[i+1] == '\t') {
			end := len(out)
			if end > 0 && out[end-1] == '\r' {
				end--
			}
			if need := incomplete(out[:end]); need > 0 {
				j := i + 2
				if j+need <= len(b) && continuation(b[j:j+need]) {
					tail := append([]byte(nil), out[end:]...) // the "\r", if any
					out = append(append(out[:end], b[j:j+need]...), tail...)
					out = append(out, '\n', b[i+1])
					i = j + need - 1
					continue
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// incomplete returns how many continuation bytes the UTF-8 sequence at
// the end of b lacks.
func incomplete(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c&0xC0 == 0x80 {
			continue // a continuation byte: look further back
		}
		var n int
		switch {
		case c&0xE0 == 0xC0:
			n = 2
		case c&0xF0 == 0xE0:
			n = 3
		case c&0xF8 == 0xF0:
			n = 4
		default:
			return 0
		}
		if k < n {
			return n - k
		}
		return 0
	}
	return 0
}

func continuation(b []byte) bool {
	for _, c := range b {
		if c&0xC0 != 0x80 {
			return false
		}
	}
	return true
}

func trimBOM(b []byte) []byte {
	for _, bom := range [][]byte{{0xEF, 0xBB, 0xBF}, {0xFF, 0xFE}, {0xFE, 0xFF}} {
		if bytes.HasPrefix(b, bom) {
			return b[len(bom):]
		}
	}
	return b
}

// nulParity recognises UTF-16 text without a byte order mark: mostly-ASCII
// text in UTF-16 has a NUL in every other byte.
func nulParity(b []byte) (le, be bool) {
	n := len(b)
	if n > 4096 {
		n = 4096
	}
	if n < 4 {
		return false, false
	}
	var even, odd int
	for i := 0; i < n; i++ {
		if b[i] == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	half := n / 2
	return odd > half*3/4 && even == 0, even > half*3/4 && odd == 0
}

func checkUTF8(b []byte, label string) (*decoded, error) {
	if !utf8.Valid(b) {
		// A UTF-8 byte order mark followed by something else: say where.
		i := 0
		for i < len(b) {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		line := bytes.Count(b[:i], []byte{'\n'}) + 1
		return nil, fmt.Errorf("the file starts with a UTF-8 byte order mark but line %d is not UTF-8 (name its encoding with --encoding)", line)
	}
	return &decoded{text: string(b), encoding: label}, nil
}

func decodeWith(b []byte, enc encoding.Encoding, label string) (*decoded, error) {
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("decode the file as %s: %w", label, err)
	}
	if !utf8.Valid(out) {
		return nil, errors.New("the file is not text in " + label)
	}
	return &decoded{text: string(out), encoding: label}, nil
}

// sniffDelimiter picks the field separator of a CSV text: the one of
// comma, semicolon, tab and pipe that splits the first lines into the same
// number (more than one) of fields most often. Excel's "sep=;" first line
// decides outright; it is reported so the caller can skip that line.
func sniffDelimiter(text string) (delim rune, sepLine bool) {
	first, _, _ := strings.Cut(text, "\n")
	first = strings.TrimSpace(strings.TrimPrefix(first, "\uFEFF"))
	if len(first) == 5 && strings.EqualFold(first[:4], "sep=") {
		return rune(first[4]), true
	}
	lines := sampleLines(text, 30)
	best, bestScore := ',', -1
	for _, d := range []rune{',', ';', '\t', '|'} {
		counts := map[int]int{}
		for _, l := range lines {
			if n := countOutsideQuotes(l, d); n > 0 {
				counts[n]++
			}
		}
		score := 0
		for n, c := range counts {
			// Agreement matters more than width: weight by lines, then by fields.
			if s := c*1000 + n; s > score {
				score = s
			}
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	if bestScore <= 0 {
		return ',', false
	}
	return best, false
}

// sampleLines returns up to n non-blank physical lines from the start.
func sampleLines(text string, n int) []string {
	var out []string
	for len(text) > 0 && len(out) < n {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		if strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	}
	return out
}

func countOutsideQuotes(line string, d rune) int {
	n, quoted := 0, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == d && !quoted:
			n++
		}
	}
	return n
}
