package meetings

import (
	"encoding/json"
	"fmt"
	"time"
)

// Meeting is one meeting as `contacts show --json` prints it, in the
// "meetings" array of a contact:
//
//	{
//	  "start": "2026-12-03T14:00:00-06:00",
//	  "end": "2026-12-03T14:30:00-06:00",
//	  "timezone": "America/Chicago",
//	  "status": "confirmed",
//	  "format": "video",
//	  "location": "https://meet.google.com/abc-defg-hij",
//	  "source": "command"
//	}
//
// start and end are RFC 3339 with the offset of the contact's zone at that
// instant; timezone is the contact's IANA zone; status is one of proposed,
// confirmed, cancelled, held; format is video, phone, in_person or "" when
// nobody said; location is the link, the number or the place ("" when
// unknown); source is where the meeting came from (command, reply,
// invitation, cli, or an older free-form value).
type Meeting struct {
	Start, End time.Time
	// Zone is the contact's zone; nil means Start's location.
	Zone   *time.Location
	Status Status
	Format Format
	Source Source
}

type meetingJSON struct {
	Start    string `json:"start"`
	End      string `json:"end"`
	Timezone string `json:"timezone"`
	Status   Status `json:"status"`
	Format   Kind   `json:"format"`
	Location string `json:"location"`
	Source   Source `json:"source"`
}

func (m Meeting) zone() *time.Location {
	if m.Zone != nil {
		return m.Zone
	}
	return m.Start.Location()
}

// MarshalJSON writes the form documented on Meeting. A zero End is
// written as Start plus DefaultLength, so every meeting has an end.
func (m Meeting) MarshalJSON() ([]byte, error) {
	if m.Start.IsZero() {
		return nil, fmt.Errorf("meeting without a start")
	}
	loc := m.zone()
	end := m.End
	if end.IsZero() {
		end = End(m.Start, 0)
	}
	return json.Marshal(meetingJSON{
		Start:    m.Start.In(loc).Format(time.RFC3339),
		End:      end.In(loc).Format(time.RFC3339),
		Timezone: loc.String(),
		Status:   m.Status,
		Format:   m.Format.Kind,
		Location: m.Format.Detail,
		Source:   m.Source,
	})
}

// UnmarshalJSON reads what MarshalJSON writes; the zone is loaded by name.
func (m *Meeting) UnmarshalJSON(b []byte) error {
	var j meetingJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	start, err := time.Parse(time.RFC3339, j.Start)
	if err != nil {
		return fmt.Errorf("meeting start: %w", err)
	}
	end, err := time.Parse(time.RFC3339, j.End)
	if err != nil {
		return fmt.Errorf("meeting end: %w", err)
	}
	loc, err := time.LoadLocation(j.Timezone)
	if err != nil {
		return fmt.Errorf("meeting timezone: %w", err)
	}
	st := j.Status
	if st != "" {
		if st, err = ParseStatus(string(st)); err != nil {
			return err
		}
	}
	switch j.Format {
	case "", Video, Phone, InPerson:
	default:
		return fmt.Errorf("unknown meeting format %q (want video, phone or in_person)", j.Format)
	}
	*m = Meeting{Start: start.In(loc), End: end.In(loc), Zone: loc, Status: st,
		Format: Format{Kind: j.Format, Detail: j.Location}, Source: j.Source}
	return nil
}
