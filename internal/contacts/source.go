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
// Western-European Windows (and a superset of Latin-1's printable range).
// name ("latin1", "windows-1250", "utf-16le", …) overrides detection.
func readText(r io.Reader, name string) (*decoded, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(data) > maxImportBytes {
		return nil, fmt.Errorf("the file is larger than %d MiB", maxImportBytes>>20)
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
	if utf8.Valid(data) {
		return checkUTF8(data, "UTF-8")
	}
	return decodeWith(data, charmap.Windows1252, "windows-1252")
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
