package mailbox

import (
	"slices"
	"strings"
	"testing"

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
