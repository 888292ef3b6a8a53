package classify

import "testing"

// TestRepliesHeldOut2 runs a second set of replies written apart from the
// rules (testdata/replies_heldout2): top and bottom posting, Outlook and
// Gmail quote headers in several languages, mobile signatures, HTML only,
// quoted-printable and base64 bodies, ISO-8859-1 and windows-1252,
// disclaimers and list footers, mixed intents. Like TestRepliesHeldOut,
// every file must give its labelled result.
func TestRepliesHeldOut2(t *testing.T) {
	replySet(t, "replies_heldout2", "held-out replies 2")
}

// TestRepliesHeldOut3 runs a third set (testdata/replies_heldout3),
// written after the rules for the second one were settled, to measure
// again how they carry over; every file must give its labelled result.
func TestRepliesHeldOut3(t *testing.T) {
	replySet(t, "replies_heldout3", "held-out replies 3")
}

// TestRepliesHeldOut4 runs a fourth set (testdata/replies_heldout4),
// written before reading the rules or the other sets' wording: curt and
// rambling replies, inline answers, assistants copied in to schedule,
// policies, vague deferrals, questions, constraints, calendar links,
// eleven languages' worth of phrasing, HTML only and quoted-printable.
// Every file must give its labelled result, or say "known miss".
func TestRepliesHeldOut4(t *testing.T) {
	replySet(t, "replies_heldout4", "held-out replies 4")
}
