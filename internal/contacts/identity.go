package contacts

import (
	"net/url"
	"strings"

	"rapport/internal/model"
)

// A contact is the same person across imports by their address; without
// one (most LinkedIn connections hide theirs), by their LinkedIn profile;
// without that, by name and company. The key of a contact without an
// address is stored in its place; keys never contain "@".

// CustomLinkedIn is the custom field that holds a LinkedIn profile URL.
const CustomLinkedIn = "linkedin"

// LinkedInKey returns the identity of a LinkedIn profile URL
// ("linkedin.com/in/jordan-lee"), or "" if s is not one. Scheme, "www.",
// country subdomains, query, fragment, trailing slash and case do not
// matter.
func LinkedInKey(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || !strings.Contains(strings.ToLower(s), "linkedin.") {
		return ""
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if host != "linkedin.com" && !strings.HasSuffix(host, ".linkedin.com") {
		return ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 || (parts[0] != "in" && parts[0] != "pub") || parts[1] == "" {
		return ""
	}
	slug := strings.ToLower(parts[1])
	if parts[0] == "pub" {
		slug = strings.ToLower(strings.Join(parts[1:], "/"))
	}
	if strings.ContainsAny(slug, "@ \t\r\n") {
		return ""
	}
	return "linkedin.com/" + parts[0] + "/" + slug
}

// NameKey is the identity of a person known only by name (and company).
func NameKey(name, company string) string {
	n := strings.Join(strings.Fields(strings.ToLower(name)), " ")
	if n == "" {
		return ""
	}
	k := "name:" + n
	if co := strings.Join(strings.Fields(strings.ToLower(company)), " "); co != "" {
		k += " | " + co
	}
	return strings.ReplaceAll(k, "@", "(at)")
}

// IdentityKey is what identifies c when it has no address: its LinkedIn
// profile, else its name and company.
func IdentityKey(c *model.Contact) string {
	if k := LinkedInKey(linkedInOf(c)); k != "" {
		return k
	}
	return NameKey(c.Name, c.Company)
}

// linkedInOf finds a contact's LinkedIn profile: the linkedin field, else
// any custom field holding a profile URL (a "Website" column, say).
func linkedInOf(c *model.Contact) string {
	if v := c.Custom[CustomLinkedIn]; v != "" {
		return v
	}
	for _, k := range sortedKeys(c.Custom) {
		if LinkedInKey(c.Custom[k]) != "" {
			return c.Custom[k]
		}
	}
	return ""
}

// Handle is how a person refers to a contact on the command line: the
// address, else the LinkedIn profile, else the name.
func Handle(c *model.Contact) string {
	if c.Email != "" {
		return c.Email
	}
	if k := LinkedInKey(linkedInOf(c)); k != "" {
		return k
	}
	return c.Name
}
