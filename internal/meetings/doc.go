// Package meetings is rapport's vocabulary for the conversations a job
// seeker has with their contacts, apart from when they happen (that is
// internal/schedule) and how invitations travel (internal/invite):
//
//   - the status of a meeting: proposed, confirmed, cancelled, held;
//   - its format, read from the free text an owner writes in a command
//     ("video https://meet.google.com/abc-defg-hij", "phone +1 312 555
//     0142", "coffee at Blue Bottle, Ferry Building");
//   - the questions of the preparation note, adapted to what the owner
//     wants to learn (me.interest) so they read as English whatever its
//     phrasing, and the one thing to take away;
//   - when the thank-you draft is due after a meeting;
//   - the JSON form of a meeting in `contacts show --json`.
//
// Everything here is pure: no I/O, no clock.
package meetings
