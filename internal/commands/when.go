package commands

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Meeting formats and the tokens of a command line. Dates and times
// themselves are read by package when (args.go).

// formatWords maps what people write to the canonical format.
var formatWords = map[string]string{
	"phone": "phone", "telephone": "phone", "video": "video", "videocall": "video",
	"zoom": "zoom", "meet": "meet", "gmeet": "meet", "teams": "teams",
	"coffee": "coffee", "call": "call", "in-person": "in person", "inperson": "in person",
}

// generic formats give way to a specific one ("video call on zoom").
var genericFormat = map[string]bool{"call": true, "video": true}

var (
	isoDTRe    = regexp.MustCompile(`^(\d{4}-\d{1,2}-\d{1,2})t(\d{1,2}:\d{2})(?::\d{2})?$`)
	meridiemRe = regexp.MustCompile(`([0-9 ]|^)([ap])\.m\.?$`)
)

type token struct {
	orig, low string
}

func tokenize(s string) []token {
	var out []token
	for _, f := range strings.Fields(s) {
		low := strings.ToLower(strings.Trim(f, ",;()[]!?\"'"))
		low = meridiemRe.ReplaceAllString(low, "${1}${2}m")
		low = strings.TrimSuffix(low, ".")
		if m := isoDTRe.FindStringSubmatch(low); m != nil {
			out = append(out, token{f, m[1]}, token{f, m[2]})
			continue
		}
		out = append(out, token{f, low})
	}
	return out
}

// whenParts collects the meeting format written in a command and any
// problem with it.
type whenParts struct {
	format   string
	problems []string
}

func (w *whenParts) problem(format string, args ...any) {
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

func low(toks []token, i int) string {
	if i < len(toks) {
		return toks[i].low
	}
	return ""
}

func (w *whenParts) takeFormat(toks []token, i int) int {
	l := low(toks, i)
	n := 0
	f := ""
	switch {
	case l == "in" && low(toks, i+1) == "person":
		f, n = "in person", 2
	case (l == "google" && low(toks, i+1) == "meet") || ((l == "ms" || l == "microsoft") && low(toks, i+1) == "teams"):
		f, n = formatWords[low(toks, i+1)], 2
	case (l == "by" || l == "via" || l == "on" || l == "over" || l == "using") && formatWords[low(toks, i+1)] != "":
		return 1 // the format follows
	case l == "by" || l == "via" || l == "on" || l == "over" || l == "using":
		if low(toks, i+1) == "in" && low(toks, i+2) == "person" {
			return 1
		}
		return 0
	default:
		f = formatWords[l]
		n = 1
	}
	if f == "" {
		return 0
	}
	// "video call", "zoom meeting", "coffee chat"
	if next := low(toks, i+n); f != "call" && (next == "call" || next == "chat" || next == "meeting") {
		n++
	}
	switch {
	case w.format == "" || w.format == f || genericFormat[w.format]:
		w.format = f
	case genericFormat[f]:
	default:
		w.problem("two formats (%s and %s)", w.format, f)
	}
	return n
}

// midnight is the start of t's day in loc.
func midnight(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}
