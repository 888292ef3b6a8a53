package invite

import (
	_ "embed"
	"strings"
	"sync"
	"time"
)

//go:embed windowszones.txt
var windowsZonesText string

// windowsZones maps lower-cased Windows zone names to IANA names.
var windowsZones = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for line := range strings.SplitSeq(windowsZonesText, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		win, iana, ok := strings.Cut(line, "\t")
		if ok {
			m[strings.ToLower(win)] = strings.TrimSpace(iana)
		}
	}
	return m
})

// validZoneName reports whether s may be given to time.LoadLocation: an
// IANA-style name, never a path, "Local" or something long.
func validZoneName(s string) bool {
	if s == "" || len(s) > 64 || s == "Local" || strings.HasPrefix(s, "/") || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("/_+-", r)) {
			return false
		}
	}
	return true
}

// zoneResolver turns TZIDs into zones for one calendar.
type zoneResolver struct {
	load  func(string) (*time.Location, error)
	defs  map[string]tzDef // VTIMEZONEs of the calendar, by TZID
	cache map[string]*time.Location
}

// resolve returns the zone a TZID names: an IANA name (also behind a
// "/vendor/version/" prefix), UTC and its spellings, a Windows name, or nil
// when only the calendar's VTIMEZONE (or nothing) can say.
func (z *zoneResolver) resolve(tzid string) *time.Location {
	id := strings.Trim(strings.TrimSpace(tzid), `"`)
	if l, ok := z.cache[id]; ok {
		return l
	}
	l := z.lookup(id)
	if len(z.cache) < 64 {
		z.cache[id] = l
	}
	return l
}

func (z *zoneResolver) lookup(id string) *time.Location {
	switch strings.ToUpper(id) {
	case "UTC", "GMT", "Z", "ETC/UTC", "ETC/GMT", "UNIVERSAL", "ZULU", "COORDINATED UNIVERSAL TIME":
		return time.UTC
	}
	if w, ok := windowsZones()[strings.ToLower(id)]; ok {
		id = w
	}
	// "/mozilla.org/20050126_1/America/New_York", "/Europe/Paris": try the
	// name, then shorter and shorter tails that still have an area.
	parts := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i < len(parts) && i < 6; i++ {
		name := strings.Join(parts[i:], "/")
		if i > 0 && !strings.Contains(name, "/") {
			break
		}
		if !validZoneName(name) {
			continue
		}
		if l, err := z.load(name); err == nil && l != nil {
			return l
		}
	}
	return nil
}
