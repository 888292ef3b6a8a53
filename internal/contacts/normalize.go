// Package contacts adds, imports and corrects contacts: validation and
// normalisation of what the user types or imports, de-duplication,
// suppression checks, and a timeline event for every change.
package contacts

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"rapport/internal/model"
)

// Input is a contact as the user gives it, before validation.
type Input struct {
	Name       string
	Email      string
	Company    string
	Role       string
	Connection string
	ReferredBy string
	Timezone   string
	Notes      string
	// LinkedIn is the person's profile URL, kept as the custom field
	// "linkedin"; it identifies a contact that has no address yet.
	LinkedIn string
	Custom   map[string]string
}

// Field limits keep a hostile import from bloating the database.
const (
	maxField = 2000
	maxNotes = 20000
)

// NormalizeEmail returns the canonical form of an address: trimmed, domain
// lower-cased and IDNA-encoded, local part lower-cased (mail systems treat
// it case-insensitively in practice). It accepts "Name <addr>" and returns
// only the address.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("email is empty")
	}
	if err := checkLine("email", s); err != nil {
		return "", err
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("invalid email %q", s)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 || at == len(a.Address)-1 {
		return "", fmt.Errorf("invalid email %q", s)
	}
	local, domain := a.Address[:at], a.Address[at+1:]
	ascii, err := idna.Lookup.ToASCII(strings.ToLower(domain))
	if err != nil || !strings.Contains(ascii, ".") {
		return "", fmt.Errorf("invalid email domain in %q", s)
	}
	if strings.ContainsAny(local, " \t\"\\") {
		return "", fmt.Errorf("invalid email %q", s)
	}
	return strings.ToLower(local) + "@" + ascii, nil
}

// checkLine rejects the characters that could split a header or an SMTP
// command, and invalid UTF-8.
func checkLine(field, v string) error {
	if strings.ContainsAny(v, "\r\n") {
		return fmt.Errorf("%s contains a line break", field)
	}
	if strings.ContainsRune(v, 0) {
		return fmt.Errorf("%s contains a NUL byte", field)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s is not valid UTF-8", field)
	}
	return nil
}

// Validate checks and normalises in into a new contact (status unset).
// Every problem is reported, joined. The address is required.
func (in Input) Validate() (*model.Contact, error) {
	c, missing, err := in.validate()
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		var errs []error
		for _, m := range missing {
			errs = append(errs, errors.New(m))
		}
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// Missing-information reasons, as shown in `contacts list` and reports.
const (
	MissingEmail = "no email address"
	MissingName  = "no name"
)

// validate is Validate for imports and edits: a missing address or name
// is not an error but returned in missing (the contact waits in
// needs_info).
func (in Input) validate() (c *model.Contact, missing []string, err error) {
	var errs []error
	c = &model.Contact{
		Name:       collapseSpace(in.Name),
		Company:    strings.TrimSpace(in.Company),
		Role:       strings.TrimSpace(in.Role),
		Connection: strings.TrimSpace(in.Connection),
		Timezone:   strings.TrimSpace(in.Timezone),
		Notes:      strings.TrimSpace(newlines(in.Notes)),
	}
	if strings.TrimSpace(in.Email) == "" {
		missing = append(missing, MissingEmail)
	} else if email, err := NormalizeEmail(in.Email); err != nil {
		errs = append(errs, err)
	} else {
		c.Email = email
	}
	if c.Name == "" {
		missing = append(missing, MissingName)
	}
	// Every field that can reach a header or a subject is checked for CR,
	// LF and NUL. Notes never leave rapport (they are the user's record),
	// so they may have several lines; NUL is refused everywhere.
	for _, f := range []struct{ name, v string }{
		{"name", in.Name}, {"company", in.Company}, {"role", in.Role}, {"connection", in.Connection},
		{"referred_by", in.ReferredBy}, {"timezone", in.Timezone}, {"notes", in.Notes}, {"linkedin", in.LinkedIn},
	} {
		check := checkLine
		if f.name == "notes" {
			check = checkText
		}
		if err := check(f.name, f.v); err != nil {
			errs = append(errs, err)
		} else if len(f.v) > maxField && f.name != "notes" || len(f.v) > maxNotes {
			errs = append(errs, fmt.Errorf("%s is too long (%d bytes)", f.name, len(f.v)))
		}
	}
	if ref := strings.TrimSpace(in.ReferredBy); ref != "" && checkLine("referred_by", ref) == nil {
		if strings.Contains(ref, "@") {
			norm, err := NormalizeEmail(ref)
			if err != nil {
				errs = append(errs, fmt.Errorf("referred_by: %w", err))
			}
			c.ReferredBy = norm
		} else {
			c.ReferredBy = ref
		}
	}
	if c.Timezone != "" && checkLine("timezone", c.Timezone) == nil {
		if z, ok := NormalizeZone(c.Timezone); ok {
			c.Timezone = z
		} else {
			errs = append(errs, fmt.Errorf("unknown time zone %q", c.Timezone))
		}
	}
	custom := in.Custom
	if li := strings.TrimSpace(in.LinkedIn); li != "" {
		custom = make(map[string]string, len(in.Custom)+1)
		for k, v := range in.Custom {
			custom[k] = v
		}
		custom[CustomLinkedIn] = li
	}
	if len(custom) > 0 {
		if len(custom) > maxCustom {
			errs = append(errs, fmt.Errorf("too many custom fields (%d, at most %d)", len(custom), maxCustom))
		}
		c.Custom = map[string]string{}
		for k, v := range custom {
			k = collapseSpace(k)
			v = strings.TrimSpace(v)
			if v == "" || k == "" {
				continue
			}
			if err := checkLine("column name", k); err != nil {
				errs = append(errs, err)
				continue
			}
			if err := checkLine(k, v); err != nil {
				errs = append(errs, err)
				continue
			}
			if len(v) > maxField {
				errs = append(errs, fmt.Errorf("%s is too long (%d bytes)", k, len(v)))
				continue
			}
			c.Custom[k] = v
		}
		if len(c.Custom) == 0 {
			c.Custom = nil
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return c, missing, nil
}

// maxCustom bounds the custom fields of one contact (Outlook's export has
// about 90 columns).
const maxCustom = 200

// checkText is checkLine for multi-line text: line feeds are allowed.
func checkText(field, v string) error {
	return checkLine(field, strings.ReplaceAll(newlines(v), "\n", ""))
}

// newlines turns CRLF and lone CR into LF.
func newlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// collapseSpace trims s and turns each run of spaces into one space.
func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// zones caches time zone look-ups: an import checks the same few zones on
// every row, and each LoadLocation reads the zone database.
var zones sync.Map // name → bool

func knownZone(name string) bool {
	if ok, hit := zones.Load(name); hit {
		return ok.(bool)
	}
	_, err := time.LoadLocation(name)
	zones.Store(name, err == nil)
	return err == nil
}
