package commands

import (
	"strings"
	"testing"
	"time"
)

var ny = mustLoad("America/New_York")

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// now is Friday 20 November 2026, 09:30 in New York.
var now = time.Date(2026, 11, 20, 9, 30, 0, 0, ny)

func ctx(def string) Context { return Context{Now: now, Loc: ny, DefaultContact: def} }

func at(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, ny) }
func day(y int, m time.Month, d int) time.Time       { return time.Date(y, m, d, 0, 0, 0, 0, ny) }

// one parses text that must hold exactly one command and no error.
func one(t *testing.T, text string, c Context) Command {
	t.Helper()
	cmds, errs := Parse(text, "Re: [rapport] Jordan Lee replied", c)
	if len(errs) > 0 || len(cmds) != 1 {
		t.Fatalf("Parse(%q): %d commands %+v, errors %v", text, len(cmds), cmds, errs)
	}
	if err := cmds[0].Valid(); err != nil {
		t.Fatalf("Parse(%q): invalid command %+v: %v", text, cmds[0], err)
	}
	return cmds[0]
}

// failure parses text that must give no command and one error whose
// reason contains every want.
func failure(t *testing.T, text string, c Context, want ...string) ParseError {
	t.Helper()
	cmds, errs := Parse(text, "Re: [rapport] x", c)
	if len(cmds) != 0 || len(errs) != 1 {
		t.Fatalf("Parse(%q): commands %+v, errors %v; want one error", text, cmds, errs)
	}
	for _, w := range want {
		if !strings.Contains(errs[0].Reason, w) {
			t.Errorf("Parse(%q): reason %q does not contain %q", text, errs[0].Reason, w)
		}
	}
	return errs[0]
}

func TestMeeting(t *testing.T) {
	const maria = "maria@x.com"
	tests := []struct {
		in       string
		when     time.Time
		dur      time.Duration
		format   string
		contact  string
		location string
	}{
		{"meeting 2026-11-24 14:00", at(2026, 11, 24, 14, 0), 0, "", maria, ""},
		{"meeting Tue 24 Nov 2pm", at(2026, 11, 24, 14, 0), 0, "", maria, ""},
		{"Meeting Tuesday 24 November at 2pm", at(2026, 11, 24, 14, 0), 0, "", maria, ""},
		{"meeting on Tue, Nov 24, 2:30pm", at(2026, 11, 24, 14, 30), 0, "", maria, ""},
		{"meeting Nov 24 2026 14:00", at(2026, 11, 24, 14, 0), 0, "", maria, ""},
		{"meeting 24th of November 2 pm", at(2026, 11, 24, 14, 0), 0, "", maria, ""},
		{"meeting tomorrow 10:30", at(2026, 11, 21, 10, 30), 0, "", maria, ""},
		{"meeting today noon", at(2026, 11, 20, 12, 0), 0, "", maria, ""},
		{"meeting today 9am", at(2026, 11, 20, 9, 0), 0, "", maria, ""}, // past today: recorded as is
		{"meeting yesterday 4pm", at(2026, 11, 19, 16, 0), 0, "", maria, ""},
		{"meeting tue 2pm", at(2026, 11, 24, 14, 0), 0, "", maria, ""},
		{"meeting fri 2pm", at(2026, 11, 20, 14, 0), 0, "", maria, ""}, // later today
		{"meeting fri 9am", at(2026, 11, 27, 9, 0), 0, "", maria, ""},  // passed today: next week
		{"meeting next fri 2pm", at(2026, 11, 27, 14, 0), 0, "", maria, ""},
		{"meeting thurs 11:15am", at(2026, 11, 26, 11, 15), 0, "", maria, ""},
		{"meeting 24 Nov 12am", at(2026, 11, 24, 0, 0), 0, "", maria, ""},
		{"meeting 24 Nov 12pm", at(2026, 11, 24, 12, 0), 0, "", maria, ""},
		{"meeting 24 Nov 2 p.m.", at(2026, 11, 24, 14, 0), 0, "", maria, ""},
		{"meeting 24 Nov 14h30", at(2026, 11, 24, 14, 30), 0, "", maria, ""},
		{"meeting 2026-11-24T14:00", at(2026, 11, 24, 14, 0), 0, "", maria, ""},
		{"meeting 2 Jan 10:00", at(2027, 1, 2, 10, 0), 0, "", maria, ""},    // nearest 2 January is next year
		{"meeting 18 Nov 10:00", at(2026, 11, 18, 10, 0), 0, "", maria, ""}, // two days ago, not next year
		{"meeting Tue 24 Nov 2pm for 30m", at(2026, 11, 24, 14, 0), 30 * time.Minute, "", maria, ""},
		{"meeting Tue 24 Nov 2pm for 45 minutes", at(2026, 11, 24, 14, 0), 45 * time.Minute, "", maria, ""},
		{"meeting Tue 24 Nov 2pm for 1h", at(2026, 11, 24, 14, 0), time.Hour, "", maria, ""},
		{"meeting Tue 24 Nov 2pm for an hour", at(2026, 11, 24, 14, 0), time.Hour, "", maria, ""},
		{"meeting Tue 24 Nov 2pm for half an hour", at(2026, 11, 24, 14, 0), 30 * time.Minute, "", maria, ""},
		{"meeting Tue 24 Nov 2pm 1h30", at(2026, 11, 24, 14, 0), 90 * time.Minute, "", maria, ""},
		{"meeting Tue 24 Nov 2pm (20 min)", at(2026, 11, 24, 14, 0), 20 * time.Minute, "", maria, ""},
		{"meeting Tue 24 Nov 2-2:30pm", at(2026, 11, 24, 14, 0), 30 * time.Minute, "", maria, ""},
		{"meeting Tue 24 Nov 11-12pm", at(2026, 11, 24, 11, 0), time.Hour, "", maria, ""},
		{"meeting Tue 24 Nov 14:00-14:45", at(2026, 11, 24, 14, 0), 45 * time.Minute, "", maria, ""},
		{"meeting Tue 24 Nov 2pm to 3pm", at(2026, 11, 24, 14, 0), time.Hour, "", maria, ""},
		{"meeting Tue 24 Nov 2pm by phone", at(2026, 11, 24, 14, 0), 0, "phone", maria, ""},
		{"meeting Tue 24 Nov 2pm via zoom", at(2026, 11, 24, 14, 0), 0, "zoom", maria, ""},
		{"meeting Tue 24 Nov 2pm on Google Meet", at(2026, 11, 24, 14, 0), 0, "meet", maria, ""},
		{"meeting Tue 24 Nov 2pm on MS Teams", at(2026, 11, 24, 14, 0), 0, "teams", maria, ""},
		{"meeting Tue 24 Nov 2pm coffee", at(2026, 11, 24, 14, 0), 0, "coffee", maria, ""},
		{"meeting Tue 24 Nov 2pm, phone call", at(2026, 11, 24, 14, 0), 0, "phone", maria, ""},
		{"meeting Tue 24 Nov 2pm video call on zoom", at(2026, 11, 24, 14, 0), 0, "zoom", maria, ""},
		{"meeting Tue 24 Nov 2pm in person", at(2026, 11, 24, 14, 0), 0, "in person", maria, ""},
		{"meeting Tue 24 Nov 2pm by call", at(2026, 11, 24, 14, 0), 0, "call", maria, ""},
		{"meeting Tue 24 Nov 2pm video", at(2026, 11, 24, 14, 0), 0, "video", maria, ""},
		{"meeting Tue 24 Nov 2pm for 30 minutes by zoom https://zoom.us/j/123", at(2026, 11, 24, 14, 0), 30 * time.Minute, "zoom", maria, "https://zoom.us/j/123"},
		{"meeting Tue 24 Nov 2pm with brad@y.org", at(2026, 11, 24, 14, 0), 0, "", "brad@y.org", ""},
		{"meeting Tue 24 Nov 2pm with Brad@Y.org <mailto:Brad@Y.org>", at(2026, 11, 24, 14, 0), 0, "", "brad@y.org", ""},
		{"meeting: 2026-11-24 14:00", at(2026, 11, 24, 14, 0), 0, "", maria, ""},
		{"MEETING TUE 24 NOV 2PM BY ZOOM", at(2026, 11, 24, 14, 0), 0, "zoom", maria, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c := one(t, tt.in, ctx(maria))
			if c.Verb != Meeting || !c.When.Equal(tt.when) || c.Duration != tt.dur || c.Format != tt.format ||
				c.Contact != tt.contact || c.Location != tt.location {
				t.Errorf("got %s %s %v %q %q %q; want %s %v %q %q %q", c.Verb, c.When, c.Duration, c.Format, c.Contact, c.Location,
					tt.when, tt.dur, tt.format, tt.contact, tt.location)
			}
			if c.When.Location() != ny {
				t.Errorf("When in %v, want the owner's zone", c.When.Location())
			}
			if c.Line != 1 || c.Raw != tt.in {
				t.Errorf("Line %d Raw %q", c.Line, c.Raw)
			}
		})
	}
}

func TestMeetingErrors(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"meeting 24/11 14:00", []string{`"24/11"`, "day/month"}},
		{"meeting 11/24 2pm", []string{`"11/24"`}},
		{"meeting tomorow 2pm", []string{`"tomorow"`, `did you mean "tomorrow"`}},
		{"meeting Tue 24 Nov", []string{"no time"}},
		{"meeting 2pm", []string{"no day"}},
		{"meeting Wed 24 Nov 2pm", []string{"Tuesday, not a Wednesday"}},
		{"meeting 31 Nov 2pm", []string{"not a date"}},
		{"meeting 2026-02-30 2pm", []string{"not a date"}},
		{"meeting Tue 24 Nov 2pm for 3 minutes", []string{"between 5 minutes and 8 hours"}},
		{"meeting Tue 24 Nov 3pm-2pm", []string{"ends before it starts"}},
		{"meeting Tue 24 Nov 2pm 3pm", []string{"two times"}},
		{"meeting Tue 24 Nov 2pm by zoom on teams", []string{"two formats"}},
		{"meeting 2031-01-01 10:00", []string{"more than two years ahead"}},
		{"meeting 2020-01-01 10:00", []string{"more than a year ago"}},
		{"meeting Tue 24 Nov 2pm at the Blue Bottle cafe", []string{`"Blue Bottle cafe"`}},
		{"meeting Tue 24 Nov 2pm with a@x.com b@x.com", []string{"one contact"}},
		{"meeting tue 25:00", []string{`"25:00"`}},
		{"meeting tue 13pm", []string{`"13pm"`}},
		{"meeting tue at 2", []string{"at 2: write 2pm, 2am or 2:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e := failure(t, tt.in, ctx("maria@x.com"), tt.want...)
			if e.Line != 1 || e.Text != tt.in {
				t.Errorf("error at line %d text %q", e.Line, e.Text)
			}
		})
	}
}

func TestSnooze(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"snooze 2027-03-01", day(2027, 3, 1)},
		{"snooze March", day(2027, 3, 1)},
		{"snooze december", day(2026, 12, 1)},
		{"snooze November", day(2027, 11, 1)}, // this month has started
		{"snooze March 2028", day(2028, 3, 1)},
		{"snooze 1 March", day(2027, 3, 1)},
		{"snooze March 1st", day(2027, 3, 1)},
		{"snooze 25 Nov", day(2026, 11, 25)},
		{"snooze 20 Nov", day(2027, 11, 20)}, // today: next year
		{"snooze until 1 March 2027", day(2027, 3, 1)},
		{"snooze in 2 weeks", day(2026, 12, 4)},
		{"snooze for 3 days", day(2026, 11, 23)},
		{"snooze 10d", day(2026, 11, 30)},
		{"snooze in a month", day(2026, 12, 20)},
		{"snooze in 6 months", day(2027, 5, 20)},
		{"snooze a couple of weeks", day(2026, 12, 4)},
		{"snooze next week", day(2026, 11, 23)},
		{"snooze next month", day(2026, 12, 1)},
		{"snooze next year", day(2027, 1, 1)},
		{"snooze tomorrow", day(2026, 11, 21)},
		{"snooze friday", day(2026, 11, 27)},
		{"snooze until Tue", day(2026, 11, 24)},
		{"snooze Mon 1 March 2027", day(2027, 3, 1)},
		{"snooze 29 Feb", day(2028, 2, 29)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c := one(t, tt.in, ctx("maria@x.com"))
			if c.Verb != Snooze || !c.Date.Equal(tt.want) || c.Contact != "maria@x.com" {
				t.Errorf("got %s %s %q, want %s", c.Verb, c.Date, c.Contact, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"snoze march", []string{`"snoze"`, `did you mean "snooze"`}},
		{"snooze", []string{"until when"}},
		{"snooze marhc", []string{`"marhc"`, `did you mean "march"`}},
		{"snooze 2020-01-01", []string{"not in the future"}},
		{"snooze today", []string{"not in the future"}},
		{"snooze 2040-01-01", []string{"more than 5 years"}},
		{"snooze 1/3", []string{"day/month"}},
		{"snooze in 0 weeks", []string{"from 1"}},
		{"snooze Tue 1 March 2027", []string{"Monday, not a Tuesday"}},
	} {
		t.Run(tt.in, func(t *testing.T) { failure(t, tt.in, ctx("maria@x.com"), tt.want...) })
	}
}

func TestSimpleVerbs(t *testing.T) {
	tests := []struct {
		in      string
		def     string
		verb    Verb
		contact string
	}{
		{"met", "maria@x.com", Met, "maria@x.com"},
		{"Met!", "maria@x.com", Met, "maria@x.com"},
		{"MET maria@x.com", "", Met, "maria@x.com"},
		{"met <Maria@X.com>", "other@y.com", Met, "maria@x.com"},
		{"thanked", "maria@x.com", Thanked, "maria@x.com"},
		{"pause", "maria@x.com", Pause, "maria@x.com"},
		{"pause maria@x.com", "", Pause, "maria@x.com"},
		{"resume", "maria@x.com", Resume, "maria@x.com"},
		{"decline", "maria@x.com", Decline, "maria@x.com"},
		{"declined", "maria@x.com", Decline, "maria@x.com"},
		{"no response", "maria@x.com", NoResponse, "maria@x.com"},
		{"No-Response maria@x.com", "", NoResponse, "maria@x.com"},
		{"noresponse", "maria@x.com", NoResponse, "maria@x.com"},
		{"status", "", Status, ""},
		{"status", "maria@x.com", Status, ""},
		{"status maria@x.com", "", Status, "maria@x.com"},
		{"- met", "maria@x.com", Met, "maria@x.com"},
		{"* pause", "maria@x.com", Pause, "maria@x.com"},
		{"• resume", "maria@x.com", Resume, "maria@x.com"},
		{"2. met", "maria@x.com", Met, "maria@x.com"},
		{"\u00a0met\u200b", "maria@x.com", Met, "maria@x.com"},
		{"met maria@bücher.de", "", Met, "maria@xn--bcher-kva.de"},
		{"met", "Maria@X.com", Met, "maria@x.com"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c := one(t, tt.in, ctx(tt.def))
			if c.Verb != tt.verb || c.Contact != tt.contact {
				t.Errorf("got %s %q, want %s %q", c.Verb, c.Contact, tt.verb, tt.contact)
			}
		})
	}
}

func TestSeveralContactsOneLine(t *testing.T) {
	cmds, errs := Parse("pause a@x.com, b@x.com and c@x.com", "", ctx(""))
	if len(errs) > 0 || len(cmds) != 3 {
		t.Fatalf("got %+v %v", cmds, errs)
	}
	for i, want := range []string{"a@x.com", "b@x.com", "c@x.com"} {
		if cmds[i].Verb != Pause || cmds[i].Contact != want {
			t.Errorf("command %d: %+v", i, cmds[i])
		}
	}
}

func TestConfirm(t *testing.T) {
	for _, tt := range []struct {
		in    string
		index int
	}{
		{"confirm", 0}, {"Confirm.", 0}, {"confirm 2", 2}, {"confirm #1", 1}, {"confirm option 3", 3},
		{"confirm the second", 2}, {"confirm 2 maria@x.com", 2},
	} {
		t.Run(tt.in, func(t *testing.T) {
			c := one(t, tt.in, ctx("maria@x.com"))
			if c.Verb != Confirm || c.Index != tt.index || c.Contact != "maria@x.com" {
				t.Errorf("got %+v", c)
			}
		})
	}
	failure(t, "confirm tomorow", ctx("maria@x.com"), `"tomorow"`, `did you mean "tomorrow"`)
	failure(t, "confirm 0", ctx("maria@x.com"), `"0"`)
	failure(t, "confrim", ctx("maria@x.com"), `"confrim"`, `did you mean "confirm"`)
}

func TestNotes(t *testing.T) {
	text := "met\nnotes: She moved from QA to data engineering.\n\nLearn SQL properly;\n> quoted leftover\nthe team hires juniors in spring.\n\n-- \nAlex\n"
	cmds, errs := Parse(text, "", ctx("maria@x.com"))
	if len(errs) > 0 || len(cmds) != 2 {
		t.Fatalf("got %+v %v", cmds, errs)
	}
	n := cmds[1]
	want := "She moved from QA to data engineering.\n\nLearn SQL properly;\nthe team hires juniors in spring."
	if n.Verb != Notes || n.Text != want || n.Line != 2 || n.Contact != "maria@x.com" {
		t.Errorf("notes = %+v\nwant text %q", n, want)
	}

	// Notes on the lines after a bare "Notes:", with the contact named.
	c := one(t, "Notes jordan@y.org:\n  - start with SQL\n  - one cloud platform", ctx(""))
	if c.Contact != "jordan@y.org" || c.Text != "- start with SQL\n  - one cloud platform" {
		t.Errorf("got %+v", c)
	}
	// The rest of the message, even lines that look like commands.
	c = one(t, "note: pause before asking\nmet again soon", ctx("maria@x.com"))
	if c.Text != "pause before asking\nmet again soon" {
		t.Errorf("got %q", c.Text)
	}
	// "Note to self" is prose; "note:" is notes.
	failure(t, "Note to self: call Maria", ctx("maria@x.com"), "no command found")
	if c := one(t, "Note: prefers mornings", ctx("maria@x.com")); c.Text != "prefers mornings" {
		t.Errorf("got %q", c.Text)
	}
	failure(t, "notes:", ctx("maria@x.com"), "nothing after")
	failure(t, "notes: good chat", ctx(""), "which contact")
}

func TestAdd(t *testing.T) {
	tests := []struct {
		in   string
		want AddSpec
	}{
		{"add Brad Smith <brad@x.com>", AddSpec{Name: "Brad Smith", Email: "brad@x.com"}},
		{"add Brad Smith <brad@x.com> company Initech referred by Maria",
			AddSpec{Name: "Brad Smith", Email: "brad@x.com", Company: "Initech", ReferredBy: "Maria"}},
		{"Add: \"Smith, Brad\" <Brad@X.com>, company: Initech, role: Head of Data",
			AddSpec{Name: "Smith, Brad", Email: "brad@x.com", Company: "Initech", Role: "Head of Data"}},
		{"add Brad <brad@x.com> role Head of Data at Initech",
			AddSpec{Name: "Brad", Email: "brad@x.com", Company: "Initech", Role: "Head of Data"}},
		{"add brad@x.com Brad Smith referred by maria@x.com",
			AddSpec{Name: "Brad Smith", Email: "brad@x.com", ReferredBy: "maria@x.com"}},
		{"add Brad Smith brad@x.com <mailto:brad@x.com> Company Initech Role engineer Referred By Maria Lopez",
			AddSpec{Name: "Brad Smith", Email: "brad@x.com", Company: "Initech", Role: "engineer", ReferredBy: "Maria Lopez"}},
		{"add José Núñez <jose@ejemplo.es>", AddSpec{Name: "José Núñez", Email: "jose@ejemplo.es"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c := one(t, tt.in, ctx("maria@x.com"))
			if c.Verb != Add || c.Add == nil || *c.Add != tt.want {
				t.Errorf("got %+v, want %+v", c.Add, tt.want)
			}
			if c.Contact != "maria@x.com" {
				t.Errorf("Contact %q, want the replied-to contact", c.Contact)
			}
		})
	}
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"add Brad Smith", []string{"no email"}},
		{"add <brad@x.com>", []string{"no name"}},
		{"add Brad <brad@x.com> company", []string{"company: nothing after"}},
		{"add Brad <brad@x.com> company A company B", []string{"company given twice"}},
		{"add Brad <brad@x.com> <carl@x.com>", []string{"did not understand"}},
	} {
		t.Run(tt.in, func(t *testing.T) { failure(t, tt.in, ctx(""), tt.want...) })
	}
}

func TestMissingContact(t *testing.T) {
	// A default that is not an address is no default.
	failure(t, "met", ctx("not an address"), "which contact?")
	for _, in := range []string{"met", "pause", "confirm", "meeting tue 2pm", "snooze march", "no response"} {
		e := failure(t, in, ctx(""), "which contact?")
		if !strings.Contains(e.Reason, "maria@example.com") {
			t.Errorf("%q: reason %q shows no example", in, e.Reason)
		}
	}
}

// TestTypoNamesTheWord is the promise in the package comment: a misspelt
// command word is reported by name with the closest command.
func TestTypoNamesTheWord(t *testing.T) {
	for _, tt := range []struct{ in, word, verb string }{
		{"meting tue 2pm", "meting", "meeting"},
		{"Meeeting tomorrow 10:30", "meeeting", "meeting"},
		{"snoze march", "snoze", "snooze"},
		{"puase", "puase", "pause"},
		{"resum maria@x.com", "resum", "resume"},
		{"statuss", "statuss", "status"},
		{"declne", "declne", "decline"},
		{"no responce", "no responce", "no response"},
		{"nots: good chat", "nots", "notes"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			e := failure(t, tt.in, ctx("maria@x.com"))
			if !strings.Contains(e.Reason, `"`+tt.word+`"`) || !strings.Contains(e.Reason, `did you mean "`+tt.verb+`"`) {
				t.Errorf("reason %q should name %q and suggest %q", e.Reason, tt.word, tt.verb)
			}
			if !strings.Contains(e.Error(), "line 1") {
				t.Errorf("Error() = %q lacks the line", e.Error())
			}
		})
	}
}

func TestProseIsIgnored(t *testing.T) {
	text := `Hi,

Thanks for setting this up! Jordan was lovely.
met
Let me know if anything else is needed.
Yet another note: the pause button is great.
Greetings from Boston
Sent from my iPhone`
	cmds, errs := Parse(text, "Re: [rapport] Jordan Lee replied", ctx("jordan@y.org"))
	if len(errs) > 0 || len(cmds) != 1 || cmds[0].Verb != Met || cmds[0].Line != 4 {
		t.Fatalf("got %+v %v", cmds, errs)
	}
}

// A sentence that starts with a command word is not an error when the
// message has a command; alone, it is reported.
func TestSentenceStartingWithCommandWord(t *testing.T) {
	text := "Meeting went really well today.\nmet"
	cmds, errs := Parse(text, "", ctx("jordan@y.org"))
	if len(errs) > 0 || len(cmds) != 1 || cmds[0].Verb != Met {
		t.Fatalf("got %+v %v", cmds, errs)
	}
	failure(t, "Meeting went really well today.", ctx("jordan@y.org"), `"went really well"`)
}

func TestNoCommand(t *testing.T) {
	for _, in := range []string{"", "Thanks!", "\n\n> met\n> pause\n", "-- \nmet"} {
		e := failure(t, in, ctx("maria@x.com"), "no command found", "meeting <when>", "snooze <date>", "add Name <email>")
		if e.Line != 0 {
			t.Errorf("line %d", e.Line)
		}
	}
}

func TestQuotedHistoryAndSignature(t *testing.T) {
	text := "pause\r\n\r\nOn Fri, Nov 20, 2026 at 9:00 AM rapport <alex@example.com> wrote:\r\nmet\r\n> resume\r\n"
	c := one(t, text, ctx("maria@x.com"))
	if c.Verb != Pause {
		t.Errorf("got %+v", c)
	}
	c = one(t, "> met\nresume\n-----Original Message-----\npause", ctx("maria@x.com"))
	if c.Verb != Resume || c.Line != 2 {
		t.Errorf("got %+v", c)
	}
}

func TestSeveralCommandsAndErrors(t *testing.T) {
	text := "met\nsnoze march\nadd Brad <brad@x.com> referred by Maria\n\nstatus"
	cmds, errs := Parse(text, "", ctx("maria@x.com"))
	if len(cmds) != 3 || cmds[0].Verb != Met || cmds[1].Verb != Add || cmds[2].Verb != Status {
		t.Fatalf("commands %+v", cmds)
	}
	if cmds[2].Line != 5 {
		t.Errorf("status on line %d, want 5", cmds[2].Line)
	}
	if len(errs) != 1 || errs[0].Line != 2 || !strings.Contains(errs[0].Reason, `"snoze"`) {
		t.Errorf("errors %v", errs)
	}
}

func TestSubjectCommand(t *testing.T) {
	c := Context{Now: now, Loc: ny}
	cmds, errs := Parse("", "[rapport] add Brad Smith <brad@x.com>", c)
	if len(errs) > 0 || len(cmds) != 1 || cmds[0].Verb != Add || cmds[0].Line != 0 {
		t.Fatalf("got %+v %v", cmds, errs)
	}
	// A reply's subject is the notification's, never a command.
	_, errs = Parse("", "Re: [rapport] Meeting with Jordan Lee", c)
	if len(errs) != 1 || !strings.Contains(errs[0].Reason, "no command found") {
		t.Fatalf("errors %v", errs)
	}
	// The body wins over the subject.
	cmds, _ = Parse("status", "[rapport] pause maria@x.com", c)
	if len(cmds) != 1 || cmds[0].Verb != Status {
		t.Fatalf("got %+v", cmds)
	}
}

func TestIsCommandMail(t *testing.T) {
	for s, want := range map[string]bool{
		"[rapport] Jordan Lee replied":          true,
		"Re: [rapport] Jordan Lee replied":      true,
		"RE: Re: [Rapport] weekly digest":       true,
		"Fwd: [rapport] x":                      true,
		"AW: [rapport] x":                       true,
		"Re[2]: [rapport] x":                    true,
		"[rapport]":                             true,
		"Jordan Lee replied":                    false,
		"Re: Maria Lopez suggested I reach out": false,
		"Re: about [rapport] tags":              false,
		"":                                      false,
	} {
		if got := IsCommandMail(s); got != want {
			t.Errorf("IsCommandMail(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestWhenInOtherZone(t *testing.T) {
	// The owner's zone decides, whatever zone Now is in.
	tokyo := mustLoad("Asia/Tokyo")
	c := Context{Now: now.UTC(), Loc: tokyo, DefaultContact: "m@x.com"}
	got := one(t, "meeting tomorrow 9am", c)
	// 09:30 in New York is 23:30 in Tokyo on the 20th: tomorrow is the 21st.
	if want := time.Date(2026, 11, 21, 9, 0, 0, 0, tokyo); !got.When.Equal(want) {
		t.Errorf("got %s, want %s", got.When, want)
	}
	// A nil Loc is UTC.
	got = one(t, "meeting 2026-11-24 14:00", Context{Now: now, DefaultContact: "m@x.com"})
	if want := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC); !got.When.Equal(want) {
		t.Errorf("got %s, want %s", got.When, want)
	}
}

func TestValidRejects(t *testing.T) {
	for _, c := range []Command{
		{Verb: "dance", Contact: "a@x.com"},
		{Verb: Met},
		{Verb: Met, Contact: "A@x.com"},
		{Verb: Met, Contact: "a@x.com", When: now},
		{Verb: Meeting, Contact: "a@x.com"},
		{Verb: Meeting, Contact: "a@x.com", When: now, Duration: time.Minute},
		{Verb: Meeting, Contact: "a@x.com", When: now, Format: "carrier pigeon"},
		{Verb: Snooze, Contact: "a@x.com"},
		{Verb: Notes, Contact: "a@x.com", Text: " "},
		{Verb: Add, Add: &AddSpec{Name: "B", Email: "not an address"}},
		{Verb: Add, Add: &AddSpec{Name: "B\r\nBcc: x", Email: "b@x.com"}},
	} {
		if c.Valid() == nil {
			t.Errorf("Valid(%+v) = nil", c)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{
		{"meeting", "meeting", 0}, {"meting", "meeting", 1}, {"confrim", "confirm", 1},
		{"snoze", "snooze", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"ca", "abc", 3},
	} {
		if got := distance(tt.a, tt.b); got != tt.d {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}
