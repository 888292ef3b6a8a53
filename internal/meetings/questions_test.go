package meetings

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestReadInterest(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Interest
	}{
		{"the IT industry", Interest{Field, "the IT industry", "the IT industry"}},
		{"The IT industry.", Interest{Field, "the IT industry", "the IT industry"}},
		{"product management", Interest{Field, "product management", "product management"}},
		{"UX research at startups", Interest{Field, "UX research at startups", "UX research at startups"}},
		{"a career in law", Interest{Field, "law", "law"}},
		{"learning more about data engineering", Interest{Field, "data engineering", "data engineering"}},
		{"how engineering teams work day to day", Interest{Topic, "how engineering teams work day to day", ""}},
		{"How product teams decide what to build?", Interest{Topic, "how product teams decide what to build", ""}},
		{"what product managers actually do", Interest{Topic, "what product managers actually do", ""}},
		{"becoming a data scientist", Interest{Goal, "becoming a data scientist", ""}},
		{"to become a data scientist", Interest{Goal, "becoming a data scientist", ""}},
		{"how to break into tech", Interest{Goal, "breaking into tech", "tech"}},
		{"getting into product management", Interest{Goal, "getting into product management", "product management"}},
		{"Moving into UX design", Interest{Goal, "moving into UX design", "UX design"}},
		{"working in renewable energy", Interest{Goal, "working in renewable energy", "renewable energy"}},
		{"switching to software engineering after teaching", Interest{Goal, "switching to software engineering after teaching", "software engineering"}},
		// Fields that end in -ing are fields, not goals.
		{"engineering management", Interest{Field, "engineering management", "engineering management"}},
		{"marketing", Interest{Field, "marketing", "marketing"}},
		{"", Interest{}},
		{"  about  ", Interest{Field, "about", "about"}},
	} {
		if got := ReadInterest(tc.in); got != tc.want {
			t.Errorf("ReadInterest(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestQuestions(t *testing.T) {
	for _, tc := range []struct {
		role, interest string
		want           []string
	}{
		{"data engineer", "the IT industry", []string{
			"What does a typical day look like for you as a data engineer?",
			"How did you get into the IT industry?",
			"Which skills matter most in the IT industry right now?",
			"What changes do you see coming in the IT industry over the next few years?",
			"Who else do you think I should talk to?",
		}},
		{"engineering manager", "how engineering teams work day to day", []string{
			"What does a typical day look like for you as an engineering manager?",
			"How did you get to where you are now?",
			"What do you wish more people understood about how engineering teams work day to day?",
			"What surprised you most about how engineering teams work day to day when you started?",
			"Who else do you think I should talk to?",
		}},
		{"Head of Product", "product management", []string{
			"What does a typical day look like for you as Head of Product?",
			"How did you get into product management?",
			"Which skills matter most in product management right now?",
			"What changes do you see coming in product management over the next few years?",
			"Who else do you think I should talk to?",
		}},
		{"SRE", "becoming a data scientist", []string{
			"What does a typical day look like for you as an SRE?",
			"How did you get to where you are now?",
			"Which skills matter most for becoming a data scientist?",
			"If you were starting out today, how would you go about becoming a data scientist?",
			"Who else do you think I should talk to?",
		}},
		{"UX researcher", "UX research at startups", []string{
			"What does a typical day look like for you as a UX researcher?",
			"How did you get into UX research at startups?",
			"Which skills matter most in UX research at startups right now?",
			"What changes do you see coming in UX research at startups over the next few years?",
			"Who else do you think I should talk to?",
		}},
		{"", "", []string{
			"What does a typical day look like for you?",
			"How did you get to where you are now?",
			"Which skills do employers in your field value most?",
			"What do you find most rewarding about your work, and what is hardest?",
			"Who else do you think I should talk to?",
		}},
	} {
		got := Questions(tc.role, tc.interest)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("Questions(%q, %q) =\n  %s\nwant\n  %s", tc.role, tc.interest, strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
		}
	}
}

// The sentence "Which skills do employers in how engineering teams work
// day to day value most right now?" must never come back, whatever the
// phrasing: the interest goes where its shape allows, and every question
// is one well-formed sentence.
func TestQuestionsGrammarForAnyPhrasing(t *testing.T) {
	broken := regexp.MustCompile(`(?i)\b(in|for|into) (how|what|why|where|when|which|who|whether)\b|\b(in|for|about|into) (to|about|learning|in|for)\b|\s{2}|\s[?,]|\bin (becoming|getting|moving|working|breaking)\b`)
	interests := []string{
		"the IT industry", "how engineering teams work day to day", "product management",
		"becoming a data scientist", "UX research at startups", "to become a UX designer",
		"learning about cloud infrastructure", "what it's like to work at a startup",
		"a career in public policy", "getting into game development", "how to break into tech",
		"Data science.", "why some teams ship faster than others", "careers in renewable energy",
		"switching to software engineering after teaching", "the world of venture capital",
		"moving from academia into industry", "", "AI safety research", "how to become a product manager",
	}
	roles := []string{"", "data engineer", "Head of Data", "engineering manager", "HR business partner", "UX researcher", "an analyst", "user researcher", "hospital administrator"}
	for _, in := range interests {
		for _, role := range roles {
			qs := Questions(role, in)
			if len(qs) < 3 || len(qs) > 5 {
				t.Errorf("%q: %d questions", in, len(qs))
			}
			seen := map[string]bool{}
			for _, q := range qs {
				r, _ := utf8.DecodeRuneInString(q)
				if !unicode.IsUpper(r) || !strings.HasSuffix(q, "?") || strings.Count(q, "?") != 1 {
					t.Errorf("role %q, interest %q: not one question: %q", role, in, q)
				}
				if m := broken.FindString(q); m != "" {
					t.Errorf("role %q, interest %q: %q reads badly at %q", role, in, q, m)
				}
				if w := repeatedWord(q); w != "" {
					t.Errorf("role %q, interest %q: %q repeats %q", role, in, q, w)
				}
				if seen[q] {
					t.Errorf("repeated question %q", q)
				}
				seen[q] = true
			}
			// The interest is used: at least one question names it.
			if p := ReadInterest(in).Phrase; p != "" && !strings.Contains(strings.Join(qs, " "), p) {
				t.Errorf("interest %q (%q) not in %q", in, p, qs)
			}
		}
	}
}

func TestTakeaway(t *testing.T) {
	for in, want := range map[string]string{
		"the IT industry":                       "one concrete next step for getting into the IT industry",
		"becoming a data scientist":             "one concrete next step towards becoming a data scientist",
		"how engineering teams work day to day": "one thing you did not know about how engineering teams work day to day",
		"":                                      "one concrete next step you can take this week",
	} {
		if got := Takeaway(in); got != want {
			t.Errorf("Takeaway(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAsRole(t *testing.T) {
	for in, want := range map[string]string{
		"data engineer":       "a data engineer",
		"engineering manager": "an engineering manager",
		"user researcher":     "a user researcher",
		"university lecturer": "a university lecturer",
		"hourly consultant":   "an hourly consultant",
		"SRE":                 "an SRE",
		"UX designer":         "a UX designer",
		"HR business partner": "an HR business partner",
		"Head of Data":        "Head of Data",
		"an analyst":          "an analyst",
		"The CTO":             "the CTO",
		" data  engineer. ":   "a data engineer",
		"":                    "",
	} {
		if got := asRole(in); got != want {
			t.Errorf("asRole(%q) = %q, want %q", in, got, want)
		}
	}
}

func repeatedWord(s string) string {
	f := strings.Fields(strings.ToLower(s))
	for i := 1; i < len(f); i++ {
		if f[i] == f[i-1] {
			return f[i]
		}
	}
	return ""
}
