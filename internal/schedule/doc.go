// Package schedule decides when things happen: the next send slot for an
// outreach email (preferred weekdays, a morning window in the recipient's
// time zone, public holidays, a daily cap and randomised spacing),
// business-day arithmetic for follow-ups, and the concrete meeting options
// offered to a contact ("Tuesday 24 November between 1 and 4pm").
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
