package app_test

import (
	"net"
	"strconv"
	"testing"

	"rapport/internal/config"
	"rapport/internal/mailstack"
)

// stackConfig is a configuration for the owner's mailbox on the real mail
// stack, built in code: STARTTLS on both protocols with the stack's CA, the
// SQLite file db, and an outreach policy open every day and all day so a
// test does not depend on when it runs. tweak adjusts it before it is
// validated.
func stackConfig(t testing.TB, st *mailstack.Stack, owner mailstack.User, db string, tweak func(*config.Config)) *config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Me = config.Me{Name: "Alex Doe", Email: owner.Address, Timezone: "UTC",
		Intro: "I just finished a programming certificate", Interest: "the IT industry",
		Availability: []string{"tue 13:00-16:00", "fri 09:00-17:00"}}
	cfg.IMAP = config.Server{Host: st.Host, Port: stackPort(t, st.IMAPAddr), Security: "starttls",
		Username: owner.Address, Password: config.Secret(owner.Password), CAFile: st.CAFile}
	cfg.SMTP = config.Server{Host: st.Host, Port: stackPort(t, st.SMTPAddr), Security: "starttls",
		Username: owner.Address, Password: config.Secret(owner.Password), CAFile: st.CAFile}
	cfg.Database = "sqlite://" + db
	cfg.Outreach.Days = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	cfg.Outreach.Window = "00:00-24:00"
	cfg.Outreach.Spacing = "0s"
	cfg.Outreach.DailyLimit = 1000
	if tweak != nil {
		tweak(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config built in code: %v", err)
	}
	return &cfg
}

// stackPort is the port of a host:port address.
func stackPort(t testing.TB, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	return n
}
