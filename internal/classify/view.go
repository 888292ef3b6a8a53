package classify

import (
	"time"
)

// Explanation is what rapport makes of one message, in the stable form
// rapport explain prints (--json) and the daemon logs. Times are RFC 3339
// in the zone the writer meant; days are YYYY-MM-DD.
type Explanation struct {
	Kind             string        `json:"kind"`   // reply, auto_reply, bounce, delay, complaint, challenge, receipt, own, other
	Intent           string        `json:"intent"` // yes, decline, opt_out, snooze, referral, question, none
	FailedRecipients []string      `json:"failed_recipients"`
	ReturnDate       string        `json:"return_date"`
	SnoozeUntil      string        `json:"snooze_until"`
	ProposedTimes    []string      `json:"proposed_times"`
	Referrals        []ReferralOut `json:"referrals"`
	Signals          []string      `json:"signals"`

	// Details beyond the stable fields.
	Intents             []string      `json:"intents,omitempty"`
	Proposals           []ProposalOut `json:"proposals,omitempty"`
	FinalRecipients     []string      `json:"final_recipients,omitempty"`
	OriginalMessageID   string        `json:"original_message_id,omitempty"`
	ComplaintRecipients []string      `json:"complaint_recipients,omitempty"`
	FeedbackType        string        `json:"feedback_type,omitempty"`
	ChallengeURL        string        `json:"challenge_url,omitempty"`
	Question            string        `json:"question,omitempty"`
	OutOfOfficePersonal bool          `json:"out_of_office_personal,omitempty"`
	InThread            bool          `json:"in_thread"`
	ThreadID            string        `json:"thread_id,omitempty"`
	From                string        `json:"from,omitempty"`
	Subject             string        `json:"subject,omitempty"`
	MessageID           string        `json:"message_id,omitempty"`
	Written             string        `json:"written,omitempty"`
	WriterZone          string        `json:"writer_zone,omitempty"`
	NewText             string        `json:"new_text,omitempty"`
	Notes               []string      `json:"parse_notes,omitempty"`
}

// ReferralOut is a suggested person.
type ReferralOut struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// ProposalOut is a proposed time with its window and the zone as stated.
type ProposalOut struct {
	At    string `json:"at"`
	Until string `json:"until,omitempty"`
	Zone  string `json:"zone"`             // the zone the time is in (IANA name or UTC offset)
	As    string `json:"stated,omitempty"` // the zone as the writer wrote it, when they did
	Text  string `json:"text"`
}

// Explain builds the Explanation of a classified message; m may be nil.
func Explain(m *Message, r Result) Explanation {
	e := Explanation{
		Kind: r.Kind.JSONKind(), Intent: r.Intent.JSONIntent(),
		FailedRecipients: []string{}, ProposedTimes: []string{}, Referrals: []ReferralOut{}, Signals: append([]string{}, r.Reasons...),
		InThread: r.InThread, ThreadID: r.ThreadID, Question: r.Question,
	}
	if r.Kind.Automated() || r.Kind == KindOwn {
		e.Intent = "none"
	}
	for _, i := range r.Intents {
		e.Intents = append(e.Intents, i.JSONIntent())
	}
	if b := r.Bounce; b != nil {
		e.FailedRecipients = append(e.FailedRecipients, b.FailedAddresses()...)
		if f := b.FinalAddresses(); !sameStrings(f, e.FailedRecipients) {
			e.FinalRecipients = f
		}
		e.OriginalMessageID = b.OriginalMessageID
	}
	if c := r.Complaint; c != nil {
		e.ComplaintRecipients = c.Recipients
		e.OriginalMessageID = c.OriginalMessageID
		e.FeedbackType = c.FeedbackType
	}
	if c := r.Challenge; c != nil {
		e.ChallengeURL = c.URL
	}
	if a := r.AutoReply; a != nil {
		if !a.ReturnDate.IsZero() {
			e.ReturnDate = a.ReturnDate.Format("2006-01-02")
		}
		e.OutOfOfficePersonal = a.Personal
	}
	if !r.SnoozeUntil.IsZero() {
		e.SnoozeUntil = r.SnoozeUntil.Format("2006-01-02")
	}
	for _, t := range r.ProposedTimes {
		e.ProposedTimes = append(e.ProposedTimes, t.Format(time.RFC3339))
	}
	for _, p := range r.Proposals {
		po := ProposalOut{At: p.At.Format(time.RFC3339), Zone: p.At.Location().String(), As: p.Zone, Text: p.Text}
		if !p.Until.IsZero() {
			po.Until = p.Until.Format(time.RFC3339)
		}
		e.Proposals = append(e.Proposals, po)
	}
	for _, f := range r.Referrals {
		e.Referrals = append(e.Referrals, ReferralOut{Name: f.Name, Email: f.Email})
	}
	if !r.Written.IsZero() {
		e.Written = r.Written.Format(time.RFC3339)
	}
	if r.WriterLoc != nil {
		e.WriterZone = r.WriterLoc.String()
	}
	e.NewText = clip(r.NewText, 2000)
	if m != nil {
		if len(m.From) > 0 {
			e.From = m.From[0].Addr
		}
		e.Subject = m.Subject
		e.MessageID = m.MessageID
		e.Notes = m.Notes
	}
	return e
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
