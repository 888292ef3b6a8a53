package contacts

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// A field is what an import column feeds.
type field string

const (
	fName       field = "name"
	fFirst      field = "first_name"
	fMiddle     field = "middle_name"
	fLast       field = "last_name"
	fEmail      field = "email"
	fEmail2     field = "email2" // a further address, used when the first is empty
	fEmailType  field = "email_type"
	fEmailName  field = "email_display_name"
	fCompany    field = "company"
	fRole       field = "role"
	fConnection field = "connection"
	fReferredBy field = "referred_by"
	fTimezone   field = "timezone"
	fNotes      field = "notes"
	fLinkedIn   field = "linkedin"
	fIgnore     field = "ignore"
	fCustom     field = "" // kept as a custom field under its header name

	// Columns whose header only suggests the field ("Tertiary Email",
	// "Person Linkedin Url", "IP Timezone"): a value feeds it when it is
	// one (an address, a profile URL, a zone), else it stays custom.
	fEmailLoose    field = "email?"
	fLinkedInLoose field = "linkedin?"
	fTimezoneLoose field = "timezone?"
	// Google's "Custom Field 1 - Label" / "Custom Field 1 - Value": the
	// label names what the value is.
	fPairLabel field = "pair label"
	fPairValue field = "pair value"
)

// MapFields are the field names `--map column=field` accepts.
var MapFields = []string{"name", "first_name", "middle_name", "last_name", "email", "company", "role",
	"connection", "referred_by", "timezone", "notes", "linkedin", "custom", "ignore"}

func parseMapField(s string) (field, error) {
	k := fold(s)
	for _, f := range MapFields {
		if fold(f) == k {
			if f == "custom" {
				return fCustom, nil
			}
			return field(f), nil
		}
	}
	switch k {
	case "first", "firstname", "given":
		return fFirst, nil
	case "last", "lastname", "surname", "family":
		return fLast, nil
	case "title", "jobtitle", "position":
		return fRole, nil
	case "organization", "organisation":
		return fCompany, nil
	case "skip", "none":
		return fIgnore, nil
	}
	return "", fmt.Errorf("unknown field %q (want one of %s)", s, strings.Join(MapFields, ", "))
}

// foldT removes accents: "Prénom" and "Prenom" are the same header.
var foldT = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// fold is the form headers are compared in: lower case, no accents, and
// only letters and digits, so "E-mail Address", "email_address" and
// "EmailAddress" are one name, and "E-Mail 2: Adresse" is "email2adresse".
func fold(s string) string {
	if !isASCII(s) {
		s, _, _ = transform.String(foldT, s)
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	// ß folds to ss so "Straße" matches "Strasse".
	return strings.ReplaceAll(b.String(), "ß", "ss")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// synonyms maps folded header names to fields. It covers LinkedIn's,
// Google's and Outlook's exports (Outlook's in its main languages) and
// what people type into a spreadsheet. Ambiguous names are resolved
// against the whole header in resolve.
var synonyms = func() map[string]field {
	m := map[string]field{}
	add := func(f field, names ...string) {
		for _, n := range names {
			k := fold(n)
			if old, dup := m[k]; dup && old != f {
				panic("contacts: header synonym " + n + " maps to " + string(old) + " and " + string(f))
			}
			m[k] = f
		}
	}
	add(fName, "full name", "fullname", "contact", "contact name", "display name", "person",
		"nom complet", "vollständiger name", "nombre completo", "nome completo", "volledige naam", "imię i nazwisko",
		"Name (full)", "Formatted Name", "anzeigename", "contact full name", "name of contact", "naam",
		"nom et prénom", "nome e cognome", "navn", "namn", "nimi")
	add(fFirst, "first name", "first", "firstname", "given name", "given", "forename", "first names",
		"vorname", "prénom", "primer nombre", "voornaam", "förnamn", "fornavn", "imię", "Собствено име",
		"Имя", "nome próprio", "keresztnév", "etunimi", "jméno", "křestní jméno")
	add(fMiddle, "middle name", "middle", "additional name", "additional names", "middle names",
		"weitere vornamen", "zweiter vorname", "2. vorname", "deuxième prénom", "segundo nombre",
		"secondo nome", "segundo nome", "middelste naam", "tussenvoegsel", "mellannamn", "mellemnavn",
		"mellomnavn", "drugie imię")
	add(fLast, "last name", "last", "lastname", "surname", "family name", "family", "surnames",
		"nachname", "familienname", "nom de famille", "apellido", "apellidos", "cognome", "sobrenome",
		"achternaam", "efternamn", "efternavn", "etternavn", "nazwisko", "Фамилно име", "Фамилия",
		"vezetéknév", "sukunimi", "příjmení")
	add(fEmail, "email", "e-mail", "email address", "e-mail address", "mail", "email 1", "e-mail 1",
		"primäre e-mail-adresse", "primary email address", "e-mail address (primary)", "email (primary)",
		"e-mail adres", "emailadres", "e-posta", "e-posta adresi", "電子メール", "メールアドレス", "电子邮件",
		"邮箱", "이메일",
		"email1", "e-mail 1 - value", "email 1 value", "email address 1", "primary email", "primary e-mail",
		"work email", "business email", "email (work)", "e-mail-adresse", "e-mail adresse",
		"courriel", "adresse courriel", "adresse de courriel", "adresse de messagerie", "adresse e-mail",
		"adresse mail", "correo", "correo electrónico", "dirección de correo electrónico",
		"dirección de correo", "e-mailadres", "indirizzo email", "indirizzo e-mail",
		"indirizzo posta elettronica", "indirizzo di posta elettronica", "endereço de email",
		"endereço de e-mail", "e-postadress", "e-postadresse", "e-mail-adresse", "mailadresse",
		"adres e-mail", "adres email", "emailová adresa", "e-mailová adresa", "sähköpostiosoite",
		"Имейл адрес", "Адрес электронной почты")
	add(fEmail2, "email 2", "e-mail 2", "email2", "e-mail 2 - value", "email 2 value", "e-mail 2 address",
		"email 2 address", "e-mail 3 - value", "e-mail 3 address", "email 3", "e-mail 3",
		"secondary email", "other email", "personal email", "home email", "email (home)", "email (other)",
		"e-mail 2: adresse", "e-mail 3: adresse", "adresse de messagerie 2", "adresse de messagerie 3",
		"dirección de correo electrónico 2", "dirección de correo electrónico 3", "e-mailadres 2",
		"e-mailadres 3", "e-postadress 2", "e-postadress 3", "sekundäre e-mail-adresse", "alternate email",
		"alternate email 1", "alternate email 2", "alternate email 3", "alternative email", "alternative e-mail",
		"secondary email address", "other email address", "email address 2", "email address 3",
		"tertiary email", "work email 2", "personal email address", "private email", "privat e-mail",
		"e-mail privat", "e-mail geschäftlich", "correo electrónico 2", "indirizzo posta elettronica 2")
	add(fEmailType, "e-mail type", "email type", "e-mail-typ", "type de messagerie", "tipo de correo electrónico")
	add(fEmailName, "e-mail display name", "email display name", "e-mail: angezeigter name",
		"nom complet de l'adresse de messagerie", "nombre para mostrar del correo electrónico")
	add(fCompany, "company", "company name", "organization", "organisation", "organization name",
		"organisation name", "organization 1 - name", "org", "employer", "current company", "firm",
		"firma", "unternehmen", "société", "entreprise", "organisme", "empresa", "compañía",
		"organización", "azienda", "società", "bedrijf", "företag", "virksomhed", "Фирма", "Компания",
		"cég", "yritys", "společnost", "account name", "company name for emails", "associated company",
		"current employer", "employer name", "workplace", "arbeitgeber", "organisme employeur",
		"empresa actual", "azienda attuale", "werkgever", "şirket")
	add(fRole, "role", "job title", "jobtitle", "position", "job", "occupation", "designation",
		"organization title", "organisation title", "organization 1 - title", "current position",
		"current title", "job role", "function", "berufsbezeichnung", "funktion", "fonction", "poste",
		"intitulé du poste", "puesto", "cargo", "ruolo", "posizione", "qualifica", "functie",
		"befattning", "stilling", "stanowisko", "Длъжност", "Должность", "beosztás", "tehtävänimike",
		"pracovní funkce", "job position", "profession", "beruf", "arbeitstitel", "jobtitel",
		"stellenbezeichnung", "titre du poste", "intitulé de poste", "métier", "puesto de trabajo",
		"título del puesto", "professione", "functietitel", "unvan", "役職", "职位")
	add(fConnection, "connection", "how we met", "how i know them", "how we know each other", "context",
		"why", "why them", "met at", "relationship", "how i found them", "intro", "hook")
	add(fReferredBy, "referred by", "referred_by", "referrer", "referral", "introduced by", "referred",
		"empfohlen von", "recommandé par", "référé par", "referido por", "recomendado por", "segnalato da",
		"aanbevolen door")
	add(fTimezone, "timezone", "time zone", "tz", "zeitzone", "fuseau horaire", "zona horaria",
		"fuso orario", "tijdzone", "tidszon", "time zone (iana)", "huso horario")
	add(fNotes, "notes", "note", "comments", "comment", "remarks", "notizen", "notiz", "bemerkungen",
		"anmerkungen", "remarques", "commentaires", "notas", "nota", "observações", "anotações",
		"opmerkingen", "notities", "anteckningar", "notater", "notatki", "Бележки", "Заметки",
		"megjegyzések", "muistiinpanot", "poznámky", "description", "observaciones", "anotaciones",
		"commentaire", "kommentar", "kommentare", "notizen zum kontakt", "メモ", "备注")
	add(fLinkedIn, "linkedin", "linkedin url", "linkedin profile", "linkedin profile url", "profile url",
		"linkedin link", "linkedin page", "person linkedin url", "linkedin profile link", "linked in",
		"linkedin-profil", "profil linkedin", "perfil de linkedin")
	add(fIgnore, "rapport_status", "photo", "photo url", "picture", "file as", "initials", "sensitivity", "priority", "private",
		"phonetic first name", "phonetic middle name", "phonetic last name", "given yomi", "surname yomi",
		"company yomi", "yomi name", "given name yomi", "family name yomi", "additional name yomi",
		"organization 1 - yomi name", "e-mail 1 - type", "e-mail 2 - type", "e-mail 3 - type",
		"e-mail 1 - label", "e-mail 2 - label", "e-mail 3 - label", "e-mail 2 type", "e-mail 3 type",
		"e-mail 2 display name", "e-mail 3 display name", "e-mail 2: typ", "e-mail 3: typ",
		"e-mail 2: angezeigter name", "e-mail 3: angezeigter name", "vertraulichkeit", "priorität",
		"privat", "initialen", "critère de diffusion", "priorité", "initiales", "internet free busy",
		"internet-frei/gebucht", "disponibilité internet")
	return m
}()

// ambiguous header names, whose meaning depends on the other columns.
const (
	// "Title" is the job title in LinkedIn-like lists, but the courtesy
	// title ("Dr.") in Outlook, whose job title is "Job Title".
	ambTitle = "title"
	// "Name" is the full name, unless there is a first-name column and no
	// last-name one ("Vorname, Name"; French "Prénom, Nom").
	ambName = "name"
	ambNom  = "nom"
	// "Nombre"/"Nome" are the first name next to "Apellidos"/"Cognome",
	// else the full name.
	ambNombre = "nombre"
	ambNome   = "nome"
	// "URL" is the profile link in LinkedIn's export.
	ambURL = "url"
	// French Outlook's job title.
	ambTitre = "titre"
)

// column is one header cell and what it feeds.
type column struct {
	header string // as written in the file
	field  field
	key    string // for a custom field: its name, unique in the header
	// title: the job title comes from a column named only "Title", which
	// some exports use for "Dr."; such values stay custom.
	title bool
	label int // for fPairValue: the index of its label column, else -1
}

// maxColumns bounds a header row: Outlook's export, the widest, has 92.
const maxColumns = 1000

// resolve maps a header row to fields. overrides (by header as written,
// compared folded) come from --map and win over everything else.
func resolve(header []string, overrides map[string]field) ([]column, error) {
	cols := make([]column, len(header))
	has := map[field]bool{}
	for i, h := range header {
		h = cleanHeader(h)
		cols[i] = column{header: h, field: fCustom, label: -1}
		if f, ok := synonyms[fold(h)]; ok {
			cols[i].field = f
			has[f] = true
		}
	}
	// "Title" is the job title unless a column says so more clearly. When
	// there are two (French Outlook: "Titre", "Prénom", …, "Titre"), the
	// first is the courtesy title before the name and the last the job.
	var titles []int
	for i := range cols {
		if k := fold(cols[i].header); cols[i].field == fCustom && (k == ambTitle || k == ambTitre) {
			titles = append(titles, i)
		}
	}
	if len(titles) > 0 && !has[fRole] {
		i := titles[len(titles)-1]
		cols[i].field, cols[i].title, has[fRole] = fRole, true, true
	}
	for i := range cols {
		if cols[i].field != fCustom {
			continue
		}
		switch fold(cols[i].header) {
		case ambName, ambNom:
			if has[fFirst] && !has[fLast] {
				cols[i].field, has[fLast] = fLast, true
			} else if !has[fName] {
				cols[i].field, has[fName] = fName, true
			}
		case ambNombre, ambNome:
			if has[fLast] && !has[fFirst] {
				cols[i].field, has[fFirst] = fFirst, true
			} else if !has[fName] {
				cols[i].field, has[fName] = fName, true
			}
		case ambURL:
			if !has[fLinkedIn] {
				cols[i].field, has[fLinkedIn] = fLinkedIn, true
			}
		}
	}
	pairs(cols)
	for i := range cols {
		if cols[i].field == fCustom {
			cols[i].field = guess(fold(cols[i].header))
		}
	}
	if len(header) > maxColumns {
		return nil, fmt.Errorf("the header row has %d columns (at most %d)", len(header), maxColumns)
	}
	defer func() {
		// Custom fields are named by header; repeated names get " (2)", " (3)"…
		seen := map[string]bool{}
		for i := range cols {
			k := cols[i].header
			if k == "" {
				k = fmt.Sprintf("column %d", i+1)
			}
			for n := 2; seen[k]; n++ {
				k = fmt.Sprintf("%s (%d)", cols[i].header, n)
			}
			seen[k] = true
			cols[i].key = k
		}
	}()
	if len(overrides) > 0 {
		used := map[string]bool{}
		for i := range cols {
			if f, ok := overrides[fold(cols[i].header)]; ok {
				cols[i].field = f
				used[fold(cols[i].header)] = true
			}
		}
		var unknown []string
		for k := range overrides {
			if !used[k] {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			return nil, fmt.Errorf("--map names a column the file does not have (%s); the columns are %s",
				strings.Join(unknown, ", "), quoteList(header))
		}
	}
	return cols, nil
}

var pairHeader = regexp.MustCompile(`^customfield(\d+)(label|value)$`)

// pairs links Google's "Custom Field N - Value" columns to their "Custom
// Field N - Label" columns.
func pairs(cols []column) {
	labels := map[string]int{}
	for i, c := range cols {
		if m := pairHeader.FindStringSubmatch(fold(c.header)); m != nil && m[2] == "label" && c.field == fCustom {
			labels[m[1]] = i
		}
	}
	for i, c := range cols {
		if m := pairHeader.FindStringSubmatch(fold(c.header)); m != nil && m[2] == "value" && c.field == fCustom {
			if l, ok := labels[m[1]]; ok {
				cols[i].field, cols[i].label = fPairValue, l
				cols[l].field = fPairLabel
			}
		}
	}
}

// guess maps a header no synonym names by the words in it, for the
// fields a wrong guess cannot hurt (see fEmailLoose): "Tertiary Email",
// "Home E-mail (2)", "Person Linkedin Url", "Contact time zone". Headers
// about an address rather than holding one ("Email Status", "Email Opt
// Out", "E-mail 2 - Type") and company pages stay custom.
func guess(k string) field {
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(k, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("linkedin"):
		if has("company", "organization", "organisation", "employer", "account", "firma", "entreprise",
			"empresa", "bio", "headline", "summary", "connections", "followers") || strings.HasSuffix(k, "id") {
			return fCustom
		}
		return fLinkedInLoose
	case has("email", "courriel", "correo", "postaelettronica", "sahkoposti", "epost", "mailadres") ||
		strings.HasPrefix(k, "mail") && !strings.HasPrefix(k, "mailing"):
		if has("type", "typ", "label", "display", "angezeigt", "mostrar", "nomcomplet", "status", "source",
			"confidence", "verif", "optout", "optin", "optedout", "domain", "bounce", "sent", "open", "click", "subscri", "format",
			"catchall", "last", "date", "count", "consent", "permission", "campaign", "template", "owner") {
			return fCustom
		}
		return fEmailLoose
	case has("timezone", "zeitzone", "fuseauhoraire", "zonahoraria", "husohorario"):
		return fTimezoneLoose
	}
	return fCustom
}

// cleanHeader trims a header cell: spaces, a stray byte order mark, and
// the quotes some tools leave around names.
func cleanHeader(h string) string {
	h = strings.TrimPrefix(h, "\uFEFF")
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(h), `"'`))
}

// usable reports whether a header row can be imported: it names a person
// (a name or first/last column) or an address (by a name rapport knows,
// not one it guesses).
func usable(cols []column) bool {
	for _, c := range cols {
		switch c.field {
		case fName, fFirst, fLast, fEmail, fEmail2:
			return true
		}
	}
	return false
}

// quoteList writes header cells as the user sees them, for messages.
func quoteList(cells []string) string {
	const max = 12
	var q []string
	for i, c := range cells {
		if i == max {
			q = append(q, fmt.Sprintf("… %d more", len(cells)-max))
			break
		}
		q = append(q, fmt.Sprintf("%q", cleanHeader(c)))
	}
	if len(q) == 0 {
		return "none"
	}
	return strings.Join(q, ", ")
}
