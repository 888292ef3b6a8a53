package contacts

import (
	"encoding/csv"
	"io"
	"sort"
	"strings"

	govcard "github.com/emersion/go-vcard"

	"rapport/internal/model"
)

// exportColumns are the CSV export's fixed columns: what import reads back.
var exportColumns = []string{"name", "email", "company", "role", "connection", "referred_by", "timezone", "notes",
	CustomLinkedIn, "rapport_status"}

// ExportCSV writes contacts as CSV: the fixed columns, then one column per
// custom field (by name, sorted). It re-imports unchanged. Cells that a
// spreadsheet would run as a formula are prefixed with an apostrophe.
func ExportCSV(w io.Writer, cs []*model.Contact) error {
	seen := map[string]bool{}
	var extra []string
	for _, c := range cs {
		for k := range c.Custom {
			if !seen[k] && k != CustomLinkedIn {
				seen[k] = true
				extra = append(extra, k)
			}
		}
	}
	sort.Strings(extra)
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(append(append([]string{}, exportColumns...), extra...)); err != nil {
		return err
	}
	for _, c := range cs {
		row := []string{c.Name, c.Email, c.Company, c.Role, c.Connection, c.ReferredBy, c.Timezone, c.Notes,
			c.Custom[CustomLinkedIn], string(c.Status)}
		for _, k := range extra {
			row = append(row, c.Custom[k])
		}
		for i := range row {
			row[i] = noFormula(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// noFormula defuses a cell Excel or LibreOffice would evaluate.
func noFormula(s string) string {
	if s != "" && strings.ContainsRune("=+@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ExportVCard writes contacts as vCard 4.0, one card each. Custom fields
// go in X-RAPPORT-FIELD properties ("Name: value"), which import reads
// back; the status goes in X-RAPPORT-STATUS.
func ExportVCard(w io.Writer, cs []*model.Contact) error {
	enc := govcard.NewEncoder(w)
	for _, c := range cs {
		card := govcard.Card{}
		card.SetValue(govcard.FieldVersion, "4.0")
		card.SetValue(govcard.FieldFormattedName, c.Name)
		if c.Email != "" {
			card.SetValue(govcard.FieldEmail, c.Email)
		}
		if c.Company != "" {
			card.SetValue(govcard.FieldOrganization, c.Company)
		}
		if c.Role != "" {
			card.SetValue(govcard.FieldTitle, c.Role)
		}
		if c.Notes != "" {
			card.SetValue(govcard.FieldNote, c.Notes)
		}
		if c.Timezone != "" {
			card.SetValue(govcard.FieldTimezone, c.Timezone)
		}
		if li := c.Custom[CustomLinkedIn]; li != "" {
			card.SetValue(govcard.FieldURL, li)
		}
		for _, k := range sortedKeys(c.Custom) {
			if k != CustomLinkedIn {
				card.AddValue("X-RAPPORT-FIELD", k+": "+c.Custom[k])
			}
		}
		if c.Connection != "" {
			card.SetValue("X-RAPPORT-CONNECTION", c.Connection)
		}
		if c.ReferredBy != "" {
			card.SetValue("X-RAPPORT-REFERRED-BY", c.ReferredBy)
		}
		card.SetValue("X-RAPPORT-STATUS", string(c.Status))
		if err := enc.Encode(card); err != nil {
			return err
		}
	}
	return nil
}
