package classify

import (
	"fmt"
	"path/filepath"
	"testing"
)

// TestRepliesHeldOut2 runs a second set of replies written apart from the
// rules (testdata/replies_heldout2): top and bottom posting, Outlook and
// Gmail quote headers in several languages, mobile signatures, HTML only,
// quoted-printable and base64 bodies, ISO-8859-1 and windows-1252,
// disclaimers and list footers, mixed intents. Like TestRepliesHeldOut,
// misses are logged and counted in the table, not failed.
func TestRepliesHeldOut2(t *testing.T) {
	tl := checkRepliesLog(t, filepath.Join("testdata", "replies_heldout2"), "held-out replies 2")
	t.Log(tl.table())
	if testing.Verbose() {
		fmt.Print(tl.table())
	}
}

// TestRepliesHeldOut3 runs a third set (testdata/replies_heldout3),
// written after the rules for the second one were settled, to measure
// again how they carry over. Misses are logged, not failed.
func TestRepliesHeldOut3(t *testing.T) {
	tl := checkRepliesLog(t, filepath.Join("testdata", "replies_heldout3"), "held-out replies 3")
	t.Log(tl.table())
	if testing.Verbose() {
		fmt.Print(tl.table())
	}
}
