package when

import "time"

// monthWord is a month name; short forms and words that are also ordinary
// words ("may", "mar", "sept") count only next to a day number or a year,
// or after a word that introduces a month ("in May").
type monthWord struct {
	m     time.Month
	alone bool // may stand alone ("March", "Dezember")
}

var months = map[string]monthWord{}

func init() {
	full := map[time.Month][]string{
		1:  {"january", "januar", "jänner", "janvier", "enero", "januari", "gennaio", "janeiro", "stycznia", "styczeń"},
		2:  {"february", "februar", "février", "fevrier", "febrero", "februari", "febbraio", "fevereiro", "lutego", "luty"},
		3:  {"march", "märz", "maerz", "mars", "marzo", "maart", "março", "marco", "marca", "marzec"},
		4:  {"april", "avril", "abril", "aprile", "kwietnia", "kwiecień"},
		5:  {"may", "mai", "mayo", "mei", "maggio", "maio", "maj", "maja"},
		6:  {"june", "juni", "juin", "junio", "giugno", "junho", "czerwca", "czerwiec"},
		7:  {"july", "juli", "juillet", "julio", "luglio", "julho", "lipca", "lipiec"},
		8:  {"august", "août", "aout", "agosto", "augustus", "augusti", "sierpnia", "sierpień"},
		9:  {"september", "septembre", "septiembre", "setiembre", "settembre", "setembro", "września", "wrzesień"},
		10: {"october", "oktober", "octobre", "octubre", "ottobre", "outubro", "października", "październik"},
		11: {"november", "novembre", "noviembre", "novembro", "listopada", "listopad"},
		12: {"december", "dezember", "décembre", "decembre", "diciembre", "dicembre", "dezembro", "grudnia", "grudzień"},
	}
	short := map[time.Month][]string{
		1:  {"jan", "janv", "ene", "gen"},
		2:  {"feb", "febr", "fév", "fev", "févr", "fevr"},
		3:  {"mar", "mär", "mrz", "mrt"},
		4:  {"apr", "avr", "abr"},
		6:  {"jun"},
		7:  {"jul", "juil", "lug"},
		8:  {"aug", "aoû", "ago"},
		9:  {"sep", "sept", "set"},
		10: {"oct", "okt", "out", "ott"},
		11: {"nov"},
		12: {"dec", "dez", "déc", "dic"},
	}
	for m, ws := range full {
		for _, w := range ws {
			months[w] = monthWord{m: m, alone: true}
		}
	}
	// Words that are months only beside a number or after "in".
	for _, w := range []string{"may", "mai", "mars", "marco", "march", "august", "juni", "juli", "maj", "maja", "marca", "luty"} {
		mw := months[w]
		mw.alone = w == "march" || w == "august" || w == "juni" || w == "juli"
		months[w] = mw
	}
	for m, ws := range short {
		for _, w := range ws {
			months[w] = monthWord{m: m}
		}
	}
}

// weekdayWord is a weekday name; abbreviations count only where a date
// is plainly meant (see dayAtom).
type weekdayWord struct {
	wd   time.Weekday
	abbr bool
}

var weekdays = map[string]weekdayWord{}

func init() {
	full := map[time.Weekday][]string{
		0: {"sunday", "sonntag", "dimanche", "domingo", "zondag", "domenica", "söndag", "niedziela", "niedzielę"},
		1: {"monday", "montag", "lundi", "lunes", "maandag", "lunedì", "lunedi", "segunda", "måndag", "poniedziałek"},
		2: {"tuesday", "dienstag", "mardi", "martes", "dinsdag", "martedì", "martedi", "terça", "terca", "tisdag", "wtorek"},
		3: {"wednesday", "mittwoch", "mercredi", "miércoles", "miercoles", "woensdag", "mercoledì", "mercoledi", "quarta", "onsdag", "środa", "środę"},
		4: {"thursday", "donnerstag", "jeudi", "jueves", "donderdag", "giovedì", "giovedi", "quinta", "torsdag", "czwartek"},
		5: {"friday", "freitag", "vendredi", "viernes", "vrijdag", "venerdì", "venerdi", "sexta", "fredag", "piątek"},
		6: {"saturday", "samstag", "sonnabend", "samedi", "sábado", "sabado", "zaterdag", "sabato", "lördag", "sobota", "sobotę"},
	}
	abbr := map[time.Weekday][]string{
		0: {"sun"},
		1: {"mon"},
		2: {"tue", "tues"},
		3: {"wed", "weds"},
		4: {"thu", "thur", "thurs"},
		5: {"fri"},
		6: {"sat"},
	}
	for wd, ws := range full {
		for _, w := range ws {
			weekdays[w] = weekdayWord{wd: wd}
		}
	}
	for wd, ws := range abbr {
		for _, w := range ws {
			weekdays[w] = weekdayWord{wd: wd, abbr: true}
		}
	}
}

// numberWords are small numbers written out.
var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	"couple": 2, "few": 3, "several": 3,
	"ein": 1, "eine": 1, "einer": 1, "einem": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "paar": 2,
	"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six_": 6, "quelques": 3,
	"uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "unos": 3, "unas": 3,
	"een": 1, "één": 1, "twee": 2, "drie": 3, "paar_": 2,
	"um": 1, "uma": 1, "duas": 2, "três": 3,
	"due": 2, "tre": 3,
}

// unitWords are calendar units, normalised to d, w, m, y.
var unitWords = map[string]byte{
	"day": 'd', "days": 'd', "tag": 'd', "tage": 'd', "tagen": 'd', "jour": 'd', "jours": 'd', "día": 'd', "días": 'd', "dia": 'd', "dias": 'd', "dag": 'd', "dagen": 'd', "giorni": 'd', "giorno": 'd',
	"week": 'w', "weeks": 'w', "wk": 'w', "wks": 'w', "woche": 'w', "wochen": 'w', "semaine": 'w', "semaines": 'w', "semana": 'w', "semanas": 'w', "weken": 'w', "settimana": 'w', "settimane": 'w',
	"month": 'm', "months": 'm', "monat": 'm', "monate": 'm', "monaten": 'm', "mois": 'm', "mes": 'm', "meses": 'm', "maand": 'm', "maanden": 'm', "mese": 'm', "mesi": 'm',
	"year": 'y', "years": 'y', "jahr": 'y', "jahre": 'y', "jahren": 'y', "an": 'y', "ans": 'y', "année": 'y', "années": 'y', "año": 'y', "años": 'y', "jaar": 'y', "jaren": 'y', "ano": 'y', "anos": 'y', "anno": 'y', "anni": 'y',
	"quarter": 'q', "quartal": 'q', "trimestre": 'q', "kwartaal": 'q',
}

// relDays are words for a day relative to the writing day.
var relDays = map[string]int{
	"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "tmw": 1, "yesterday": -1,
	"heute": 0, "übermorgen": 2, "gestern": -1,
	"aujourd'hui": 0, "demain": 1, "après-demain": 2,
	"hoy": 0, "ayer": -1,
	"vandaag": 0, "overmorgen": 2, "gisteren": -1,
	"hoje": 0, "amanhã": 1, "amanha": 1, "ontem": -1,
	"oggi": 0, "domani": 1, "dopodomani": 2,
}

// partOfDay words set a morning or afternoon reading of a bare hour.
var partOfDay = map[string]string{
	"morning": "am", "afternoon": "pm", "evening": "pm", "tonight": "pm", "night": "pm",
	"morgens": "am", "vormittags": "am", "vormittag": "am", "nachmittags": "pm", "nachmittag": "pm", "abends": "pm", "abend": "pm",
	"matin": "am", "après-midi": "pm", "soir": "pm",
	"mañana": "am", "tarde": "pm", "noche": "pm",
	"ochtend": "am", "middag": "pm", "avond": "pm", "'s ochtends": "am", "'s middags": "pm",
	"manhã": "am",
}

// nextWords mark "the one after this" before a weekday or a unit.
var nextWords = map[string]bool{
	"next": true, "nächsten": true, "nächste": true, "nächster": true, "nächstes": true, "nächstem": true, "naechsten": true, "naechste": true, "kommenden": true, "kommende": true,
	"prochain": true, "prochaine": true, "próximo": true, "próxima": true, "proximo": true, "proxima": true,
	"volgende": true, "volgend": true, "komende": true, "prossimo": true, "prossima": true,
}

// thisWords mark the coming one.
var thisWords = map[string]bool{
	"this": true, "coming": true, "diesen": true, "diese": true, "dieser": true, "dieses": true, "ce": true, "cette": true, "este": true, "esta": true, "deze": true, "dit": true, "questo": true, "questa": true,
}
