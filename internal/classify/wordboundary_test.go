package classify

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Go's \b knows only ASCII letters as word characters: beside an accented
// letter it asks for the opposite of what the phrase means ("dziękuję\b"
// never matches "dziękuję."), so a phrase table with one silently misses.
// No expression of this package or of internal/when may put \b next to a
// letter outside ASCII; write (?:\P{L}|$) or (?:^|\P{L}) there instead.
func TestNoASCIIWordBoundaryBesideOtherLetters(t *testing.T) {
	raw := regexp.MustCompile("`[^`]*`")
	var files []string
	for _, dir := range []string{".", filepath.Join("..", "when")} {
		fs, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, loc := range raw.FindAllIndex(src, -1) {
			lit := string(src[loc[0]:loc[1]])
			checked++
			for i := strings.Index(lit, `\b`); i >= 0; {
				before, _ := utf8.DecodeLastRuneInString(lit[:i])
				after, _ := utf8.DecodeRuneInString(lit[i+2:])
				for _, r := range []rune{before, after} {
					if r > unicode.MaxASCII && unicode.IsLetter(r) {
						line := 1 + strings.Count(string(src[:loc[0]]), "\n") + strings.Count(lit[:i], "\n")
						t.Errorf("%s:%d: \\b beside %q: %q", f, line, r, lit[max(0, i-24):min(len(lit), i+8)])
					}
				}
				j := strings.Index(lit[i+2:], `\b`)
				if j < 0 {
					break
				}
				i += 2 + j
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d raw strings read: the scan does not see the expressions", checked)
	}
}
