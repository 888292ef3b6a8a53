// Package storetest opens fresh stores for tests, on SQLite and on
// PostgreSQL, so every store-backed test runs against both dialects.
//
// PostgreSQL is found through $RAPPORT_TEST_POSTGRES (a URL to a database
// the test may create databases from), defaulting to the local server on
// 127.0.0.1:5432. When it cannot be reached the PostgreSQL half is skipped,
// except under CI=true or RAPPORT_TEST_POSTGRES_REQUIRED=1, where it fails.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"rapport/internal/clock"
	"rapport/internal/store"
)

// DefaultPostgres is used when $RAPPORT_TEST_POSTGRES is unset.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Dialects are the names Each runs under.
var Dialects = []string{"sqlite", "postgres"}

// Each runs fn as a subtest once per dialect, each with a fresh store.
func Each(t *testing.T, clk clock.Clock, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d, clk))
		})
	}
}

// Open returns a fresh, migrated store of the dialect, closed (and for
// PostgreSQL dropped) when the test ends.
func Open(t testing.TB, dialect string, clk clock.Clock) *store.Store {
	t.Helper()
	u := URL(t, dialect)
	s, err := store.Open(context.Background(), u, clk)
	if err != nil {
		t.Fatalf("open %s store: %v", dialect, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// URL returns the URL of a fresh, empty database of the dialect.
func URL(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case "sqlite":
		return "sqlite://" + filepath.Join(t.TempDir(), "rapport.db")
	case "postgres":
		return freshPostgres(t)
	}
	t.Fatalf("unknown dialect %q", dialect)
	return ""
}

func required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("RAPPORT_TEST_POSTGRES_REQUIRED") == "1"
}

func freshPostgres(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("RAPPORT_TEST_POSTGRES")
	if admin == "" {
		admin = DefaultPostgres
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := sqlx.Open("postgres", admin)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		if required() {
			t.Fatalf("PostgreSQL at $RAPPORT_TEST_POSTGRES is required here and unreachable: %v", err)
		}
		t.Skipf("PostgreSQL unreachable (%v); set RAPPORT_TEST_POSTGRES to run this half", err)
	}
	defer db.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "rapport_test_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sqlx.Open("postgres", admin)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	p, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse RAPPORT_TEST_POSTGRES: %v", err)
	}
	p.Path = "/" + name
	return p.String()
}

// Must fails the test on err.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
