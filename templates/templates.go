// Package templates holds rapport's default mail templates, embedded so any
// package can reach them without knowing where the binary was installed.
//
// Layout: one file per part and mail kind, named KIND.PART.tmpl, where KIND
// is one of outreach, followup, thankyou, keepintouch, notification, digest,
// prep, and PART is
//
//	subject  the Subject line (text/template; newlines are folded away)
//	txt      the plain-text body (text/template), always present
//	html     an optional HTML alternative (html/template)
//
// A user's override directory (config key `templates`) uses the same names and
// replaces the default file by file. internal/compose loads, checks and renders
// them; the data model the templates see is compose.Data.
//
// Mail to contacts (outreach, followup, thankyou, keepintouch) is plain text
// only by default: personal mail has no HTML. Mail to the owner (notification,
// digest) also has an HTML part.
package templates

import "embed"

// FS holds the default templates at its root.
//
//go:embed *.tmpl
var FS embed.FS
