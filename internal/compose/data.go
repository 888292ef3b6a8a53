package compose

import (
	"strings"
	"time"
	"unicode"
)

// Data is everything a template can see. Callers map their own types into
// it; the fields a kind needs are listed in that kind's template file and
// checked by the `required` template function. Every string here is template
// data, never template source: "{{.Me.Email}}" in a contact name is printed
// as is.
type Data struct {
	Me      Me
	Contact Contact
	// Options are the meeting slots to propose, in the contact's zone with
	// the zone named: schedule.MeetingOptionsFor, each written by
	// Option.ForContact ("Tuesday 8 December, 1–4pm your time (ET)", "any
	// time Friday 11 December (9am–5pm your time, CET)").
	Options []string
	// Thread is the conversation a follow-up (or a threaded thank-you)
	// belongs to.
	Thread  Thread
	Meeting Meeting
	// Update is the user's news for a keep-in-touch note (optional).
	Update string
	// Questions for the meeting preparation note: meetings.Questions(role,
	// me.interest), 3 to 5 of them; empty means the generic list in
	// prep.txt.tmpl.
	Questions []string
	// Takeaway is the one thing the owner should leave the meeting with,
	// for the preparation note: meetings.Takeaway(me.interest) ("one
	// concrete next step towards becoming a data scientist"); empty means a
	// generic one.
	Takeaway     string
	Notification Notification
	Digest       Digest
}

// Me is the mailbox owner, from the `me` section of the config.
type Me struct {
	Name      string
	FirstName string // derived from Name when empty
	Email     string
	Intro     string // who I am; reads after "My name is NAME, and ..."
	Interest  string // what I want to learn about ("the IT industry")
	// Instance names this rapport (its database) in the Message-IDs it
	// makes and on its mail to the owner.
	Instance string
}

// Contact is the person written to.
type Contact struct {
	Name          string
	FirstName     string // derived from Name when empty
	Email         string
	Company       string
	Role          string
	Connection    string // why this person; written as a sentence
	ReferrerName  string // who suggested the user get in touch, by name
	ReferrerEmail string
	Status        string // lifecycle status, for mail to the owner
	// Referrals are the people this contact has put the user in touch
	// with; the thank-you note asks for one when there are none yet.
	Referrals []string
	// Custom holds the import's extra columns by header name ("School",
	// "Mobile Phone"). A template reads one as {{.Contact.Custom.School}},
	// or by any spelling of the header with {{field .Contact "mobile phone"}};
	// either way a contact without it is missing a field (needs_info).
	// {{if hasField .Contact "School"}} tests for one without requiring it.
	Custom map[string]string
}

// lookup finds a custom field by name: exactly, else ignoring case,
// accents, spaces and punctuation ("Mobile Phone" is "mobile_phone").
// An empty value counts as absent.
func (c Contact) lookup(name string) (string, bool) {
	if v := strings.TrimSpace(c.Custom[name]); v != "" {
		return v, true
	}
	want := foldName(name)
	for k, v := range c.Custom {
		if foldName(k) == want && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// foldName keeps the lower-case letters and digits of a field name.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Thread identifies the conversation a reply belongs to.
type Thread struct {
	// Subject is the subject of the first message; a follow-up replies to it.
	Subject string
	// MessageIDs are the Message-IDs of the thread, oldest first, with or
	// without angle brackets. The last one becomes In-Reply-To, all of them
	// References.
	MessageIDs []string
}

// Meeting is an agreed (or past) conversation.
type Meeting struct {
	// When is the meeting for the reader of the mail, saying whose time
	// it is. In the preparation note (to the owner): schedule.OwnerRange,
	// "Thu 3 Dec, 3:00–3:30pm ET (2:00–2:30pm CT for Maria)". In the
	// thank-you (to the contact): the day in the contact's zone,
	// schedule.ContactDay, "Thursday 3 December" (a clock time there
	// would need its zone: schedule.ContactTime).
	When     string
	Format   string    // how: meetings.Format.Noun() ("video call", "phone call", "in person")
	Location string    // where: meetings.Format.Detail (the link, the number or the place)
	Start    time.Time // for the calendar invitation
	End      time.Time // zero means Start + 30 minutes
	Sequence int       // iCalendar SEQUENCE; bump on every change
	// Notes are the notes so far (the contact's, earlier meetings' main
	// points, the owner's notes), one per line, for the preparation note.
	Notes string
}

// Notification is an event that needs the owner's attention.
type Notification struct {
	Title    string // "Jordan Lee replied"
	Text     string // the new text (a reply's body, an auto-reply...)
	NextStep string // the suggested next step
	Commands string // one line listing the commands a reply may contain
	// TextLabel introduces Text; empty means "What they wrote:" (the
	// answer to an owner's command says what was done instead).
	TextLabel string
}

// Digest is the weekly to-do list for the owner.
type Digest struct {
	Period    string // "week of 23 November"
	Replies   []DigestItem
	Meetings  []DigestItem
	ThankYous []DigestItem
	Upcoming  []DigestItem
	Funnel    []FunnelCount
	// Week is the complete weekly digest the default templates show (see
	// templates.go); nil means it is made from the fields above.
	Week *DigestWeek
}

// DigestItem is one line of a digest section.
type DigestItem struct {
	Name, Email, Company string
	When                 string // formatted
	Detail               string
	Questions            []string
}

// FunnelCount is the number of contacts in one status.
type FunnelCount struct {
	Status string
	Count  int
}

// withDefaults fills derived fields: first names from full names.
func (d Data) withDefaults() Data {
	if strings.TrimSpace(d.Me.FirstName) == "" {
		d.Me.FirstName = firstWord(d.Me.Name)
	}
	if strings.TrimSpace(d.Contact.FirstName) == "" {
		d.Contact.FirstName = firstWord(d.Contact.Name)
	}
	return d
}

func firstWord(s string) string {
	f := strings.FieldsFunc(s, unicode.IsSpace)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// Sample returns realistic data with every field set. It is what templates
// are checked against at load time and what render-samples writes out.
func Sample() Data {
	return Data{
		Me: Me{
			Name:     "Alex Doe",
			Email:    "alex@example.com",
			Intro:    "I just finished a programming certificate after six years of teaching",
			Interest: "the IT industry",
		},
		Contact: Contact{
			Name:          "Jordan Lee",
			Email:         "jordan.lee@example.org",
			Company:       "Acme Analytics",
			Role:          "data engineer",
			Connection:    "I enjoyed your talk on data pipelines at the Boston Go meetup last month.",
			ReferrerName:  "Maria Lopez",
			ReferrerEmail: "maria@example.net",
			Status:        "replied",
			Custom:        map[string]string{"linkedin": "https://www.linkedin.com/in/jordanlee"},
		},
		Options: []string{"Tuesday 24 November between 1 and 4pm", "any time Friday 27 November"},
		Thread: Thread{
			Subject:    "Maria Lopez suggested I reach out",
			MessageIDs: []string{"rp.20261117T141500.5f0c2a9e41d7b3c8@example.com"},
		},
		Meeting: Meeting{
			When:     "Tuesday 24 November at 2pm",
			Format:   "video call",
			Location: "https://meet.example.org/alex-jordan",
			Start:    time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC),
			End:      time.Date(2026, 11, 24, 19, 30, 0, 0, time.UTC),
			Notes:    "Start with SQL and one cloud platform; the team hires juniors in spring.",
		},
		Update: "I started a junior data role at Northwind last month, and the advice you gave me about learning SQL properly paid off in the interviews.",
		Questions: []string{
			"What does a typical week look like on your team?",
			"How did you move into data engineering?",
			"Who else do you think I should talk to?",
		},
		Takeaway: "one concrete next step for getting into the IT industry",
		Notification: Notification{
			Title:    "Reply received",
			Text:     "Hi Alex,\n\nHappy to chat. Tuesday at 2pm works for me.\n\nJordan",
			NextStep: "confirm Tuesday 24 November at 2pm",
			Commands: "meeting Tue 24 Nov 14:00 | snooze 2027-03-01 | pause | met | notes: ...",
		},
		Digest: Digest{
			Period: "week of 23 November",
			Replies: []DigestItem{{Name: "Jordan Lee", Email: "jordan.lee@example.org", Company: "Acme Analytics",
				When: "replied Friday 20 November", Detail: "Happy to chat. Tuesday at 2pm works for me."}},
			Meetings: []DigestItem{{Name: "Sam Rivera", Email: "sam@example.net", Company: "Globex",
				When: "Wednesday 25 November at 10am", Questions: []string{"How did you get into product management?", "Who else should I talk to?"}}},
			ThankYous: []DigestItem{{Name: "Chris Park", Email: "chris@example.org", Company: "Initech", When: "met Thursday 19 November"}},
			Upcoming:  []DigestItem{{Name: "Dana Kim", Email: "dana@example.com", Company: "Umbrella", When: "Tuesday 24 November, morning"}},
			Funnel:    []FunnelCount{{"queued", 4}, {"contacted", 7}, {"replied", 2}, {"scheduled", 1}, {"met", 3}, {"thanked", 2}},
		},
	}
}
