package mailbox

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// Source says how a special folder was found.
type Source string

// Sources, best first.
const (
	SourceConfig     Source = "config"         // named in the configuration
	SourceSpecialUse Source = "special-use"    // SPECIAL-USE advertised and the attribute returned
	SourceListAttr   Source = "list-attribute" // attribute on LIST without SPECIAL-USE advertised (Microsoft 365, Zoho)
	SourceName       Source = "name"           // a conventional name
	SourceNone       Source = ""               // not found
)

// Folder is a special folder as found on the server.
type Folder struct {
	Name   string // "" when not found
	Source Source
}

// Found reports whether the folder exists.
func (f Folder) Found() bool { return f.Name != "" }

// Discovered is the result of DiscoverFolders.
type Discovered struct {
	Sent, Drafts, Junk Folder
	// Mailboxes lists every selectable mailbox, sorted.
	Mailboxes []string
	// SpecialUse reports whether the server advertises SPECIAL-USE.
	SpecialUse bool
}

// Conventional names, in order of preference. Gmail's are localised, which
// is why attributes come first.
var (
	sentNames   = []string{"Sent", "Sent Items", "Sent Messages", "Sent Mail", "INBOX.Sent", "INBOX.Sent Items", "INBOX.Sent Messages", "[Gmail]/Sent Mail", "[Google Mail]/Sent Mail"}
	draftsNames = []string{"Drafts", "Draft", "INBOX.Drafts", "INBOX.Draft", "[Gmail]/Drafts", "[Google Mail]/Drafts"}
	junkNames   = []string{"Junk", "Spam", "Junk E-mail", "Junk Email", "Bulk Mail", "INBOX.Junk", "INBOX.Spam", "[Gmail]/Spam", "[Google Mail]/Spam"}
)

// DiscoverFolders finds Sent, Drafts and Junk: configuration first, then
// special-use attributes (LIST RETURN (SPECIAL-USE) where the server
// supports it, attributes on a plain LIST otherwise), then names. A
// configured folder that does not exist is an error.
func (c *Conn) DiscoverFolders(ctx context.Context) (Discovered, error) {
	caps, err := c.capabilities(ctx)
	if err != nil {
		return Discovered{}, err
	}
	var d Discovered
	d.SpecialUse = caps.Has(imap.CapSpecialUse)
	var opts *imap.ListOptions
	if d.SpecialUse && (caps.Has(imap.CapListExtended) || caps.Has(imap.CapIMAP4rev2)) {
		opts = &imap.ListOptions{ReturnSpecialUse: true}
	}
	cl := c.cur()
	var boxes []*imap.ListData
	err = c.do(ctx, "list mailboxes", func() error {
		var err error
		boxes, err = cl.List("", "*", opts).Collect()
		return err
	})
	if err != nil {
		return Discovered{}, err
	}
	var usable []*imap.ListData
	for _, b := range boxes {
		if slices.Contains(b.Attrs, imap.MailboxAttrNoSelect) || slices.Contains(b.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		usable = append(usable, b)
		d.Mailboxes = append(d.Mailboxes, b.Mailbox)
	}
	sort.Strings(d.Mailboxes)
	sort.Slice(usable, func(i, j int) bool { return usable[i].Mailbox < usable[j].Mailbox })

	attrSource := SourceListAttr
	if d.SpecialUse {
		attrSource = SourceSpecialUse
	}
	find := func(role, override string, attr imap.MailboxAttr, names []string) (Folder, error) {
		if override != "" {
			for _, b := range usable {
				if b.Mailbox == override || (strings.EqualFold(override, "INBOX") && strings.EqualFold(b.Mailbox, "INBOX")) {
					return Folder{Name: b.Mailbox, Source: SourceConfig}, nil
				}
			}
			return Folder{}, fmt.Errorf("find %s folder: configured folder %q does not exist", role, override)
		}
		for _, b := range usable {
			for _, a := range b.Attrs {
				if strings.EqualFold(string(a), string(attr)) {
					return Folder{Name: b.Mailbox, Source: attrSource}, nil
				}
			}
		}
		for _, n := range names {
			for _, b := range usable {
				if sameName(b.Mailbox, b.Delim, n) {
					return Folder{Name: b.Mailbox, Source: SourceName}, nil
				}
			}
		}
		return Folder{}, nil
	}
	if d.Sent, err = find("sent", c.cfg.Folders.Sent, imap.MailboxAttrSent, sentNames); err != nil {
		return d, err
	}
	if d.Drafts, err = find("drafts", c.cfg.Folders.Drafts, imap.MailboxAttrDrafts, draftsNames); err != nil {
		return d, err
	}
	if d.Junk, err = find("junk", c.cfg.Folders.Junk, imap.MailboxAttrJunk, junkNames); err != nil {
		return d, err
	}
	return d, nil
}

// sameName compares a server mailbox name with a conventional one written
// with "." or "/" as hierarchy separator, case-insensitively.
func sameName(name string, delim rune, conventional string) bool {
	norm := func(s string, delim rune) string {
		if delim != 0 {
			s = strings.ReplaceAll(s, string(delim), "/")
		}
		return strings.ToLower(strings.ReplaceAll(s, ".", "/"))
	}
	return norm(name, delim) == norm(conventional, 0)
}
