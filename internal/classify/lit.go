package classify

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// Go's regexp engine walks every alternative at every byte, so the large
// phrase tables cost microseconds per byte. Each expression here carries the
// literals one of which must occur in any match (derived from its syntax
// tree); when none occurs, the expression is not run at all.

type fastRe struct {
	*regexp.Regexp
	lits []string // nil: no prefilter possible
	// fold: the expression ignores case ((?i)); lits are lower case and
	// the text is lowered before they are looked for.
	fold bool
}

func mustFast(expr string) *fastRe {
	re := regexp.MustCompile(expr)
	f := &fastRe{Regexp: re}
	if sre, err := syntax.Parse(expr, syntax.Perl); err == nil {
		sre = sre.Simplify()
		f.fold = foldsCase(sre)
		f.lits = requiredLits(sre, f.fold)
	}
	return f
}

// foldsCase reports whether any literal of re ignores case.
func foldsCase(re *syntax.Regexp) bool {
	if re.Op == syntax.OpLiteral && re.Flags&syntax.FoldCase != 0 {
		return true
	}
	for _, sub := range re.Sub {
		if foldsCase(sub) {
			return true
		}
	}
	return false
}

// possible reports whether s may contain a match.
func (f *fastRe) possible(s string) bool {
	if f.lits == nil {
		return true
	}
	if f.fold {
		s = strings.ToLower(s)
	}
	for _, l := range f.lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

func (f *fastRe) MatchString(s string) bool {
	return f.possible(s) && f.Regexp.MatchString(s)
}

func (f *fastRe) FindAllStringIndex(s string, n int) [][]int {
	if !f.possible(s) {
		return nil
	}
	return f.Regexp.FindAllStringIndex(s, n)
}

func (f *fastRe) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if !f.possible(s) {
		return nil
	}
	return f.Regexp.FindAllStringSubmatchIndex(s, n)
}

func (f *fastRe) FindStringSubmatch(s string) []string {
	if !f.possible(s) {
		return nil
	}
	return f.Regexp.FindStringSubmatch(s)
}

func (f *fastRe) FindStringSubmatchIndex(s string) []int {
	if !f.possible(s) {
		return nil
	}
	return f.Regexp.FindStringSubmatchIndex(s)
}

func (f *fastRe) FindString(s string) string {
	if !f.possible(s) {
		return ""
	}
	return f.Regexp.FindString(s)
}

func (f *fastRe) FindStringIndex(s string) []int {
	if !f.possible(s) {
		return nil
	}
	return f.Regexp.FindStringIndex(s)
}

// span is a sentence's byte range in a text.
type span struct{ a, b int }

// sentenceSpans cuts s at sentence ends and line breaks.
func sentenceSpans(s string) []span {
	var out []span
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			if i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
				continue // "30. November", "3.12."
			}
			if i > start {
				out = append(out, span{start, i})
			}
			start = i + 1
		case '!', '?', ';', '\n':
			if i > start {
				out = append(out, span{start, i})
			}
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, span{start, len(s)})
	}
	return out
}

// findInSpans runs re sentence by sentence (short inputs, most skipped by
// the literal prefilter) and returns match positions in s. Anchored
// expressions run on the whole text.
func (f *fastRe) findInSpans(s string, spans []span, n int) [][]int {
	if strings.HasPrefix(f.String(), "^") {
		return f.FindAllStringIndex(s, n)
	}
	if !f.possible(s) {
		return nil
	}
	var out [][]int
	for _, sp := range spans {
		for _, ix := range f.FindAllStringIndex(s[sp.a:sp.b], n-len(out)) {
			out = append(out, []int{ix[0] + sp.a, ix[1] + sp.a})
		}
		if len(out) >= n {
			break
		}
	}
	return out
}

// requiredLits returns a set of strings one of which every match contains,
// or nil when it cannot tell. With lower, every literal is given in lower
// case (for text that is lowered before the look); without it a
// case-folded literal gives up (nil).
func requiredLits(re *syntax.Regexp, lower bool) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if lower {
			return []string{strings.ToLower(string(re.Rune))}
		}
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCapture:
		return requiredLits(re.Sub[0], lower)
	case syntax.OpPlus:
		return requiredLits(re.Sub[0], lower)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLits(re.Sub[0], lower)
		}
		return nil
	case syntax.OpConcat:
		var best []string
		for _, sub := range re.Sub {
			if l := requiredLits(sub, lower); l != nil && (best == nil || minLen(l) > minLen(best)) {
				best = l
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			l := requiredLits(sub, lower)
			if l == nil {
				return nil
			}
			all = append(all, l...)
		}
		return all
	}
	return nil
}

func minLen(ls []string) int {
	m := -1
	for _, l := range ls {
		if m < 0 || len(l) < m {
			m = len(l)
		}
	}
	if m < 0 {
		return 0
	}
	return m
}
