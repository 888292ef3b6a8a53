// Package when is rapport's one understanding of dates and times: the
// dates a contact writes in a reply ("Thursday at 10:30am", "1pm Pacific",
// "back on the 4th", "from 3 to 14 December"), the dates the owner writes in
// a command or on the command line ("March", "2027-03-01", "next Tuesday
// 2pm", "in two weeks") and the zones they are in.
//
// Find locates every date and time expression in free text, with its byte
// span; Parse reads one whole expression and says clearly what it could not
// read. ParseDay and ParseDateTime are the forms the command line needs.
// Everything is relative to Options.Ref, the moment the text was written
// (for mail, its Date: header), never to the moment rapport reads it.
//
// Whose time is it: a time of day is in the zone the writer states ("15:00
// GMT", "1pm Pacific", "10:00 CET", "Europe/Paris", "UTC+2", "+02:00", "3pm
// your time"), else in Options.Loc, the writer's zone. Results are instants
// (time.Time) in the zone the writer meant, so a caller can show them the
// way they were written and compare them with anything else.
//
// Why not a library: github.com/markusmobius/go-dateparser v1.4.7 and
// github.com/olebedev/when v1.1.0 were tried on this package's test cases
// (reference Monday 23 November 2026, New York). go-dateparser read "the
// 4th" as 23 April, "Mon at 9" as September, "1-4pm on Tuesday" as 23
// January, "jeudi 3 décembre à 14h" as the year 2114 and "Donnerstag um 15
// Uhr" as 15 November, and failed on "next Tuesday 2pm", "1pm Pacific" and
// any sentence around a date; olebedev/when has no zones, no German,
// French, Spanish or Dutch, read "March" as the March already past and
// "Thu 3 Dec" as 10 December, and found nothing in "the 4th". Both return
// a single instant where mail needs ranges and several proposals. The
// grammar here is small, multilingual (English, German, French, Spanish,
// Dutch, Portuguese, Italian) and bounded: it tokenises once and tries a
// fixed set of forms at each token, so its cost is linear in the text.
package when
