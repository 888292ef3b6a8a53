package contacts

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-vcard"

	"rapport/internal/model"
	"rapport/internal/store"
)

// RowError is one rejected row, by its line number in the file.
type RowError struct {
	Line   int
	Reason string
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Skip is a row that was valid but not imported, and why.
type Skip struct {
	Line   int
	Email  string
	Reason string
}

// Report says what an import did.
type Report struct {
	Rows      int        // data rows read
	Added     int        // new contacts
	Updated   int        // existing contacts whose fields changed
	Unchanged int        // existing contacts, identical
	Skipped   []Skip     // suppressed addresses, duplicates within the file
	Errors    []RowError // rejected rows
}

// Progress is told how far an import has read, in rows.
type Progress func(rows int)

// batchSize rows share one transaction: one fsync per batch on SQLite.
const batchSize = 500

// columns the CSV contract names; anything else becomes a custom field.
var knownColumns = map[string]bool{"name": true, "email": true, "company": true, "role": true,
	"connection": true, "referred_by": true, "timezone": true, "notes": true}

// record is one parsed row before validation.
type record struct {
	line int
	in   Input
	err  string // a parse problem, reported as the row's error
}

// ImportCSV reads a CSV file with a header row. Bad rows are reported by
// line number; the rest are imported. Re-importing the same file changes
// nothing.
func (s *Service) ImportCSV(ctx context.Context, r io.Reader, progress Progress) (*Report, error) {
	br := bufio.NewReader(r)
	// A UTF-8 byte order mark (Excel writes one) is not part of the header.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("import: the file is empty (want a header row: name,email,...)")
		}
		return nil, fmt.Errorf("import: header row: %w", err)
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		h = strings.NewReplacer(" ", "_", "-", "_").Replace(h)
		if h == "" {
			h = fmt.Sprintf("column_%d", i+1)
		}
		if seen[h] {
			return nil, fmt.Errorf("import: header row: column %q appears twice", h)
		}
		seen[h] = true
		cols[i] = h
	}
	if !seen["email"] || !seen["name"] {
		return nil, fmt.Errorf("import: header row must name the columns name and email (found: %s)", strings.Join(cols, ","))
	}
	next := func() (*record, error) {
		for {
			fields, err := cr.Read()
			line, _ := cr.FieldPos(0)
			if errors.Is(err, io.EOF) {
				return nil, io.EOF
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &record{line: pe.StartLine, err: "malformed CSV: " + pe.Err.Error()}, nil
			} else if err != nil {
				return nil, err
			}
			if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
				continue // blank line
			}
			rec := &record{line: line}
			if len(fields) != len(cols) {
				rec.err = fmt.Sprintf("has %d fields, the header has %d", len(fields), len(cols))
				return rec, nil
			}
			for i, v := range fields {
				if !utf8.ValidString(v) {
					rec.err = fmt.Sprintf("%s is not valid UTF-8", cols[i])
					break
				}
				switch cols[i] {
				case "name":
					rec.in.Name = v
				case "email":
					rec.in.Email = v
				case "company":
					rec.in.Company = v
				case "role":
					rec.in.Role = v
				case "connection":
					rec.in.Connection = v
				case "referred_by":
					rec.in.ReferredBy = v
				case "timezone":
					rec.in.Timezone = v
				case "notes":
					rec.in.Notes = v
				default:
					if rec.in.Custom == nil {
						rec.in.Custom = map[string]string{}
					}
					rec.in.Custom[cols[i]] = v
				}
			}
			return rec, nil
		}
	}
	return s.importRecords(ctx, next, progress, "imported from CSV")
}

// ImportVCard reads one or more vCards. Each card is one contact; its
// position is reported as the line of its BEGIN:VCARD.
func (s *Service) ImportVCard(ctx context.Context, r io.Reader, progress Progress) (*Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	// Line numbers of each card's BEGIN, for error messages.
	var starts []int
	for i, l := range strings.Split(string(data), "\n") {
		if strings.EqualFold(strings.TrimSpace(l), "BEGIN:VCARD") {
			starts = append(starts, i+1)
		}
	}
	dec := vcard.NewDecoder(bytes.NewReader(data))
	n := 0
	next := func() (*record, error) {
		card, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		line := 0
		if n < len(starts) {
			line = starts[n]
		}
		n++
		if err != nil {
			// The decoder cannot resynchronise after a broken card.
			return nil, fmt.Errorf("import: vCard near line %d: %w", line, err)
		}
		rec := &record{line: line}
		rec.in.Name = card.PreferredValue(vcard.FieldFormattedName)
		if rec.in.Name == "" {
			if nm := card.Name(); nm != nil {
				rec.in.Name = strings.TrimSpace(nm.GivenName + " " + nm.FamilyName)
			}
		}
		rec.in.Email = card.PreferredValue(vcard.FieldEmail)
		if org := card.PreferredValue(vcard.FieldOrganization); org != "" {
			rec.in.Company = strings.TrimRight(strings.Split(org, ";")[0], " ")
		}
		rec.in.Role = card.PreferredValue(vcard.FieldTitle)
		if rec.in.Role == "" {
			rec.in.Role = card.PreferredValue(vcard.FieldRole)
		}
		rec.in.Notes = card.PreferredValue(vcard.FieldNote)
		if tz := card.PreferredValue(vcard.FieldTimezone); strings.Contains(tz, "/") {
			rec.in.Timezone = tz
		}
		for field, key := range map[string]string{vcard.FieldURL: "url", vcard.FieldTelephone: "phone"} {
			if v := card.PreferredValue(field); v != "" {
				if rec.in.Custom == nil {
					rec.in.Custom = map[string]string{}
				}
				rec.in.Custom[key] = v
			}
		}
		return rec, nil
	}
	return s.importRecords(ctx, next, progress, "imported from vCard")
}

// importRecords validates and stores records in batches. Existing contacts
// and suppressions are read once up front, so a large import costs one
// insert per new contact.
func (s *Service) importRecords(ctx context.Context, next func() (*record, error), progress Progress, detail string) (*Report, error) {
	existing := map[string]*model.Contact{}
	all, err := s.Store.Contacts(ctx, s.Account, "")
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		existing[c.Email] = c
	}
	suppressed := map[string]string{}
	sups, err := s.Store.Suppressions(ctx, s.Account)
	if err != nil {
		return nil, err
	}
	for _, sp := range sups {
		suppressed[sp.Email] = sp.Reason
	}

	rep := &Report{}
	firstLine := map[string]int{}
	var batch []*model.Contact
	var updates []*model.Contact
	flush := func() error {
		if len(batch) == 0 && len(updates) == 0 {
			return nil
		}
		err := s.Store.WithTx(ctx, func(tx *store.Tx) error {
			for _, c := range batch {
				if err := tx.InsertContact(ctx, c, model.EventImported, detail); err != nil {
					return err
				}
			}
			for _, c := range updates {
				old := existing[c.Email]
				changed := changedFields(old, c)
				c.ID, c.AccountID = old.ID, old.AccountID
				if err := tx.UpdateContactFields(ctx, c); err != nil {
					return err
				}
				if err := tx.AddEvent(ctx, s.Account, &model.Event{ContactID: c.ID, Type: model.EventUpdated,
					Detail: detail + ": changed " + strings.Join(changed, ", ")}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, c := range updates {
			existing[c.Email] = c
		}
		batch, updates = batch[:0], updates[:0]
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		rec, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return rep, ferr
			}
			return rep, err
		}
		rep.Rows++
		if progress != nil && rep.Rows%1000 == 0 {
			progress(rep.Rows)
		}
		if rec.err != "" {
			rep.Errors = append(rep.Errors, RowError{rec.line, rec.err})
			continue
		}
		c, err := rec.in.Validate()
		if err != nil {
			rep.Errors = append(rep.Errors, RowError{rec.line, strings.ReplaceAll(err.Error(), "\n", "; ")})
			continue
		}
		if l, dup := firstLine[c.Email]; dup {
			rep.Skipped = append(rep.Skipped, Skip{rec.line, c.Email, fmt.Sprintf("duplicate of line %d", l)})
			continue
		}
		firstLine[c.Email] = rec.line
		if why, ok := suppressed[c.Email]; ok {
			rep.Skipped = append(rep.Skipped, Skip{rec.line, c.Email, "suppressed (" + why + ")"})
			continue
		}
		if old, ok := existing[c.Email]; ok {
			if sameFields(old, c) {
				rep.Unchanged++
				continue
			}
			updates = append(updates, c)
			rep.Updated++
		} else {
			s.queue(c)
			batch = append(batch, c)
			rep.Added++
		}
		if len(batch)+len(updates) >= batchSize {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	if progress != nil {
		progress(rep.Rows)
	}
	return rep, nil
}
