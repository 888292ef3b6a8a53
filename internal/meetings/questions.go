package meetings

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The preparation note's questions come from the informational-interview
// canon: a typical day, the most and least rewarding parts, the career
// path, the skills employers value, trends, advice, and who else to talk
// to. Two of them are about what the owner wants to learn (me.interest),
// which people write in three shapes that need different English:
//
//	a field, a noun phrase:    "the IT industry", "product management",
//	                           "UX research at startups", "a career in law"
//	a goal, a gerund phrase:   "becoming a data scientist", "to move into UX",
//	                           "getting into product management"
//	a question, a wh-clause:   "how engineering teams work day to day",
//	                           "what product managers actually do"
//
// Interest reads the phrase once and says which shape it is; the
// questions put each shape where English wants it ("in product
// management", "for becoming a data scientist", "about how engineering
// teams work day to day").

// Shape is the grammatical form of an interest phrase.
type Shape int

// The shapes Interest tells apart.
const (
	NoInterest Shape = iota
	Field            // a noun phrase: "product management"
	Goal             // a gerund phrase: "becoming a data scientist"
	Topic            // a wh-clause: "how engineering teams work day to day"
)

// Interest is an owner's me.interest, read for use inside a sentence.
type Interest struct {
	Shape Shape
	// Phrase is the interest ready to follow a preposition: "product
	// management", "becoming a data scientist", "how teams work".
	Phrase string
	// Field is the field a goal leads into, when it names one
	// ("getting into product management" → "product management").
	Field string
}

var whWords = map[string]bool{
	"how": true, "what": true, "why": true, "where": true, "when": true,
	"which": true, "who": true, "whom": true, "whether": true, "whatever": true,
}

// gerunds are the verbs people put at the head of a goal, with the form
// "to VERB" takes ("to become" → "becoming"). Words like "engineering",
// "marketing" or "consulting" are fields and are deliberately absent.
var gerunds = map[string]string{
	"become": "becoming", "work": "working", "move": "moving", "get": "getting",
	"break": "breaking", "transition": "transitioning", "switch": "switching",
	"change": "changing", "build": "building", "start": "starting", "go": "going",
	"join": "joining", "land": "landing", "find": "finding", "make": "making",
	"pursue": "pursuing", "learn": "learning", "lead": "leading", "manage": "managing",
	"run": "running", "launch": "launching", "grow": "growing", "enter": "entering",
	"design": "designing", "develop": "developing", "write": "writing", "do": "doing",
	"apply": "applying", "study": "studying", "return": "returning", "pivot": "pivoting",
	"freelance": "freelancing", "found": "founding", "create": "creating", "help": "helping",
	"improve": "improving", "shift": "shifting", "step": "stepping", "take": "taking",
	"understand": "understanding", "use": "using", "try": "trying", "research": "researching",
}

var gerundSet = func() map[string]bool {
	m := map[string]bool{}
	for _, g := range gerunds {
		m[g] = true
	}
	return m
}()

// leads are openings that add nothing inside a question ("I want to
// learn about X" is configured as "learning about X"), longest first.
var leads = []string{
	"learning more about ", "learn more about ", "learning about ", "learn about ",
	"finding out more about ", "finding out about ", "find out about ",
	"hearing about ", "knowing more about ", "more about ", "about ",
	"understanding more about ", "understanding ",
}

// fieldLeads introduce a field the question can name directly: "a career
// in law" is asked about as "law".
var fieldLeads = []string{
	"a career in ", "careers in ", "career in ", "a job in ", "jobs in ", "a role in ", "roles in ",
	"working in ", "work in ", "the field of ", "the world of ",
}

// intoLeads are goals that lead into a field: "getting into product
// management" names the field "product management".
var intoLeads = []string{
	"getting into ", "breaking into ", "moving into ", "transitioning into ", "transitioning to ",
	"switching to ", "switching into ", "pivoting to ", "pivoting into ", "going into ",
	"entering ", "working in ", "starting a career in ", "starting out in ", "a move into ",
}

// ReadInterest reads a me.interest phrase: trims it and its final
// punctuation, drops openings such as "learning about", turns "to VERB"
// into "VERBing", and says which shape is left.
func ReadInterest(s string) Interest {
	p := strings.Join(strings.Fields(s), " ")
	p = strings.TrimRight(p, ".!?;:, ")
	for changed := true; changed; {
		changed = false
		low := strings.ToLower(p)
		for _, l := range leads {
			if strings.HasPrefix(low, l) && len(p) > len(l) {
				p, changed = p[len(l):], true
				break
			}
		}
	}
	if p == "" {
		return Interest{}
	}
	first, rest, _ := strings.Cut(p, " ")
	lf := strings.ToLower(first)
	// "how to break into tech" is a goal too.
	if lf == "how" && strings.HasPrefix(strings.ToLower(rest), "to ") {
		if verb, _, _ := strings.Cut(rest[3:], " "); gerunds[strings.ToLower(verb)] != "" {
			first, rest, lf = "to", rest[3:], "to"
		}
	}
	// "to become a data scientist" → "becoming a data scientist".
	if lf == "to" && rest != "" {
		verb, after, _ := strings.Cut(rest, " ")
		if g, ok := gerunds[strings.ToLower(verb)]; ok {
			p = strings.TrimSpace(g + " " + after)
			first, rest, _ = strings.Cut(p, " ")
			lf = strings.ToLower(first)
		}
	}
	switch {
	case whWords[lf]:
		return Interest{Shape: Topic, Phrase: lowerFirst(p)}
	case gerundSet[lf] && rest != "":
		in := Interest{Shape: Goal, Phrase: lowerFirst(p)}
		low := strings.ToLower(in.Phrase)
		for _, l := range intoLeads {
			if strings.HasPrefix(low, l) && len(in.Phrase) > len(l) {
				in.Field = fieldOnly(in.Phrase[len(l):])
				break
			}
		}
		return in
	}
	low := strings.ToLower(p)
	for _, l := range fieldLeads {
		if strings.HasPrefix(low, l) && len(p) > len(l) {
			p = p[len(l):]
			break
		}
	}
	if a, rest, ok := strings.Cut(p, " "); ok && (a == "The" || a == "A" || a == "An") {
		p = strings.ToLower(a) + " " + rest
	}
	return Interest{Shape: Field, Phrase: p, Field: p}
}

// fieldOnly cuts what a goal says about the owner off the field it names:
// "software engineering after teaching" → "software engineering".
func fieldOnly(s string) string {
	low := strings.ToLower(s)
	for _, w := range []string{" after ", " from ", " as a ", " as an ", " while ", " since ", " because ", " without ", " with my ", " with a "} {
		if i := strings.Index(low, w); i > 0 {
			s, low = s[:i], low[:i]
		}
	}
	return s
}

// lowerFirst lower-cases the first letter of a phrase that starts with a
// function word or a verb ("How teams work" → "how teams work").
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// Questions returns five questions for a conversation with someone in
// role (may be empty) for an owner who wants to learn about interest (may
// be empty): a typical day, their path, two about the interest, and who
// else to talk to. They read as English for any of the shapes ReadInterest
// knows.
func Questions(role, interest string) []string {
	in := ReadInterest(interest)
	day := "What does a typical day look like for you?"
	if r := asRole(role); r != "" {
		day = "What does a typical day look like for you as " + r + "?"
	}
	path := "How did you get to where you are now?"
	if in.Field != "" {
		path = "How did you get into " + in.Field + "?"
	}
	var a, b string
	switch in.Shape {
	case Field:
		a = "Which skills matter most in " + in.Phrase + " right now?"
		b = "What changes do you see coming in " + in.Phrase + " over the next few years?"
	case Goal:
		a = "Which skills matter most for " + in.Phrase + "?"
		b = "If you were starting out today, how would you go about " + in.Phrase + "?"
	case Topic:
		a = "What do you wish more people understood about " + in.Phrase + "?"
		b = "What surprised you most about " + in.Phrase + " when you started?"
	default:
		a = "Which skills do employers in your field value most?"
		b = "What do you find most rewarding about your work, and what is hardest?"
	}
	return []string{day, path, a, b, "Who else do you think I should talk to?"}
}

// Takeaway is the one thing the owner should leave the conversation
// with, written to follow "The one thing to take away:": "one concrete
// next step towards becoming a data scientist".
func Takeaway(interest string) string {
	in := ReadInterest(interest)
	switch in.Shape {
	case Field:
		return "one concrete next step for getting into " + in.Phrase
	case Goal:
		return "one concrete next step towards " + in.Phrase
	case Topic:
		return "one thing you did not know about " + in.Phrase
	}
	return "one concrete next step you can take this week"
}

// asRole writes a role to follow "as": "a data engineer", "an engineering
// manager", "an SRE", "a UX researcher"; a title in capitals stays as it
// is ("Head of Data"), and one with its own article is kept.
func asRole(role string) string {
	role = strings.Join(strings.Fields(role), " ")
	role = strings.TrimRight(role, ".,;: ")
	if role == "" {
		return ""
	}
	first, _, _ := strings.Cut(role, " ")
	lf := strings.ToLower(first)
	switch lf {
	case "a", "an", "the", "our", "their", "my":
		return lowerFirst(role)
	}
	r, _ := utf8.DecodeRuneInString(first)
	if isAcronym(first) {
		return anOrA(acronymVowel(r)) + role
	}
	if !unicode.IsLower(r) {
		return role // a title: "Head of Data", "Senior Engineer"
	}
	return anOrA(vowelSound(lf)) + role
}

func anOrA(vowel bool) string {
	if vowel {
		return "an "
	}
	return "a "
}

func isAcronym(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters >= 2
}

// acronymVowel: the letters whose names start with a vowel sound (an
// SRE, an HR manager, an MBA, a UX designer).
func acronymVowel(r rune) bool { return strings.ContainsRune("AEFHILMNORSX", r) }

// vowelSound guesses whether a lower-case word starts with a vowel sound.
func vowelSound(w string) bool {
	for _, p := range []string{"uni", "use", "usu", "uti", "ure", "eu", "one", "once"} {
		if strings.HasPrefix(w, p) {
			return false
		}
	}
	for _, p := range []string{"hour", "honest", "honor", "honour", "heir"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return w != "" && strings.ContainsRune("aeiou", rune(w[0]))
}
