package meetings

import (
	"strings"
	"testing"
	"unicode"
)

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
		str  string
	}{
		{"video https://meet.google.com/abc-defg-hij", Format{Video, "https://meet.google.com/abc-defg-hij"}, "Google Meet call: https://meet.google.com/abc-defg-hij"},
		{"zoom https://us02web.zoom.us/j/812345?pwd=xYz.", Format{Video, "https://us02web.zoom.us/j/812345?pwd=xYz"}, "Zoom call: https://us02web.zoom.us/j/812345?pwd=xYz"},
		{"https://teams.microsoft.com/l/meetup-join/19%3ameeting", Format{Video, "https://teams.microsoft.com/l/meetup-join/19%3ameeting"}, "Microsoft Teams call: https://teams.microsoft.com/l/meetup-join/19%3ameeting"},
		{"video call", Format{Video, ""}, "video call"},
		{"Zoom", Format{Video, ""}, "video call"},
		{"on Teams", Format{Video, ""}, "video call"},
		{"video, link: www.example.org/room/42", Format{Video, "https://www.example.org/room/42"}, "video call: https://www.example.org/room/42"},
		{"call on https://whereby.com/alex", Format{Video, "https://whereby.com/alex"}, "Whereby call: https://whereby.com/alex"},
		{"phone +1 312 555 0142", Format{Phone, "+1 312 555 0142"}, "phone call: +1 312 555 0142"},
		{"phone", Format{Phone, ""}, "phone call"},
		{"I'll call you on 020 7946 0958", Format{Phone, "020 7946 0958"}, "phone call: 020 7946 0958"},
		{"call me at (312) 555-0142", Format{Phone, "(312) 555-0142"}, "phone call: (312) 555-0142"},
		{"+33 1 42 68 53 00", Format{Phone, "+33 1 42 68 53 00"}, "phone call: +33 1 42 68 53 00"},
		{"tel:+13125550142", Format{Phone, "+13125550142"}, "phone call: +13125550142"},
		// A video word with a number only: Zoom by phone is still a call.
		{"zoom call, dial +1 646 558 8656", Format{Phone, "+1 646 558 8656"}, "phone call: +1 646 558 8656"},
		{"coffee at Blue Bottle, 1 Ferry Building", Format{InPerson, "Blue Bottle, 1 Ferry Building"}, "in person at Blue Bottle, 1 Ferry Building"},
		{"in person at Acme HQ, 5th floor", Format{InPerson, "Acme HQ, 5th floor"}, "in person at Acme HQ, 5th floor"},
		{"In-person: Room 4.12", Format{InPerson, "Room 4.12"}, "in person at Room 4.12"},
		{"at the Ferry Building", Format{InPerson, "the Ferry Building"}, "in person at the Ferry Building"},
		{"@ Café Lomi, 3 ter rue Marcadet", Format{InPerson, "Café Lomi, 3 ter rue Marcadet"}, "in person at Café Lomi, 3 ter rue Marcadet"},
		{"lunch", Format{InPerson, ""}, "in person"},
		{"coffee", Format{InPerson, ""}, "in person"},
		// Nothing recognisable: kept as free text, as a calendar location.
		{"Building 7 lobby", Format{"", "Building 7 lobby"}, "Building 7 lobby"},
		// A date or a time is not a phone number.
		{"2026-12-03", Format{"", "2026-12-03"}, "2026-12-03"},
		{"phone 12/03/2026", Format{Phone, ""}, "phone call"},
		{"", Format{}, ""},
		{"  \r\n\t ", Format{}, ""},
		// Control characters never survive.
		{"at Acme\r\nBcc: x@y", Format{InPerson, "Acme Bcc: x@y"}, "in person at Acme Bcc: x@y"},
		{"video\u200b https://meet.google.com/x", Format{Video, "https://meet.google.com/x"}, "Google Meet call: https://meet.google.com/x"},
	} {
		got := ParseFormat(tc.in)
		if got != tc.want {
			t.Errorf("ParseFormat(%q) = %#v, want %#v", tc.in, got, tc.want)
			continue
		}
		if s := got.String(); s != tc.str {
			t.Errorf("ParseFormat(%q).String() = %q, want %q", tc.in, s, tc.str)
		}
	}
}

func TestFormatLocation(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		want string
	}{
		{Format{Video, "https://meet.google.com/x"}, "https://meet.google.com/x"},
		{Format{Phone, "+1 312 555 0142"}, "Phone: +1 312 555 0142"},
		{Format{InPerson, "Blue Bottle"}, "Blue Bottle"},
		{Format{"", "Building 7"}, "Building 7"},
		{Format{Video, ""}, ""},
	} {
		if got := tc.f.Location(); got != tc.want {
			t.Errorf("%#v.Location() = %q, want %q", tc.f, got, tc.want)
		}
	}
	if (Format{Phone, "+1"}).Link() != "" || (Format{Video, "https://x.org"}).Link() != "https://x.org" {
		t.Error("Link")
	}
	if !(Format{}).IsZero() || (Format{Kind: Video}).IsZero() {
		t.Error("IsZero")
	}
}

// Whatever the text, the result is bounded, has no control characters and
// its kind is one of the four.
func FuzzParseFormat(f *testing.F) {
	for _, s := range []string{"video https://meet.google.com/abc", "phone +1 312 555 0142", "coffee at X", "@", "tel:+1", "www.", "+(((((((", strings.Repeat("1 ", 400), "\xff\xfe at \x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ParseFormat(s)
		switch got.Kind {
		case "", Video, Phone, InPerson:
		default:
			t.Fatalf("kind %q", got.Kind)
		}
		if len([]rune(got.Detail)) > maxFormatText {
			t.Fatalf("detail of %d runes", len([]rune(got.Detail)))
		}
		for _, r := range got.String() + got.Location() {
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("control character %q in %q", r, got)
			}
		}
	})
}
