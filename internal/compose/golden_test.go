package compose

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"rapport/internal/invite"
	"rapport/internal/meetings"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var (
	dateRE     = regexp.MustCompile(`(?m)^Date: [^\r\n]*`)
	msgIDRE    = regexp.MustCompile(`(?m)^Message-ID: <[^>\r\n]*>`)
	boundaryRE = regexp.MustCompile(`boundary="?([^"\s;]+)"?`)
)

// normalise replaces what legitimately changes between runs with
// wildcards: the Date, the Message-ID and MIME boundaries.
func normalise(raw []byte) []byte {
	out := dateRE.ReplaceAll(raw, []byte("Date: <DATE>"))
	out = msgIDRE.ReplaceAll(out, []byte("Message-ID: <MESSAGE-ID>"))
	for i, m := range boundaryRE.FindAllSubmatch(out, -1) {
		out = bytes.ReplaceAll(out, m[1], fmt.Appendf(nil, "BOUNDARY-%d", i+1))
	}
	return out
}

func TestGolden(t *testing.T) {
	tm := mustLoad(t)
	fresh := func(d Data) Data { d.Thread = Thread{}; return d }
	// Options as schedule.Option.ForContact writes them, in the contact's
	// zone with the zone named.
	options := func(d Data) Data {
		d.Options = []string{"Tuesday 24 November, 1–4pm your time (ET)", "any time Friday 4 December (9am–5pm your time, ET)"}
		return d
	}
	// The preparation note says the owner's time and the contact's beside
	// it (schedule.OwnerRange); the thank-you says the contact's day.
	prep := func(d Data) Data {
		d = fresh(d)
		d.Meeting.When = "Tue 24 Nov, 2:00–2:30pm ET (11:00–11:30am PT for Jordan)"
		d.Meeting.Notes = "Works on the ingestion team; hiring juniors in spring.\nSuggested the dbt community Slack."
		return d
	}
	thanks := func(d Data) Data { d.Meeting.When = "Tuesday 24 November"; return d }
	cases := []struct {
		name string
		kind Kind
		data func() Data
		ics  bool
	}{
		{"outreach", KindOutreach, func() Data { return options(fresh(Sample())) }, false},
		{"outreach-minimal", KindOutreach, func() Data {
			d := options(fresh(Sample()))
			d.Contact.ReferrerName, d.Contact.ReferrerEmail, d.Contact.Connection, d.Contact.Role = "", "", "", ""
			d.Options = d.Options[:1]
			return d
		}, false},
		{"followup", KindFollowup, Sample, false},
		{"thankyou", KindThankYou, func() Data { return thanks(fresh(Sample())) }, false},
		{"thankyou-referrals", KindThankYou, func() Data {
			d := thanks(Sample())
			d.Contact.Referrals = []string{"Sam Rivera", "Chris Park"}
			return d
		}, false},
		{"keepintouch", KindKeepInTouch, func() Data { return fresh(Sample()) }, false},
		{"keepintouch-noupdate", KindKeepInTouch, func() Data { d := fresh(Sample()); d.Update = ""; return d }, false},
		{"notification", KindNotification, func() Data { return fresh(Sample()) }, false},
		{"digest", KindDigest, func() Data { return fresh(Sample()) }, false},
		{"digest-empty", KindDigest, func() Data { d := fresh(Sample()); d.Digest = Digest{}; return d }, false},
		{"prep", KindPrep, func() Data { return prep(Sample()) }, false},
		{"prep-defaultquestions-ics", KindPrep, func() Data {
			d := prep(Sample())
			d.Questions, d.Takeaway, d.Meeting.Notes = nil, "", ""
			return d
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.data()
			env := Envelope{Date: testDate, MessageID: NewMessageIDAt("example.com", testDate)}
			if c.ics {
				// The owner's own copy of the meeting travels with the
				// preparation note.
				p, err := invite.NewPart(invite.Publish, invite.Event{
					UID: "meeting-42@example.com", Stamp: testDate, Start: d.Meeting.Start, End: d.Meeting.End,
					Format:    meetings.ParseFormat(d.Meeting.Format + " " + d.Meeting.Location),
					Organizer: invite.Person{Name: d.Me.Name, Email: d.Me.Email},
					Attendee:  invite.Person{Name: d.Contact.Name, Email: d.Contact.Email},
				})
				if err != nil {
					t.Fatal(err)
				}
				env.Calendar = p
			}
			m, err := tm.Build(c.kind, d, env)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := m.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			parse(t, raw) // must read back
			got := normalise(raw)
			file := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the built message (go test -run TestGolden -update to accept):\n--- got\n%s\n--- want\n%s", file, got, want)
			}
		})
	}
}
