package meetings

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is how a meeting takes place.
type Kind string

// The kinds of meeting. The empty Kind means the text did not say.
const (
	Video    Kind = "video"
	Phone    Kind = "phone"
	InPerson Kind = "in_person"
)

// Format is how and where a meeting takes place.
type Format struct {
	Kind Kind
	// Detail is the video link, the phone number or the place, as the
	// owner wrote it (cleaned of control characters); for an unknown Kind,
	// the whole text. It may be empty ("video", "phone").
	Detail string
}

// maxFormatText bounds what ParseFormat keeps: a place or a link, not an
// essay.
const maxFormatText = 300

var (
	urlRE = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"']+`)
	telRE = regexp.MustCompile(`(?i)\btel:\+?[0-9][0-9\-.() ]{4,}[0-9]`)
	// A phone number: an optional +, then digits with the separators
	// people write (spaces, dots, dashes, parentheses, a slash).
	phoneRE = regexp.MustCompile(`\+?\(?[0-9][0-9 .\-()/]{4,}[0-9]`)

	videoWords  = regexp.MustCompile(`(?i)\b(?:video(?:\s*call|\s*chat)?|videocall|zoom|teams|google\s+meet|hangouts?|webex|skype|facetime|whereby|jitsi|online|virtual)\b`)
	phoneWords  = regexp.MustCompile(`(?i)\b(?:phone(?:\s*call)?|telephone|tel|call|ring|mobile|cell|dial)\b`)
	personWords = regexp.MustCompile(`(?i)(?:\bin[\s-]person\b|\bcoffee\b|\blunch\b|\bbreakfast\b|\bdrinks?\b|\btea\b|\bface[\s-]to[\s-]face\b|^\s*(?:at|@)\s)`)
	// placeLead is what comes before the place itself: "in person at",
	// "coffee at", "at", "@", "where:".
	placeLead = regexp.MustCompile(`(?i)^\s*(?:(?:meet(?:ing)?\s+)?(?:in[\s-]person|face[\s-]to[\s-]face|for\s+)?\s*(?:a\s+)?(?:coffee|lunch|breakfast|drinks?|tea)?\s*(?:at|@|in|:|-|–|where:?)?\s*)`)
)

// videoHosts name the video services people send links to, by the end of
// the link's host.
var videoHosts = []struct{ host, name string }{
	{"zoom.us", "Zoom"},
	{"zoom.com", "Zoom"},
	{"meet.google.com", "Google Meet"},
	{"teams.microsoft.com", "Microsoft Teams"},
	{"teams.live.com", "Microsoft Teams"},
	{"webex.com", "Webex"},
	{"whereby.com", "Whereby"},
	{"meet.jit.si", "Jitsi Meet"},
	{"skype.com", "Skype"},
	{"facetime.apple.com", "FaceTime"},
	{"chime.aws", "Amazon Chime"},
	{"gotomeeting.com", "GoTo Meeting"},
	{"meet.goto.com", "GoTo Meeting"},
	{"bluejeans.com", "BlueJeans"},
	{"discord.gg", "Discord"},
	{"slack.com", "Slack"},
}

// ParseFormat reads how a meeting takes place from the free text an owner
// writes after its time ("video https://meet.google.com/abc-defg-hij",
// "zoom", "phone +1 312 555 0142", "I'll call you on 020 7946 0958",
// "coffee at Blue Bottle, 1 Ferry Building", "at the office").
//
// A word that names the kind decides it (video, zoom, teams, call,
// phone, in person, coffee...); without one, a link means video, a number
// written with + or a tel: link means phone, and "at PLACE" means in
// person. Text that says none of this is kept whole as an unknown Kind,
// as a calendar's free-text location is. Empty text gives the zero Format.
// Control characters are dropped and the text is cut at 300 characters,
// so the result is safe in a header or an iCalendar property.
func ParseFormat(text string) Format {
	s := clean(text)
	if s == "" {
		return Format{}
	}
	link := firstLink(s)
	switch {
	case videoWords.MatchString(s) && !(phoneWords.MatchString(s) && link == "" && phoneNumber(s) != ""):
		return Format{Kind: Video, Detail: link}
	case phoneWords.MatchString(s) || telRE.MatchString(s):
		if link != "" && !strings.HasPrefix(strings.ToLower(link), "tel:") && phoneNumber(s) == "" {
			return Format{Kind: Video, Detail: link} // "call on https://…": a video call
		}
		return Format{Kind: Phone, Detail: phoneNumber(s)}
	case link != "":
		return Format{Kind: Video, Detail: link}
	case personWords.MatchString(s):
		return Format{Kind: InPerson, Detail: place(s)}
	case strings.HasPrefix(strings.TrimSpace(s), "+") && phoneNumber(s) != "":
		return Format{Kind: Phone, Detail: phoneNumber(s)}
	}
	return Format{Detail: s}
}

// clean drops control and format characters, collapses white space and
// cuts the text at maxFormatText runes.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u2028' || r == '\u2029' || unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxFormatText {
		s = string([]rune(s)[:maxFormatText])
	}
	return s
}

// firstLink is the first http(s) link in s, without trailing punctuation,
// or a tel: link; "www.x" gets https:// in front.
func firstLink(s string) string {
	if m := urlRE.FindString(s); m != "" {
		m = strings.TrimRight(m, ".,;:!?)]}")
		if strings.HasPrefix(strings.ToLower(m), "www.") {
			m = "https://" + m
		}
		if u, err := url.Parse(m); err == nil && u.Host != "" {
			return m
		}
	}
	if m := telRE.FindString(s); m != "" {
		return m
	}
	return ""
}

// phoneNumber is the first run of s that reads as a phone number: at
// least 6 digits, not a date or a time.
func phoneNumber(s string) string {
	for _, loc := range phoneRE.FindAllStringIndex(s, -1) {
		m := strings.TrimSpace(s[loc[0]:loc[1]])
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits < 6 || digits > 15 || isDateLike(m) {
			continue
		}
		return m
	}
	return ""
}

var dateLikeRE = regexp.MustCompile(`^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$`)

func isDateLike(s string) bool { return dateLikeRE.MatchString(s) }

// place is the text after what introduces it ("coffee at", "in person
// at", "@"), or "" when nothing follows.
func place(s string) string {
	p := strings.TrimSpace(placeLead.ReplaceAllString(s, ""))
	p = strings.TrimLeft(p, ":-– ")
	return p
}

// Provider names the video service of a video link ("Zoom", "Google
// Meet"), or "".
func (f Format) Provider() string {
	if f.Kind != Video || f.Detail == "" {
		return ""
	}
	u, err := url.Parse(f.Detail)
	if err != nil {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	for _, v := range videoHosts {
		if h == v.host || strings.HasSuffix(h, "."+v.host) {
			return v.name
		}
	}
	return ""
}

// Link is the video link, or "".
func (f Format) Link() string {
	if f.Kind == Video {
		return f.Detail
	}
	return ""
}

// IsZero reports whether nothing is known about the format.
func (f Format) IsZero() bool { return f.Kind == "" && f.Detail == "" }

// Noun names the kind for a sentence: "video call", "phone call", "in
// person"; "" for an unknown Kind.
func (f Format) Noun() string {
	switch f.Kind {
	case Video:
		if p := f.Provider(); p != "" {
			return p + " call"
		}
		return "video call"
	case Phone:
		return "phone call"
	case InPerson:
		return "in person"
	}
	return ""
}

// String is the format for people: "video call: https://meet.google.com/…",
// "Zoom call: https://…", "phone call: +1 312 555 0142", "in person at Blue
// Bottle", "video call", or the free text of an unknown kind.
func (f Format) String() string {
	switch {
	case f.Kind == InPerson && f.Detail != "":
		return "in person at " + f.Detail
	case f.Kind != "" && f.Detail != "":
		return f.Noun() + ": " + f.Detail
	case f.Kind != "":
		return f.Noun()
	}
	return f.Detail
}

// Location is what a calendar shows as the place: the link, "Phone: NUMBER",
// the place, or the free text.
func (f Format) Location() string {
	switch {
	case f.Detail == "":
		return ""
	case f.Kind == Phone:
		return "Phone: " + f.Detail
	}
	return f.Detail
}
