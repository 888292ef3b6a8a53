package invite

import (
	"bytes"
	"fmt"

	gomail "github.com/wneessen/go-mail"
)

// FileName is the name of the attachment a calendar object travels as.
const FileName = "invite.ics"

// Part is a calendar object ready to travel in a message.
type Part struct {
	Method Method
	Data   []byte // as Build writes it
}

// NewPart builds ev with method and wraps it for a message.
func NewPart(method Method, ev Event) (*Part, error) {
	b, err := Build(method, ev)
	if err != nil {
		return nil, err
	}
	return &Part{Method: method, Data: b}, nil
}

// ContentType is the media type of the calendar alternative, with the
// iTIP method RFC 6047 §2.4 requires.
func (p *Part) ContentType() string {
	return "text/calendar; method=" + string(p.Method) + "; charset=UTF-8"
}

// AddTo adds the calendar object to a message built with go-mail, after
// its text (and HTML) body, the way Google Calendar and Outlook send
// invitations and Gmail, Outlook and Apple Mail recognise them:
//
//	multipart/mixed
//	  multipart/alternative
//	    text/plain                                 the message
//	    text/html                                  when the message has one
//	    text/calendar; method=REQUEST; charset=UTF-8   the object: an RSVP card
//	  application/ics; name="invite.ics"           the same object, attached
//
// The alternative is what Gmail and Outlook turn into a meeting card with
// Yes/No/Maybe; the attachment is what Apple Mail and others offer to add
// to a calendar. Call it once, after the body is set.
func (p *Part) AddTo(m *gomail.Msg) error {
	if p == nil || len(p.Data) == 0 {
		return fmt.Errorf("attach invitation: empty calendar object")
	}
	switch p.Method {
	case Request, Cancel, Publish, Reply, Counter, Refresh, Add, DeclineCounter:
	default:
		return fmt.Errorf("attach invitation: unknown method %q", p.Method)
	}
	// go-mail appends "; charset=UTF-8" to the type of every part.
	m.AddAlternativeString(gomail.ContentType("text/calendar; method="+string(p.Method)), string(p.Data))
	if err := m.AttachReader(FileName, bytes.NewReader(p.Data), gomail.WithFileContentType("application/ics")); err != nil {
		return fmt.Errorf("attach invitation: %w", err)
	}
	return nil
}
