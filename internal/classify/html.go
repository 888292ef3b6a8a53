package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// HTMLToText renders HTML as plain text, crudely but safely: it never
// executes or fetches anything, drops script/style/head, turns block
// elements and <br> into line breaks, keeps the spaces between words that
// inline tags split ("Please <b>remove me</b>"), and prefixes text inside
// <blockquote> with "> " so StripQuoted removes quoted history from HTML
// mail too.
func HTMLToText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	z.SetMaxBuf(4 << 20)
	var b strings.Builder
	quote := 0
	skip := 0
	atLineStart := true
	space := false // a space is owed before the next word (inline tags keep word boundaries)
	newline := func() {
		b.WriteByte('\n')
		atLineStart = true
		space = false
	}
	for i := 0; i < 1_000_000; i++ {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidyLines(b.String())
		case html.TextToken:
			if skip > 0 {
				continue
			}
			raw := string(z.Text())
			t := strings.Join(strings.Fields(raw), " ")
			if t == "" {
				if raw != "" && !atLineStart {
					space = true
				}
				continue
			}
			if r, _ := utf8.DecodeRuneInString(raw); unicode.IsSpace(r) {
				space = true
			}
			if atLineStart && quote > 0 {
				b.WriteString(strings.Repeat("> ", min(quote, 10)))
			} else if space && !atLineStart {
				b.WriteByte(' ')
			}
			b.WriteString(t)
			r, _ := utf8.DecodeLastRuneInString(raw)
			space = unicode.IsSpace(r)
			atLineStart = false
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch tag {
			case "script", "style", "head", "title", "noscript", "template":
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			case "blockquote":
				if tt == html.StartTagToken {
					quote++
				} else if tt == html.EndTagToken && quote > 0 {
					quote--
				}
				if !atLineStart {
					newline()
				}
			case "br":
				newline()
			case "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "pre", "ul", "ol", "section", "article", "header", "footer":
				if !atLineStart {
					newline()
				}
				if tag == "hr" {
					b.WriteString("________________________________")
					newline()
				}
			case "td", "th", "img", "input", "button", "select", "textarea", "label":
				if !atLineStart {
					space = true
				}
			}
		}
	}
	return tidyLines(b.String())
}

// tidyLines trims trailing spaces and squeezes runs of blank lines.
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \u00a0")
		l = strings.ReplaceAll(l, "\u00a0", " ")
		if strings.TrimSpace(strings.Trim(l, "> ")) == "" && strings.TrimSpace(l) == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
