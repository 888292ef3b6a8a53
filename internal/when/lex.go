package when

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tWord tokKind = iota + 1
	tNum
	tPunct
)

// tok is one token of the text: a word (letters, lower-cased), a number
// (digits) or one punctuation character.
type tok struct {
	s          string // lower-cased word, digits, or the punctuation character
	start, end int    // byte offsets in the original text
	kind       tokKind
	n          int  // value of a number (capped)
	space      bool // whitespace before it
	brk        bool // a sentence or line break before it
}

// maxTokens bounds the work on one text; the rest is ignored.
const maxTokens = 20000

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || r == '_' || unicode.Is(unicode.Mn, r)
}

// possessiveDay reports a weekday or a relative day written with "'s"
// after it ("Friday's", "tomorrow's").
func possessiveDay(w string) bool {
	if _, ok := weekdays[w]; ok {
		return true
	}
	_, ok := relDays[w]
	return ok
}

// lex splits s into tokens. "a.m." and "p.m." become one word ("am",
// "pm"); apostrophes inside a word are kept ("aujourd'hui", "o'clock").
func lex(s string) []tok {
	var out []tok
	space, brk := true, true
	for i := 0; i < len(s) && len(out) < maxTokens; {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n':
			brk, space = true, true
			i += w
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			space = true
			i += w
		case r >= '0' && r <= '9':
			j := i
			n := 0
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				if n < 1e6 {
					n = n*10 + int(s[j]-'0')
				}
				j++
			}
			out = append(out, tok{s: s[i:j], start: i, end: j, kind: tNum, n: n, space: space, brk: brk})
			space, brk = false, false
			i = j
		case isWordRune(r):
			j := i
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if isWordRune(r2) {
					j += w2
					continue
				}
				// an apostrophe between letters stays in the word
				if r2 == '\'' || r2 == '’' {
					if r3, _ := utf8.DecodeRuneInString(s[j+w2:]); j+w2 < len(s) && isWordRune(r3) {
						j += w2
						continue
					}
				}
				break
			}
			word := strings.ToLower(strings.ReplaceAll(s[i:j], "’", "'"))
			if base, ok := strings.CutSuffix(word, "'s"); ok && possessiveDay(base) {
				// "Tuesday's good", "tomorrow's fine": the day, then "'s"
				k := j - 2
				if strings.HasSuffix(s[i:j], "’s") {
					k = j - len("’s")
				}
				out = append(out, tok{s: base, start: i, end: k, kind: tWord, space: space, brk: brk},
					tok{s: "'s", start: k, end: j, kind: tWord})
				space, brk = false, false
				i = j
				continue
			}
			out = append(out, tok{s: word, start: i, end: j, kind: tWord, space: space, brk: brk})
			space, brk = false, false
			i = j
		default:
			p := string(r)
			switch r {
			case '–', '—', '‒', '−':
				p = "-"
			case '：':
				p = ":"
			}
			b := brk
			out = append(out, tok{s: p, start: i, end: i + w, kind: tPunct, space: space, brk: b})
			space, brk = false, false
			// "!", "?" and ";" end a sentence; a full stop is decided
			// in markStops, when the next token is known
			brk = r == '!' || r == '?' || r == ';'
			i += w
		}
	}
	out = mergeMeridiem(out)
	markStops(s, out)
	return out
}

// markStops makes a full stop end a sentence when a capitalised word or a
// line break follows and it does not close an ordinal number ("3. Dezember").
func markStops(s string, ts []tok) {
	for i := 0; i+1 < len(ts); i++ {
		if ts[i].s != "." || ts[i+1].brk || !ts[i+1].space {
			continue
		}
		if i > 0 && ts[i-1].kind == tNum && !ts[i].space {
			continue
		}
		if ts[i+1].kind == tWord {
			r, _ := utf8.DecodeRuneInString(s[ts[i+1].start:])
			if unicode.IsUpper(r) {
				ts[i+1].brk = true
			}
		}
	}
}

// mergeMeridiem joins "a . m ." and "p . m ." into one word.
func mergeMeridiem(ts []tok) []tok {
	out := ts[:0:0]
	for i := 0; i < len(ts); i++ {
		t := ts[i]
		if t.kind == tWord && (t.s == "a" || t.s == "p") && i+2 < len(ts) && ts[i+1].s == "." && !ts[i+1].space &&
			ts[i+2].kind == tWord && ts[i+2].s == "m" && !ts[i+2].space {
			end := ts[i+2].end
			skip := 2
			if i+3 < len(ts) && ts[i+3].s == "." && !ts[i+3].space {
				end = ts[i+3].end
				skip = 3
			}
			t.s = t.s + "m"
			t.end = end
			out = append(out, t)
			i += skip
			continue
		}
		out = append(out, t)
	}
	return out
}
