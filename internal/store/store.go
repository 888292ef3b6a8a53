// Package store keeps rapport's state in SQLite (the default, pure Go) or
// PostgreSQL, through sqlx. Migrations are embedded, numbered per dialect
// and applied at start-up, one transaction each. All SQL lives in
// queries.sql and is loaded into a struct at open, so a missing query fails
// at boot rather than at first use.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
	_ "modernc.org/sqlite"

	"rapport/internal/clock"
)

//go:embed migrations
var migrationsFS embed.FS

//go:embed queries.sql
var queriesSQL string

// Dialect names the database flavour.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the database. Its methods run outside a transaction; WithTx
// gives a Tx with the same methods.
type Store struct {
	db      *sqlx.DB
	dialect Dialect
	path    string // the SQLite file
	q       *queries
	clock   clock.Clock
	ops

	// queries counts statements run (status, benchmarks of idle cost).
	queries *atomic.Int64
	hookMu  sync.Mutex
	hooks   []func()
}

// Tx is a transaction with the same operations as Store.
type Tx struct {
	tx  *sqlx.Tx
	seq uint64
	ops
}

var txSeq atomic.Uint64

// Seq identifies the transaction among all this process has begun.
func (t *Tx) Seq() uint64 { return t.seq }

// ops carries the operations shared by Store and Tx over either handle.
type ops struct {
	x     sqlx.ExtContext
	q     *queries
	clock clock.Clock
	d     Dialect
}

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// Open connects to the database named by a URL (sqlite://PATH,
// sqlite::memory:, postgres://…), applies pending migrations and loads the
// queries.
func Open(ctx context.Context, dbURL string, clk clock.Clock) (*Store, error) {
	if clk == nil {
		clk = clock.Real{}
	}
	var (
		db  *sqlx.DB
		d   Dialect
		err error
	)
	switch {
	case strings.HasPrefix(dbURL, "sqlite://"), strings.HasPrefix(dbURL, "sqlite:"):
		d = SQLite
		path := strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite://"), "sqlite:")
		if path == "" {
			return nil, fmt.Errorf("open database: sqlite URL has no path")
		}
		if path != ":memory:" {
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return nil, fmt.Errorf("open database: %w", err)
			}
		}
		// WAL for concurrent readers, FULL sync so a committed send row
		// survives power loss, a busy timeout so the CLI and daemon can
		// share the file, foreign keys on.
		dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_txlock=immediate"
		db, err = sqlx.Open("sqlite", dsn)
		if err == nil && path == ":memory:" {
			db.SetMaxOpenConns(1)
		}
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		d = Postgres
		db, err = sqlx.Open("postgres", dbURL)
	default:
		return nil, fmt.Errorf("open database: unsupported URL %q (want sqlite://PATH or postgres://…)", redact(dbURL))
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database %s: %w", redact(dbURL), err)
	}
	s := &Store{db: db, dialect: d, clock: clk}
	if d == SQLite {
		s.path = strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite://"), "sqlite:")
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	q, err := loadQueries(db, queriesSQL)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.q = q
	s.queries = new(atomic.Int64)
	s.ops = ops{x: counting{db, s.queries}, q: q, clock: clk, d: d}
	return s, nil
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.User == nil {
		return u
	}
	if _, ok := p.User.Password(); ok {
		p.User = url.UserPassword(p.User.Username(), "xxxxx")
	}
	return p.String()
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Dialect reports which database this is.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the handle for tests and tools.
func (s *Store) DB() *sqlx.DB { return s.db }

// Clock is the store's clock (used to stamp rows).
func (s *Store) Clock() clock.Clock { return s.clock }

// WithTx runs fn in a transaction, committing if it returns nil. On SQLite
// transactions take the write lock at BEGIN (IMMEDIATE), so a claim is
// never lost to a concurrent writer.
func (s *Store) WithTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	s.queries.Add(1)
	t := &Tx{tx: tx, seq: txSeq.Add(1), ops: ops{x: counting{tx, s.queries}, q: s.q, clock: s.clock, d: s.dialect}}
	if err := fn(t); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.hookMu.Lock()
	hooks := s.hooks
	s.hookMu.Unlock()
	for _, h := range hooks {
		h()
	}
	return nil
}

// AfterCommit registers fn to run after every committed transaction: the
// scheduler's kick (a reply recorded, a command applied, an import may
// have changed what is due). fn must not block.
func (s *Store) AfterCommit(fn func()) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.hooks = append(s.hooks, fn)
}

// Queries is how many statements (and transactions) this Store has run.
func (s *Store) Queries() int64 { return s.queries.Load() }

// counting is an sqlx handle that counts what it runs.
type counting struct {
	sqlx.ExtContext
	n *atomic.Int64
}

func (c counting) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.ExtContext.QueryContext(ctx, q, args...)
}

func (c counting) QueryxContext(ctx context.Context, q string, args ...any) (*sqlx.Rows, error) {
	c.n.Add(1)
	return c.ExtContext.QueryxContext(ctx, q, args...)
}

func (c counting) QueryRowxContext(ctx context.Context, q string, args ...any) *sqlx.Row {
	c.n.Add(1)
	return c.ExtContext.QueryRowxContext(ctx, q, args...)
}

func (c counting) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	c.n.Add(1)
	return c.ExtContext.ExecContext(ctx, q, args...)
}

// in expands a query written with "IN (?)" for a slice argument and binds
// it for the dialect.
func (o *ops) in(query string, args ...any) (string, []any, error) {
	q, a, err := sqlx.In(query, args...)
	if err != nil {
		return "", nil, err
	}
	bind := sqlx.QUESTION
	if o.d == Postgres {
		bind = sqlx.DOLLAR
	}
	return sqlx.Rebind(bind, q), a, nil
}

// now is the clock's time in Unix milliseconds.
func (o *ops) now() int64 { return o.clock.Now().UnixMilli() }

// --- migrations

type migration struct {
	version int
	name    string
	sql     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := "migrations/" + string(s.dialect)
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %s: name must be NNNN_what.sql", name)
		}
		b, err := fs.ReadFile(migrationsFS, dir+"/"+name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, name, string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// Version reports the applied schema version and the latest known.
func (s *Store) Version(ctx context.Context) (applied, latest int, err error) {
	ms, err := s.migrations()
	if err != nil {
		return 0, 0, err
	}
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	err = s.db.GetContext(ctx, &applied, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`)
	return applied, latest, err
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	ms, err := s.migrations()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := s.applyMigration(ctx, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m migration) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.dialect == Postgres {
		// Serialise concurrent starts against one PostgreSQL database.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7301)`); err != nil {
			return err
		}
	}
	var n int
	if err := tx.GetContext(ctx, &n, s.db.Rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.version); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	for _, stmt := range splitSQL(m.sql) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%w\n%s", err, stmt)
		}
	}
	if _, err := tx.ExecContext(ctx, s.db.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), m.version, m.name, time.Now().UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}

// splitSQL splits a migration into statements on semicolons at line ends,
// dropping comment-only lines.
func splitSQL(s string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}

// --- queries

// loadQueries reads "-- name: x" blocks into the queries struct, by the
// struct's `query` tags, rebinding placeholders for the dialect. A block
// the struct asks for and the file lacks (or the reverse) is an error.
func loadQueries(db *sqlx.DB, src string) (*queries, error) {
	blocks := map[string]string{}
	var name string
	var cur strings.Builder
	flush := func() {
		if name != "" {
			blocks[name] = strings.TrimSpace(cur.String())
		}
		cur.Reset()
	}
	for _, line := range strings.Split(src, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			flush()
			name = strings.TrimSpace(n)
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	flush()
	q := &queries{}
	v := reflect.ValueOf(q).Elem()
	used := map[string]bool{}
	for i := 0; i < v.NumField(); i++ {
		tag := v.Type().Field(i).Tag.Get("query")
		sqlText, ok := blocks[tag]
		if !ok || sqlText == "" {
			return nil, fmt.Errorf("load queries: queries.sql has no %q", tag)
		}
		used[tag] = true
		if v.Type().Field(i).Tag.Get("in") != "" {
			// Expanded by sqlx.In at run time, then rebound (rebind).
			v.Field(i).SetString(sqlText)
			continue
		}
		v.Field(i).SetString(db.Rebind(sqlText))
	}
	for n := range blocks {
		if !used[n] {
			return nil, fmt.Errorf("load queries: %q in queries.sql is not used", n)
		}
	}
	return q, nil
}

// --- shared helpers

// ms converts a time to nullable Unix milliseconds.
func ms(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// tm converts nullable Unix milliseconds back to a UTC time.
func tm(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMilli(n.Int64).UTC()
}

func tmi(n int64) time.Time { return time.UnixMilli(n).UTC() }

// insertID runs an INSERT … RETURNING id.
func (o *ops) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, o.x, &id, query, args...)
	return id, err
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
