// Package schedule decides when things happen: the next send slot for an
// outreach email (preferred weekdays, a morning window in the recipient's
// time zone, public holidays, a daily cap and randomised spacing),
// business-day arithmetic for follow-ups, and the concrete meeting options
// offered to a contact.
//
// Meeting options (MeetingOptionsFor) are found across two zones: inside
// the owner's weekly availability, read in the owner's zone, on days that
// are working days for both (no public holiday, no bridge day such as the
// Friday after US Thanksgiving), cut to the contact's working hours where
// that leaves a slot, and written in the contact's zone with the zone
// named ("Tuesday 8 December, 1–4pm your time (ET)"). A contact's holidays
// come from their zone's country (CountryOfZone, from an embedded copy of
// the IANA zone table) or from a configured code (CalendarFor).
//
// Every time shown to a person says whose it is: ContactTime,
// ContactRange and Option.ForContact write the contact's time with their
// zone named; OwnerTime, OwnerRange and Option.ForOwner write the owner's
// with the contact's local time beside it ("Thu 3 Dec, 3:00pm ET (2:00pm
// CT for Maria)"). ZoneLabel picks names readers know (ET, CET, AEST) and
// falls back to the offset ("UTC+05:45").
//
// Everything here is pure: no I/O and no clock. The current time, time zones
// and random source are always passed in, so callers and tests control them.
//
// Wall-clock times (windows, availability) are resolved to instants in a
// given zone by taking the earliest instant whose local clock reads that time
// or later. On a spring-forward day a time inside the skipped hour therefore
// becomes the instant of the transition, which is still inside the window;
// on a fall-back day the first of the repeated times is used.
package schedule
