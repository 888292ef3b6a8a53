package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// ErrLocked is returned by LockInstance when another rapport holds the
// account on this database.
var ErrLocked = errors.New("another rapport is already running for this account on this database")

// Instance is a held instance lock; Release gives it up.
type Instance struct {
	release func() error
}

// Release gives the lock up (it also goes when the process ends).
func (i *Instance) Release() error {
	if i == nil || i.release == nil {
		return nil
	}
	err := i.release()
	i.release = nil
	return err
}

// LockInstance makes sure one daemon at a time runs for the account on
// this database: an advisory lock on PostgreSQL (held by a connection of
// its own), an exclusive flock on a file beside the database on SQLite.
// Either goes when the process dies, so a crash never leaves it behind.
func (s *Store) LockInstance(ctx context.Context, accountID int64) (*Instance, error) {
	if s.dialect == Postgres {
		return s.lockPostgres(ctx, accountID)
	}
	return s.lockFile()
}

func (s *Store) lockPostgres(ctx context.Context, accountID int64) (*Instance, error) {
	h := fnv.New64a()
	fmt.Fprintf(h, "rapport-instance:%d", accountID)
	key := int64(h.Sum64() & 0x7fffffffffffffff)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("instance lock: %w", err)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
		conn.Close()
		return nil, fmt.Errorf("instance lock: %w", err)
	}
	if !ok {
		conn.Close()
		return nil, ErrLocked
	}
	return &Instance{release: func() error {
		_, err := conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", key)
		return errors.Join(err, conn.Close())
	}}, nil
}

func (s *Store) lockFile() (*Instance, error) {
	path := s.path
	if path == "" || path == ":memory:" {
		return &Instance{}, nil // a private database: nobody else can open it
	}
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("instance lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path + ".lock")
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			if pid := strings.TrimSpace(string(holder)); pid != "" {
				return nil, fmt.Errorf("%w (pid %s)", ErrLocked, pid)
			}
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("instance lock: %w", err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &Instance{release: func() error {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return f.Close()
	}}, nil
}

// Path is the SQLite database file ("" for PostgreSQL).
func (s *Store) Path() string { return s.path }
