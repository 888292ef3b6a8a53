package schedule

import "testing"

// The parsers read user config; they must never panic and what they accept
// must print back to something they read the same way.
func FuzzParseWindow(f *testing.F) {
	for _, s := range []string{"09:00-11:30", "9:00-11:30", "00:00-24:00", "11:30-09:00", "-", "24:00-24:00", "+1:00-2:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWindow(s)
		if err != nil {
			return
		}
		if w.Start < 0 || w.End > endOfDay || w.Start >= w.End {
			t.Fatalf("ParseWindow(%q) accepted %v", s, w)
		}
		if back, err := ParseWindow(w.String()); err != nil || back != w {
			t.Fatalf("round trip %q -> %v -> %v, %v", s, w, back, err)
		}
	})
}

func FuzzParseAvailability(f *testing.F) {
	for _, s := range []string{"tue 13:00-16:00", "fri 09:00-17:00", "thursday 9:30-10:00", "t 1-2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAvailability(s)
		if err != nil {
			return
		}
		if back, err := ParseAvailability(a.String()); err != nil || back != a {
			t.Fatalf("round trip %q -> %v -> %v, %v", s, a, back, err)
		}
	})
}

func FuzzParseSpacing(f *testing.F) {
	for _, s := range []string{"2m-6m", "3m", "0s", "6m-2m", "1h-", "-1s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseSpacing(s)
		if err != nil {
			return
		}
		if sp.Min < 0 || sp.Max < sp.Min {
			t.Fatalf("ParseSpacing(%q) accepted %v", s, sp)
		}
		if back, err := ParseSpacing(sp.String()); err != nil || back != sp {
			t.Fatalf("round trip %q -> %v -> %v, %v", s, sp, back, err)
		}
	})
}
