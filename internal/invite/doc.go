// Package invite builds and reads the calendar messages of iTIP (RFC 5546)
// that travel by mail (iMIP, RFC 6047): the invitation rapport sends a
// contact when a meeting is confirmed (METHOD:REQUEST), its updates (the
// same UID with a higher SEQUENCE), its cancellation (CANCEL), the copy
// the owner adds to their own calendar (PUBLISH), and whatever a contact's
// calendar sends back or sends first (REPLY with ACCEPTED, DECLINED or
// TENTATIVE, a REQUEST of their own, a CANCEL).
//
// Building: Event holds a meeting; Build (or Event.Request, Event.Cancel,
// Event.Publish) writes RFC 5545 text with go-ical: DTSTART and DTEND with
// the TZID of the start's zone and a VTIMEZONE describing it, ORGANIZER the
// owner, ATTENDEE the contact, the format (video link, phone, place) as
// LOCATION, URL and CONFERENCE, lines folded at 75 octets with CRLF. Part
// puts the result in a message the way Gmail, Outlook and Apple Mail
// expect: a text/calendar; method=… alternative of the body, plus the same
// object as an invite.ics attachment.
//
// Reading: Parse reads a received text/calendar part into go-ical's model
// with its own line reader (ical.Decoder panics on some malformed
// parameters and is quadratic in their length), behind limits on size,
// line length, nesting and counts; a malformed line is dropped with a
// note, so hostile input gives an error or a partial result, never a panic
// or a long loop. Times are resolved from UTC, an IANA or
// Windows TZID, the calendar's own VTIMEZONE, or as floating times in a
// zone the caller gives (the contact's); DTEND, DURATION and all-day dates
// are read.
//
// Everything here is pure: the caller gives the clock (DTSTAMP) and the
// zones.
package invite
