package digest

import (
	"fmt"
	"strings"
	"time"

	"rapport/internal/compose"
	"rapport/internal/model"
	"rapport/internal/schedule"
)

// NoticeKind is what happened that the owner should hear about now.
type NoticeKind string

// The notices. A notification's reply is about Notice.Contact, so the
// suggested commands need no address.
const (
	NoticeReply       NoticeKind = "reply"        // a person answered
	NoticeQuestion    NoticeKind = "question"     // ...asking something before agreeing
	NoticeProposal    NoticeKind = "proposal"     // ...proposing meeting times
	NoticeAutoReply   NoticeKind = "auto_reply"   // out of office; Until is the return date
	NoticeBounce      NoticeKind = "bounce"       // the address does not work
	NoticeOptOut      NoticeKind = "opt_out"      // asked not to be contacted
	NoticeDecline     NoticeKind = "decline"      // said no
	NoticeSnooze      NoticeKind = "snooze"       // "try me in March"; Until
	NoticeReferral    NoticeKind = "referral"     // suggested someone; Referred
	NoticeMeetingSoon NoticeKind = "meeting_soon" // Meeting is coming up
	NoticeMet         NoticeKind = "met"          // the meeting passed; a thank-you draft is ready
	NoticeNeedsInfo   NoticeKind = "needs_info"   // nothing is sent until a field is filled; Reason
	NoticeNoResponse  NoticeKind = "no_response"  // follow-ups are done, no answer
)

// Notice is an event that needs the owner.
type Notice struct {
	Kind    NoticeKind
	Contact model.Contact
	// Text is what the contact wrote (new text only); the notification
	// quotes the start of it.
	Text string
	// Proposed are the times the contact proposed, in order.
	Proposed []time.Time
	// Until is a return or snooze date.
	Until time.Time
	// Meeting is the meeting time (meeting_soon, met).
	Meeting time.Time
	// Followup is when the follow-up is now planned (auto_reply: after
	// the return date); zero when none is, or it is not known.
	Followup time.Time
	// Referred are the people the contact suggested ("Brad Smith
	// <brad@x.com>", or a name alone).
	Referred []string
	// Reason says what is missing or what went wrong (needs_info, bounce).
	Reason string
}

// wordsLen is how much of the contact's words a notification quotes.
const wordsLen = 300

// Notification returns the notification for n at now, in the owner's
// zone: a title saying what happened, the contact's words (short, quoted),
// what rapport does next, and the commands that apply, one per line as
// "COMMAND — what it does" (the templates show each in double quotes, so
// a reply that quotes the notification never reads as a command).
func Notification(n Notice, now time.Time, loc *time.Location) compose.Notification {
	f := newFmter(now, loc)
	c := &n.Contact
	name := displayName(c)
	first := firstName(name)
	out := compose.Notification{}
	if t := oneLine(n.Text); t != "" {
		out.Text = "“" + clip(t, wordsLen) + "”"
	}
	var cmds []string
	cmd := func(command, purpose string) { cmds = append(cmds, command+" — "+purpose) }
	later := commandDate(midnight(f.now).AddDate(0, 3, 0))
	meetingCmd := func(purpose string) {
		t := suggestedSlot(f.now)
		cmd("meeting "+commandTime(t)+" for 30m by video", purpose+" (your time, "+schedule.ZoneLabel(t)+")")
	}

	switch n.Kind {
	case NoticeProposal:
		if len(n.Proposed) == 1 {
			out.Title = name + " proposed a time"
		} else {
			out.Title = name + " proposed times"
		}
		if len(n.Proposed) == 0 {
			out.NextStep = "rapport sends nothing to " + first + " while you decide; pick a time and tell rapport."
			meetingCmd("to set the time")
			cmd("decline", "if it will not happen")
			break
		}
		var opts []string
		for i, t := range n.Proposed {
			when := f.atFor(t, c, "")
			opts = append(opts, fmt.Sprintf("%d) %s", i+1, when))
			switch {
			case len(n.Proposed) == 1:
				cmd("confirm", "for "+when)
			case i < 5:
				cmd(fmt.Sprintf("confirm %d", i+1), "for "+when)
			}
		}
		out.NextStep = "rapport sends nothing to " + first + " until you choose one: " + strings.Join(opts, "; ") + "."
		meetingCmd("for another time")
		cmd("decline", "if it will not happen")
	case NoticeReply, NoticeQuestion:
		out.Title = name + " replied"
		out.NextStep = "rapport writes nothing more to " + first + " (the follow-ups are off). Answer them yourself, and tell rapport the time once you agree on one."
		if n.Kind == NoticeQuestion {
			out.Title = name + " asked you a question"
			out.NextStep = "rapport writes nothing more to " + first + " until you answer. Answer their question yourself; once you agree on a time, tell rapport."
		}
		meetingCmd("once you agree on a time")
		cmd("snooze "+later, "to try again in three months")
		cmd("decline", "if they said no")
		cmd("pause", "to stop everything for "+first)
	case NoticeAutoReply:
		out.Title = name + " sent an automatic reply"
		if !n.Until.IsZero() {
			out.Title = name + " is away until " + f.day(n.Until)
		}
		switch {
		case !n.Followup.IsZero():
			out.NextStep = "rapport keeps the follow-up and sends it after they are back: " + f.atFor(n.Followup, c, "") + "."
		case !n.Until.IsZero():
			out.NextStep = "rapport keeps the follow-up and waits until after " + f.day(n.Until) + " to send it."
		default:
			out.NextStep = "nothing changes: the follow-up goes out as planned."
		}
		cmd("snooze "+later, "to wait longer")
		cmd("pause", "to stop everything for "+first)
	case NoticeBounce:
		out.Title = "Mail to " + name + " bounced"
		out.NextStep = "rapport will not write to " + c.Email + " again."
		if r := oneLine(n.Reason); r != "" {
			out.NextStep = "The server said: " + clip(r, 200) + ". " + out.NextStep
		}
		out.NextStep += " Check the address; if you find another, reply with it as below."
		cmd("add "+name+" <new-address@example.com>", "with the right address")
	case NoticeOptOut:
		out.Title = name + " asked not to be contacted"
		out.NextStep = "rapport will never write to " + c.Email + " again; nothing for you to do."
	case NoticeDecline:
		out.Title = name + " declined"
		out.NextStep = "rapport writes nothing more to " + first + ". A short thank-you for answering keeps the door open."
		cmd("snooze "+later, "to try once more in three months")
	case NoticeSnooze:
		if !n.Until.IsZero() {
			out.Title = name + " asked you to try again in " + n.Until.In(f.loc).Format("January")
			out.NextStep = "rapport writes nothing to " + first + " until " + f.day(n.Until) + ", then sends one short follow-up."
			cmd("snooze "+commandDate(n.Until.In(f.loc)), "to keep that date (or write another)")
		} else {
			out.Title = name + " asked you to try again later"
			out.NextStep = "rapport writes nothing more to " + first + " until you say when to try again."
			cmd("snooze "+later, "to try again then")
		}
		cmd("resume", "to write now")
		cmd("decline", "to stop for good")
	case NoticeReferral:
		out.Title = name + " suggested someone to talk to"
		var with, without []string
		for _, r := range n.Referred {
			r = oneLine(r)
			if r == "" {
				continue
			}
			if addr := referredAddress(r); addr != "" {
				with = append(with, r)
				cmd("approve "+addr, "to let rapport write to "+firstName(strings.TrimSpace(strings.TrimSuffix(r, "<"+addr+">"))))
			} else {
				without = append(without, r)
				cmd("add "+r+" <their@address.example> referred by "+c.Email, "with their address")
			}
		}
		switch {
		case len(with) > 0:
			out.NextStep = "rapport added " + joinAnd(with) + " as suggested, referred by " + first + "; nothing is sent to them until you approve."
		case len(without) > 0:
			out.NextStep = "rapport needs an address for " + joinAnd(without) + "; reply with it as below and rapport mentions " + first + " when it writes."
		default:
			out.NextStep = "reply with their name and address as below, and rapport mentions " + first + " when it writes."
			cmd("add Name <their@address.example> referred by "+c.Email, "with their name and address")
		}
	case NoticeMeetingSoon:
		out.Title = "Your conversation with " + name + " is coming up"
		if !n.Meeting.IsZero() {
			out.Title += ": " + f.atFor(n.Meeting, c, "")
		}
		out.NextStep = "prepare three to five questions. After the meeting, rapport puts a thank-you draft in your Drafts folder."
		cmd("met", "after you have talked")
		cmd("notes: what you learned", "to record what you learned")
		meetingCmd("if the time changes")
	case NoticeMet:
		out.Title = "How did it go with " + name + "?"
		out.NextStep = "a thank-you draft is in your Drafts folder: send it within a day. Once it is in your Sent folder, rapport records the thank-you for " + first + "."
		cmd("notes: what you learned", "to record what you learned")
		cmd("thanked", "if you thanked "+first+" outside your mailbox")
	case NoticeNeedsInfo:
		out.Title = name + " needs more information"
		out.NextStep = "nothing is sent to " + first + " until it is filled in."
		if r := oneLine(n.Reason); r != "" {
			out.NextStep = "Missing: " + clip(r, 200) + ". " + strings.ToUpper(out.NextStep[:1]) + out.NextStep[1:]
		}
		cmd("pause", "to leave "+first+" out for now")
	case NoticeNoResponse:
		out.Title = "No answer from " + name
		out.NextStep = "rapport stops writing to " + first + "; silence after a follow-up is a polite no."
		cmd("snooze "+later, "to try once more in three months")
	default:
		out.Title = name + ": " + strings.ReplaceAll(string(n.Kind), "_", " ")
	}
	out.Commands = strings.Join(cmds, "\n")
	return out
}

// referredAddress is the address in "Brad Smith <brad@x.com>" or a bare
// address; "" when there is none.
func referredAddress(s string) string {
	if i, j := strings.LastIndexByte(s, '<'), strings.LastIndexByte(s, '>'); i >= 0 && j > i {
		if a := strings.TrimSpace(s[i+1 : j]); strings.Contains(a, "@") && !strings.ContainsAny(a, " <>") {
			return a
		}
	}
	if strings.Contains(s, "@") && !strings.ContainsAny(s, " <>") {
		return s
	}
	return ""
}
