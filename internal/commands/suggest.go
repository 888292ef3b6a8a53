package commands

import (
	"fmt"
	"strings"
)

// vocabulary is every word the date, time, duration and format grammar
// knows, for "did you mean" hints on words it did not understand.
var vocabulary = func() []string {
	v := []string{"today", "tomorrow", "yesterday", "noon", "midday", "midnight",
		"minutes", "minute", "hours", "hour", "weeks", "week", "months", "month", "days", "day",
		"next", "with", "person", "until"}
	v = append(v, "january", "february", "march", "april", "june", "july", "august", "september", "october",
		"november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"tues", "thurs")
	for k := range formatWords {
		v = append(v, k)
	}
	return v
}()

// suggestFor returns ` (did you mean "x"?)` for the first unknown word
// that is close to a known one, or "".
func suggestFor(unknown []string) string {
	for _, u := range unknown {
		w := strings.ToLower(strings.Trim(u, ".,;:!?()[]\"'"))
		if len([]rune(w)) < 4 {
			continue
		}
		if best, d := closest(w, vocabulary); d >= 1 && d <= maxEdits(w) {
			return fmt.Sprintf(" (did you mean %q?)", best)
		}
	}
	return ""
}

func maxEdits(w string) int {
	if len([]rune(w)) >= 7 {
		return 2
	}
	return 1
}

// closest returns the candidate nearest to w and its distance; ties go to
// the earlier candidate.
func closest(w string, cands []string) (string, int) {
	best, bd := "", -1
	for _, c := range cands {
		d := distance(w, c)
		if bd < 0 || d < bd || (d == bd && c < best) {
			best, bd = c, d
		}
	}
	return best, bd
}

// distance is the optimal-string-alignment edit distance (insertions,
// deletions, substitutions and transpositions of neighbours), on runes.
// Long inputs are cut: command words are short.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 {
		ra = ra[:64]
	}
	if len(rb) > 64 {
		rb = rb[:64]
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
