package meetings

import (
	"time"

	"rapport/internal/schedule"
)

// DefaultThankYouAfter is how long after a meeting's end the thank-you
// draft is made when thankyou.after is not configured.
const DefaultThankYouAfter = 2 * time.Hour

// MaxThankYouAfter is the latest a thank-you may come: within a day of
// the meeting, as the advice goes.
const MaxThankYouAfter = 24 * time.Hour

// DefaultLength is a meeting's length when nothing says otherwise: an
// informational interview asks for 20 to 30 minutes.
const DefaultLength = 30 * time.Minute

// ThankYouDue is when the thank-you draft for a meeting that ended at end
// is due: after (thankyou.after, which may be a Go duration, days or
// business days) past the end, but never more than MaxThankYouAfter past
// it. A zero after means at the end itself; the configuration's default
// is DefaultThankYouAfter.
func ThankYouDue(end time.Time, after schedule.Span) time.Time {
	due := after.AddTo(end, nil)
	if latest := end.Add(MaxThankYouAfter); due.After(latest) {
		return latest
	}
	if due.Before(end) {
		return end
	}
	return due
}

// End is a meeting's end from its start and length; a length of zero or
// less means DefaultLength.
func End(start time.Time, length time.Duration) time.Time {
	if length <= 0 {
		length = DefaultLength
	}
	return start.Add(length)
}
