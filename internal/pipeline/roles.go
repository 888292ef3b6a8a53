package pipeline

import "strings"

// roleLocals are local parts of addresses that belong to a function, not a
// person: a scheduler, an assistant's desk, a robot. A referral to one
// never becomes a contact.
var roleLocals = map[string]bool{
	"calendar": true, "calendars": true, "scheduling": true, "schedule": true, "scheduler": true, "meetings": true,
	"booking": true, "bookings": true, "appointments": true, "assistant": true, "assistants": true, "ea": true,
	"office": true, "reception": true, "frontdesk": true, "noreply": true, "no-reply": true, "no_reply": true,
	"donotreply": true, "do-not-reply": true, "do_not_reply": true, "mailer-daemon": true, "postmaster": true,
	"bounce": true, "bounces": true, "notifications": true, "notification": true, "alerts": true, "info": true,
	"admin": true, "administrator": true, "support": true, "help": true, "helpdesk": true, "hr": true, "jobs": true,
	"careers": true, "recruiting": true, "recruitment": true, "talent": true, "hiring": true, "contact": true,
	"hello": true, "team": true, "sales": true, "billing": true, "press": true, "media": true, "events": true,
	"abuse": true, "webmaster": true, "security": true, "privacy": true, "legal": true, "marketing": true,
	"newsletter": true, "news": true, "feedback": true, "service": true, "customerservice": true, "enquiries": true,
	"inquiries": true, "general": true, "mail": true, "email": true, "root": true,
}

// RoleAddress reports whether addr is a role or scheduling address
// (calendar@, scheduling@, assistant@, noreply@…), not a person's.
func RoleAddress(addr string) bool {
	i := strings.LastIndexByte(addr, '@')
	if i <= 0 {
		return false
	}
	local := strings.ToLower(addr[:i])
	if j := strings.IndexByte(local, '+'); j > 0 {
		local = local[:j]
	}
	if roleLocals[local] {
		return true
	}
	for _, w := range []string{"noreply", "no-reply", "donotreply", "do-not-reply", "calendar", "scheduling", "assistant"} {
		if strings.Contains(local, w) {
			return true
		}
	}
	return false
}
