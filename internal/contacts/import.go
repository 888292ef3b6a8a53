package contacts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"rapport/internal/model"
	"rapport/internal/store"
)

// RowError is one rejected row, by its row number (as a spreadsheet shows
// it; for a vCard, the line of its BEGIN).
type RowError struct {
	Line     int
	TextLine int // the line of the text file the row starts on, when it differs
	Reason   string
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Skip is a row that was valid but not imported, and why.
type Skip struct {
	Line   int
	Email  string // or the handle of a contact without an address
	Reason string
}

// Change is what an import did (or, in a dry run, would do) to one contact.
type Change struct {
	Line    int
	Action  string // ActionAdd, ActionUpdate or ActionComplete
	Handle  string // address, else LinkedIn profile, else name
	Name    string
	Status  model.Status // after the change
	Reason  string       // for needs_info: what is missing
	Fields  []string     // for updates: the fields that changed
	Queued  bool         // the contact is (newly) queued for outreach
	Contact *model.Contact
}

// Change actions.
const (
	ActionAdd      = "add"
	ActionUpdate   = "update"
	ActionComplete = "complete" // a contact waiting in needs_info got what it lacked
)

// Report says what an import did.
type Report struct {
	Format    string     // "LinkedIn connections", "Google Contacts CSV", "vCard 3.0", …
	Encoding  string     // "UTF-8", "UTF-16LE", "windows-1252"
	Rows      int        // data rows read (blank rows are not counted)
	Added     int        // new contacts
	Updated   int        // existing contacts whose fields changed
	Unchanged int        // existing contacts, identical
	NeedsInfo int        // of the added and updated, those that wait in needs_info
	Completed int        // contacts that left needs_info for the queue
	Skipped   []Skip     // suppressed addresses, duplicates within the file
	Errors    []RowError // rejected rows
	Changes   []Change   // one per added, updated or completed contact, in file order
	// Plan has, for each change that queues a contact (Queued), in order,
	// when its outreach would go; empty without a Forecaster.
	Plan   []time.Time
	DryRun bool
}

// Progress is told how far an import has read, in rows.
type Progress func(rows int)

// Checker says what a contact lacks for the mail rapport would write to it
// (a field its templates need, such as a custom column), or "" when
// nothing: such a contact waits in needs_info instead of being queued.
type Checker interface {
	Missing(ctx context.Context, c *model.Contact) (string, error)
}

// ImportOptions say how to read a file and what to do with it.
type ImportOptions struct {
	// Format is "csv", "vcard", or "" to tell from the content.
	Format string
	// Encoding names the file's character set; "" detects it.
	Encoding string
	// Map assigns columns to fields: column as written in the header
	// (case, accents and punctuation do not matter) → one of MapFields.
	Map map[string]string
	// DryRun reads and checks everything and writes nothing.
	DryRun     bool
	Progress   Progress
	Forecaster Forecaster
	Checker    Checker
	// Source names the file on the timeline ("imported from Source").
	Source string
}

// batchSize changes share one transaction: one fsync per batch on SQLite.
const batchSize = 500

// record is one parsed row before validation.
type record struct {
	line     int // row (CSV) or line of BEGIN (vCard)
	textLine int
	in       Input
	err      string // a parse problem, reported as the row's error
	// skip: not a contact (a report's footer, a contact group): what it
	// is ("Mentors") and why it is skipped.
	skipWhat, skip string
}

// ImportCSV reads a CSV file (see Import).
func (s *Service) ImportCSV(ctx context.Context, r io.Reader, progress Progress) (*Report, error) {
	return s.Import(ctx, r, ImportOptions{Format: "csv", Progress: progress})
}

// ImportVCard reads a vCard file (see Import).
func (s *Service) ImportVCard(ctx context.Context, r io.Reader, progress Progress) (*Report, error) {
	return s.Import(ctx, r, ImportOptions{Format: "vcard", Progress: progress})
}

// Import reads contacts from a CSV export (LinkedIn, Google, Outlook, a
// spreadsheet; any delimiter, encoding and header language) or a vCard
// file and adds, updates or completes them. People without an address
// are kept in needs_info. Bad rows are reported by row and the rest
// imported; importing the same file again changes nothing, not even a
// timeline. The whole file is checked before anything is written.
func (s *Service) Import(ctx context.Context, r io.Reader, opt ImportOptions) (*Report, error) {
	overrides := map[string]field{}
	for col, f := range opt.Map {
		fl, err := parseMapField(f)
		if err != nil {
			return nil, fmt.Errorf("--map %s=%s: %w", col, f, err)
		}
		overrides[fold(col)] = fl
	}
	dec, err := readText(r, opt.Encoding)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	rep := &Report{Encoding: dec.encoding, DryRun: opt.DryRun}
	var next func() (*record, error)
	format := opt.Format
	if format == "" {
		format = "csv"
		if looksLikeVCard(dec.text) {
			format = "vcard"
		}
	}
	switch format {
	case "vcard":
		cards := readVCards(dec.text)
		if len(cards) == 0 {
			return nil, errors.New("import: the file has no BEGIN:VCARD")
		}
		rep.Format = vcardFormat(cards)
		next = (&vcardImport{cards: cards}).next
	case "csv":
		if looksLikeVCard(dec.text) {
			return nil, errors.New("import: this is a vCard file (name it .vcf)")
		}
		ci, err := openCSV(dec.text, overrides)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		rep.Format = ci.format
		next = ci.next
	default:
		return nil, fmt.Errorf("import: unknown format %q (want csv or vcard)", format)
	}
	source := opt.Source
	if source == "" {
		source = rep.Format
	}
	im, err := s.newImporter(ctx, rep, opt)
	if err != nil {
		return nil, err
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
			return rep, fmt.Errorf("import: %w", err)
		}
		rep.Rows++
		if opt.Progress != nil && rep.Rows%1000 == 0 {
			opt.Progress(rep.Rows)
		}
		if err := im.classify(ctx, rec); err != nil {
			return rep, err
		}
	}
	if opt.Progress != nil {
		opt.Progress(rep.Rows)
	}
	if err := im.forecast(ctx); err != nil {
		return rep, err
	}
	if opt.DryRun {
		return rep, nil
	}
	if err := im.write(ctx, "imported from "+source); err != nil {
		return rep, err
	}
	// The plan as written: each queued contact's slot, from the planner.
	if rep.Plan != nil {
		i := 0
		for _, ch := range rep.Changes {
			if ch.Queued && i < len(rep.Plan) {
				rep.Plan[i] = ch.Contact.NextActionAt
				i++
			}
		}
	}
	return rep, nil
}

// importer holds what an import knows about the account while it reads.
type importer struct {
	s        *Service
	rep      *Report
	opt      ImportOptions
	byEmail  map[string]*model.Contact
	byKey    map[string]*model.Contact // contacts without an address, by stored key
	keyOf    map[int64]string
	byLinked map[string]*model.Contact // every contact with a LinkedIn profile
	byName   map[string]*model.Contact // every contact, by name and company
	supp     map[string]string
	first    map[string]int // identity → row it first appeared on
	ops      []*op
}

// op is one pending write.
type op struct {
	change  *Change
	c       *model.Contact // the contact as it will be
	old     *model.Contact // nil for an add
	key     string         // identity key to store (contacts without an address)
	rekey   bool           // store key in place of old's
	setMail bool           // old had no address; c.Email is its new one
	requeue bool           // needs_info → queued
}

func (s *Service) newImporter(ctx context.Context, rep *Report, opt ImportOptions) (*importer, error) {
	im := &importer{s: s, rep: rep, opt: opt, byEmail: map[string]*model.Contact{}, byKey: map[string]*model.Contact{},
		byLinked: map[string]*model.Contact{}, byName: map[string]*model.Contact{}, supp: map[string]string{},
		first: map[string]int{}}
	all, err := s.Store.Contacts(ctx, s.Account, "")
	if err != nil {
		return nil, err
	}
	if im.keyOf, err = s.Store.ContactKeys(ctx, s.Account); err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.Email != "" {
			im.byEmail[c.Email] = c
		} else if k := im.keyOf[c.ID]; k != "" {
			im.byKey[k] = c
		}
		if k := LinkedInKey(linkedInOf(c)); k != "" {
			if _, dup := im.byLinked[k]; !dup {
				im.byLinked[k] = c
			}
		}
		if k := NameKey(c.Name, c.Company); k != "" {
			if _, dup := im.byName[k]; !dup {
				im.byName[k] = c
			}
		}
	}
	sups, err := s.Store.Suppressions(ctx, s.Account)
	if err != nil {
		return nil, err
	}
	for _, sp := range sups {
		im.supp[sp.Email] = sp.Reason
	}
	return im, nil
}

func (im *importer) reject(rec *record, reason string) {
	e := RowError{Line: rec.line, Reason: reason}
	if rec.textLine != rec.line {
		e.TextLine = rec.textLine
	}
	im.rep.Errors = append(im.rep.Errors, e)
}

// classify decides what one record does.
func (im *importer) classify(ctx context.Context, rec *record) error {
	if rec.err != "" {
		im.reject(rec, rec.err)
		return nil
	}
	if rec.skip != "" {
		im.rep.Skipped = append(im.rep.Skipped, Skip{Line: rec.line, Email: rec.skipWhat, Reason: rec.skip})
		return nil
	}
	c, missing, err := rec.in.validate()
	if err != nil {
		im.reject(rec, strings.ReplaceAll(err.Error(), "\n", "; "))
		return nil
	}
	if c.Email == "" && c.Name == "" && LinkedInKey(linkedInOf(c)) == "" {
		im.reject(rec, "no name and no email address")
		return nil
	}
	lk := LinkedInKey(linkedInOf(c))
	nk := NameKey(c.Name, c.Company)
	key := lk
	if key == "" {
		key = nk
	}
	handle := c.Email
	if handle == "" {
		handle = key
		if lk == "" {
			handle = c.Name
		}
	}
	// The same person twice in one file: the first row wins.
	ident := c.Email
	if ident == "" {
		ident = key
	}
	if l, dup := im.first[ident]; dup {
		im.rep.Skipped = append(im.rep.Skipped, Skip{rec.line, handle, fmt.Sprintf("duplicate of line %d", l)})
		return nil
	}
	im.first[ident] = rec.line
	if c.Email != "" {
		if why, ok := im.supp[c.Email]; ok {
			im.rep.Skipped = append(im.rep.Skipped, Skip{rec.line, c.Email, "suppressed (" + why + ")"})
			return nil
		}
	}

	// Who is this among the contacts already known?
	var old *model.Contact
	setMail := false
	if c.Email != "" {
		old = im.byEmail[c.Email]
		if old == nil {
			// Someone imported earlier without an address, now with one.
			for _, k := range []string{lk, nk} {
				if o := im.byKey[k]; k != "" && o != nil && o.Email == "" {
					old, setMail = o, true
					break
				}
			}
		}
	} else {
		old = im.byKey[key]
		if old == nil && lk != "" {
			old = im.byLinked[lk]
		}
		if old == nil && nk != "" {
			old = im.byName[nk]
		}
	}

	if old == nil {
		c.AccountID = im.s.Account
		reason, err := im.missing(ctx, c, missing)
		if err != nil {
			return err
		}
		if reason == "" {
			im.s.queue(c)
		} else {
			c.Status, c.StatusReason = model.NeedsInfo, reason
			im.rep.NeedsInfo++
		}
		o := &op{c: c}
		if c.Email == "" {
			o.key = key
		}
		o.change = &Change{Line: rec.line, Action: ActionAdd, Handle: handle, Name: c.Name, Status: c.Status,
			Reason: c.StatusReason, Queued: c.Status == model.Queued, Contact: c}
		im.add(o)
		im.rep.Added++
		// Later rows may refer to the same person by another identity.
		if c.Email != "" {
			im.byEmail[c.Email] = c
		} else {
			im.byKey[key] = c
		}
		return nil
	}

	merged, changed := merge(old, c)
	if setMail {
		merged.Email = c.Email
		changed = append([]string{"email"}, changed...)
	}
	o := &op{c: merged, old: old, setMail: setMail}
	if merged.Email == "" {
		if k := IdentityKey(merged); k != "" && k != im.keyOf[old.ID] {
			o.key, o.rekey = k, true
		}
	}
	if len(changed) == 0 && !o.rekey {
		im.rep.Unchanged++
		return nil
	}
	ch := &Change{Line: rec.line, Action: ActionUpdate, Handle: Handle(merged), Name: merged.Name, Status: old.Status,
		Reason: old.StatusReason, Fields: changed, Contact: merged}
	if old.Status == model.NeedsInfo && requeueable(old.StatusReason) {
		var still []string
		if merged.Email == "" {
			still = append(still, MissingEmail)
		}
		if merged.Name == "" {
			still = append(still, MissingName)
		}
		reason, err := im.missing(ctx, merged, still)
		if err != nil {
			return err
		}
		if reason == "" {
			o.requeue = true
			q := *merged
			im.s.queue(&q)
			merged.NextAction, merged.NextActionAt = q.NextAction, q.NextActionAt
			ch.Action, ch.Status, ch.Reason, ch.Queued = ActionComplete, model.Queued, "", true
			im.rep.Completed++
		} else {
			im.rep.NeedsInfo++
			ch.Reason = reason
		}
	}
	o.change = ch
	im.add(o)
	im.rep.Updated++
	if setMail {
		im.byEmail[merged.Email] = merged
		delete(im.byKey, im.keyOf[old.ID])
	}
	return nil
}

func (im *importer) add(o *op) {
	im.ops = append(im.ops, o)
	im.rep.Changes = append(im.rep.Changes, *o.change)
}

// missing joins what c lacks: the fields it was read without, and what
// the templates need that it does not have.
func (im *importer) missing(ctx context.Context, c *model.Contact, missing []string) (string, error) {
	if len(missing) == 0 && im.opt.Checker != nil {
		why, err := im.opt.Checker.Missing(ctx, c)
		if err != nil {
			return "", err
		}
		if why != "" {
			missing = append(missing, why)
		}
	}
	return strings.Join(missing, "; "), nil
}

// requeueable reports whether a needs_info contact waits for information
// (which an import can supply) rather than for the user to look at a
// failed delivery.
func requeueable(reason string) bool { return !strings.HasPrefix(reason, "send failed") }

// forecast asks when the newly queued contacts' outreach would go.
func (im *importer) forecast(ctx context.Context) error {
	if im.opt.Forecaster == nil {
		return nil
	}
	var queued []*model.Contact
	for i := range im.rep.Changes {
		if im.rep.Changes[i].Queued {
			queued = append(queued, im.rep.Changes[i].Contact)
		}
	}
	if len(queued) == 0 {
		return nil
	}
	times, err := im.opt.Forecaster.Forecast(ctx, queued, im.s.Store.Clock().Now())
	if err != nil {
		return fmt.Errorf("import: forecast the sends: %w", err)
	}
	if len(times) != len(queued) {
		return fmt.Errorf("import: forecast gave %d times for %d contacts", len(times), len(queued))
	}
	im.rep.Plan = times
	// The queue follows the forecast: next_action_at says when it will go.
	for i, t := range times {
		if !t.IsZero() {
			queued[i].NextActionAt = t
		}
	}
	return nil
}

// write stores the pending changes, batchSize to a transaction.
func (im *importer) write(ctx context.Context, detail string) error {
	for start := 0; start < len(im.ops); start += batchSize {
		chunk := im.ops[start:min(start+batchSize, len(im.ops))]
		err := im.s.Store.WithTx(ctx, func(tx *store.Tx) error {
			var adds []*model.Contact
			var keys []string
			for _, o := range chunk {
				if o.old == nil {
					adds = append(adds, o.c)
					keys = append(keys, o.key)
				}
			}
			if len(adds) > 0 {
				if err := im.s.applier().CreateBatch(ctx, tx, adds, keys, model.EventImported, detail); err != nil {
					return err
				}
			}
			for _, o := range chunk {
				if o.old == nil {
					continue
				}
				if err := im.update(ctx, tx, o, detail); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	return nil
}

func (im *importer) update(ctx context.Context, tx *store.Tx, o *op, detail string) error {
	c := o.c
	c.ID, c.AccountID = o.old.ID, o.old.AccountID
	switch {
	case o.setMail:
		if err := tx.SetContactEmail(ctx, c, c.Email); err != nil {
			return err
		}
	case o.rekey:
		if err := tx.SetContactEmail(ctx, c, o.key); err != nil {
			return err
		}
	}
	if err := tx.UpdateContactFields(ctx, c); err != nil {
		return err
	}
	if len(o.change.Fields) > 0 {
		if err := tx.AddEvent(ctx, im.s.Account, &model.Event{ContactID: c.ID, Type: model.EventUpdated,
			Detail: detail + ": changed " + strings.Join(o.change.Fields, ", ")}); err != nil {
			return err
		}
	}
	if o.requeue {
		cur := *o.old
		cur.Email = c.Email
		return im.s.requeueTx(ctx, tx, &cur, detail+": nothing is missing any more")
	}
	return nil
}

// merge applies an import's values to an existing contact without
// erasing anything: an empty cell keeps what is there, custom fields are
// added or replaced one by one (their names compared folded, so "School"
// and "school" are one field). It returns the merged contact and the
// names of the fields that changed.
func merge(old, in *model.Contact) (*model.Contact, []string) {
	m := *old
	var changed []string
	set := func(name string, dst *string, v string) {
		if v != "" && v != *dst {
			*dst = v
			changed = append(changed, name)
		}
	}
	set("name", &m.Name, in.Name)
	set("company", &m.Company, in.Company)
	set("role", &m.Role, in.Role)
	set("connection", &m.Connection, in.Connection)
	set("referred_by", &m.ReferredBy, in.ReferredBy)
	set("timezone", &m.Timezone, in.Timezone)
	set("notes", &m.Notes, in.Notes)
	if len(in.Custom) > 0 {
		custom := make(map[string]string, len(old.Custom)+len(in.Custom))
		folded := map[string]string{}
		for k, v := range old.Custom {
			custom[k] = v
			folded[fold(k)] = k
		}
		for _, k := range sortedKeys(in.Custom) {
			v := in.Custom[k]
			if ok, exists := folded[fold(k)]; exists {
				k = ok
			}
			if custom[k] == v || k == CustomLinkedIn && LinkedInKey(v) != "" && LinkedInKey(v) == LinkedInKey(custom[k]) {
				continue // the same profile, however its URL is written
			}
			custom[k] = v
			changed = append(changed, k)
		}
		m.Custom = custom
	}
	return &m, changed
}
