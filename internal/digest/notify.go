package digest

import (
	"fmt"
	"strings"
	"time"

	"rapport/internal/compose"
	"rapport/internal/model"
)

// NoticeKind is what happened that the owner should hear about now.
type NoticeKind string

// The notices. A notification's reply is about Notice.Contact, so the
// suggested commands need no address.
const (
	NoticeReply       NoticeKind = "reply"        // a person answered
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
	// Text is what the contact wrote (new text only).
	Text string
	// Proposed are the times the contact proposed, in order.
	Proposed []time.Time
	// Until is a return or snooze date.
	Until time.Time
	// Meeting is the meeting time (meeting_soon, met).
	Meeting time.Time
	// Referred are the people the contact suggested ("Brad Smith <brad@x.com>").
	Referred []string
	// Reason says what is missing or what went wrong (needs_info, bounce).
	Reason string
}

// Notification returns the notification data for n at now, in the owner's
// zone: a title, the contact's text, the suggested next step, and a line of
// commands the owner can reply with.
func Notification(n Notice, now time.Time, loc *time.Location) compose.Notification {
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	b := &builder{now: now, loc: loc}
	name := strings.TrimSpace(n.Contact.Name)
	if name == "" {
		name = n.Contact.Email
	}
	out := compose.Notification{Text: strings.TrimSpace(n.Text)}
	cmds := func(c ...string) { out.Commands = strings.Join(c, " | ") }
	later := commandDate(midnight(now).AddDate(0, 3, 0))

	switch n.Kind {
	case NoticeProposal:
		out.Title = name + " proposed a time"
		if len(n.Proposed) == 0 {
			out.NextStep = "pick a time and reply with it"
			cmds("meeting "+commandTime(suggestedSlot(now)), "decline", "pause")
			break
		}
		var opts []string
		for i, t := range n.Proposed {
			opts = append(opts, fmt.Sprintf("%d) %s", i+1, b.when(t)))
		}
		out.NextStep = "confirm one of: " + strings.Join(opts, "; ")
		c := []string{"confirm"}
		if len(n.Proposed) > 1 {
			c = append(c, "confirm 2")
		}
		cmds(append(c, "meeting "+commandTime(n.Proposed[0].In(loc)), "snooze "+later)...)
	case NoticeReply:
		out.Title = name + " replied"
		out.NextStep = "answer " + firstName(name) + "; when you agree on a time, tell rapport"
		cmds("meeting "+commandTime(suggestedSlot(now))+" for 30m by video", "snooze "+later, "decline", "pause")
	case NoticeAutoReply:
		out.Title = name + " is away"
		if !n.Until.IsZero() {
			out.Title += " until " + b.day(n.Until)
			out.NextStep = "nothing: the follow-up waits until after " + b.day(n.Until)
		} else {
			out.NextStep = "nothing: the follow-up goes out as planned"
		}
		cmds("snooze "+later, "pause")
	case NoticeBounce:
		out.Title = "Mail to " + name + " bounced"
		out.NextStep = "check the address; nothing more is sent to " + n.Contact.Email
		if n.Reason != "" {
			out.NextStep = oneLine(n.Reason) + "; " + out.NextStep
		}
		cmds("add " + name + " <new-address@example.com>")
	case NoticeOptOut:
		out.Title = name + " asked not to be contacted"
		out.NextStep = "nothing: rapport will never write to " + n.Contact.Email + " again"
	case NoticeDecline:
		out.Title = name + " declined"
		out.NextStep = "a short thank-you for answering keeps the door open"
		cmds("snooze "+later, "resume")
	case NoticeSnooze:
		out.Title = name + " asked you to try later"
		if !n.Until.IsZero() {
			out.Title = name + " asked you to try again in " + n.Until.In(loc).Format("January")
			out.NextStep = "rapport writes again on " + b.day(n.Until)
			cmds("snooze "+commandDate(n.Until.In(loc)), "resume", "decline")
		} else {
			out.NextStep = "say when to try again"
			cmds("snooze "+later, "decline")
		}
	case NoticeReferral:
		out.Title = name + " suggested someone to talk to"
		out.NextStep = "add them; rapport will mention " + firstName(name) + " when it writes"
		var adds []string
		for _, r := range n.Referred {
			if r = oneLine(r); r != "" {
				adds = append(adds, "add "+r+" referred by "+n.Contact.Email)
			}
		}
		if len(adds) == 0 {
			adds = []string{"add Name <their@address.com> referred by " + n.Contact.Email}
		}
		cmds(adds...)
	case NoticeMeetingSoon:
		out.Title = "Your conversation with " + name + " is coming up"
		if !n.Meeting.IsZero() {
			out.Title += ": " + b.when(n.Meeting)
		}
		out.NextStep = "prepare three to five questions; afterwards reply \"met\" and \"notes: ...\""
		cmds("met", "notes: ...", "meeting "+commandTime(suggestedSlot(now)))
	case NoticeMet:
		out.Title = "How did it go with " + name + "?"
		out.NextStep = "send the thank-you draft in your Drafts folder within a day, and keep notes"
		cmds("thanked", "notes: ...")
	case NoticeNeedsInfo:
		out.Title = name + " needs more information"
		out.NextStep = "nothing is sent until it is fixed"
		if n.Reason != "" {
			out.NextStep = oneLine(n.Reason) + "; " + out.NextStep
		}
		cmds("pause")
	case NoticeNoResponse:
		out.Title = "No answer from " + name
		out.NextStep = "nothing: silence is a polite no; rapport stops writing"
		cmds("snooze "+later, "resume")
	default:
		out.Title = name + ": " + string(n.Kind)
	}
	return out
}

// suggestedSlot is an example time for a meeting command: the next
// Tuesday at 2pm.
func suggestedSlot(now time.Time) time.Time {
	d := midnight(now).AddDate(0, 0, 1)
	for d.Weekday() != time.Tuesday {
		d = d.AddDate(0, 0, 1)
	}
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 14, 0, 0, 0, now.Location())
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 && !strings.Contains(f[0], "@") {
		return f[0]
	}
	return "them"
}
