package mailbox_test

import (
	"fmt"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"rapport/internal/testmail"
)

// A large gap of expunged UIDs after the checkpoint must not hide the mail
// beyond it: the bounded search widens until it reaches UIDNEXT.
func TestFetchHeadersSinceAcrossExpungedGap(t *testing.T) {
	srv := testmail.NewIMAP(t)
	for i := 1; i <= 300; i++ {
		srv.Deliver("INBOX", rawMsg(fmt.Sprintf("m%d@example.org", i), fmt.Sprintf("message %d", i)))
	}
	// Another client (the user's) deletes UIDs 2 to 250.
	cl, err := imapclient.DialInsecure(srv.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Login(srv.Username(), srv.Password()).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	var del imap.UIDSet
	del.AddRange(2, 250)
	if err := cl.Store(del, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := cl.Expunge().Close(); err != nil {
		t.Fatal(err)
	}

	c := dial(t, cfgFor(srv))
	hs, err := c.FetchHeadersSince(ctxT(t), "INBOX", 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	if got := uidsOf(hs); len(got) != 5 || got[0] != 251 || got[4] != 255 {
		t.Fatalf("after the gap: UIDs %v, want 251..255", got)
	}
	hs, err = c.FetchHeadersSince(ctxT(t), "INBOX", 298, 5)
	if err != nil || len(hs) != 2 || hs[1].UID != 300 {
		t.Fatalf("the tail: %v %v", uidsOf(hs), err)
	}
	hs, err = c.FetchHeadersSince(ctxT(t), "INBOX", 300, 5)
	if err != nil || len(hs) != 0 {
		t.Fatalf("past the end: %v %v", uidsOf(hs), err)
	}
}
