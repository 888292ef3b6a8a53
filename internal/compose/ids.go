package compose

import (
	"strings"
	"time"
)

// InstanceHeader carries rapport's instance on its mail to the owner.
const InstanceHeader = "X-Rapport-Instance"

// NewMessageID makes a Message-ID for mail this rapport writes, on the
// owner's domain and marked with the instance: "rp.<instance>.<UTC
// time>.<random>@domain". The mark lets rapport tell its own mail (in
// Sent, in INBOX) from the owner's, and another instance's from its own.
func (me Me) NewMessageID(t time.Time) string {
	if !isInstance(me.Instance) {
		return NewMessageIDAt(DomainOf(me.Email), t)
	}
	return "rp." + me.Instance + "." + t.UTC().Format("20060102T150405") + "." + randomHex()[:16] + "@" + idDomain(DomainOf(me.Email))
}

// InstanceOf returns the instance a rapport Message-ID names, or "" for any
// other Message-ID (including rapport's older ones without an instance).
func InstanceOf(messageID string) string {
	id := strings.Trim(strings.TrimSpace(messageID), "<>")
	rest, ok := strings.CutPrefix(id, "rp.")
	if !ok {
		return ""
	}
	inst, _, ok := strings.Cut(rest, ".")
	if !ok || !isInstance(inst) {
		return ""
	}
	return inst
}

// NewInstance makes an instance name: 8 lowercase hex digits.
func NewInstance() string { return randomHex()[:8] }

func isInstance(s string) bool {
	if len(s) != 8 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}
