package app

import (
	"context"
	"log/slog"

	"rapport/internal/config"
	"rapport/internal/doctor"
)

// CheckMail runs the checks of App.Check on a config alone, without opening
// the database: `rapport init` uses it before any state exists.
func CheckMail(ctx context.Context, cfg *config.Config, log *slog.Logger) ([]string, error) {
	a := &App{Config: cfg, Log: log}
	return doctor.Check(ctx, cfg, a, log)
}

// Check verifies the sign-in, the IMAP login and folders, and the SMTP
// login (doctor.Check).
func (a *App) Check(ctx context.Context) ([]string, error) {
	return doctor.Check(ctx, a.Config, a, a.Log)
}
