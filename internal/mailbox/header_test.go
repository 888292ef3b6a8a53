package mailbox

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"rapport/internal/classify"
)

// The watcher fetches only HeaderFields: everything the pre-filter reads
// must be among them, or a bounce that names no contact is missed.
func TestHeaderFieldsCoverThePrefilter(t *testing.T) {
	for _, f := range classify.PrefilterFields {
		if !slices.ContainsFunc(HeaderFields, func(h string) bool { return strings.EqualFold(h, f) }) {
			t.Errorf("HeaderFields lacks %s, which classify.Prefilter reads", f)
		}
	}
}

// The fast path for Date reads what go-message's parser reads.
func TestParseDateAgreesWithGoMessage(t *testing.T) {
	for _, v := range []string{"Tue, 01 Dec 2026 23:19:21 +0000", "Tue, 1 Dec 2026 08:05:00 -0500", "1 Dec 2026 08:05:00 +0100",
		"Tue, 1 Dec 2026 08:05:00 -0500 (EST)", "Tue, 1 Dec 2026 08:05 -0500", "Tue, 01 Dec 2026 23:19:21 GMT", "garbage", ""} {
		var th textproto.Header
		th.Set("Date", v)
		mh := gomail.Header{Header: message.Header{Header: th}}
		want, err := mh.Date()
		if err != nil {
			want = time.Time{}
		}
		if got := parseDate(v, mh); !got.Equal(want) {
			t.Errorf("%q: %v, go-message says %v", v, got, want)
		}
	}
}
