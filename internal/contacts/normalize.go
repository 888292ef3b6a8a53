// Package contacts adds, imports and corrects contacts: validation and
// normalisation of what the user types or imports, de-duplication,
// suppression checks, and a timeline event for every change.
package contacts

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
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
	Custom     map[string]string
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
// Every problem is reported, joined.
func (in Input) Validate() (*model.Contact, error) {
	var errs []error
	c := &model.Contact{
		Name:       strings.TrimSpace(in.Name),
		Company:    strings.TrimSpace(in.Company),
		Role:       strings.TrimSpace(in.Role),
		Connection: strings.TrimSpace(in.Connection),
		Timezone:   strings.TrimSpace(in.Timezone),
		Notes:      strings.TrimSpace(in.Notes),
	}
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		errs = append(errs, err)
	}
	c.Email = email
	if c.Name == "" {
		errs = append(errs, errors.New("name is empty"))
	}
	// Every field is checked for CR, LF and NUL: contact data ends up in
	// headers and templates. Notes may be multi-line on the timeline but
	// never reach a header; they are still refused here, as the import
	// contract says, and the CLI's notes command takes the long form.
	for _, f := range []struct{ name, v string }{
		{"name", in.Name}, {"company", in.Company}, {"role", in.Role}, {"connection", in.Connection},
		{"referred_by", in.ReferredBy}, {"timezone", in.Timezone}, {"notes", in.Notes},
	} {
		if err := checkLine(f.name, f.v); err != nil {
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
		if _, err := time.LoadLocation(c.Timezone); err != nil {
			errs = append(errs, fmt.Errorf("unknown time zone %q", c.Timezone))
		}
	}
	if len(in.Custom) > 0 {
		c.Custom = map[string]string{}
		for k, v := range in.Custom {
			k = strings.TrimSpace(k)
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if err := checkLine(k, v); err != nil {
				errs = append(errs, err)
				continue
			}
			if err := checkLine("column name", k); err != nil {
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
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// sameFields reports whether two contacts carry the same descriptive data.
func sameFields(a, b *model.Contact) bool {
	if a.Name != b.Name || a.Company != b.Company || a.Role != b.Role || a.Connection != b.Connection ||
		a.ReferredBy != b.ReferredBy || a.Timezone != b.Timezone || a.Notes != b.Notes || len(a.Custom) != len(b.Custom) {
		return false
	}
	for k, v := range a.Custom {
		if b.Custom[k] != v {
			return false
		}
	}
	return true
}

// changedFields lists which descriptive fields differ, for the timeline.
func changedFields(old, new *model.Contact) []string {
	var out []string
	add := func(name, a, b string) {
		if a != b {
			out = append(out, name)
		}
	}
	add("name", old.Name, new.Name)
	add("company", old.Company, new.Company)
	add("role", old.Role, new.Role)
	add("connection", old.Connection, new.Connection)
	add("referred_by", old.ReferredBy, new.ReferredBy)
	add("timezone", old.Timezone, new.Timezone)
	add("notes", old.Notes, new.Notes)
	keys := map[string]bool{}
	for k := range old.Custom {
		keys[k] = true
	}
	for k := range new.Custom {
		keys[k] = true
	}
	for k := range keys {
		add(k, old.Custom[k], new.Custom[k])
	}
	return out
}
